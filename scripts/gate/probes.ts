/**
 * The gate's probes. Level 1: the health endpoint. Level 2: PostgreSQL and Redis reached from here,
 * plus what the app's health payload reports. Level 3: smoke tests. Every probe returns a result
 * with its latency; none throws, and no message carries a URL's credentials or a secret.
 */
import type { SmokeTest } from "../../config/stack.schema";
import { escaped, redacted } from "../../config/values";
import { boundedFetch } from "./http";

/** The most of a health answer the gate reads (docs/health-gate.md "Health gate and rollback"); more is "over budget", not a failure. */
export const HEALTH_PAYLOAD_MAX_BYTES = 64 * 1024;
/** The most of a smoke test's answer the gate reads. */
export const SMOKE_BODY_MAX_BYTES = 1024 * 1024;

/** What the app's health endpoint answers (the contract; every field optional). */
export interface HealthPayload {
    status?: string;
    checks?: {
        database?: { ok?: boolean; latencyMs?: number };
        redis?: { ok?: boolean; latencyMs?: number };
        /** External APIs as the app sees them: name → "ok" | "degraded" | "down". */
        external?: Record<string, string>;
    };
    memory?: { percent?: number };
    cpu?: { percent?: number };
    dbPool?: { percent?: number };
}

export interface HealthProbe {
    at: number;
    latencyMs: number;
    /** HTTP status, or undefined when no answer came (refused, timeout). */
    status?: number;
    /** 2xx. */
    ok: boolean;
    /** 5xx, or no answer at all: what the consecutive-failure rule counts. */
    failed: boolean;
    overBudget: boolean;
    error?: string;
    payload?: HealthPayload;
}

export interface DependencyCheck {
    name: "postgres" | "redis";
    at: number;
    ok: boolean;
    latencyMs: number;
    error?: string;
}

export interface SmokeResult {
    name: string;
    at: number;
    ok: boolean;
    critical: boolean;
    latencyMs: number;
    status?: number;
    problem?: string;
    /** The test could not run (an input it needs is missing): no verdict either way. */
    undecided?: boolean;
}

/** Removes anything URL-like with credentials from an error message. */
export function scrub(message: string): string {
    // A scheme is at most 32 characters: unbounded, a megabyte of letters made this quadratic.
    return escaped(redacted(message.replace(/[a-z][a-z0-9+.-]{0,31}:\/\/[^\s'"]*/gi, "<url>"))).slice(0, 300);
}

export async function probeHealth(
    url: string,
    budgetMs: number,
    timeoutMs = Math.max(5000, budgetMs * 10),
): Promise<HealthProbe> {
    const at = Date.now();
    const t0 = performance.now();
    try {
        const res = await boundedFetch(url, {
            headers: { accept: "application/json" },
            timeoutMs,
            maxBodyBytes: HEALTH_PAYLOAD_MAX_BYTES,
        });
        const latencyMs = performance.now() - t0;
        if (res.crossOriginRedirect) {
            // Another host's answer says nothing about this deployment: not healthy, not a 5xx either.
            return {
                at,
                latencyMs,
                status: res.status,
                ok: false,
                failed: false,
                overBudget: latencyMs > budgetMs,
                error: `redirected to another origin (${res.crossOriginRedirect}), not followed`,
            };
        }
        const ok = res.status >= 200 && res.status < 300;
        if (res.truncated) {
            return {
                at,
                latencyMs,
                status: res.status,
                ok,
                failed: res.status >= 500,
                overBudget: true,
                error: `health payload over ${HEALTH_PAYLOAD_MAX_BYTES} bytes, not read past that`,
            };
        }
        let payload: HealthPayload | undefined;
        try {
            payload = JSON.parse(res.text);
        } catch {
            payload = undefined;
        }
        return {
            at,
            latencyMs,
            status: res.status,
            ok,
            failed: res.status >= 500,
            overBudget: latencyMs > budgetMs,
            payload,
        };
    } catch (e) {
        const latencyMs = performance.now() - t0;
        return {
            at,
            latencyMs,
            ok: false,
            failed: true,
            overBudget: latencyMs > budgetMs,
            error: scrub(
                (e as Error).name === "TimeoutError"
                    ? `no answer within ${timeoutMs} ms`
                    : String((e as Error).cause ?? (e as Error).message),
            ),
        };
    }
}

export async function checkPostgres(databaseUrl: string, timeoutMs = 3000): Promise<DependencyCheck> {
    const { Client } = require("pg") as typeof import("pg");
    const at = Date.now();
    const t0 = performance.now();
    const client = new Client({
        connectionString: databaseUrl,
        connectionTimeoutMillis: timeoutMs,
        query_timeout: timeoutMs,
    });
    client.on("error", () => undefined);
    try {
        await client.connect();
        await client.query("SELECT 1");
        return { name: "postgres", at, ok: true, latencyMs: performance.now() - t0 };
    } catch (e) {
        return {
            name: "postgres",
            at,
            ok: false,
            latencyMs: performance.now() - t0,
            error: scrub((e as Error).message),
        };
    } finally {
        await client.end().catch(() => undefined);
    }
}

export async function checkRedis(redisUrl: string, timeoutMs = 3000): Promise<DependencyCheck> {
    const { createClient } = require("redis") as typeof import("redis");
    const at = Date.now();
    const t0 = performance.now();
    // No reconnect loop: one attempt, one answer.
    const client = createClient({ url: redisUrl, socket: { connectTimeout: timeoutMs, reconnectStrategy: false } });
    client.on("error", () => undefined);
    try {
        await client.connect();
        const pong = await client.ping();
        if (pong !== "PONG") throw new Error(`PING answered ${pong}`);
        return { name: "redis", at, ok: true, latencyMs: performance.now() - t0 };
    } catch (e) {
        return { name: "redis", at, ok: false, latencyMs: performance.now() - t0, error: scrub((e as Error).message) };
    } finally {
        await client.quit().catch(() => client.disconnect().catch(() => undefined));
    }
}

/** Replaces `${env:NAME}` in strings (deeply); a missing variable is an error naming it. */
function resolveRefs<T>(value: T, env: NodeJS.ProcessEnv, missing: Set<string>): T {
    if (typeof value === "string") {
        return value.replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
            const v = env[name];
            if (v === undefined) missing.add(name);
            return v ?? "";
        }) as T;
    }
    if (Array.isArray(value)) return value.map((v) => resolveRefs(v, env, missing)) as T;
    if (value && typeof value === "object")
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v, env, missing)])) as T;
    return value;
}

