/**
 * The errors a command expects: a person's or a configuration's mistake, or a fact the command
 * could not establish. Each says what was wrong and how to fix it, and the command runner prints
 * its message alone and exits with its kind's code. Anything else that reaches the runner is a bug
 * in this repository: it prints the stack and asks for a report (README "Exit codes").
 *
 * In config/, the bottom layer, because configuration checks throw them too and every layer above
 * may. Modelled on changesets' ExitError/InternalError split.
 */

/** What kind of expected failure: the command runner maps each to its exit code. */
export type ExpectedErrorKind =
    /** A command line that cannot be run: an unknown option, a missing or malformed argument. */
    | "usage"
    /** A stack file, policy config or input file with problems: every problem named at once. */
    | "configuration"
    /** A fact the command needed and could not get (an API down, a record unreadable): nothing acted on. */
    | "undecided"
    /** A request understood and declined: a rule says no (a cap reached, a freeze, a dirty tree). */
    | "refused";

/** The base of every expected error: its message is the whole report, with no stack. */
export class ExpectedError extends Error {
    constructor(
        readonly kind: ExpectedErrorKind,
        message: string,
    ) {
        super(message);
        this.name = new.target.name;
    }
}

export class UsageError extends ExpectedError {
    constructor(message: string) {
        super("usage", message);
    }
}

export class ConfigurationError extends ExpectedError {
    constructor(message: string) {
        super("configuration", message);
    }
}

export class UndecidedError extends ExpectedError {
    constructor(message: string) {
        super("undecided", message);
    }
}

export class RefusedError extends ExpectedError {
    constructor(message: string) {
        super("refused", message);
    }
}

/**
 * A failure of the machine or the network rather than of the code: a system error (ECONNREFUSED,
 * ENOENT, EACCES, …) or fetch's "fetch failed" with such a cause. The command could not decide;
 * a stack trace would only hide the cause. Returns the system code, or undefined.
 */
export function systemErrorCode(e: unknown): string | undefined {
    for (let cur: unknown = e, depth = 0; cur && typeof cur === "object" && depth < 5; depth++) {
        const code = (cur as { code?: unknown }).code;
        if (typeof code === "string" && /^E[A-Z0-9_]{2,}$/.test(code)) return code;
        cur = (cur as { cause?: unknown }).cause;
    }
    return undefined;
}
