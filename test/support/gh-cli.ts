/**
 * GitHub's own CLI (`gh`, Debian's package) against the fake GitHub in GitHub Enterprise Server mode:
 * HTTPS on 127.0.0.1 with a certificate made here, `/api/v3` and `/api/graphql`, a temporary HOME and
 * a config of its own, no prompts, no update check. What `gh` sends is what the fake must answer as
 * GitHub does.
 */
import * as assert from "assert";
import { execFile, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FakeGitHub } from "../../tools/fakes/github/server";

export interface GhResult {
    code: number;
    stdout: string;
    stderr: string;
}

export interface GhCli {
    gh: FakeGitHub;
    env: NodeJS.ProcessEnv;
    /** The repository `gh` acts on (GH_REPO), as `host/owner/name`. */
    repo: string;
    run(...args: string[]): Promise<GhResult>;
    /** As run, and asserts exit 0; the trimmed standard output. */
    ok(...args: string[]): Promise<string>;
    close(): Promise<void>;
}

export async function startGhCli(owner: string, name: string, token = "gh-cli-token", login = "alice"): Promise<GhCli> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gh-cli-"));
    const made = spawnSync(
        "openssl",
        [
            ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"],
            ...["-addext", "subjectAltName=IP:127.0.0.1"],
            ...["-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")],
        ],
        { encoding: "utf8" },
    );
    assert.strictEqual(made.status, 0, made.stderr);
    const gh = await new FakeGitHub().start(0, {
        key: fs.readFileSync(path.join(dir, "key.pem"), "utf8"),
        cert: fs.readFileSync(path.join(dir, "cert.pem"), "utf8"),
    });
    gh.addToken(token, login);
    gh.addOrg(owner);
    gh.repo(owner, name);
    const host = new URL(gh.url).host;
    for (const sub of ["config", "cache", "tmp"]) fs.mkdirSync(path.join(dir, sub));
    const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: dir,
        // gh's settings and its HTTP cache (kept under TMPDIR) start empty for every run.
        GH_CONFIG_DIR: path.join(dir, "config"),
        XDG_CACHE_HOME: path.join(dir, "cache"),
        TMPDIR: path.join(dir, "tmp"),
        GH_HOST: host,
        GH_ENTERPRISE_TOKEN: token,
        GH_REPO: `${host}/${owner}/${name}`,
        SSL_CERT_FILE: path.join(dir, "cert.pem"),
        GH_NO_UPDATE_NOTIFIER: "1",
        GH_PROMPT_DISABLED: "1",
        GH_PAGER: "cat",
        NO_COLOR: "1",
    };
    /** Runs `gh` asynchronously: the fake answers from this process, so the event loop must stay free. */
    const run = (...args: string[]): Promise<GhResult> =>
        new Promise((resolve) => {
            execFile("gh", args, { env, timeout: 60_000 }, (error, stdout, stderr) =>
                resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
            );
        });
    return {
        gh,
        env,
        repo: env.GH_REPO!,
        run,
        ok: async (...args) => {
            const r = await run(...args);
            assert.strictEqual(r.code, 0, `gh ${args.join(" ")}: ${r.stderr}`);
            return r.stdout.trim();
        },
        close: async () => {
            await gh.close();
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}
