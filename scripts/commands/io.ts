import * as fs from "fs";
import * as path from "path";
import { createInterface } from "readline";

/** Where a command writes, so tests can capture everything it prints. */
export interface CommandIO {
    out(line: string): void;
    err(line: string): void;
}

export const processIO: CommandIO = {
    out: (line) => process.stdout.write(line + "\n"),
    err: (line) => process.stderr.write(line + "\n"),
};

/** Exit codes shared by every command: 0 ok, 1 findings, 2 usage error. */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

/** Runs a command module as a script: sets the exit code, never lets an exception print a stack. */
export function runMain(main: (argv: string[], io: CommandIO) => Promise<number> | number): void {
    Promise.resolve()
        .then(() => main(process.argv.slice(2), processIO))
        .then(
            (code) => {
                process.exitCode = code;
            },
            (e: unknown) => {
                processIO.err(`error: ${e instanceof Error ? e.message : String(e)}`);
                process.exitCode = EXIT.usage;
            },
        );
}

/** Resolves on the first SIGINT or SIGTERM: a long-running command (a local server) then stops cleanly. */
export function untilStopped(): Promise<NodeJS.Signals> {
    return new Promise((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
            process.off("SIGINT", stop);
            process.off("SIGTERM", stop);
            resolve(signal);
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
    });
}

/**
 * Where a command may write its `--out` file: not over a stack file, Pulumi.yaml or one of the
 * command's inputs, and in a folder that exists and can be written. Checked before any work, so a
 * long run never ends in a failed write. Returns the absolute path, or the problem.
 */
export function outPath(out: string, cwd: string, inputs: string[] = []): { file: string } | { problem: string } {
    const file = path.resolve(cwd, out);
    const base = path.basename(file);
    if (/^Pulumi(\..+)?\.ya?ml$/.test(base))
        return { problem: `--out ${out} would overwrite a Pulumi project or stack file; write the output elsewhere` };
    if (inputs.some((i) => path.resolve(cwd, i) === file))
        return { problem: `--out ${out} is this command's input; write the output elsewhere` };
    const dir = path.dirname(file);
    try {
        if (!fs.statSync(dir).isDirectory()) return { problem: `--out ${out}: ${dir} is not a folder` };
        fs.accessSync(dir, fs.constants.W_OK);
    } catch {
        return { problem: `--out ${out}: the folder ${dir} does not exist or cannot be written` };
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory())
        return { problem: `--out ${out} is a folder; name a file` };
    return { file };
}

/** Writes a whole file or nothing: to a temporary file beside it, then renamed over it. */
export function writeAtomically(file: string, text: string): void {
    const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
    try {
        fs.writeFileSync(tmp, text);
        fs.renameSync(tmp, file);
    } finally {
        fs.rmSync(tmp, { force: true });
    }
}

/** Asks a person a question on the terminal. */
export type Ask = (question: string) => Promise<string>;

/** The terminal's question, when stdin is one. */
export function terminalAsk(): Ask | undefined {
    if (!process.stdin.isTTY) return undefined;
    return (question) =>
        new Promise((resolve) => {
            const rl = createInterface({ input: process.stdin, output: process.stderr });
            rl.question(question, (answer) => {
                rl.close();
                resolve(answer);
            });
        });
}
