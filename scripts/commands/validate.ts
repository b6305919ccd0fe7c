/**
 * `npm run validate -- --stack <name> | --file <path>`: validates a stack file with no Pulumi CLI,
 * no credentials and no network. `secure:` values count as present; their content is not checked.
 */
import * as fs from "fs";
import * as path from "path";
import { formatIssue } from "../../config/issues";
import { missingStackFile, readStackFile, StackFileError } from "../../config/sources";
import { reportedIssues, validateStackConfig } from "../../config/validate";
import { defineCommand, parseCommand, usageProblem } from "./cli";
import { CommandIO, EXIT } from "./io";

function validateProgram(io: CommandIO) {
    return defineCommand(
        "validate",
        "Validates a stack file offline: no Pulumi CLI, no credentials, no network.",
        io,
        "Give --stack, --file, or both. Exit 0 valid, 1 problems found, 2 usage error.",
    )
        .option("--stack <name>", "the stack whose Pulumi.<name>.yaml to read")
        .option(
            "--file <Pulumi.<stack>.yaml>",
            "a stack file to read (its stack name from the file name unless --stack)",
        );
}

export function validateCommand(argv: string[], io: CommandIO, cwd = process.cwd()): number {
    const cmd = validateProgram(io);
    const parsed = parseCommand(cmd, argv);
    if (parsed !== true) return parsed;
    const values = cmd.opts();
    const usage = usageProblem(io, cmd);
    if (!values.stack && !values.file) return usage("--stack or --file is required");
    const file = values.file ? path.resolve(cwd, values.file) : path.join(cwd, `Pulumi.${values.stack}.yaml`);
    if (!fs.existsSync(file)) return usage(missingStackFile(file));
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
