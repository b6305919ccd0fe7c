/**
 * The one way this project talks to Railway: the provider plugin, the health gate, rollback and
 * drift all call these functions. An operation is named by its key in {@link DOCUMENTS}; its
 * variables and result are typed from Railway's schema (generated/graphql.ts). The client, and so
 * the token, is made at call time; nothing here holds a credential.
 */
import type { ResultOf, TypedDocumentNode, VariablesOf } from "@graphql-typed-document-node/core";
import { shown } from "../../config/values";
import { isRailwayApiError, RailwayApiError, RailwayClient } from "./client";
import { DOCUMENTS, isMutation, isRetrySafe, OperationName } from "./documents";
import type * as Generated from "./generated/graphql";
import { reportProgress } from "./progress";

type DocumentOf<Op extends OperationName> =
    (typeof Generated)[`${Op}Document`] extends TypedDocumentNode<infer _Result, infer _Variables>
        ? (typeof Generated)[`${Op}Document`]
        : never;
/** What Railway answers to an operation (its `data`). */
export type Result<Op extends OperationName> = ResultOf<DocumentOf<Op>>;
/** The variables an operation takes. */
export type Variables<Op extends OperationName> = VariablesOf<DocumentOf<Op>>;

export interface CallOptions {
    /**
     * Where the token (RAILWAY_API_TOKEN or RAILWAY_TOKEN) and RAILWAY_API_URL are read: a command's
     * own environment (default this process's, as the provider plugin has only that one).
     */
    env?: NodeJS.ProcessEnv;
    /**
     * Retry a mutation after a 429 (default true). Creates pass false and recover through a lookup
     * instead (see {@link createOrAdopt}): a 429 or an error after Railway applied the create must
     * not make a second one.
     */
    retryMutation?: boolean;
}

/** How long one call may take before the client gives up on its answer: `RAILWAY_API_TIMEOUT_MS`, default 30 s. */
export function callTimeoutMs(): number {
    const v = Number(process.env.RAILWAY_API_TIMEOUT_MS);
    return Number.isFinite(v) && v > 0 ? v : 30_000;
}

/**
 * How long a create whose answer never came may still land on Railway: `RAILWAY_CREATE_SETTLE_MS`,
 * default twice the call timeout. Within it, the create is looked for again before it is sent again.
 */
export function createSettleMs(): number {
    const v = Number(process.env.RAILWAY_CREATE_SETTLE_MS);
    return Number.isFinite(v) && v >= 0 ? v : 2 * callTimeoutMs();
}

export function gql<Op extends OperationName>(
    apiUrl: string | undefined,
    op: Op,
    variables: Variables<Op>,
    opts: CallOptions = {},
): Promise<Result<Op>> {
    const client = new RailwayClient({
        apiUrl,
        env: opts.env,
        timeoutMs: callTimeoutMs(),
        retry: isMutation(op) && opts.retryMutation === false ? { maxAttempts: 1 } : undefined,
        onRetry: ({ operation, attempt, delayMs, reason }) =>
            reportProgress(
                `railway: ${operation} attempt ${attempt} failed (${reason}); retrying in ${Math.round(delayMs)} ms`,
            ),
    });
    // An idempotent mutation is retried like a query: sending it twice changes nothing.
    return client.request<Result<Op>>(op, DOCUMENTS[op], variables as Record<string, unknown>, !isRetrySafe(op));
}

interface Page<T> {
    edges: { node: T }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * Every node of a connection, page by page: Railway caps the size of a page, and a list read from
 * its first page alone would silently miss resources. Bounded, so a server that never ends the
 * list cannot keep a run going forever.
 */
export async function gqlAll<Op extends OperationName, T>(
    apiUrl: string | undefined,
    op: Op,
    variables: Omit<Variables<Op>, "after">,
    connectionOf: (data: Result<Op>) => Page<T> | null | undefined,
    maxPages = 1000,
    opts: CallOptions = {},
): Promise<T[]> {
    const nodes: T[] = [];
    let after: string | null = null;
    for (let i = 0; i < maxPages; i++) {
        const data = await gql(apiUrl, op, { ...variables, after } as Variables<Op>, opts);
        const page = connectionOf(data);
        if (!page) return nodes;
        nodes.push(...page.edges.map((e) => e.node));
        if (!page.pageInfo.hasNextPage) return nodes;
        if (!page.pageInfo.endCursor || page.pageInfo.endCursor === after)
            throw new Error(
                `Railway ${op}: the next page has no new cursor; stopping rather than reading the same page again`,
            );
        after = page.pageInfo.endCursor;
    }
    throw new Error(`Railway ${op}: more than ${maxPages} pages; stopping`);
}

/** Whether an error means the object is gone on Railway (so `read` reports it deleted). */
export function isNotFound(e: unknown): boolean {
    return isRailwayApiError(e) && e.isNotFound;
}

/**
 * Runs a read; "not found" becomes `undefined`, which a provider's `read` reports as deleted
 * (`{ id: "" }`), so a resource removed out of band is seen as drift rather than as an error.
 */
export async function readOrGone<T>(read: () => Promise<T>): Promise<T | undefined> {
    try {
        return await read();
    } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
    }
}

/**
 * Runs a delete, treating "not found" as done: the object was already removed out of band, and
 * `pulumi destroy` should converge rather than fail.
 */
export async function deleteIfExists<Op extends OperationName>(
    apiUrl: string | undefined,
    op: Op,
    variables: Variables<Op>,
): Promise<void> {
    await readOrGone(() => gql(apiUrl, op, variables));
}

