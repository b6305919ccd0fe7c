/**
 * The command-line layer every command shares, on commander (with its typed companion
 * `@commander-js/extra-typings`): each option is declared once, with its type, description and
 * default; commander writes the help from those declarations, refuses unknown options and
 * arguments, and the typed `opts()` follows from the declarations, so usage and parser cannot
 * disagree. Chosen over yargs (heavier, its types are looser), clipanion (class-per-command, more
 * ceremony for a dozen small commands) and cac (no subcommand options, thinner typings).
 *
 * What commander would do on its own and this layer changes: it never exits the process and never
 * writes to the console. Output goes through the command's {@link CommandIO}, and a parse problem
 * becomes the shared usage exit code.
 */
import { parseRepo } from "../github/client";
import { Command, CommanderError, CommandUnknownOpts, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { closestKey } from "../../config/suggest";
import { CommandIO, EXIT } from "./io";

export { Option };

/**
 * A command named after its npm script (`npm run <script> --`), writing to `io`. Subcommands added
 * to it inherit its output and error handling. The help ends with `notes` (exit codes, environment).
 */
export function defineCommand(script: string, summary: string, io: CommandIO, notes?: string): Command {
    const cmd = new Command(`npm run ${script} --`)
        .description(summary)
        .helpOption("-h, --help", "show this help")
        .allowExcessArguments(false)
        .configureHelp({ helpWidth: 100 })
        .exitOverride()
        .configureOutput({
            writeOut: (s) => io.out(s.replace(/\n$/, "")),
            writeErr: (s) => io.err(s.replace(/\n$/, "")),
        });
    if (notes) cmd.addHelpText("after", `\n${notes}`);
    return cmd;
}

/**
 * Parses `argv` against `cmd`. Returns true to go on, or the exit code to return at once: 0 after
 * `--help`, {@link EXIT.usage} after a usage error (already printed, with one line of usage).
 */
export function parseCommand(cmd: CommandUnknownOpts, argv: string[]): true | number {
    // Commander checks required options before unknown ones, so `--stak production` would be
    // reported as a missing --stack; the misspelt option is the problem to name.
    try {
        const unknown = unknownOption(cmd, argv);
        if (unknown) {
            const near = closestKey(unknown, longOptions(cmd));
            cmd.error(`error: unknown option '${unknown}'${near ? ` (did you mean ${near}?)` : ""}`, {
                exitCode: EXIT.usage,
                code: "commander.unknownOption",
            });
        }
        cmd.parse(argv, { from: "user" });
        return true;
    } catch (e) {
        if (e instanceof CommanderError) {
            if (e.exitCode === 0) return EXIT.ok;
            cmd.configureOutput().writeErr?.(usageLine(cmd));
            return EXIT.usage;
        }
        throw e;
    }
}

/** The long options a command takes, --help included. */
function longOptions(cmd: CommandUnknownOpts): string[] {
    return [...cmd.options.map((o) => o.long).filter((l): l is string => !!l), "--help"];
}

/** The first `--option` in argv that the command does not take (none for a command with subcommands, whose options differ). */
function unknownOption(cmd: CommandUnknownOpts, argv: string[]): string | undefined {
    if (cmd.commands.length > 0) return undefined;
    const known = new Set(longOptions(cmd));
    for (const arg of argv) {
        if (arg === "--") return undefined;
        const name = /^(--[^=]+)/.exec(arg)?.[1];
        if (name && !known.has(name)) return name;
    }
    return undefined;
}

/** One line of usage and where the rest is: what follows a usage error instead of the whole help. */
export function usageLine(cmd: CommandUnknownOpts): string {
    return `Usage: ${cmd.name()} ${cmd.usage()}   (--help lists every option)`;
}

/** A usage problem found after parsing: the one problem and one line of usage on stderr, exit 2. */
export function usageProblem(io: CommandIO, cmd: CommandUnknownOpts): (message: string) => number {
    return (message) => {
        io.err(`error: ${message}\n${usageLine(cmd)}`);
        return EXIT.usage;
    };
}

/** An option argument that must be an integer from `min` to `max`. */
export function integerIn(min: number, max: number): (value: string) => number {
    return (value) => {
        const n = Number(value);
        if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max)
            throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}.`);
        return n;
    };
}

/** An option argument that must be a number (not necessarily whole) from `min` to `max`. */
export function numberIn(min: number, max: number): (value: string) => number {
    return (value) => {
        const n = Number(value);
        if (value.trim() === "" || !Number.isFinite(n) || n < min || n > max)
            throw new InvalidArgumentError(`must be a number from ${min} to ${max}.`);
        return n;
    };
}

/** A repeatable option's collector: every occurrence, in order. */
export function repeated(value: string, previous: string[]): string[] {
    return [...previous, value];
}

/** An option argument that must be a commit's SHA (7 to 40 lower-case hex digits). */
export function commitSha(value: string): string {
    if (!/^[0-9a-f]{7,40}$/.test(value))
        throw new InvalidArgumentError("must be the commit's SHA (7 to 40 hex digits).");
    return value;
}

/** An option argument that must be a GitHub repository, `owner/name`. */
export function repositoryName(value: string): string {
    try {
        parseRepo(value);
    } catch (e) {
        throw new InvalidArgumentError((e as Error).message);
    }
    return value;
}

/** An option argument that must be a stack name: letters, digits, '-', '_', '.', at most 100. */
export function stackName(value: string): string {
    if (!/^[A-Za-z0-9_.-]{1,100}$/.test(value))
        throw new InvalidArgumentError("is not a stack name (letters, digits, '-', '_', '.'; at most 100).");
    return value;
}