function field(body: unknown, dotted: string): unknown {
    return dotted
        .split(".")
        .reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), body);
}

export async function runSmokeTest(
    baseUrl: string,
    test: SmokeTest,
    env: NodeJS.ProcessEnv = process.env,
): Promise<SmokeResult> {
    const at = Date.now();
    const missing = new Set<string>();
    const headers = resolveRefs(test.headers, env, missing);
    const body = resolveRefs(test.body, env, missing);
    const base = { name: test.name, at, critical: test.critical };
    if (missing.size)
        return {
            ...base,
            ok: false,
            undecided: true,
            latencyMs: 0,
            problem: `could not run: environment variable(s) ${[...missing].join(", ")} not set (referenced by the test); no request was sent`,
        };
    const t0 = performance.now();
    try {
        const res = await boundedFetch(new URL(test.path, baseUrl), {
            method: test.method,
            headers: {
                accept: "application/json",
                ...(body !== undefined ? { "content-type": "application/json" } : {}),
                ...headers,
            },
            body: body !== undefined ? JSON.stringify(body) : undefined,
            timeoutMs: test.timeoutMs,
            maxBodyBytes: SMOKE_BODY_MAX_BYTES,
        });
        const latencyMs = performance.now() - t0;
        // Its credentials never follow a redirect to another host: the test fails, naming the origin only.
        if (res.crossOriginRedirect)
            return {
                ...base,
                ok: false,
                latencyMs,
                status: res.status,
                problem: `redirected to another origin (${res.crossOriginRedirect}), not followed`,
            };
        if (res.status !== test.expectStatus)
            return {
                ...base,
                ok: false,
                latencyMs,
                status: res.status,
                problem: `status ${res.status}, expected ${test.expectStatus}`,
            };
        if (res.truncated)
            return {
                ...base,
                ok: false,
                latencyMs,
                status: res.status,
                problem: `answer over ${SMOKE_BODY_MAX_BYTES} bytes, not read past that`,
            };
        const text = res.text;
        let json: unknown;
        try {
            json = text ? JSON.parse(text) : undefined;
        } catch {
            json = undefined;
        }
        for (const [path, expected] of Object.entries(test.expectBody)) {
            const actual = field(json, path);
            // Names the field, not the values: a response may carry tokens.
            if (JSON.stringify(actual) !== JSON.stringify(expected))
                return {
                    ...base,
                    ok: false,
                    latencyMs,
                    status: res.status,
                    problem: `body field '${path}' is not the expected value`,
                };
        }
        return { ...base, ok: true, latencyMs, status: res.status };
    } catch (e) {
        return {
            ...base,
            ok: false,
            latencyMs: performance.now() - t0,
            problem: scrub(
                (e as Error).name === "TimeoutError" ? `no answer within ${test.timeoutMs} ms` : (e as Error).message,
            ),
        };
    }
}
