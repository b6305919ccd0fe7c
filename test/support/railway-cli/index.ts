/**
 * Railway's own CLI (the `railwayapp` crate, built by scripts/install-railway-cli.sh) against the
 * Railway emulator, as a platform engineer runs it: its real host names, HTTPS, WebSockets.
 *
 * The CLI runs in a network and mount namespace of its own (`unshare --net --mount`, as root):
 * - the only interface is loopback, so nothing it sends can leave the machine whatever it tries;
 * - `/etc/hosts` there maps Railway's hosts (`backboard.railway.com`) to 127.0.0.1, where a
 *   forwarder passes each connection through a Unix socket (the one door out of the namespace) to
 *   the emulator this test started, serving HTTPS with a certificate signed by a CA made here;
 * - `SSL_CERT_FILE` names that CA, so the CLI trusts the emulator as it trusts Railway.
 * Its GraphQL, its uploads (`railway up`, a REST path) and its WebSocket subscriptions (streamed
 * logs, deployment status) all take the paths they take in earnest. `HOME` is a temporary folder.
 */
import * as assert from "assert";
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { makeCertificates } from "../../../tools/local-servers/certificates";
import { EmulatorOptions, RailwayEmulator, startRailwayEmulator } from "../../../tools/railway-emulator";

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

/** Railway's hosts the CLI calls (`Configs::get_host` in its src/config.rs: backboard.<host>). */
export const RAILWAY_HOSTS = ["backboard.railway.com"];

export interface CliResult {
    code: number;
    stdout: string;
    stderr: string;
}

export interface CliRunOptions {
    /** The folder the command runs in (a linked project's folder, say). */
    cwd?: string;
    /** Variables added to (or, as undefined, removed from) the command's environment. */
    env?: Record<string, string | undefined>;
    /** Written to its standard input, which is then closed. */
    input?: string;
    timeoutMs?: number;
    /** Ends the command once its output matches (a stream that never ends by itself). */
    until?: RegExp;
    /**
     * Runs it on a pseudo-terminal (util-linux `script`), as a person at a terminal does: the CLI
     * streams logs and reads flags instead of standard input only there. Output lines end in \n.
     */
    tty?: boolean;
}

export interface RailwayCli {
    emulator: RailwayEmulator;
    /** The CLI's HOME: its config (`.railway/config.json`) lives there. */
    home: string;
    /** A temporary folder for projects to link or upload. */
    work: string;
    version: string;
    run(args: string[], options?: CliRunOptions): Promise<CliResult>;
    /** As run, and asserts exit 0. */
    ok(args: string[], options?: CliRunOptions): Promise<string>;
    /** Every command run so far, for the suite's count. */
    history: { args: string[]; code: number }[];
    close(): Promise<void>;
}

/** Builds (once per machine, cached) and returns the pinned CLI's binary. */
export function railwayCliBinary(): string {
    const r = spawnSync("bash", [path.join(REPO_ROOT, "scripts", "install-railway-cli.sh")], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    });
    assert.strictEqual(r.status, 0, "scripts/install-railway-cli.sh failed (its reason is above)");
    return r.stdout.trim().split("\n").pop()!;
}

/** The schema Railway ships inside the pinned crate, kept beside the binary by the install script. */
export function railwayCliSchemaPath(binary = railwayCliBinary()): string {
    return path.join(path.dirname(path.dirname(binary)), "schema.json");
}

/** Passes each connection on a Unix socket to 127.0.0.1:<port> (the emulator). */
function relay(socketPath: string, port: number): Promise<net.Server> {
    const server = net.createServer((from) => {
        const to = net.connect(port, "127.0.0.1");
        from.pipe(to).pipe(from);
        from.on("error", () => to.destroy());
        to.on("error", () => from.destroy());
    });
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(socketPath, () => resolve(server));
    });
}

