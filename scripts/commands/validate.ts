/**
 * `npm run validate -- --stack <name> | --file <path>`: validates a stack file with no Pulumi CLI,
 * no credentials and no network. `secure:` values count as present; their content is not checked.
 */
import * as fs from "fs";
import * as path from "path";
import { formatIssue } from "../../config/issues";
import { readStackFile, StackFileError } from "../../config/sources";
import { reportedIssues, validateStackConfig } from "../../config/validate";
import { CommandIO, EXIT, parseCommandArgs } from "./io";

const USAGE = "usage: npm run validate -- --stack <name> | --file <Pulumi.<stack>.yaml> [--stack <name>]";

export function validateCommand(argv: string[], io: CommandIO, cwd = process.cwd()): number {
    const values = parseCommandArgs<{ stack?: string; file?: string }>(
        argv,
        { stack: { type: "string" }, file: { type: "string" } },
        USAGE,
        io,
    );
    if (typeof values === "number") return values;
    if (!values.stack && !values.file) {
        io.err(`--stack or --file is required\n${USAGE}`);
        return EXIT.usage;
    }
    const file = values.file ? path.resolve(cwd, values.file) : path.join(cwd, `Pulumi.${values.stack}.yaml`);
    if (!fs.existsSync(file)) {
        const stacks = fs
            .readdirSync(cwd)
            .filter((f) => /^Pulumi\.(.+)\.yaml$/.test(f))
            .map((f) => f.replace(/^Pulumi\.|\.yaml$/g, ""));
        io.err(`no stack file ${file}${stacks.length ? ` (stacks here: ${stacks.join(", ")})` : ""}\n${USAGE}`);
        return EXIT.usage;
    }
    let source;
    try {
        source = readStackFile(file, values.stack);
    } catch (e) {
        if (!(e instanceof StackFileError)) throw e;
        io.err(e.message);
        return EXIT.findings;
    }
    const result = validateStackConfig(source.raw);
    const issues = reportedIssues(source.issues, result);
    for (const warning of result.warnings) io.err(`warning: ${formatIssue(source.stack, warning)}`);
    if (issues.length === 0) {
        io.out(`ok: ${source.stack}`);
        return EXIT.ok;
    }
    for (const issue of issues) io.err(formatIssue(source.stack, issue));
    io.err(`${source.stack}: ${issues.length} problem${issues.length === 1 ? "" : "s"}`);
    return EXIT.findings;
}
