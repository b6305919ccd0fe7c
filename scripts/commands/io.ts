import * as fs from "fs";
import * as path from "path";
import { createInterface } from "readline";
import { ExpectedError, ExpectedErrorKind, systemErrorCode } from "../../config/errors";

/** Where a command writes, so tests can capture everything it prints. */
export interface CommandIO {
    out(line: string): void;
    err(line: string): void;
}

export const processIO: CommandIO = {
    out: (line) => process.stdout.write(line + "\n"),
    err: (line) => process.stderr.write(line + "\n"),
};

/**
 * Exit codes shared by every command: 0 ok, 1 findings (or a refusal), 2 usage error or "could not
 * decide", 70 a bug here (sysexits' EX_SOFTWARE). The workflows read 0, 1 and 2 (README "Exit codes").
 */
export const EXIT = { ok: 0, findings: 1, usage: 2, internal: 70 } as const;

/** The exit code of each kind of expected error. */
const EXIT_OF_KIND: Record<ExpectedErrorKind, number> = {
    usage: EXIT.usage,
    configuration: EXIT.findings,
    undecided: EXIT.usage,
    refused: EXIT.findings,
};

/** The most of an unexpected error's stack that is printed: enough to find the line, never a flood. */
const MAX_STACK_LINES = 30;
const MAX_MESSAGE = 2000;

const bounded = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}… (cut)` : text);

/**
 * What a command's escaped exception prints and the exit code. An expected error (config/errors.ts)
 * is the person's to fix: its message alone. A system error (a refused connection, a missing file)
 * is the machine's: its message, "could not decide". Anything else is a bug here: the stack and a
 * request for a report, with a code of its own so that no workflow mistakes it for a verdict.
 */
export function reportEscaped(e: unknown, io: CommandIO): number {
    if (e instanceof ExpectedError) {
        io.err(`error: ${bounded(e.message, MAX_MESSAGE)}`);
        return EXIT_OF_KIND[e.kind];
    }
    const message = bounded(e instanceof Error ? e.message : String(e), MAX_MESSAGE);
    const code = systemErrorCode(e);
    if (code) {
        io.err(`error: ${message}${message.includes(code) ? "" : ` (${code})`}; nothing was decided.`);
        return EXIT.usage;
    }
    const frames = e instanceof Error && e.stack ? e.stack.split("\n").filter((l) => /^\s+at /.test(l)) : [];
    io.err(
        [
            `internal error: ${e instanceof Error ? e.name : "thrown value"}: ${message}`,
            ...frames.slice(0, MAX_STACK_LINES),
            ...(frames.length > MAX_STACK_LINES ? [`    … ${frames.length - MAX_STACK_LINES} more frames`] : []),
            "This is a bug in ainative-platform, not a mistake in what you ran. Please open an issue with",
            `the lines above and the command you ran (check them for anything private first). Exit code ${EXIT.internal}.`,
        ].join("\n"),
    );
    return EXIT.internal;
}

/**
 * Runs a command as the process: sets the exit code; an escaped exception is reported by
 * {@link reportEscaped}. `done` sees the code, however the command ended.
 */
export function runMain(
    main: (argv: string[], io: CommandIO) => Promise<number> | number,
    argv: string[] = process.argv.slice(2),
    done?: (code: number) => void,
): void {
    Promise.resolve()
        .then(() => main(argv, processIO))
        .catch((e: unknown) => reportEscaped(e, processIO))
        .then((code) => {
            process.exitCode = code;
            done?.(code);
        });
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
