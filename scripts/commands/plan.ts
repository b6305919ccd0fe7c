/**
 * `npm run plan -- --stack <name>`: the offline plan of a stack (see scripts/plan/plan.ts). Exit 0 when the config is valid and no
 * mandatory policy is violated, 1 otherwise, 2 on a usage error.
 */
import * as fs from "fs";
import * as path from "path";
import { missingStackFile, StackFileError } from "../../config/sources";
import { runPlan } from "../plan/plan";
import type { PackProcess } from "../plan/pack-process";
import { PolicyConfigError } from "../plan/policy-config";
import { PlanFormat, render } from "../plan/render";
import { defineCommand, Option, parseCommand, usageProblem } from "./cli";
import { CommandIO, EXIT, outPath, writeAtomically } from "./io";

const FORMATS = ["text", "json", "markdown"] as const satisfies readonly PlanFormat[];

function planProgram(io: CommandIO) {
    return defineCommand(
        "plan",
        "The offline plan of a stack: its program under the mock runtime and the policy pack, no account needed.",
        io,
        "Exit 0 when the config is valid and no mandatory policy is violated, 1 otherwise, 2 on a usage error.",
    )
        .requiredOption("--stack <name>", "the stack to plan")
        .option("--file <Pulumi.<stack>.yaml>", "the stack file (default: Pulumi.<stack>.yaml here)")
        .option("--policy-config <file>", "the policy pack's config (default: policies/config/<stack>.json)")
        .addOption(new Option("--format <format>", "how to print the plan").choices(FORMATS).default("text" as const))
        .option("--out <file>", "write the plan to this file instead of stdout");
}

export async function planCommand(
    argv: string[],
    io: CommandIO,
    cwd = process.cwd(),
    packProcess?: PackProcess,
): Promise<number> {
    const cmd = planProgram(io);
    const parsed = parseCommand(cmd, argv);
    if (parsed !== true) return parsed;
    const values = cmd.opts();
    const usage = usageProblem(io, cmd);
    const format = values.format;
    const file = values.file ? path.resolve(cwd, values.file) : path.resolve(cwd, `Pulumi.${values.stack}.yaml`);
    if (!fs.existsSync(file)) return usage(missingStackFile(file));
    // Another stack's own file would be planned with this stack's name and policy config.
    const named = path.basename(file).match(/^Pulumi\.(.+)\.ya?ml$/)?.[1];
    if (named !== undefined && named !== values.stack)
        return usage(
            `--file ${values.file} is stack '${named}''s file, not '${values.stack}''s: pass --stack ${named}, or plan a copy whose name is not Pulumi.<stack>.yaml`,
        );
    let out: string | undefined;
    if (values.out) {
        const checked = outPath(values.out, cwd, [file, ...(values.policyConfig ? [values.policyConfig] : [])]);
        if ("problem" in checked) return usage(checked.problem);
        out = checked.file;
    }
    let plan;
    try {
        io.err(
            `planning stack '${values.stack}' offline (program under the mock runtime, policy pack over its Analyzer interface)...`,
        );
        // Like `pulumi preview --policy-pack-config`: default policies/config/<stack>.json.
        const policyConfigFile = values.policyConfig ? path.resolve(cwd, values.policyConfig) : undefined;
        if (policyConfigFile && !fs.existsSync(policyConfigFile))
            return usage(`no policy config file ${policyConfigFile}`);
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
