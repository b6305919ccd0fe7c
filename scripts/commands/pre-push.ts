/**
 * The pre-push gate (installed as a git hook by `npm ci` through husky): typecheck, validate every
 * stack file, then the offline plan of staging and production with the policy pack. A config
 * problem or a mandatory policy violation stops the push and prints the plan's findings.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { runPlan, startPolicyPack } from "../plan/plan";
import { renderText } from "../plan/render";
import { defineCommand, parseCommand } from "./cli";
import { CommandIO, EXIT } from "./io";
import { validateCommand } from "./validate";

export interface PrePushSteps {
    typecheck(io: CommandIO): boolean;
}

const defaultSteps: PrePushSteps = {
    typecheck(io) {
        const tsc = require.resolve("typescript/bin/tsc");
        const res = spawnSync(process.execPath, [tsc, "--noEmit", "-p", "tsconfig.json"], {
            encoding: "utf8",
            cwd: path.resolve(__dirname, "..", ".."),
        });
        if (res.status !== 0) io.err(`${res.stdout}${res.stderr}`.trim());
        return res.status === 0;
    },
};

/** Stacks whose plan the gate runs (local is a development stack). */
const GATED_STACKS = ["staging", "production"];

export async function prePushCommand(
    argv: string[],
    io: CommandIO,
    cwd = process.cwd(),
    steps: PrePushSteps = defaultSteps,
): Promise<number> {
    const parsed = parseCommand(
        defineCommand(
            "pre-push",
            "The pre-push gate: typecheck, validate every Pulumi.<stack>.yaml, offline plan of staging and production. No options.",
            io,
        ),
        argv,
    );
    if (parsed !== true) return parsed;
    io.err("pre-push: typecheck");
    if (!steps.typecheck(io)) {
        io.err("pre-push: typecheck failed; push stopped");
        return EXIT.findings;
    }
    const stacks = fs
        .readdirSync(cwd)
        .filter((f) => /^Pulumi\.(.+)\.yaml$/.test(f))
        .map((f) => f.replace(/^Pulumi\.|\.yaml$/g, ""))
        .sort();
    let failed = false;
    for (const stack of stacks) {
        io.err(`pre-push: validate ${stack}`);
        if (validateCommand(["--stack", stack], io, cwd) !== EXIT.ok) failed = true;
    }
    if (failed) {
        io.err("pre-push: a stack's config is invalid; push stopped");
        return EXIT.findings;
    }
    const pack = await startPolicyPack();
    try {
        for (const stack of GATED_STACKS.filter((s) => stacks.includes(s))) {
            io.err(`pre-push: offline plan of ${stack}`);
            const plan = await runPlan({ stack, file: path.join(cwd, `Pulumi.${stack}.yaml`), analyzer: pack });
            const mandatory = plan.policies?.mandatory.length ?? 0;
            const advisory = plan.policies?.advisory.length ?? 0;
            if (!plan.ok) {
                io.err(renderText(plan));
                failed = true;
            } else {
                io.err(
                    `pre-push: ${stack}: ${plan.resources.length} resources, ${mandatory} mandatory and ${advisory} advisory finding(s)`,
                );
            }
        }
    } finally {
        await pack.close();
    }
    if (failed) {
        io.err("pre-push: mandatory policy violations; push stopped (see above)");
        return EXIT.findings;
    }
    io.err("pre-push: ok");
    // What happens after the push is Railway's (its trigger may deploy it before CI does): say how to follow it.
    io.err(
        "pre-push: after the push, `npm run deploy:watch -- --stack staging --commit <sha>` follows what Railway deploys",
    );
    return EXIT.ok;
}
