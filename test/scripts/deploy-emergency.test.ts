/**
 * The emergency deploy's refusals that need no engine (a work tree that is dirty, unpushed or not
 * a repository, a config with mistakes), and its report. A stand-in `pulumi` on PATH records any
 * call: a refusal must happen before the engine is touched. The deploy itself runs end to end in
 * test/e2e/emergency.test.ts.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { emergencyDeployCommand } from "../../scripts/commands/deploy-emergency";
import { appendRecord, EmergencyRecord } from "../../scripts/deploy-emergency/record";
import { captureIO } from "../support/capture";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

function git(cwd: string, ...args: string[]): void {
    const r = spawnSync("git", args, { cwd, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
}

/** A git repository holding the local stack's file and policy config, and a `pulumi` that only records being called. */
function project(): { dir: string; calls: string; env: NodeJS.ProcessEnv } {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "emergency-"));
    const dir = path.join(root, "repo");
    fs.mkdirSync(path.join(dir, "policies", "config"), { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.local.yaml"), path.join(dir, "Pulumi.local.yaml"));
    fs.copyFileSync(
        path.join(REPO_ROOT, "policies", "config", "local.json"),
        path.join(dir, "policies", "config", "local.json"),
    );
    const bin = path.join(root, "bin");
    const calls = path.join(root, "pulumi-calls");
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, "pulumi"), `#!/bin/sh\necho "$@" >> '${calls}'\nexit 99\n`, { mode: 0o755 });
    git(dir, "init", "-q", "-b", "main");
    git(dir, "-c", "user.email=t@example.com", "-c", "user.name=t", "add", ".");
    git(dir, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "stack");
    return { dir, calls, env: { PATH: `${bin}:${process.env.PATH}`, HOME: root } };
}

describe("npm run deploy:emergency: refusals before anything is applied", function () {
    this.timeout(30_000);

    it("an unpushed commit is refused, naming the commit and the way out", async () => {
        const p = project();
        const io = captureIO();
        assert.strictEqual(await emergencyDeployCommand(["--stack", "local", "--yes"], io, p.dir, p.env), 1);
        assert.match(
            io.stderr.join("\n"),
            /refused: commit [0-9a-f]{12} is on no remote branch: push it first \(or pass --allow-unpushed\)/,
        );
        assert.match(io.stderr.join("\n"), /nothing was deployed/);
        assert.ok(!fs.existsSync(p.calls), "the engine was called");
    });

    it("uncommitted changes are refused and listed", async () => {
        const p = project();
        fs.appendFileSync(path.join(p.dir, "Pulumi.local.yaml"), "\n# a change\n");
        const io = captureIO();
        assert.strictEqual(
            await emergencyDeployCommand(["--stack", "local", "--yes", "--allow-unpushed"], io, p.dir, p.env),
            1,
        );
        assert.match(io.stderr.join("\n"), /uncommitted changes:\n {2}M Pulumi\.local\.yaml/);
        assert.ok(!fs.existsSync(p.calls));
    });

    it("outside a git work tree both waivers are needed", async () => {
        const p = project();
        fs.rmSync(path.join(p.dir, ".git"), { recursive: true });
        const io = captureIO();
        assert.strictEqual(
            await emergencyDeployCommand(["--stack", "local", "--yes", "--allow-dirty"], io, p.dir, p.env),
            1,
        );
        assert.match(io.stderr.join("\n"), /not a git work tree/);
    });

    it("a pushed, clean tree gets to validation; a config mistake is refused with every problem, before the engine", async () => {
        const p = project();
        const remote = fs.mkdtempSync(path.join(os.tmpdir(), "emergency-remote-"));
        git(remote, "init", "-q", "--bare");
        const file = path.join(p.dir, "Pulumi.local.yaml");
        fs.writeFileSync(
            file,
            fs
                .readFileSync(file, "utf8")
                .replace("replicas: 1", "replicas: 99")
                .replace("region: us-west2", "region: mars-1"),
        );
        git(p.dir, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-am", "broken");
        git(p.dir, "remote", "add", "origin", remote);
        git(p.dir, "push", "-q", "origin", "main");
        const io = captureIO();
        assert.strictEqual(await emergencyDeployCommand(["--stack", "local", "--yes"], io, p.dir, p.env), 1);
        const err = io.stderr.join("\n");
        assert.match(err, /\[2\/7\] validating Pulumi\.local\.yaml/);
        assert.match(err, /the stack config has 2 problem\(s\)/);
        assert.match(err, /railway\.region/);
        assert.match(err, /replicas/);
        assert.ok(!fs.existsSync(p.calls), "the engine was called");
    });

    it("usage: an unknown stack, a missing policy config, no engine on PATH", async () => {
        const p = project();
        for (const [argv, env, message] of [
            [["--stack", "nope"], p.env, /no stack file/],
            [["--stack", "local", "--policy-config", "missing.json"], p.env, /no policy config/],
            [["--stack", "local"], { PATH: "/nonexistent" }, /pulumi is not on PATH/],
            [[], p.env, /--stack is required/],
        ] as const) {
            const io = captureIO();
            assert.strictEqual(await emergencyDeployCommand([...argv], io, p.dir, env), 2, argv.join(" "));
            assert.match(io.stderr.join("\n"), message);
        }
    });
});

describe("npm run deploy:emergency -- --report: what CI reports", () => {
    const record = (at: string, over: Partial<EmergencyRecord> = {}): EmergencyRecord => ({
        version: 1,
        at,
        stack: "production",
        commit: "0123456789abcdef0123456789abcdef01234567",
        branch: "main",
        who: "oncall@ainative.dev",
        host: "laptop",
        via: "local",
        result: "deployed",
        upExitCode: 0,
        waived: [],
        ...over,
    });

    it("lists the last 30 days' deploys as a table, into the step summary too; older ones and none are said so", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "emergency-report-"));
        const log = path.join(dir, "deploys", "emergency.ndjson");
        appendRecord(log, record("2026-09-01T10:00:00Z"));
        appendRecord(
            log,
            record("2026-11-20T10:00:00Z", {
                result: "failed",
                upExitCode: 1,
                waived: ["unpushed commit"],
                who: "<b>@team",
            }),
        );
        fs.appendFileSync(log, "not json\n");
        const summary = path.join(dir, "summary.md");
        const io = captureIO();
        const code = await emergencyDeployCommand(
            ["--report"],
            io,
            dir,
            { GITHUB_STEP_SUMMARY: summary },
            { now: () => new Date("2026-11-27T00:00:00Z") },
        );
        assert.strictEqual(code, 0);
        const text = io.stdout.join("\n");
        assert.match(text, /1 emergency deploy outside CI in the last 30 days/);
        assert.match(
            text,
            /\| production \| 0123456789ab \| &lt;b&gt;&#64;team \| local \| failed \| unpushed commit \|/,
        );
        assert.match(text, /1 line\(s\) of the log could not be read/);
        assert.ok(fs.readFileSync(summary, "utf8").includes(text));
        const empty = captureIO();
        await emergencyDeployCommand(
            ["--report", "--days", "1"],
            empty,
            dir,
            {},
            { now: () => new Date("2026-11-27T00:00:00Z") },
        );
        assert.match(empty.stdout.join("\n"), /1 line\(s\) of the log could not be read/);
        const none = captureIO();
        await emergencyDeployCommand(["--report"], none, fs.mkdtempSync(path.join(os.tmpdir(), "emergency-none-")), {});
        assert.strictEqual(none.stdout.join("\n"), "No emergency deploys in the last 30 days.");
    });
});
