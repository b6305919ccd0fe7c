/**
 * The one way the tools talk to GitHub: `@octokit/rest` (pagination built in) with GitHub's
 * rate limits honoured (the throttling plugin: primary and secondary limits, `Retry-After`) and
 * transient failures retried (the retry plugin), except that a POST is never retried blindly: a
 * lost response may mean GitHub did create the comment or issue, so the callers re-read before
 * trying again (see sticky.ts).
 *
 * `GITHUB_TOKEN` authenticates; `GITHUB_API_URL` (set by Actions, GitHub Enterprise's
 * `https://<host>/api/v3`, or a test's fake) replaces https://api.github.com.
 */
import { Octokit } from "@octokit/rest";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import Bottleneck from "bottleneck";
import { UsageError } from "../../config/errors";

const GitHub = Octokit.plugin(retry, throttling);
export type GitHubClient = InstanceType<typeof GitHub>;

export const DEFAULT_GITHUB_API_URL = "https://api.github.com";

/** Longest wait for a rate limit the tools accept before giving up (GitHub's hourly reset can be an hour away). */
const MAX_RATE_LIMIT_WAIT_S = 120;

export interface GitHubOptions {
    token: string;
    apiUrl?: string;
    /** Where warnings go (rate limits hit, retries); never given a token. */
    warn?: (line: string) => void;
    /**
     * Milliseconds per second of `Retry-After` and per unit of retry backoff (1000 in earnest).
     * Tests shrink it so a 429 costs milliseconds, with the same code path.
     */
    retryUnitMs?: number;
    /** Space writes as GitHub asks of content-creating requests (default true; tests turn it off). */
    paceWrites?: boolean;
}

export interface RepoRef {
    owner: string;
    repo: string;
}

/** `owner/name` as GitHub spells repositories; anything else is a usage error naming the value. */
export function parseRepo(text: string): RepoRef {
    const m = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/.exec(text);
    if (!m || m[2] === "." || m[2] === "..")
        throw new UsageError(`--repo '${text.slice(0, 80)}' is not a GitHub repository: write it as owner/name`);
    return { owner: m[1], repo: m[2] };
}

export function githubClient(opts: GitHubOptions): GitHubClient {
    const unit = opts.retryUnitMs ?? 1000;
    const warn = opts.warn ?? (() => undefined);
    const client = new GitHub({
        auth: opts.token,
        baseUrl: (opts.apiUrl || DEFAULT_GITHUB_API_URL).replace(/\/+$/, ""),
        userAgent: "ainative-platform-tools",
        // Octokit logs every failed request on the console; the tools say what failed themselves.
        log: {
            debug: () => undefined,
            info: () => undefined,
            warn: (m: string) => warn(`GitHub: ${m}`),
            error: () => undefined,
        },
        retry: { retryAfterBaseValue: unit, retries: 3 },
        throttle: {
            retryAfterBaseValue: unit,
            // GitHub asks for a second between writes, three between notifying ones (comments, issues).
            ...(opts.paceWrites === false
                ? {
                      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
                      notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
                  }
                : {}),
            onRateLimit: (after: number, options: { method: string; url: string }, _o: unknown, retryCount: number) => {
                warn(`GitHub rate limit reached on ${options.method} ${options.url}; retrying in ${after} s`);
                return retryCount < 2 && after <= MAX_RATE_LIMIT_WAIT_S;
            },
            onSecondaryRateLimit: (
                after: number,
                options: { method: string; url: string },
                _o: unknown,
                retryCount: number,
            ) => {
                warn(`GitHub secondary rate limit on ${options.method} ${options.url}; retrying in ${after} s`);
                return retryCount < 2 && after <= MAX_RATE_LIMIT_WAIT_S;
            },
        },
    });
    // A POST that failed on a 5xx or a lost connection may have happened: never repeat it here.
    client.hook.before("request", (options) => {
        if (options.method === "POST") options.request = { ...options.request, retries: 0 } as typeof options.request;
    });
    return client;
}

/** The HTTP status of an Octokit error, or undefined for a network failure. */
export function statusOf(e: unknown): number | undefined {
    const s = (e as { status?: unknown })?.status;
    return typeof s === "number" && s > 0 ? s : undefined;
}

/**
 * Whether a failed request may nonetheless have been carried out by GitHub: the response was
 * lost (no status), or GitHub failed after receiving it (5xx).
 */
export function mayHaveHappened(e: unknown): boolean {
    const s = statusOf(e);
    return s === undefined || s >= 500;
}

/** A GitHub failure as one line without the token: status and GitHub's own message, bounded. */
export function describeGitHubError(e: unknown): string {
    const s = statusOf(e);
    const message = String(
        (e as { response?: { data?: { message?: unknown } } })?.response?.data?.message ?? (e as Error)?.message ?? e,
    )
        .replace(/(gh[pousr]_|github_pat_)[A-Za-z0-9_]+/g, "[token]")
        .slice(0, 300);
    return s ? `HTTP ${s}: ${message}` : `no response: ${message}`;
}
