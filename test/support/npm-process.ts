/**
 * An npm script run as a person or a workflow runs it (`npm run <script> -- <args>` in a project
 * folder), in a session of its own so a test can kill the whole command at once (npm, the command,
 * the engine, its language host and provider plugins, whatever their process group) as a dead
 * runner dies.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";

export interface NpmRun {
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
}

export interface NpmProcess {
    readonly child: ChildProcess;
    /** Settles when the process ends, however it ends. */
    readonly done: Promise<NpmRun>;
    /** What it printed so far. */
    output(): string;
    /** SIGKILL to every process of its session: its group, and plugins the engine put in groups of their own. */
    killGroup(): void;
    /** The processes of its session still alive (a plugin the kill missed), as `pid comm`; zombies are dead. */
    survivors(): string[];
}

const running = new Set<NpmProcess>();

export function startNpm(script: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): NpmProcess {
    const child = spawn("npm", ["run", "--silent", script, "--", ...args], {
        cwd: opts.cwd,
        env: opts.env,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (c) => (stdout += c));
    child.stderr!.on("data", (c) => (stderr += c));
    const p: NpmProcess = {
        child,
        done: new Promise((resolve) =>
            child.once("close", (code, signal) => {
                running.delete(p);
                resolve({ code, signal, stdout, stderr });
            }),
        ),
        output: () => stdout + stderr,
        killGroup: () => {
            try {
                process.kill(-child.pid!, "SIGKILL");
            } catch {
                // the group is gone already
            }
            // The engine starts some plugins in a process group of their own (the PagerDuty one):
            // they are still in the command's session, which a dead runner's machine takes with it.
            for (const [pid] of sessionMembers(child.pid!))
                try {
                    process.kill(pid, "SIGKILL");
                } catch {
                    // gone meanwhile
                }
        },
        survivors: () => sessionMembers(child.pid!).map(([pid, what]) => `${pid} ${what}`),
    };
    running.add(p);
    return p;
}

/** Runs one to its end. */
export function runNpm(script: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<NpmRun> {
    return startNpm(script, args, opts).done;
}

/** Kills every npm process a test left running (a failed assertion before its end): for `after` hooks. */
export function killLeftoverNpm(): void {
    for (const p of running) p.killGroup();
}

/** Live processes of a session (a zombie, state Z, has exited already), as [pid, "comm (state)"]. */
function sessionMembers(sid: number): [number, string][] {
    const found: [number, string][] = [];
    for (const pid of fs.readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
        let stat: string;
        try {
            stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        } catch {
            continue; // gone meanwhile
        }
        // pid (comm) state ppid pgrp session ...: comm may hold spaces and parentheses, so split after its last ')'.
        const close = stat.lastIndexOf(")");
        const [state, , , session] = stat.slice(close + 2).split(" ");
        if (Number(session) === sid && state !== "Z")
            found.push([Number(pid), `${stat.slice(stat.indexOf("(") + 1, close)} (${state})`]);
    }
    return found;
}
