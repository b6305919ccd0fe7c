/**
 * The life of a pull request's review environment, as the review workflow drives it:
 * - `up` on open and on every push: the cap (a new one only), the stack file rebuilt from the base's,
 *   the stack created when new, `pulumi up` (the health gate judges inside it, smoke tests on the
 *   environment's Railway domain), and the sticky comment with its URLs and verdict;
 * - `destroy` on close or merge: `pulumi destroy` (Railway's environment deleted with everything in
 *   it), the stack removed from the backend, the comment saying so;
 * - `sweep` on a schedule: `destroy` of each one whose last update is older than the idle limit.
 * Only stacks named `pr-<number>` are ever counted, swept or destroyed.
 */
import * as fs from "fs";
import * as path from "path";
import { reviewEnvironmentName } from "../../config/derived-environment";
import type { ReviewConfig } from "../../config/stack.schema";
import type { PulumiRun, RunPulumi } from "../engine/engine";
import { REVIEW_MARKER, renderReviewComment, ReviewState } from "./comment";
import { capDecision, ListedStack, sweepVerdicts, SweepVerdict } from "./decide";
import { CouldNotDecide, gateJudges, reviewSettings, reviewStackFile } from "./stack-file";
import { whyFailed } from "../engine/why-failed";

export { CouldNotDecide };

export { REVIEW_MARKER };

export interface ReviewDeps {
    /** The Pulumi CLI in the project folder `cwd`. */
    pulumi: RunPulumi;
    cwd: string;
    /** Keeps the pull request's one review comment (absent: the comment is only printed). */
    comment?: (pullRequest: number, body: string) => Promise<void>;
    progress: (line: string) => void;
    now: () => Date;
    /**
     * Whether a pull request is still open, asked of GitHub (absent without a token). `undefined`:
     * GitHub could not say; the sweeper then goes by the idle limit alone, and says so.
     */
    pullRequestOpen?: (pullRequest: number) => Promise<boolean | undefined>;
}

export type UpOutcome =
    | { result: "deployed" | "failed"; stack: string; comment: string }
    | { result: "refused"; stack: string; comment: string; reason: string }
    | { result: "could not decide"; stack: string; reason: string };

export type DestroyOutcome =
    { result: "destroyed" | "absent"; stack: string } | { result: "could not decide"; stack: string; reason: string };

export const run = (stack: string, args: string[]) => [
    ...args,
    "--stack",
    stack,
    "--non-interactive",
    "--color",
    "never",
];

/** The last lines of a run (the CLI masks secret values in what it prints). */
/** Why a run failed, bounded: its error lines (the last lines of a failed `up` are its outputs). */
export const tail = (r: PulumiRun, lines = 30) => whyFailed(r, { lines });

export async function listStacks(deps: ReviewDeps): Promise<ListedStack[]> {
    const r = await deps.pulumi(["stack", "ls", "--json"]);
    if (r.code !== 0) throw new CouldNotDecide(`pulumi stack ls failed:\n${tail(r, 8)}`);
    try {
        const parsed = JSON.parse(r.stdout) as unknown;
        if (!Array.isArray(parsed)) throw new Error("not a list");
        return parsed.filter((s): s is ListedStack => typeof s?.name === "string");
    } catch (e) {
        throw new CouldNotDecide(`pulumi stack ls --json printed no stack list: ${(e as Error).message}`);
    }
}

export function readBase(deps: ReviewDeps, base: string): string {
    const file = path.join(deps.cwd, `Pulumi.${base}.yaml`);
    if (!fs.existsSync(file)) throw new CouldNotDecide(`no Pulumi.${base}.yaml: review environments are made from it`);
    return fs.readFileSync(file, "utf8");
}

async function postComment(deps: ReviewDeps, pullRequest: number, body: string): Promise<void> {
    if (!deps.comment) return;
    try {
        await deps.comment(pullRequest, body);
    } catch (e) {
        deps.progress(`review: could not comment on #${pullRequest}: ${(e as Error).message.slice(0, 300)}`);
    }
}

/** Writes a derived stack's file (made from its base's) and creates the stack in the backend when new. */
export async function writeStack(deps: ReviewDeps, stack: string, text: string, exists: boolean): Promise<void> {
    fs.writeFileSync(path.join(deps.cwd, `Pulumi.${stack}.yaml`), text);
    if (!exists) {
        const init = await deps.pulumi(["stack", "init", stack, "--non-interactive"]);
        // Made meanwhile by another run of the same command (it held the stack until it was done): the same stack.
        if (init.code !== 0 && !/already exists/.test(init.stderr))
            throw new CouldNotDecide(`pulumi stack init ${stack} failed:\n${tail(init, 8)}`);
    }
}

/** Writes the review stack's file (from the base's) and creates the stack in the backend when new. */
async function prepareStack(deps: ReviewDeps, review: ReviewConfig, exists: boolean): Promise<void> {
    const text = reviewStackFile(readBase(deps, review.base), review.base, review);
    await writeStack(deps, reviewEnvironmentName(review.pullRequest), text, exists);
}

async function removeStack(deps: ReviewDeps, stack: string): Promise<PulumiRun> {
    return deps.pulumi(run(stack, ["stack", "rm", "--yes"]));
}

/** `pulumi destroy` of a derived stack, then the stack removed; what is left is named in a CouldNotDecide. */
export async function destroyStack(deps: ReviewDeps, stack: string): Promise<void> {
    deps.progress(`${stack}: pulumi destroy`);
    const destroyed = await deps.pulumi(run(stack, ["destroy", "--yes", "--skip-preview"]));
    if (destroyed.code !== 0) throw new CouldNotDecide(`pulumi destroy failed; the stack is kept:\n${tail(destroyed)}`);
    const removed = await removeStack(deps, stack);
    if (removed.code !== 0) throw new CouldNotDecide(`destroyed, but pulumi stack rm failed:\n${tail(removed, 8)}`);
}

