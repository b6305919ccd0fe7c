/**
 * A sample of the platform's web app for the health gate's tests: real connections to PostgreSQL
 * (pg) and Redis, the health payload the gate reads, the endpoints its smoke tests call, and
 * switchable failure modes. Listens on 127.0.0.1 only.
 *
 * Modes (POST /__mode): healthy; 5xx (health answers 500); fail-next {count} (the next N health
 * answers are 500); slow {delayMs} (every answer waits); slow-next {count, delayMs} (the next N
 * health answers wait, then it is healthy again); error-rate {percent} (exactly that share
 * of health answers are 500, spread evenly); memory {percent}; database-down (the app's
 * database goes to a closed port).
 */
import * as http from "http";
import { AddressInfo } from "net";
import { Pool } from "pg";
import { createClient } from "redis";

export type Mode =
    | { mode: "healthy" }
    | { mode: "5xx" }
    | { mode: "fail-next"; count: number }
    | { mode: "slow"; delayMs: number }
    | { mode: "slow-next"; count: number; delayMs: number }
    | { mode: "error-rate"; percent: number }
    | { mode: "memory"; percent: number }
    | { mode: "database-down" };

export interface SampleAppOptions {
    databaseUrl: string;
    redisUrl: string;
    /** Credentials the login smoke test must send, and the API key that validates. */
    user?: { email: string; password: string };
    apiKey?: string;
}

export interface SampleApp {
    url: string;
    setMode(mode: Mode): void;
    /** Health requests answered since the last mode change. */
    healthCount(): number;
    close(): Promise<void>;
}

export async function startSampleApp(opts: SampleAppOptions): Promise<SampleApp> {
    const user = opts.user ?? { email: "smoke@ainative.test", password: "smoke-password" };
    const apiKey = opts.apiKey ?? "ak_smoke_test_key";
    let pool = new Pool({ connectionString: opts.databaseUrl, max: 4, connectionTimeoutMillis: 1000 });
    pool.on("error", () => undefined);
    const redis = createClient({ url: opts.redisUrl, socket: { reconnectStrategy: (n) => Math.min(n * 50, 500) } });
    redis.on("error", () => undefined);
    await redis.connect();
    await pool.query(
        "CREATE TABLE IF NOT EXISTS smoke (id serial PRIMARY KEY, note text NOT NULL, at timestamptz NOT NULL DEFAULT now())",
    );

    let mode: Mode = { mode: "healthy" };
    let health = 0;
    let failNext = 0;

    async function dependencyChecks() {
        const time = async (fn: () => Promise<unknown>) => {
            const t0 = performance.now();
            try {
                await Promise.race([
                    fn(),
                    new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 1000)),
                ]);
                return { ok: true, latencyMs: performance.now() - t0 };
            } catch {
                return { ok: false, latencyMs: performance.now() - t0 };
            }
        };
        const [database, cache] = await Promise.all([time(() => pool.query("SELECT 1")), time(() => redis.ping())]);
        return { database, redis: cache };
    }

    const send = (res: http.ServerResponse, status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
    };
    const readJson = (req: http.IncomingMessage) =>
        new Promise<any>((resolve) => {
            let text = "";
            req.on("data", (c) => (text += c));
            req.on("end", () => {
                try {
                    resolve(text ? JSON.parse(text) : {});
                } catch {
                    resolve({});
                }
            });
        });

    const server = http.createServer(async (req, res) => {
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        if (req.method === "POST" && url.pathname === "/__mode") {
            const next = (await readJson(req)) as Mode;
            setMode(next);
            return send(res, 200, { mode: next.mode });
        }
        if (mode.mode === "slow") await new Promise((r) => setTimeout(r, mode.mode === "slow" ? mode.delayMs : 0));
        if (url.pathname === "/api/health") {
            health++;
            // The app's own slowness (what the gate measures), not a pause of the test.
            if (mode.mode === "slow-next" && health <= mode.count)
                await new Promise((r) => setTimeout(r, mode.mode === "slow-next" ? mode.delayMs : 0));
            const checks = await dependencyChecks();
            let status = checks.database.ok && checks.redis.ok ? 200 : 503;
            if (mode.mode === "5xx") status = 500;
            if (failNext > 0) {
                failNext--;
                status = 500;
            }
            if (mode.mode === "error-rate") {
                const r = mode.percent / 100;
                // Spread evenly, and never below the share asked for, however many probes come.
                if (Math.ceil(health * r) > Math.ceil((health - 1) * r)) status = 500;
            }
            return send(res, status, {
                status: status === 200 ? "ok" : "down",
                checks: { ...checks, external: { stripe: "ok", openai: "ok" } },
                memory: { percent: mode.mode === "memory" ? mode.percent : 41 },
                cpu: { percent: 12 },
                dbPool: { percent: Math.round((100 * (pool.totalCount - pool.idleCount)) / 4) },
            });
        }
        if (req.method === "POST" && url.pathname === "/api/auth/login") {
            const body = await readJson(req);
            const ok = body.email === user.email && body.password === user.password;
            return send(
                res,
                ok ? 200 : 401,
                ok ? { authenticated: true, token: "session-token-for-smoke" } : { authenticated: false },
            );
        }
        if (url.pathname === "/api/keys/validate") {
            const ok = req.headers["x-api-key"] === apiKey;
            return send(res, ok ? 200 : 401, { valid: ok });
        }
        if (req.method === "POST" && url.pathname === "/api/smoke/db") {
            try {
                const note = `smoke-${Date.now()}`;
                const { rows } = await pool.query("INSERT INTO smoke (note) VALUES ($1) RETURNING id", [note]);
                const back = await pool.query("SELECT note FROM smoke WHERE id = $1", [rows[0].id]);
                return send(res, 200, { ok: back.rows[0]?.note === note, id: rows[0].id });
            } catch {
                return send(res, 503, { ok: false });
            }
        }
        send(res, 404, { error: "not found" });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;

    function setMode(next: Mode) {
        const wasDown = mode.mode === "database-down";
        mode = next;
        health = 0;
        failNext = next.mode === "fail-next" ? next.count : 0;
        if (next.mode === "database-down" || wasDown) {
            const old = pool;
            // Port 9 (discard) on loopback: nothing listens, so every connection is refused.
            pool = new Pool({
                connectionString:
                    next.mode === "database-down" ? "postgresql://postgres@127.0.0.1:9/postgres" : opts.databaseUrl,
                max: 4,
                connectionTimeoutMillis: 1000,
            });
            pool.on("error", () => undefined);
            void old.end().catch(() => undefined);
        }
    }

    return {
        url: `http://127.0.0.1:${port}`,
        setMode,
        healthCount: () => health,
        close: async () => {
            server.closeAllConnections();
            await new Promise<void>((resolve) => server.close(() => resolve()));
            await pool.end().catch(() => undefined);
            await redis.quit().catch(() => undefined);
        },
    };
}
