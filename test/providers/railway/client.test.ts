import { strict as assert } from "assert";
import {
    authFromEnv,
    isRailwayApiError,
    parseRetryAfter,
    RailwayClient,
    railwayRateLimit,
} from "../../../providers/railway/client";
import { DOCUMENTS } from "../../../providers/railway/documents";
import { RailwayEmulator, startRailwayEmulator } from "../../../tools/railway-emulator";

/** What a raw request answers, read loosely by these tests. */
type Data = Record<string, any>;

describe("Railway client", () => {
    let emu: RailwayEmulator;
    before(async () => (emu = await startRailwayEmulator()));
    after(() => emu.close());
    beforeEach(() => {
        emu.faults.length = 0;
        emu.log.length = 0;
    });

    const client = (retry = { baseDelayMs: 10, maxAttempts: 4 }) =>
        new RailwayClient({ apiUrl: emu.apiUrl, env: { RAILWAY_API_TOKEN: emu.token }, retry });
    const createProject = (c: RailwayClient, name = "p") =>
        c.request<Data>("ProjectCreate", DOCUMENTS.ProjectCreate, { input: { name } }, true);

    it("authenticates with RAILWAY_API_TOKEN as Bearer or RAILWAY_TOKEN as Project-Access-Token", async () => {
        assert.deepEqual(authFromEnv({ RAILWAY_API_TOKEN: "a" }), { header: "Authorization", value: "Bearer a" });
        assert.deepEqual(authFromEnv({ RAILWAY_TOKEN: "p" }), { header: "Project-Access-Token", value: "p" });
        assert.throws(
            () => authFromEnv({ RAILWAY_API_TOKEN: "a", RAILWAY_TOKEN: "p" }),
            /unset RAILWAY_TOKEN .* or unset RAILWAY_API_TOKEN/,
        );
        assert.throws(() => authFromEnv({}), /set RAILWAY_API_TOKEN/);
        const { id } = (await createProject(client())).projectCreate;
        const env = emu.store.liveEnvironments(id)[0].id;
        const viaProjectToken = new RailwayClient({
            apiUrl: emu.apiUrl,
            env: { RAILWAY_TOKEN: emu.projectToken(id, env) },
        });
        assert.equal((await viaProjectToken.request<Data>("Project", DOCUMENTS.Project, { id }, false)).project.id, id);
    });

    it("is refused with a wrong token, and the error never contains the token", async () => {
        const secretToken = "wrong-token-do-not-print-123";
        const c = new RailwayClient({ apiUrl: emu.apiUrl, env: { RAILWAY_API_TOKEN: secretToken } });
        await assert.rejects(createProject(c), (e: Error) => {
            assert.ok(isRailwayApiError(e));
            assert.match(
                e.message,
                /Railway ProjectCreate failed: Not Authorized \(code UNAUTHENTICATED, traceId emu-/,
            );
            assert.ok(!e.message.includes(secretToken) && !JSON.stringify(e).includes(secretToken));
            return true;
        });
    });

    it("honours Retry-After on a 429, then succeeds", async () => {
        emu.inject({ operation: "ProjectCreate", status: 429, retryAfter: 1 });
        const waits: number[] = [];
        const c = new RailwayClient({
            apiUrl: emu.apiUrl,
            env: { RAILWAY_API_TOKEN: emu.token },
            retry: { baseDelayMs: 10, maxAttempts: 4 },
            sleep: async (ms) => void waits.push(ms),
        });
        const data = await createProject(c);
        assert.deepEqual(waits, [1000], "waited exactly what Retry-After said, not the backoff");
        assert.ok(data.projectCreate.id);
        assert.deepEqual(
            emu.log.map((l) => l.status),
            [429, 200],
        );
    });

    it("a 429 whose Retry-After is longer than the call may take gives up at once, saying so, without asking again early", async () => {
        emu.inject({ operation: "Project", status: 429, retryAfter: 3600 });
        const waits: number[] = [];
        const c = new RailwayClient({
            apiUrl: emu.apiUrl,
            env: { RAILWAY_API_TOKEN: emu.token },
            retry: { baseDelayMs: 10, maxAttempts: 6, maxDelayMs: 30_000, maxTotalMs: 120_000 },
            sleep: async (ms) => void waits.push(ms),
        });
        await assert.rejects(
            c.request<Data>("Project", DOCUMENTS.Project, { id: "x" }, false),
            /Railway Project failed: rate limited \(HTTP 429\): Railway asks to wait 3600 s, longer than this call may take \(120 s\)/,
        );
        assert.deepEqual(waits, [], "no wait cut short, no retry before Railway said");
        assert.equal(emu.log.length, 1);
    });

    it("a Retry-After longer than a backoff's cap is waited in full when the call's time allows", async () => {
        const { projectCreate } = await createProject(client());
        emu.log.length = 0;
        const waits: number[] = [];
        const c = new RailwayClient({
            apiUrl: emu.apiUrl,
            env: { RAILWAY_API_TOKEN: emu.token },
            retry: { maxDelayMs: 30_000, maxTotalMs: 120_000 },
            sleep: async (ms) => void waits.push(ms),
        });
        emu.inject({ operation: "Project", status: 429, retryAfter: 45 });
        await c.request<Data>("Project", DOCUMENTS.Project, { id: projectCreate.id }, false);
        assert.deepEqual(waits, [45_000]);
    });

    it("remembers what Railway's last answer said of the token's quota, by token, never the token itself", async () => {
        const quota = await startRailwayEmulator({ rateLimit: { limit: 50, windowMs: 3_600_000 } });
        try {
            const env = { RAILWAY_API_TOKEN: quota.token };
            const c = new RailwayClient({ apiUrl: quota.apiUrl, env });
            for (let i = 0; i < 3; i++)
                await c.request<Data>("Project", DOCUMENTS.Project, { id: "p" }, false).catch(() => undefined);
            const seen = railwayRateLimit(env);
            assert.equal(seen?.limit, 50);
            assert.equal(seen?.remaining, 47);
            assert.ok(seen!.resetAtMs > Date.now() && seen!.resetAtMs <= Date.now() + 3_601_000);
            assert.equal(
                railwayRateLimit({ RAILWAY_API_TOKEN: "another-token" }),
                undefined,
                "another token's quota is its own",
            );
            assert.equal(railwayRateLimit({}), undefined);
        } finally {
            await quota.close();
        }
    });

    it("does not blindly retry a mutation after a 5xx (it may have been applied)", async () => {
        emu.inject({ operation: "ProjectCreate", status: 503 });
        await assert.rejects(
            createProject(client()),
            /Railway ProjectCreate failed: Internal Server Error \(code INTERNAL_SERVER_ERROR, traceId .*HTTP 503/,
        );
        assert.equal(emu.log.length, 1);
    });

    it("retries a query after 5xx", async () => {
        const { projectCreate } = await createProject(client());
        emu.log.length = 0;
        emu.inject({ operation: "Project", status: 502, count: 2 });
        const data = await client().request<Data>("Project", DOCUMENTS.Project, { id: projectCreate.id }, false);
        assert.equal(data.project.id, projectCreate.id);
        assert.deepEqual(
            emu.log.map((l) => l.status),
            [502, 502, 200],
        );
    });

    it("gives up after the retry budget with an error naming the operation and attempts", async () => {
        emu.inject({ operation: "Project", status: 500, count: 10 });
        await assert.rejects(
            client({ baseDelayMs: 5, maxAttempts: 3 }).request<Data>("Project", DOCUMENTS.Project, { id: "x" }, false),
            /Railway Project failed: .*after 3 attempts/,
        );
        assert.equal(emu.log.length, 3);
    });

    it("retries a mutation when the connection was never established", async () => {
        const closed = await startRailwayEmulator();
        const url = closed.apiUrl;
        await closed.close();
        const c = new RailwayClient({
            apiUrl: url,
            env: { RAILWAY_API_TOKEN: "t" },
            retry: { baseDelayMs: 5, maxAttempts: 3 },
        });
        await assert.rejects(
            c.request<Data>("ProjectCreate", DOCUMENTS.ProjectCreate, { input: { name: "x" } }, true),
            /cannot reach 127\.0\.0\.1:\d+: ECONNREFUSED \(code ECONNREFUSED, after 3 attempts\)/,
        );
    });

    it("reads Retry-After as seconds or a date", () => {
        assert.equal(parseRetryAfter("2"), 2000);
        assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 5_000), 5000);
        assert.equal(parseRetryAfter(null), undefined);
    });
});
