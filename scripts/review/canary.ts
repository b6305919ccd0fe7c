/**
 * The canary: the commit about to reach production, run first on production's services, settings,
 * variables and secrets, in an environment of its own (`canary`, a duplicate of production's in
 * production's project, one replica, its own Railway domain, its own datastores), and judged there
 * by production's health gate (health, smoke tests, metrics) inside `pulumi up`. The deploy workflow
 * runs it before production's `up`, which does not start unless it passed. The stack is kept between
 * deploys (an update of it is quicker than a duplicate), its file rebuilt each time from
 * production's; `destroy` removes it.
 */
import { CANARY_ENVIRONMENT } from "../../config/derived-environment";
import type { CanaryConfig } from "../../config/stack.schema";
import {
    CouldNotDecide,
    destroyStack,
    listStacks,
    readBase,
    ReviewDeps,
    run,
    stackUrls,
    tail,
    writeStack,
} from "./run";
import { canaryStackFile, gateJudges } from "./stack-file";

export type CanaryOutcome =
    | { result: "passed" | "failed"; judged: boolean; urls: Record<string, string[]>; details?: string }
    | { result: "could not decide"; reason: string };

/** The line the health gate prints when it refuses a deployment (scripts/commands/gate.ts). */
const GATE_REFUSED = /gate: rolled-back: /;

/** What a run could not decide (a base file that is not one, a stack that cannot be made); anything else is thrown on. */
function couldNotDecide(e: unknown): { result: "could not decide"; reason: string } {
    if (e instanceof CouldNotDecide) return { result: "could not decide", reason: (e as Error).message };
    throw e;
}

async function prepare(deps: ReviewDeps, canary: CanaryConfig, known?: boolean): Promise<string> {
    const baseText = readBase(deps, canary.base);
    const exists = known ?? (await listStacks(deps)).some((s) => s.name === CANARY_ENVIRONMENT);
    await writeStack(deps, CANARY_ENVIRONMENT, canaryStackFile(baseText, canary.base, canary), exists);
    return baseText;
}

/** Deploys `canary.commit` to the canary and says whether the gate passed it. */
export async function canaryUp(deps: ReviewDeps, canary: CanaryConfig): Promise<CanaryOutcome> {
    try {
        const baseText = await prepare(deps, canary);
        deps.progress(`canary: pulumi up of ${canary.commit.slice(0, 12)} on ${canary.base}'s configuration`);
        const up = await deps.pulumi(run(CANARY_ENVIRONMENT, ["up", "--yes", "--skip-preview"]));
        // Only the gate's verdict refuses a commit: an `up` that failed for any other reason
        // (Railway's answers lost, a 5xx, a runner out of memory) judged nothing of it.
        if (up.code !== 0 && !GATE_REFUSED.test(up.stdout + up.stderr))
            return {
                result: "could not decide",
                reason: `the canary's pulumi up failed before the health gate judged ${canary.commit.slice(0, 12)}, so nothing is known of the commit; run it again:\n${tail(up)}`,
            };
        return {
            result: up.code === 0 ? "passed" : "failed",
            judged: gateJudges(baseText, canary.base),
            urls: await stackUrls(deps, CANARY_ENVIRONMENT),
            details: up.code === 0 ? undefined : tail(up),
        };
    } catch (e) {
        return couldNotDecide(e);
    }
}

/** Destroys the canary's environment and removes its stack (nothing to do when there is none). */
export async function canaryDestroy(
    deps: ReviewDeps,
    canary: Omit<CanaryConfig, "commit">,
): Promise<{ result: "destroyed" | "absent" } | { result: "could not decide"; reason: string }> {
    try {
        if (!(await listStacks(deps)).some((s) => s.name === CANARY_ENVIRONMENT)) return { result: "absent" };
        // The file carries the stack's encryption settings; the commit is irrelevant to a destroy.
        await prepare(deps, { ...canary, commit: "0000000" }, true);
        await destroyStack(deps, CANARY_ENVIRONMENT);
        return { result: "destroyed" };
    } catch (e) {
        return couldNotDecide(e);
    }
}
