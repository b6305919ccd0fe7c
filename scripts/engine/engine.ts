/**
 * The real Pulumi engine, for the tools that run it (end-to-end tests, engine fixtures, the
 * emergency deploy, drift): found or built by scripts/install-pulumi.sh, and the settings every run
 * uses (no update check, no plugin downloads, a passphrase from the environment).
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

export interface Engine {
    /** The folder holding `pulumi`. */
    bin: string;
    /** What to add to the environment: PATH, and PULUMI_HOME for a built engine. */
    env: Record<string, string>;
    /** `pulumi version`, e.g. v3.259.0. */
    version: string;
}

/** No engine could be had: the message is install-pulumi.sh's, saying what to install. */
export class EngineUnavailable extends Error {}

let cached: Engine | undefined;

/** Finds or builds the engine (once per process). Throws {@link EngineUnavailable} with the reason. */
export function provideEngine(): Engine {
    if (cached) return cached;
    const res = spawnSync("bash", [path.join(REPO_ROOT, "scripts", "install-pulumi.sh"), "--env"], {
        encoding: "utf8",
        maxBuffer: 16 * 1024 * 1024,
    });
    if (res.status !== 0)
        throw new EngineUnavailable(`the Pulumi engine is not available:\n${(res.stderr || res.stdout || "").trim()}`);
    const env: Record<string, string> = {};
    for (const line of res.stdout.split("\n")) {
        const m = line.match(/^export ([A-Z_]+)="(.*)"$/);
        if (m) env[m[1]] = m[2];
    }
    const bin = env.PATH?.split(":")[0];
    if (!bin) throw new EngineUnavailable(`install-pulumi.sh printed no PATH:\n${res.stdout}`);
    env.PATH = `${bin}:${process.env.PATH ?? ""}`;
    const version = spawnSync(path.join(bin, "pulumi"), ["version"], {
        encoding: "utf8",
        env: { ...process.env, ...env, PULUMI_SKIP_UPDATE_CHECK: "true" },
    }).stdout.trim();
    cached = { bin, env, version };
    return cached;
}

/**
 * The environment of one engine run: the engine's PATH and home, no update check, no plugin
 * downloads (every plugin is installed or on PATH), the given backend and passphrase.
 */
export function engineEnv(
    engine: Engine,
    opts: { backendUrl: string; passphrase?: string; extra?: NodeJS.ProcessEnv },
): NodeJS.ProcessEnv {
    return {
        ...process.env,
        ...engine.env,
        PULUMI_BACKEND_URL: opts.backendUrl,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        ...(opts.passphrase !== undefined ? { PULUMI_CONFIG_PASSPHRASE: opts.passphrase } : {}),
        ...opts.extra,
    };
}

/** What a stack-by-stack command reads of a CLI run. */
export type PulumiRun = Pick<RunResult, "code" | "stdout" | "stderr">;

/** The Pulumi CLI in one project folder (with `input` on its standard input): what those commands run. */
export type RunPulumi = (args: string[], opts?: { input?: string }) => Promise<PulumiRun>;

/** {@link RunPulumi} on the real CLI, in `cwd`, with one environment. */
export function projectPulumi(engine: Engine, cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): RunPulumi {
    return (args, opts) =>
        runPulumi(engine, args, {
            cwd,
            env: { ...env, PULUMI_SKIP_UPDATE_CHECK: "true" },
            input: opts?.input,
            timeoutMs,
        });
}

export interface RunResult {
    code: number;
    stdout: string;
    stderr: string;
    ms: number;
}

/** Process groups of CLI runs still going, killed with this process (a tool never leaves an engine behind). */
const liveGroups = new Set<number>();

function killGroup(pid: number | undefined): void {
    if (!pid) return;
    try {
        process.kill(-pid, "SIGKILL");
    } catch {
        // already gone
    }
}

/** Kills every CLI run this process has going, with its language host and plugins (a lease was lost). */
export function stopAllEngines(): void {
    liveGroups.forEach(killGroup);
}

let reaperInstalled = false;
/** On exit or a stop signal, the engine runs this process started go too, language hosts and provider plugins included. */
function installReaper(): void {
    if (reaperInstalled) return;
    reaperInstalled = true;
    process.on("exit", () => liveGroups.forEach(killGroup));
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
        process.once(signal, () => {
            liveGroups.forEach(killGroup);
            process.kill(process.pid, signal);
        });
    }
}

