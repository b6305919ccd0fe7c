/**
 * `npm run plan -- --stack <name> [--file <stack file>] [--policy-config <file>] [--format text|json|markdown] [--out <file>]`:
 * the offline plan of a stack (see scripts/plan/plan.ts). Exit 0 when the config is valid and no
 * mandatory policy is violated, 1 otherwise, 2 on a usage error.
 */
import * as fs from "fs";
import * as path from "path";
import { StackFileError } from "../../config/sources";
import { runPlan } from "../plan/plan";
import type { PackProcess } from "../plan/pack-process";
import { PolicyConfigError } from "../plan/policy-config";
import { PlanFormat, render } from "../plan/render";
import { CommandIO, EXIT, outPath, parseCommandArgs, writeAtomically } from "./io";

const USAGE =
    "usage: npm run plan -- --stack <name> [--file <Pulumi.<stack>.yaml>] [--policy-config <file>] [--format text|json|markdown] [--out <file>]";
const FORMATS = ["text", "json", "markdown"];

export async function planCommand(
    argv: string[],
    io: CommandIO,
    cwd = process.cwd(),
    packProcess?: PackProcess,
): Promise<number> {
    const values = parseCommandArgs<{
        stack?: string;
        file?: string;
        "policy-config"?: string;
        format?: string;
        out?: string;
    }>(
        argv,
        {
            stack: { type: "string" },
            file: { type: "string" },
            "policy-config": { type: "string" },
            format: { type: "string" },
            out: { type: "string" },
        },
        USAGE,
        io,
    );
    if (typeof values === "number") return values;
    if (!values.stack) {
        io.err(`--stack is required\n${USAGE}`);
        return EXIT.usage;
    }
    const format = (values.format ?? "text") as PlanFormat;
    if (!FORMATS.includes(format)) {
        io.err(`--format must be one of ${FORMATS.join(", ")}, not '${values.format}'\n${USAGE}`);
        return EXIT.usage;
    }
    const file = values.file ? path.resolve(cwd, values.file) : path.resolve(cwd, `Pulumi.${values.stack}.yaml`);
    if (!fs.existsSync(file)) {
        io.err(`no stack file ${file}\n${USAGE}`);
        return EXIT.usage;
    }
    // Another stack's own file would be planned with this stack's name and policy config.
    const named = path.basename(file).match(/^Pulumi\.(.+)\.ya?ml$/)?.[1];
    if (named !== undefined && named !== values.stack) {
        io.err(
            `--file ${values.file} is stack '${named}''s file, not '${values.stack}''s: pass --stack ${named}, or plan a copy whose name is not Pulumi.<stack>.yaml\n${USAGE}`,
        );
        return EXIT.usage;
    }
    let out: string | undefined;
    if (values.out) {
        const checked = outPath(values.out, cwd, [file, ...(values["policy-config"] ? [values["policy-config"]] : [])]);
        if ("problem" in checked) {
            io.err(`${checked.problem}\n${USAGE}`);
            return EXIT.usage;
        }
        out = checked.file;
    }
    let plan;
    try {
        io.err(
            `planning stack '${values.stack}' offline (program under the mock runtime, policy pack over its Analyzer interface)...`,
        );
        // Like `pulumi preview --policy-pack-config`: default policies/config/<stack>.json.
        const policyConfigFile = values["policy-config"] ? path.resolve(cwd, values["policy-config"]) : undefined;
        if (policyConfigFile && !fs.existsSync(policyConfigFile)) {
            io.err(`no policy config file ${policyConfigFile}\n${USAGE}`);
            return EXIT.usage;
        }
        plan = await runPlan({ stack: values.stack, file, policyConfigFile, packProcess });
    } catch (e) {
        // A policy config or a stack file that cannot be read is a finding, like a config problem.
        if (e instanceof PolicyConfigError || e instanceof StackFileError) {
            io.err(e.message);
            return EXIT.findings;
        }
        throw e;
    }
    const text = render(plan, format);
    if (out) {
        writeAtomically(out, text + "\n");
        io.err(`wrote ${values.out}`);
    } else {
        io.out(text);
    }
    return plan.ok ? EXIT.ok : EXIT.findings;
}