/** The namespace: loopback up, Railway's hosts on it, the forwarder listening on :443. */
async function startNamespace(dir: string, socketPath: string): Promise<ChildProcess> {
    const hosts = path.join(dir, "hosts");
    fs.writeFileSync(hosts, ["127.0.0.1 localhost", ...RAILWAY_HOSTS.map((h) => `127.0.0.1 ${h}`), ""].join("\n"));
    const forwarder = path.join(__dirname, "netns-forwarder.ts");
    const register = path.join(REPO_ROOT, "scripts", "register.js");
    const setup = [
        "set -e",
        "ip link set lo up",
        `mount --bind ${JSON.stringify(hosts)} /etc/hosts`,
        `exec ${JSON.stringify(process.execPath)} -r ${JSON.stringify(register)} ${JSON.stringify(forwarder)} 443=${JSON.stringify(socketPath)}`,
    ].join("\n");
    if (process.getuid?.() !== 0)
        throw new Error(
            "Railway's CLI runs in a network namespace of its own, which needs root (CI runs as root): run the suite as root",
        );
    const child = spawn("unshare", ["--net", "--mount", "sh", "-c", setup], {
        cwd: REPO_ROOT,
        stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    child.stderr!.on("data", (c) => (err += c));
    await new Promise<void>((resolve, reject) => {
        let out = "";
        child.stdout!.on("data", (c) => {
            out += c;
            if (out.includes("ready")) resolve();
        });
        child.once("exit", (code) => reject(new Error(`the CLI's namespace did not start (exit ${code}): ${err}`)));
    });
    return child;
}

export async function startRailwayCli(options: EmulatorOptions = {}): Promise<RailwayCli> {
    const binary = railwayCliBinary();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "railway-cli-"));
    const home = path.join(dir, "home");
    const work = path.join(dir, "work");
    fs.mkdirSync(home);
    fs.mkdirSync(work);
    const certs = makeCertificates(
        dir,
        RAILWAY_HOSTS[0],
        RAILWAY_HOSTS.map((h) => `DNS:${h}`),
    );
    const emulator = await startRailwayEmulator({ ...options, tls: { key: certs.key, cert: certs.cert } });
    const socketPath = path.join(dir, "backboard.sock");
    const relayServer = await relay(socketPath, emulator.tlsPort!);
    const namespace = await startNamespace(dir, socketPath);
    const version = spawnSync(binary, ["--version"], { encoding: "utf8" }).stdout.trim();
    const history: RailwayCli["history"] = [];

    const baseEnv: Record<string, string> = {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: home,
        SSL_CERT_FILE: certs.ca,
        RAILWAY_API_TOKEN: emulator.token,
        // Nothing but the command itself: no telemetry, no update check, no colours to strip.
        DO_NOT_TRACK: "1",
        RAILWAY_NO_TELEMETRY: "1",
        RAILWAY_NO_AUTO_UPDATE: "1",
        NO_COLOR: "1",
        TERM: "dumb",
        RUST_BACKTRACE: "0",
    };

    const run = (args: string[], opts: CliRunOptions = {}): Promise<CliResult> =>
        new Promise((resolve) => {
            const env: Record<string, string> = { ...baseEnv };
            for (const [k, v] of Object.entries(opts.env ?? {})) {
                if (v === undefined) delete env[k];
                else env[k] = v;
            }
            // Entering a mount namespace resets the working folder to its root: it is set again (--wd).
            const cwd = opts.cwd ?? work;
            const inNamespace = ["--target", String(namespace.pid), "--net", "--mount", `--wd=${cwd}`, "--"];
            const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
            const command = opts.tty
                ? [
                      ...inNamespace,
                      "script",
                      "--quiet",
                      "--return",
                      "--command",
                      [binary, ...args].map(quote).join(" "),
                      "/dev/null",
                  ]
                : [...inNamespace, binary, ...args];
            const child = spawn("nsenter", command, { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
            let stdout = "";
            let stderr = "";
            let ended = false;
            const end = () => {
                if (!ended) child.kill("SIGTERM");
                ended = true;
            };
            const timer = setTimeout(end, opts.timeoutMs ?? 60_000);
            child.stdout.on("data", (c) => {
                stdout += opts.tty ? String(c).replace(/\r\n/g, "\n") : c;
                if (opts.until?.test(stdout)) end();
            });
            child.stderr.on("data", (c) => (stderr += c));
            child.stdin.end(opts.input ?? "");
            child.on("close", (code, signal) => {
                clearTimeout(timer);
                const result = { code: code ?? (signal ? 128 : 1), stdout, stderr };
                history.push({ args, code: result.code });
                resolve(result);
            });
        });

    return {
        emulator,
        home,
        work,
        version,
        history,
        run,
        ok: async (args, opts) => {
            const r = await run(args, opts);
            assert.strictEqual(r.code, 0, `railway ${args.join(" ")} exited ${r.code}:\n${r.stderr}\n${r.stdout}`);
            return r.stdout;
        },
        close: async () => {
            namespace.kill("SIGKILL");
            await new Promise<void>((r) => relayServer.close(() => r()));
            await emulator.close();
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}
