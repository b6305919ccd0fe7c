/**
 * A small client for Railway's public GraphQL API.
 *
 * - Endpoint: `RAILWAY_API_URL`, default Railway's with a `?source=` query string (Railway's WAF
 *   applies a much stricter limit to `/graphql/v2` called without one).
 * - Auth, read at call time: `RAILWAY_API_TOKEN` (account/workspace token, `Authorization: Bearer`)
 *   or `RAILWAY_TOKEN` (project token, `Project-Access-Token`); both set is an error.
 * - Retries with exponential backoff and jitter within a bounded total time: queries on network
 *   errors, 429 (honouring `Retry-After`) and 5xx; mutations only on 429 or when the connection was
 *   never established, because a mutation that reached Railway may have been applied.
 * - Errors name the operation, Railway's message, `extensions.code` and `traceId`; tokens never
 *   appear in an error or a log line.
 */
import { createHash } from "crypto";

export const DEFAULT_RAILWAY_API_URL = "https://backboard.railway.com/graphql/v2?source=ainative-platform";

export interface RailwayAuth {
    header: "Authorization" | "Project-Access-Token";
    value: string;
}

export interface RetryPolicy {
    /** Attempts in all, the first included. */
    maxAttempts: number;
    /** First backoff delay; doubles each retry, with full jitter. */
    baseDelayMs: number;
    /** No backoff wait is longer than this (a 429's Retry-After is waited in full, within maxTotalMs). */
    maxDelayMs: number;
    /** The whole call, retries included, gives up after this long. */
    maxTotalMs: number;
}

const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000, maxTotalMs: 120_000 };

export interface RailwayClientOptions {
    apiUrl?: string;
    /** Explicit token (tests, tools); otherwise read from the environment at each call. */
    auth?: RailwayAuth;
    env?: Record<string, string | undefined>;
    retry?: Partial<RetryPolicy>;
    /** Told about each retry, for progress output. Never given a token. */
    onRetry?: (info: { operation: string; attempt: number; delayMs: number; reason: string }) => void;
    /** Per-attempt timeout. */
    timeoutMs?: number;
    /** How a backoff waits (tests pass one that records the delay instead of waiting). */
    sleep?: (ms: number) => Promise<void>;
}

/**
 * An error from Railway or from reaching it. A plain Error with fields, made by
 * {@link railwayApiError}, not a subclass: Pulumi's serialization of this code into state turns an
 * `Error` subclass into one whose message is empty, so every failure under `pulumi up` would say
 * nothing. Recognise one with {@link isRailwayApiError}.
 */
export interface RailwayApiError extends Error {
    name: "RailwayApiError";
    operation: string;
    railwayMessage: string;
    code: string | undefined;
    traceId: string | undefined;
    httpStatus: number | undefined;
    attempts: number;
    /** The request certainly never reached Railway (connection refused, DNS failure...). */
    neverSent: boolean;
    /** How long Railway asked to wait (Retry-After of a 429). */
    retryAfterMs?: number;
    /** Railway says the object does not exist (deleted out of band). */
    isNotFound: boolean;
}

export function railwayApiError(
    operation: string,
    railwayMessage: string,
    code: string | undefined,
    traceId: string | undefined,
    httpStatus: number | undefined,
    attempts: number,
    hint?: string,
): RailwayApiError {
    const details = [
        code && `code ${code}`,
        traceId && `traceId ${traceId}`,
        httpStatus && `HTTP ${httpStatus}`,
        attempts > 1 && `after ${attempts} attempts`,
    ]
        .filter(Boolean)
        .join(", ");
    const e = new Error(
        `Railway ${operation} failed: ${railwayMessage} (${details})${hint ? `: ${hint}` : ""}`,
    ) as RailwayApiError;
    e.name = "RailwayApiError";
    e.operation = operation;
    e.railwayMessage = railwayMessage;
    e.code = code;
    e.traceId = traceId;
    e.httpStatus = httpStatus;
    e.attempts = attempts;
    e.neverSent = false;
    e.isNotFound = /not found|does not exist/i.test(railwayMessage) || code === "NOT_FOUND" || code === "not_found";
    return e;
}

export function isRailwayApiError(e: unknown): e is RailwayApiError {
    return e instanceof Error && e.name === "RailwayApiError";
}

