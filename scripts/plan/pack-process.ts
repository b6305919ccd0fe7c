/**
 * Starts the policy pack's process, and nothing else: this module loads no gRPC or Pulumi code, so
 * the plan command can start the pack first and let it boot (about a second) while the program's
 * modules load.
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as readline from "readline";
import { compiledPack } from "./pack-build";

export interface PackProcess {
    child: ChildProcess;
    /** The port the pack serves on, once it has printed it. */
    port: Promise<number>;
    stderr: string[];
    kill(): void;
}

/** Runs `run-policy-pack` on the (compiled) pack in `packDir`, as the Node.js language host does. */
export function spawnPack(packDir: string, opts: { timeoutMs?: number } = {}): PackProcess {
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack");
    const abs = path.resolve(packDir);
    // argv: <engine address> <program>, as the language host passes them; the caller is the engine.
    const preload = ["-r", path.join(__dirname, "..", "register.js"), "-r", path.join(__dirname, "pack-preload.ts")];
    const child = spawn(process.execPath, [...preload, runner, "127.0.0.1:0", abs], {
        cwd: abs,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env },
    });
    const stderr: string[] = [];
    child.stderr!.on("data", (b: Buffer) => stderr.push(b.toString()));
    const port = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(
            () =>
                reject(
                    new Error(
                        `policy pack in ${abs} did not start within ${opts.timeoutMs ?? 60_000} ms:\n${stderr.join("")}`,
                    ),
                ),
            opts.timeoutMs ?? 60_000,
        );
        const lines = readline.createInterface({ input: child.stdout! });
        lines.once("line", (line) => {
            clearTimeout(timer);
            const n = Number(line.trim());
            if (Number.isInteger(n) && n > 0) resolve(n);
            else reject(new Error(`policy pack printed '${line}' instead of its port:\n${stderr.join("")}`));
        });
        child.once("exit", (code) => {
            clearTimeout(timer);
            reject(new Error(`policy pack in ${abs} exited with code ${code} before serving:\n${stderr.join("")}`));
        });
    });
    port.catch(() => undefined); // awaited by whoever connects; not an unhandled rejection meanwhile
    return { child, port, stderr, kill: () => void (child.exitCode === null && child.kill()) };
}

/** The repository's pack, compiled once per change of its sources, started. */
export function spawnRepositoryPack(repoRoot: string, packDir = path.join(repoRoot, "policies")): PackProcess {
    return spawnPack(compiledPack(packDir, repoRoot));
}
