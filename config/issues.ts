import { ConfigurationError } from "./errors";

/**
 * One problem found in a configuration, and the single line format every command prints:
 * `<stack>: <config.key.path> (<service>): <what is wrong> (<how to fix>)`.
 */
export interface ConfigIssue {
    /** Where the problem is, e.g. `ainative-platform:railway.services[0].replicas` or an env key. */
    path: string;
    /**
     * What the path is in words, when its index alone would not tell a person (`service web` for
     * `railway.services[0]`). The path stays Pulumi's `--path` syntax, so it can be pasted.
     */
    subject?: string;
    /** What is wrong. Never contains the value of a secret. */
    problem: string;
    /** How to fix it. */
    fix: string;
}

export function formatIssue(stack: string, issue: ConfigIssue): string {
    return `${stack}: ${issue.path}${issue.subject ? ` (${issue.subject})` : ""}: ${issue.problem} (${issue.fix})`;
}

/**
 * Thrown when a configuration has problems: carries every problem, not only the first. The stack
 * is `stackName`, not `stack`: a `stack` property would shadow `Error.stack`, which is what
 * runtimes print for an error.
 */
export class ConfigValidationError extends ConfigurationError {
    constructor(
        readonly stackName: string,
        readonly issues: ConfigIssue[],
    ) {
        super(
            `${issues.length} configuration problem${issues.length === 1 ? "" : "s"} in stack '${stackName}':\n` +
                issues.map((i) => formatIssue(stackName, i)).join("\n"),
        );
    }

    /** The error lines alone, one per problem. */
    lines(): string[] {
        return this.issues.map((i) => formatIssue(this.stackName, i));
    }
}