export async function stackUrls(deps: ReviewDeps, stack: string): Promise<Record<string, string[]>> {
    const r = await deps.pulumi(run(stack, ["stack", "output", "urls", "--json"]));
    if (r.code !== 0) return {};
    try {
        const urls = JSON.parse(r.stdout) as Record<string, unknown>;
        return Object.fromEntries(
            Object.entries(urls ?? {}).map(([svc, list]) => [
                svc,
                Array.isArray(list) ? list.filter((u): u is string => typeof u === "string") : [],
            ]),
        );
    } catch {
        return {};
    }
}

/** Creates or updates the review environment of a pull request, and comments its URL and verdict. */
export async function reviewUp(deps: ReviewDeps, review: ReviewConfig): Promise<UpOutcome> {
    const stack = reviewEnvironmentName(review.pullRequest);
    try {
        const baseText = readBase(deps, review.base);
        const settings = reviewSettings(baseText, review.base);
        const listed = await listStacks(deps);
        const exists = listed.some((s) => s.name === stack);
        const refuse = async (reason: string): Promise<UpOutcome> => {
            const comment = renderReviewComment({ state: "refused", stack, reason, at: deps.now() });
            await postComment(deps, review.pullRequest, comment);
            return { result: "refused", stack, comment, reason };
        };
        const cap = capDecision(listed, stack, settings.max);
        if (!cap.allowed) return refuse(cap.reason);
        await prepareStack(deps, review, exists);
        if (!exists) {
            // Counted again now that this one exists: two opened at once cannot both slip under the cap.
            const recount = capDecision(await listStacks(deps), stack, settings.max, true);
            if (!recount.allowed) {
                const removed = await removeStack(deps, stack);
                if (removed.code !== 0) deps.progress(`review: could not remove ${stack} again:\n${tail(removed, 8)}`);
                return refuse(recount.reason);
            }
        }
        deps.progress(`review: pulumi up of ${stack} (${review.branch.slice(0, 100)})`);
        const up = await deps.pulumi(run(stack, ["up", "--yes", "--skip-preview"]));
        const state: ReviewState = {
            state: up.code === 0 ? "deployed" : "failed",
            stack,
            judged: gateJudges(baseText, review.base),
            urls: await stackUrls(deps, stack),
            branch: review.branch,
            commit: review.commit,
            at: deps.now(),
            idleDays: settings.idleDays,
            details: up.code === 0 ? undefined : whyFailed(up),
        };
        const comment = renderReviewComment(state);
        await postComment(deps, review.pullRequest, comment);
        return { result: state.state, stack, comment };
    } catch (e) {
        if (e instanceof CouldNotDecide) return { result: "could not decide", stack, reason: (e as Error).message };
        throw e;
    }
}

/** Destroys a review environment (Railway's environment and the stack); nothing to do when it has none. */
export async function reviewDestroy(
    deps: ReviewDeps,
    target: { base: string; pullRequest: number; repository: string; reason: string },
): Promise<DestroyOutcome> {
    const stack = reviewEnvironmentName(target.pullRequest);
    try {
        const listed = await listStacks(deps);
        if (!listed.some((s) => s.name === stack)) return { result: "absent", stack };
        // The file is needed for the stack's encryption settings; its branch is irrelevant to a destroy.
        await prepareStack(
            deps,
            { pullRequest: target.pullRequest, branch: "-", repository: target.repository, base: target.base },
            true,
        );
        await destroyStack(deps, stack);
        await postComment(
            deps,
            target.pullRequest,
            renderReviewComment({ state: "destroyed", stack, reason: target.reason, at: deps.now() }),
        );
        return { result: "destroyed", stack };
    } catch (e) {
        if (e instanceof CouldNotDecide) return { result: "could not decide", stack, reason: (e as Error).message };
        throw e;
    }
}

export interface SweepOutcome {
    verdicts: SweepVerdict[];
    destroyed: DestroyOutcome[];
}

/** Destroys every review environment idle past the base's `reviewEnvironments.idleDays` (or `idleDays`). */
export async function reviewSweep(
    deps: ReviewDeps,
    opts: { base: string; repository: string; idleDays?: number },
): Promise<SweepOutcome> {
    const idleDays = opts.idleDays ?? reviewSettings(readBase(deps, opts.base), opts.base).idleDays;
    const verdicts = sweepVerdicts(await listStacks(deps), deps.now(), idleDays);
    const destroyed: DestroyOutcome[] = [];
    for (const v of verdicts) {
        if (v.action === "could not decide") continue;
        const pullRequest = Number(v.stack.slice(3));
        // A close whose destroy failed (the review workflow's run lost) would linger until the idle
        // limit: GitHub is asked, and a closed pull request's environment goes now.
        const open = deps.pullRequestOpen ? await deps.pullRequestOpen(pullRequest) : undefined;
        if (deps.pullRequestOpen && open === undefined)
            deps.progress(
                `review sweep: GitHub could not say whether #${pullRequest} is open; going by the idle limit`,
            );
        if (open === false) {
            v.action = "destroy";
            v.closed = true;
        }
        if (v.action !== "destroy") continue;
        destroyed.push(
            await reviewDestroy(deps, {
                base: opts.base,
                pullRequest,
                repository: opts.repository,
                reason: v.closed
                    ? "its pull request is closed."
                    : `after ${v.idleDays} days without an update (the limit is ${idleDays}). A push to the pull request makes it again.`,
            }),
        );
    }
    return { verdicts, destroyed };
}
