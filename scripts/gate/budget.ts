/**
 * The gate's Railway API budget. Railway counts requests per token and per hour (Hobby 1,000,
 * Pro 10,000: docs/health-gate.md "Railway API budget"), and every gate, drift run and deploy
 * watcher of a token spends the same count. So the gate:
 *
 * - knows its cost: {@link gateApiCalls} is the most requests one gate makes for one service, by
 *   what they are for, and a test holds the gate to it;
 * - batches: the end-of-window reading is one request, whatever the number of parts;
 * - waits on Railway with a backing-off poll ({@link pollDelays}), not a fixed 2 or 10 s one;
 * - shares one budget: Railway's own count, read from each answer's `X-RateLimit-Remaining`,
 *   is what every process and runner of the token spends, so the gate's optional reads (the
 *   minute-by-minute memory samples) stop when it falls to {@link RESERVED_CALLS}, leaving what is
 *   left to the reads and rollbacks that decide;
 * - never turns a 429 into a verdict: the client waits out `Retry-After`, and a figure still
 *   missing after that decides nothing.
 */
import { railwayRateLimit } from "../../providers/railway";
import type { GateConfig } from "../../config/stack.schema";
import { WINDOW_READ_CALLS } from "./railway-signals";

/** How often the gate reads Railway's memory figures while it watches. */
export const MEMORY_READ_EVERY_MS = 60_000;
/** The first wait while a build runs; it doubles up to {@link POLL_CAP_MS}. */
export const BUILD_WAIT_FIRST_POLL_MS = 5_000;
/** The first wait while a rollback deploys; it doubles up to {@link POLL_CAP_MS}. */
export const ROLLBACK_FIRST_POLL_MS = 2_000;
/** No poll of Railway's deployments waits longer than this between reads. */
export const POLL_CAP_MS = 30_000;

/**
 * Requests left in Railway's count below which the gate makes no optional read: enough for ten
 * gates at once to finish (their window read, a failure log, a rollback and its first polls).
 */
export const RESERVED_CALLS = 100;

/** The waits of a poll that starts at `firstMs` and doubles up to `capMs`, until `timeoutMs` has passed. */
export function pollDelays(timeoutMs: number, firstMs: number, capMs = POLL_CAP_MS): number[] {
    const delays: number[] = [];
    let waited = 0;
    for (let d = Math.max(1, firstMs); waited < timeoutMs; d = Math.min(capMs, d * 2)) {
        const next = Math.min(d, timeoutMs - waited);
        delays.push(next);
        waited += next;
    }
    return delays;
}

export interface GateApiCalls {
    /** The deployments list at the start, and its reads while a build runs (to the rollback timeout at most). */
    deployments: number;
    /** Railway's memory figures, once a minute through the window. */
    memory: number;
    /** The end-of-window reading (traffic, latency, resources, baseline), batched. */
    window: number;
    /** A failed deployment's log, once. */
    failureLog: number;
    /** A rollback: the list before it, the call, a lookup if its answer is lost, and the reads while it deploys. */
    rollback: number;
    total: number;
}

/**
 * The most Railway requests one gate makes for one service, with `cfg`'s window and timeouts:
 * each wait run to its timeout, a rollback at the end. A list of deployments is one request per
 * page of Railway's history.
 */
export function gateApiCalls(
    cfg: Pick<GateConfig, "monitoringWindowMinutes" | "rollbackTimeoutSeconds">,
): GateApiCalls {
    const timeoutMs = cfg.rollbackTimeoutSeconds * 1000;
    const windowMs = cfg.monitoringWindowMinutes * 60_000;
    const parts = {
        deployments: 1 + pollDelays(timeoutMs, BUILD_WAIT_FIRST_POLL_MS).length,
        memory: Math.floor(windowMs / MEMORY_READ_EVERY_MS) + 1,
        window: WINDOW_READ_CALLS,
        failureLog: 1,
        rollback: 3 + pollDelays(timeoutMs, ROLLBACK_FIRST_POLL_MS).length + 1,
    };
    return { ...parts, total: Object.values(parts).reduce((a, b) => a + b, 0) };
}

/**
 * Whether an optional read may be made now: yes unless Railway's last answer for this token said
 * fewer than {@link RESERVED_CALLS} requests are left before its reset. Unknown (no answer yet,
 * no headers) is yes: the client still honours a 429's `Retry-After`.
 */
export function mayReadOptional(env?: NodeJS.ProcessEnv): { ok: true } | { ok: false; why: string } {
    const seen = railwayRateLimit(env ?? process.env);
    if (!seen || seen.remaining >= RESERVED_CALLS) return { ok: true };
    return {
        ok: false,
        why: `Railway's API budget for this token is low (${seen.remaining} of ${seen.limit} requests left until ${new Date(seen.resetAtMs).toISOString()})`,
    };
}
