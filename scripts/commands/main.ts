/**
 * `ainative <command> [options]`: the one entry point. Finds the command in the table and runs it;
 * with no command or `--help`, lists them all. The npm scripts are aliases of it.
 */
import { closestKey } from "../../config/suggest";
import { CommandIO, EXIT, processIO, runMain } from "./io";
import { COMMANDS, CommandEntry, findCommand } from "./table";

const USAGE = "Usage: ainative <command> [options]";

/** Every command with its one line, as `ainative --help` prints it. */
export function commandList(): string {
    const width = Math.max(...COMMANDS.map((c) => c.name.length));
    return [
        USAGE,
        "",
        "Each command is also an npm script: npm run <command> -- [options].",
        "",
        "Commands:",
        ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
        "",
        "ainative <command> --help lists the command's options, exit codes and environment.",
    ].join("\n");
}

/**
 * Resolves argv (what follows `ainative`) to the command to run and its arguments, or to the exit
 * code to return at once (after printing the list or the problem).
 */
export function resolveCommand(argv: string[], io: CommandIO): { entry: CommandEntry; args: string[] } | number {
    const [name, ...args] = argv;
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
        (name === undefined ? io.err : io.out)(commandList());
        return name === undefined ? EXIT.usage : EXIT.ok;
    }
    const entry = findCommand(name);
    if (entry) return { entry, args };
    const near = closestKey(
        name,
        COMMANDS.map((c) => c.name),
    );
    io.err(
        `error: unknown command '${name.slice(0, 60)}'${near ? ` (did you mean ${near}?)` : ""}\n${USAGE}   (--help lists every command)`,
    );
    return EXIT.usage;
}

/** Runs the command argv names as this process (bin/ainative.js). */
export function runCommandLine(argv: string[]): void {
    const resolved = resolveCommand(argv, processIO);
    if (typeof resolved === "number") {
        process.exitCode = resolved;
        return;
    }
    const { entry, args } = resolved;
    runMain(entry.run, args, (code) => {
        if (entry.exitWhenDone) setImmediate(() => process.exit(code));
    });
}
