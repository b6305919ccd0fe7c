/**
 * Waiting for Railway to finish copying a duplicated environment.
 *
 * Railway copies the source's services, variables and volumes into a duplicate after it answers the
 * create when asked to (`applyChangesInBackground`, as its CLI does since a copy made within the
 * request outlasted a 30 s timeout on big environments), and within the request otherwise, where a
 * client that times out finds the environment by name while the copy is still being made. Every
 * other resource of a review stack writes into that environment: a write made before the copy lands
 * is refused, or the copy lands over it. So an environment is handed on only once Railway reports
 * its copy applied (`environmentStagedChanges` says STAGED or COMMITTED), as Railway's CLI waits too.
 */
import { shown } from "../../config/values";
import { gql } from "./api";
import { reportProgress } from "./progress";

/** How long a duplicate's copy may take: `RAILWAY_DUPLICATE_TIMEOUT_MS`, default 10 minutes. */
export function duplicateTimeoutMs(): number {
    const v = Number(process.env.RAILWAY_DUPLICATE_TIMEOUT_MS);
    return Number.isFinite(v) && v > 0 ? v : 600_000;
}

const FIRST_POLL_MS = 250;
const LONGEST_POLL_MS = 5_000;
const PROGRESS_EVERY_MS = 15_000;

/** Railway reported the copy failed (`lastAppliedError`): the duplicate will never be whole. */
export function isCopyFailed(e: unknown): boolean {
    return (e as { copyFailed?: boolean })?.copyFailed === true;
}

/**
 * Resolves once Railway has applied the copy into `name`. Throws an error {@link isCopyFailed}
 * recognises when Railway reports the copy failed, and any other when it has not landed within the
 * timeout (or Railway could not be asked): then it may yet land.
 *
 * `lastAppliedError` belongs to the environment's latest patch, whatever made it: it is the copy's
 * only for an environment just made, or one seen copying during this wait. An environment found
 * already done (a fork adopted years after a staged change of someone's failed) is handed on.
 */
export async function untilCopied(
    apiUrl: string | undefined,
    env: { id: string; name: string },
    sourceName: string,
    madeNow: boolean,
): Promise<void> {
    let seenCopying = madeNow;
    const started = Date.now();
    const deadline = started + duplicateTimeoutMs();
    let delay = FIRST_POLL_MS;
    let reported = 0;
    for (;;) {
        const { environmentStagedChanges: patch } = await gql(apiUrl, "EnvironmentStagedChanges", {
            environmentId: env.id,
        });
        // Done as Railway's CLI takes it: STAGED or COMMITTED. APPLYING, or a status this code does
        // not know, is waited on: writing into a copy that may not be done is the guess not to make.
        if (patch.status === "COMMITTED" || patch.status === "STAGED") {
            if (patch.lastAppliedError && seenCopying)
                throw Object.assign(
                    new Error(
                        `railway.Environment '${env.name}': Railway could not copy '${sourceName}' into it: ${shown(patch.lastAppliedError, 300)}`,
                    ),
                    { copyFailed: true },
                );
            return;
        }
        seenCopying = true;
        const waited = Date.now() - started;
        if (Date.now() + delay > deadline)
            throw new Error(
                `railway.Environment '${env.name}': Railway was still copying '${sourceName}' into it after ${Math.round(waited / 1000)} s ` +
                    `(status ${shown(String(patch.status), 40)}, RAILWAY_DUPLICATE_TIMEOUT_MS); nothing was written into it. ` +
                    `Run the update again to wait for it`,
            );
        if (waited - reported >= PROGRESS_EVERY_MS || reported === 0) {
            reportProgress(
                `railway: environment '${env.name}' is still being copied from '${sourceName}' (${Math.round(waited / 1000)} s)`,
            );
            reported = Math.max(waited, 1);
        }
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 1.5, LONGEST_POLL_MS);
    }
}