/**
 * Whether Railway may have applied a mutation although the call failed: an answer that never came
 * or came back as a server error or a rate limit. A GraphQL error in a 200 answer is Railway's
 * verdict (not applied), unless it says the object already exists.
 */
function outcomeUnknown(e: unknown): boolean {
    if (!isRailwayApiError(e)) return false;
    if (e.httpStatus === undefined) return !e.neverSent;
    return e.httpStatus === 429 || e.httpStatus >= 500;
}

/**
 * Whether a create may still be running on Railway: no answer came (the client gave up, or the
 * connection dropped after the request went out), or a gateway timed out in front of it. A lookup
 * right away cannot see it yet.
 */
function mayStillBeRunning(e: unknown): boolean {
    if (!isRailwayApiError(e)) return false;
    return (e.httpStatus === undefined && !e.neverSent) || e.httpStatus === 504;
}

/** Looks for the object again and again (backing off) until found or `withinMs` has passed. */
async function findWithin<T>(find: () => Promise<T | undefined>, withinMs: number): Promise<T | undefined> {
    const until = Date.now() + withinMs;
    for (let delay = 250; ; delay = Math.min(delay * 2, 5_000)) {
        const found = await find();
        if (found !== undefined || Date.now() >= until) return found;
        reportProgress(`railway: a create had no answer and may still be running; looking for it again in ${delay} ms`);
        await new Promise((r) => setTimeout(r, Math.min(delay, Math.max(0, until - Date.now()))));
    }
}

/** Railway's answer when the natural key of a create is taken. */
function alreadyExists(e: unknown): boolean {
    return isRailwayApiError(e) && /already exists|already in use|already has a volume/i.test(e.railwayMessage);
}

/**
 * A create that is safe to retry. `create` sends the mutation once (no blind retry); when its
 * outcome is unknown (no answer, 5xx, 429) or Railway says the object already exists, `find`
 * looks it up by its natural key (a project by name in its workspace, a volume by service, a
 * domain by name...) and adopts it. A create that got no answer at all may still be running, so
 * it is looked for again over a bounded time ({@link createSettleMs}) before anything else. Only
 * when the lookups find nothing and the failure was retryable is the create sent again, so an
 * applied create is never made twice.
 */
export async function createOrAdopt<T>(
    create: () => Promise<T>,
    find: () => Promise<T | undefined>,
    opts: { attempts?: number; baseDelayMs?: number; settleMs?: number } = {},
): Promise<T> {
    const attempts = opts.attempts ?? 5;
    for (let attempt = 1; ; attempt++) {
        try {
            return await create();
        } catch (e) {
            // Never reached Railway: nothing to look up, simply send it again.
            const notSent = isRailwayApiError(e) && e.neverSent;
            const unknown = outcomeUnknown(e);
            if (!notSent && !unknown && !alreadyExists(e)) throw e;
            if (!notSent) {
                const found = await findWithin(find, mayStillBeRunning(e) ? (opts.settleMs ?? createSettleMs()) : 0);
                if (found !== undefined) return found;
            }
            if (!(unknown || notSent) || attempt >= attempts) throw e;
            const retryAfterMs = (e as RailwayApiError).retryAfterMs;
            const delayMs = retryAfterMs ?? Math.random() * (opts.baseDelayMs ?? 500) * 2 ** (attempt - 1);
            reportProgress(
                `railway: create attempt ${attempt} had no clear outcome (${(e as Error).message}); nothing was made, retrying in ${Math.round(delayMs)} ms`,
            );
            await new Promise((r) => setTimeout(r, delayMs));
        }
    }
}

/** Splits a composite import ID, with a message saying the expected format when it does not fit. */
export function splitId(id: string, parts: string[], resource: string): string[] {
    const values = id.split(":");
    if (values.length !== parts.length || values.some((v) => v === "")) {
        // The ID is whatever was typed or pasted: shown escaped and bounded, never raw.
        throw new Error(`invalid ${resource} ID ${shown(id, 200)}: expected ${parts.map((p) => `<${p}>`).join(":")}`);
    }
    return values;
}

/**
 * The parts of a resource's ID: an import ID in the documented composite format is split (and
 * wins, so an `import` option or `pulumi import` reads exactly what it names); otherwise the
 * resource's own state says where it is (`fromState`). Neither: an error with the expected format.
 */
export function idParts(id: string, parts: string[], resource: string, fromState: string[] | undefined): string[] {
    if (id.split(":").length === parts.length && parts.length > 1) return splitId(id, parts, resource);
    if (fromState && fromState.every((p) => typeof p === "string" && p !== "")) return fromState;
    return splitId(id, parts, resource);
}

/**
 * The problems of inputs a provider cannot work without: each of `keys` must be a non-empty string.
 * Returned as check failures, one per missing key.
 */
export function requiredIds(
    inputs: Record<string, unknown>,
    keys: readonly string[],
): Array<{ property: string; reason: string }> {
    return keys
        .filter((k) => typeof inputs[k] !== "string" || inputs[k] === "")
        .map((k) => ({ property: k, reason: `${k} is required` }));
}

/** Keys whose values differ between two plain records (shallow, JSON equality). */
export function changedKeys<T extends object>(olds: T, news: T, keys: readonly string[]): string[] {
    const o = olds as Record<string, unknown>;
    const n = news as Record<string, unknown>;
    return keys.filter((k) => JSON.stringify(o[k] ?? null) !== JSON.stringify(n[k] ?? null));
}