/** The credentials from the environment, or an error saying what to set or unset. */
export function authFromEnv(env: Record<string, string | undefined>): RailwayAuth {
    const account = env.RAILWAY_API_TOKEN?.trim();
    const project = env.RAILWAY_TOKEN?.trim();
    if (account && project) {
        throw new Error(
            "both RAILWAY_API_TOKEN and RAILWAY_TOKEN are set: unset RAILWAY_TOKEN to use the account/workspace token, or unset RAILWAY_API_TOKEN to use the project token",
        );
    }
    if (account) return { header: "Authorization", value: `Bearer ${account}` };
    if (project) return { header: "Project-Access-Token", value: project };
    throw new Error(
        "no Railway token: set RAILWAY_API_TOKEN (account or workspace token) or RAILWAY_TOKEN (project token); a Pulumi program may instead set the provider's: pulumi config set --secret railway:token",
    );
}

/** Seconds or an HTTP date, as Railway's 429 sends it; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
    if (!value) return undefined;
    const seconds = Number(value);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const at = Date.parse(value);
    return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** What Railway's last answer said of the token's request quota (`X-RateLimit-*` headers). */
export interface RailwayRateLimit {
    limit: number;
    remaining: number;
    /** When the quota's window resets (ms since the epoch). */
    resetAtMs: number;
    /** When this was read (ms since the epoch). */
    seenAtMs: number;
}

/**
 * The latest quota Railway reported per credential, keyed by a hash of it (never the credential):
 * Railway counts requests per token, so this is the one budget every caller of a token spends,
 * whatever process or runner it runs on, and every answer says what is left of it.
 */
const rateLimits = new Map<string, RailwayRateLimit>();

const credentialKey = (auth: RailwayAuth) => createHash("sha256").update(auth.value).digest("hex").slice(0, 16);

function noteRateLimit(auth: RailwayAuth, headers: Headers): void {
    const limit = Number(headers.get("x-ratelimit-limit"));
    const remaining = Number(headers.get("x-ratelimit-remaining"));
    const reset = Number(headers.get("x-ratelimit-reset"));
    if (![limit, remaining].every((n) => Number.isFinite(n) && n >= 0) || headers.get("x-ratelimit-remaining") === null)
        return;
    const now = Date.now();
    // Reset is epoch seconds as Railway sends it; a small number is seconds from now, as some gateways send it.
    const resetAtMs = !Number.isFinite(reset) || reset < 0 ? now : reset > 1e9 ? reset * 1000 : now + reset * 1000;
    rateLimits.set(credentialKey(auth), { limit, remaining, resetAtMs, seenAtMs: now });
}

/**
 * What Railway last said of the quota of the token `env` holds, or undefined when no answer has
 * said (or no token is set). A reading past its reset is stale and not returned.
 */
export function railwayRateLimit(env: Record<string, string | undefined> = process.env): RailwayRateLimit | undefined {
    let auth: RailwayAuth;
    try {
        auth = authFromEnv(env);
    } catch {
        return undefined;
    }
    const seen = rateLimits.get(credentialKey(auth));
    return seen && seen.resetAtMs > Date.now() ? seen : undefined;
}

/**
 * Connection errors that prove the request never reached the server. An array, not a Set: this
 * code is serialized into Pulumi state, and a captured Set does not survive that.
 */
const NEVER_SENT: readonly string[] = [
    "BAD_PORT",
    "ECONNREFUSED",
    "ENOTFOUND",
    "EAI_AGAIN",
    "UND_ERR_CONNECT_TIMEOUT",
    "EHOSTUNREACH",
    "ENETUNREACH",
];

function networkCode(e: unknown): string | undefined {
    const cause = (e as { cause?: { code?: string; message?: string; errors?: Array<{ code?: string }> } })?.cause;
    // fetch refuses some ports outright (the Fetch standard's "bad port" list): never sent either.
    if (cause?.message === "bad port") return "BAD_PORT";
    return cause?.code ?? cause?.errors?.[0]?.code;
}

interface GraphQLErrorBody {
    message?: string;
    extensions?: { code?: string; traceId?: string };
    traceId?: string;
}

export class RailwayClient {
    private readonly opts: RailwayClientOptions;
    private readonly retry: RetryPolicy;

    constructor(opts: RailwayClientOptions = {}) {
        this.opts = opts;
        this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    }

