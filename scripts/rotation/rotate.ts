/**
 * Rotating one secret of a service across stacks, in order (staging before production): for each
 * stack the new value is set as Pulumi secret config and applied with `pulumi up`, where the
 * stack's health gate judges the deployment it makes. A stack whose `up` fails gets its previous
 * value back (set and applied again) and the rotation stops there: the stacks after it are not
 * touched. A success records the date under `rotations` (not secret). Values pass through the
 * CLI's standard input and stay in memory: never an argument, never printed.
 */

import type { PulumiRun, RunPulumi } from "../engine/engine";
import { whyFailed } from "../engine/why-failed";

export interface RotationPlan {
    stacks: string[];
    service: string;
    key: string;
    value: string;
    /** The date recorded for a success (YYYY-MM-DD). */
    today: string;
    /**
     * Writes a value as the newest version of the stack's backup in Vault, or says why it could not
     * (undefined: written, or the stack has no backup). Called before Railway sees a new value, and
     * again with the previous value when a rotation is undone, so Vault's newest is what runs.
     */
    backup?: (stack: string, value: string) => Promise<string | undefined>;
}

export type StackOutcome =
    | { stack: string; result: "rotated" }
    | { stack: string; result: "undone"; reason: string }
    | { stack: string; result: "could not decide"; reason: string };

const secretPath = (p: RotationPlan) => `secrets.services.${p.service}.${p.key}`;

/** Why a run failed, with every value of the rotation cut out. */
const tail = (r: PulumiRun, values: string[]) => whyFailed(r, { lines: 12, values });

export async function rotate(
    plan: RotationPlan,
    runPulumi: RunPulumi,
    progress: (line: string) => void,
): Promise<StackOutcome[]> {
    // An engine that cannot even start (ENOMEM, a missing binary) is a failed run like any other:
    // after the new value is set, an exception would skip the undo and leave the config half-rotated.
    const pulumi: RunPulumi = (args, opts) =>
        runPulumi(args, opts).catch((e: Error) => ({
            code: -1,
            stdout: "",
            stderr: `error: the Pulumi CLI could not run: ${e.message}`,
        }));
    const outcomes: StackOutcome[] = [];
    for (const stack of plan.stacks) {
        const on = ["--stack", stack];
        const current = await pulumi(["config", "get", "--path", secretPath(plan), ...on]);
        if (current.code !== 0) {
            outcomes.push({
                stack,
                result: "could not decide",
                reason: `${secretPath(plan)} is not set on ${stack}: set it first (pulumi config set --secret --path '${secretPath(plan)}' --stack ${stack}), then rotate`,
            });
            break;
        }
        const previous = current.stdout.replace(/\n$/, "");
        const values = [previous, plan.value];
        const set = async (value: string) =>
            pulumi(["config", "set", "--secret", "--path", secretPath(plan), ...on], { input: value });
        const up = () => pulumi(["up", "--yes", "--skip-preview", "--non-interactive", "--color", "never", ...on]);

        // Vault first: a value Railway runs but no backup holds is the loss the backup is for.
        const backedUp = await plan.backup?.(stack, plan.value);
        if (backedUp) {
            outcomes.push({
                stack,
                result: "could not decide",
                reason: `the new value could not be written to Vault first, so nothing changed on ${stack}: ${backedUp}`,
            });
            break;
        }
        progress(`secret:rotate: ${stack}: setting the new ${plan.service}.${plan.key} and running pulumi up`);
        const written = await set(plan.value);
        if (written.code !== 0) {
            await plan.backup?.(stack, previous);
            outcomes.push({
                stack,
                result: "could not decide",
                reason: `pulumi config set failed:\n${tail(written, values)}`,
            });
            break;
        }
        const applied = await up();
        if (applied.code === 0) {
            const recorded = await pulumi([
                "config",
                "set",
                "--path",
                `rotations.${plan.service}.${plan.key}`,
                plan.today,
                ...on,
            ]);
            if (recorded.code !== 0)
                progress(`secret:rotate: ${stack}: rotated, but the date was not recorded:\n${tail(recorded, values)}`);
            progress(`secret:rotate: ${stack}: rotated; the gate passed`);
            outcomes.push({ stack, result: "rotated" });
            continue;
        }
        progress(`secret:rotate: ${stack}: pulumi up failed; putting the previous value back`);
        const reason = tail(applied, values);
        const restored = await set(previous);
        const reapplied = restored.code === 0 ? await up() : restored;
        if (reapplied.code !== 0) {
            outcomes.push({
                stack,
                result: "could not decide",
                reason: `the rotation failed and so did putting the previous value back; the config holds ${restored.code === 0 ? "the previous" : "the new"} value. Run pulumi up --stack ${stack} once the cause is fixed.\nthe rotation's up:\n${reason}\nthe restore:\n${tail(reapplied, values)}`,
            });
            break;
        }
        const reverted = await plan.backup?.(stack, previous);
        outcomes.push({
            stack,
            result: "undone",
            reason: reverted
                ? `${reason}\nVault's newest version is still the refused value (${reverted}): run npm run secret:backup -- --stack ${stack}`
                : reason,
        });
        break;
    }
    return outcomes;
}
