/**
 * One POST of JSON to an alerting endpoint (PagerDuty's Events API, a Slack webhook), retried on
 * 429 and 5xx with backoff (honouring Retry-After), never on a refusal. Both endpoints are safe to
 * repeat: PagerDuty deduplicates by key, and a Slack message repeated after a lost response is a
 * duplicate line, not a wrong state. The URL may hold a secret (Slack's does): it is never put in
 * a result or an error.
 */
import { parseRetryAfter } from "../../providers/railway/client";

export interface PostResult {
    ok: boolean;
    status?: number;
    /** The endpoint's answer (bounded) or why there was none; never the URL. */
    detail: string;
}

export interface PostOptions {
    headers?: Record<string, string>;
    attempts?: number;
    /** Milliseconds per backoff unit (1000 in earnest; tests shrink it). */
    unitMs?: number;
    timeoutMs?: number;
    sleep?: (ms: number) => Promise<void>;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function postJson(url: string, body: unknown, opts: PostOptions = {}): Promise<PostResult> {
    const attempts = opts.attempts ?? 4;
    const unit = opts.unitMs ?? 1000;
    const sleep = opts.sleep ?? pause;
    let last: PostResult = { ok: false, detail: "not sent" };
    for (let attempt = 1; attempt <= attempts; attempt++) {
        let retryAfterMs: number | undefined;
        try {
            const res = await fetch(url, {
                method: "POST",
                headers: { "content-type": "application/json", ...opts.headers },
                body: JSON.stringify(body),
                signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
            });
            const text = (await res.text()).slice(0, 300);
            last = { ok: res.ok, status: res.status, detail: text };
            if (res.ok || (res.status !== 429 && res.status < 500)) return last;
            const after = parseRetryAfter(res.headers.get("retry-after"));
            if (after !== undefined) retryAfterMs = (after / 1000) * unit;
        } catch (e) {
            const cause = (e as { cause?: { code?: string } }).cause?.code;
            last = {
                ok: false,
                detail:
                    (e as Error).name === "TimeoutError" ? "timed out" : `no response (${cause ?? "network error"})`,
            };
        }
        if (attempt < attempts) await sleep(Math.min(retryAfterMs ?? unit * 2 ** (attempt - 1), 60 * unit));
    }
    return last;
}