/**
 * Runs the CLI, capturing its output. `onOutput` sees stderr as it comes (progress for long runs).
 * A run that outlives `timeoutMs` is killed and reported as such. The CLI runs in a process group
 * of its own, and the whole group is killed when it ends, times out, or this process stops: the
 * engine's language host and provider plugins outlive a killed CLI (they ignore SIGTERM), and a
 * tool that starts the engine reaps everything it started.
 */
/**
 * The environment the engine runs with. Pulumi's PostgreSQL backend (3.259) lists a folder holding
 * one pooled connection while it asks another for each key's size, with at most 2 × GOMAXPROCS
 * connections, and `pulumi stack ls` lists DIY_BACKEND_PARALLEL stacks (10) at once: past a few
 * stacks every lister holds one connection and waits for a second, for ever. On that backend the
 * stacks are listed one at a time, unless the person chose otherwise.
 */
export function withBackendWorkarounds(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    if (env.PULUMI_DIY_BACKEND_PARALLEL !== undefined) return env;
    let url = env.PULUMI_BACKEND_URL;
    if (!url) {
        const home = env.PULUMI_HOME ?? path.join(env.HOME ?? os.homedir(), ".pulumi");
        try {
            url = (JSON.parse(fs.readFileSync(path.join(home, "credentials.json"), "utf8")) as { current?: string })
                .current;
        } catch {
            // not logged in, or unreadable: the engine will say so itself
        }
    }
    return url?.startsWith("postgres://") ? { ...env, PULUMI_DIY_BACKEND_PARALLEL: "1" } : env;
}

export function runPulumi(
    engine: Engine,
    args: string[],
    opts: {
        cwd: string;
        env: NodeJS.ProcessEnv;
        timeoutMs?: number;
        input?: string;
        onOutput?: (chunk: string) => void;
        onStdout?: (chunk: string) => void;
    },
): Promise<RunResult> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
        installReaper();
        const child = spawn(path.join(engine.bin, "pulumi"), args, {
            cwd: opts.cwd,
            env: withBackendWorkarounds(opts.env),
            stdio: ["pipe", "pipe", "pipe"],
            detached: true,
        });
        if (child.pid) liveGroups.add(child.pid);
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (c: Buffer) => {
            stdout += c.toString("utf8");
            opts.onStdout?.(c.toString("utf8"));
        });
        child.stderr.on("data", (c: Buffer) => {
            stderr += c.toString("utf8");
            opts.onOutput?.(c.toString("utf8"));
        });
        // A CLI that exits before reading its input closes the pipe: the write then fails with EPIPE,
        // which must not crash the caller. The exit code and stderr say what happened.
        child.stdin.on("error", (e: NodeJS.ErrnoException) => {
            if (e.code !== "EPIPE" && e.code !== "ECONNRESET")
                stderr += `\n[could not write the CLI's input: ${e.message}]`;
        });
        child.stdin.end(opts.input ?? "");
        const timer = setTimeout(() => {
            killGroup(child.pid);
            stderr += `\n[killed after ${opts.timeoutMs} ms]`;
        }, opts.timeoutMs ?? 300_000);
        const reap = () => {
            clearTimeout(timer);
            killGroup(child.pid);
            if (child.pid) liveGroups.delete(child.pid);
        };
        child.on("error", (e) => {
            reap();
            reject(e);
        });
        // `exit`, not only `close`: a plugin left behind holding the pipes would keep `close` from ever coming.
        child.on("exit", () => {
            clearTimeout(timer);
            killGroup(child.pid);
        });
        child.on("close", (code) => {
            reap();
            resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - started });
        });
    });
}

/** The folder holding `pulumi` on the given PATH, or undefined. */
export function pulumiOnPath(env: NodeJS.ProcessEnv): string | undefined {
    for (const dir of (env.PATH ?? "").split(path.delimiter)) {
        if (!dir) continue;
        try {
            fs.accessSync(path.join(dir, "pulumi"), fs.constants.X_OK);
            return dir;
        } catch {
            // not here
        }
    }
    return undefined;
}

/** The engine on the PATH of `env` (CI's, a developer's), as {@link runPulumi} takes it. */
export function engineOnPath(env: NodeJS.ProcessEnv): Engine | undefined {
    const bin = pulumiOnPath(env);
    return bin ? { bin, env: {}, version: "" } : undefined;
}
