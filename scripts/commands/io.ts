import { parseArgs, ParseArgsConfig } from "util";

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

/**
 * Parses a command's flags the same way for every command: an unknown or malformed flag prints the
 * parser's message and the usage (exit 2); `--help` prints the usage (exit 0). Returns the flag
 * values, or the exit code to return at once.
 */
export function parseCommandArgs<T>(argv: string[], options: ParseArgsConfig["options"], usage: string, io: CommandIO): T | number {
    let values: Record<string, unknown>;
    try {
        ({ values } = parseArgs({ args: argv, options: { ...options, help: { type: "boolean", short: "h" } }, strict: true, allowPositionals: false }));
    } catch (e) {
        io.err(`${(e as Error).message}\n${usage}`);
        return EXIT.usage;
    }
    if (values.help) {
        io.out(usage);
        return EXIT.ok;
    }
    return values as T;
}