    get apiUrl(): string {
        const env = this.opts.env ?? process.env;
        return this.opts.apiUrl ?? env.RAILWAY_API_URL ?? DEFAULT_RAILWAY_API_URL;
    }

    /**
     * Sends one document. `mutation` decides the retry rules. Resolves with `data`, or rejects with
     * a {@link RailwayApiError}.
     */
    async request<T = Record<string, unknown>>(
        operation: string,
        document: string,
        variables: Record<string, unknown>,
        mutation: boolean,
    ): Promise<T> {
        const auth = this.opts.auth ?? authFromEnv(this.opts.env ?? process.env);
        const started = Date.now();
        const body = JSON.stringify({ query: document, variables, operationName: operation });
        for (let attempt = 1; ; attempt++) {
            let retryable = false;
            let retryAfterMs: number | undefined;
            let failure: RailwayApiError;
            try {
                const res = await fetch(this.apiUrl, {
                    method: "POST",
                    headers: {
                        "content-type": "application/json",
                        accept: "application/json",
                        [auth.header]: auth.value,
                        "user-agent": "ainative-platform-pulumi",
                    },
                    body,
                    signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000),
                });
                noteRateLimit(auth, res.headers);
                const text = await res.text();
                let json: { data?: T; errors?: GraphQLErrorBody[] } | undefined;
                try {
                    json = text ? JSON.parse(text) : undefined;
                } catch {
                    json = undefined;
                }
                const first = json?.errors?.[0];
                if (res.ok && json && !json.errors?.length && json.data !== undefined) return json.data;
                const traceId =
                    first?.extensions?.traceId ??
                    first?.traceId ??
                    res.headers.get("x-railway-request-id") ??
                    undefined;
                const message =
                    first?.message ??
                    (res.status === 429 ? "rate limited" : `HTTP ${res.status} ${res.statusText}`.trim());
                // A project token is limited to one environment of one project: say what to use instead.
                const hint =
                    auth.header === "Project-Access-Token" && /not authori[sz]ed/i.test(message)
                        ? "RAILWAY_TOKEN is sent as a project token, which reaches only one environment of one project and cannot create projects or environments; if this needs more, set RAILWAY_API_TOKEN to an account or workspace token instead (and unset RAILWAY_TOKEN)"
                        : undefined;
                failure = railwayApiError(
                    operation,
                    message,
                    first?.extensions?.code,
                    traceId,
                    res.status,
                    attempt,
                    hint,
                );
                if (res.status === 429) {
                    retryable = true;
                    retryAfterMs = parseRetryAfter(res.headers.get("retry-after"));
                    failure.retryAfterMs = retryAfterMs;
                } else if (res.status >= 500) {
                    retryable = !mutation;
                } else if (res.ok && first?.extensions?.code === "INTERNAL_SERVER_ERROR") {
                    retryable = !mutation;
                }
            } catch (e) {
                const code = networkCode(e);
                const timedOut = (e as Error)?.name === "TimeoutError";
                failure = railwayApiError(
                    operation,
                    timedOut
                        ? "request timed out"
                        : `cannot reach ${new URL(this.apiUrl).host}: ${code ?? (e as Error)?.message ?? "network error"}`,
                    code,
                    undefined,
                    undefined,
                    attempt,
                );
                failure.neverSent = code !== undefined && NEVER_SENT.includes(code);
                retryable = !mutation || failure.neverSent;
            }
            const elapsed = Date.now() - started;
            if (!retryable || attempt >= this.retry.maxAttempts) throw failure;
            const backoff =
                Math.random() * Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
            // Railway's Retry-After is when the quota has room again: waited out in full when the
            // call's time allows, never cut short (a retry before it is one more refused request
            // spent from the quota every caller of the token shares), and given up at once when not.
            const delayMs = retryAfterMs !== undefined ? retryAfterMs : backoff;
            if (elapsed + delayMs > this.retry.maxTotalMs) {
                if (retryAfterMs !== undefined)
                    failure.message += `: Railway asks to wait ${Math.ceil(retryAfterMs / 1000)} s, longer than this call may take (${Math.round(this.retry.maxTotalMs / 1000)} s)`;
                throw failure;
            }
            this.opts.onRetry?.({ operation, attempt, delayMs, reason: failure.railwayMessage });
            await (this.opts.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms))))(delayMs);
        }
    }
}
