/**
 * The gate's one HTTP client, for every probe and smoke test:
 * - a redirect is followed only within the same origin (scheme, host and port), at most
 *   {@link MAX_REDIRECTS} times: a smoke test's password or API key never goes to another host,
 *   and a health check is never judged on another host's answer;
 * - the body is read up to a cap, then the stream is cancelled: a huge or endless answer costs
 *   at most the cap in memory;
 * - the whole exchange, body included, ends within its time limit.
 */

export const MAX_REDIRECTS = 5;

export interface BoundedResponse {
    status: number;
    /** The body as text, up to the cap. */
    text: string;
    /** The body went past the cap: `text` holds its first part only. */
    truncated: boolean;
    /** Set when the answer was a redirect to another origin, which is not followed: its origin only. */
    crossOriginRedirect?: string;
}

export interface BoundedRequest {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    timeoutMs: number;
    maxBodyBytes: number;
}

async function readCapped(res: Response, maxBytes: number): Promise<{ text: string; truncated: boolean }> {
    if (!res.body) return { text: "", truncated: false };
    const reader = res.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
        const { done, value } = await reader.read();
        if (done) return { text: Buffer.concat(chunks).toString("utf8"), truncated: false };
        const room = maxBytes - size;
        if (value.byteLength > room) {
            chunks.push(value.subarray(0, room));
            await reader.cancel().catch(() => undefined);
            return { text: Buffer.concat(chunks).toString("utf8"), truncated: true };
        }
        chunks.push(value);
        size += value.byteLength;
    }
}

export async function boundedFetch(url: string | URL, req: BoundedRequest): Promise<BoundedResponse> {
    const signal = AbortSignal.timeout(req.timeoutMs);
    let current = new URL(url);
    let method = req.method ?? "GET";
    let body = req.body;
    for (let hop = 0; ; hop++) {
        const res = await fetch(current, { method, headers: req.headers, body, redirect: "manual", signal });
        const location = res.status >= 300 && res.status < 400 ? res.headers.get("location") : null;
        if (!location) return { status: res.status, ...(await readCapped(res, req.maxBodyBytes)) };
        await res.body?.cancel().catch(() => undefined);
        let next: URL;
        try {
            next = new URL(location, current);
        } catch {
            return { status: res.status, text: "", truncated: false, crossOriginRedirect: "an unparsable location" };
        }
        if (next.origin !== current.origin)
            return {
                status: res.status,
                text: "",
                truncated: false,
                crossOriginRedirect: next.origin.replace(/^[a-z]+:\/\//, ""),
            };
        if (hop >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
        // 303 (and, as browsers do, 301/302 after a POST) turn into a GET without a body.
        if (
            res.status === 303 ||
            ((res.status === 301 || res.status === 302) && method !== "GET" && method !== "HEAD")
        ) {
            method = "GET";
            body = undefined;
        }
        current = next;
    }
}
