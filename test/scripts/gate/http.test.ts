/**
 * The gate's HTTP client against hostile answers, on loopback: redirects to another origin are not
 * followed (no credential leaves, no other host's verdict is taken), a huge or endless body is read
 * only up to its cap, and a body that stalls ends at the time limit.
 */
import { strict as assert } from "assert";
import * as http from "http";
import { AddressInfo } from "net";
import { HEALTH_PAYLOAD_MAX_BYTES, probeHealth, runSmokeTest } from "../../../scripts/gate/probes";
import type { SmokeTest } from "../../../config/stack.schema";

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

async function serve(handler: Handler): Promise<{
    url: string;
    requests: { path: string; headers: http.IncomingHttpHeaders; body: string }[];
    close(): Promise<void>;
}> {
    const requests: { path: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const body = Buffer.concat(chunks).toString("utf8");
            requests.push({ path: req.url ?? "", headers: req.headers, body });
            handler(req, res, body);
        });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
        url,
        requests,
        close: () =>
            new Promise<void>((r) => {
                server.closeAllConnections();
                server.close(() => r());
            }),
    };
}

const login: SmokeTest = {
    name: "login",
    method: "POST",
    path: "/api/auth/login",
    headers: { "x-api-key": "${env:SMOKE_API_KEY}" },
    body: { email: "smoke@example.com", password: "${env:SMOKE_USER_PASSWORD}" },
    expectStatus: 200,
    expectBody: { authenticated: true },
    critical: true,
    timeoutMs: 5000,
};
const ENV = { SMOKE_API_KEY: "planted-smoke-api-key-7f3a", SMOKE_USER_PASSWORD: "planted-smoke-password-9c1e" };

describe("the gate's HTTP client", () => {
    const servers: { close(): Promise<void> }[] = [];
    const started = async (h: Handler) => {
        const s = await serve(h);
        servers.push(s);
        return s;
    };
    afterEach(async () => {
        await Promise.all(servers.splice(0).map((s) => s.close()));
    });

    it("3. a smoke test redirected to another origin fails, and its password and API key never reach that origin", async () => {
        const elsewhere = await started((_req, res) =>
            res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ authenticated: true })),
        );
        const app = await started((_req, res) => res.writeHead(307, { location: `${elsewhere.url}/steal` }).end());
        const r = await runSmokeTest(app.url, login, ENV);
        assert.equal(r.ok, false);
        assert.match(r.problem!, /redirected to another origin \(127\.0\.0\.1:\d+\), not followed/);
        assert.equal(elsewhere.requests.length, 0, "nothing was sent to the other origin");
        assert.ok(!JSON.stringify(r).includes(ENV.SMOKE_USER_PASSWORD));
    });

    it("3. a redirect within the same origin is followed with the same request (307)", async () => {
        const app = await started((req, res, body) => {
            if (req.url === "/api/auth/login") {
                res.writeHead(307, { location: "/api/v2/login" }).end();
                return;
            }
            const ok =
                JSON.parse(body).password === ENV.SMOKE_USER_PASSWORD && req.headers["x-api-key"] === ENV.SMOKE_API_KEY;
            res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ authenticated: ok }));
        });
        const r = await runSmokeTest(app.url, login, ENV);
        assert.equal(r.ok, true, r.problem);
        assert.deepEqual(
            app.requests.map((q) => q.path),
            ["/api/auth/login", "/api/v2/login"],
        );
    });

    it("4. a health endpoint redirected to another host is not healthy, whatever that host says", async () => {
        const elsewhere = await started((_req, res) =>
            res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok" })),
        );
        const app = await started((_req, res) => res.writeHead(302, { location: `${elsewhere.url}/api/health` }).end());
        const p = await probeHealth(`${app.url}/api/health`, 1000);
        assert.equal(p.ok, false);
        assert.equal(p.failed, false, "not a 5xx either: no immediate rollback on its own");
        assert.match(p.error!, /redirected to another origin/);
        assert.equal(elsewhere.requests.length, 0);
    });

    it("5. a 200 health answer with an endless body is read up to the cap: over budget, not a failure", async () => {
        let sent = 0;
        let closed = false;
        const app = await started((_req, res) => {
            res.writeHead(200, { "content-type": "application/json" });
            const chunk = Buffer.alloc(64 * 1024, "x");
            const pump = () => {
                while (!closed && res.write(chunk)) sent += chunk.length;
                if (!closed) res.once("drain", pump);
            };
            res.on("close", () => (closed = true));
            pump();
        });
        const p = await probeHealth(`${app.url}/api/health`, 1000, 10_000);
        assert.equal(p.ok, true, "the 200 counts as an answer");
        assert.equal(p.failed, false);
        assert.equal(p.overBudget, true);
        assert.match(p.error!, new RegExp(`health payload over ${HEALTH_PAYLOAD_MAX_BYTES} bytes`));
        assert.ok(sent < 64 * 1024 * 1024, `the gate stopped reading: the server sent ${sent} bytes`);
    });

    it("every request is bounded in time, the body included: headers then a stalled body end at the limit", async () => {
        const app = await started((_req, res) => {
            res.writeHead(200, { "content-type": "application/json" });
            res.write("{");
        });
        const p = await probeHealth(`${app.url}/api/health`, 50, 300);
        assert.equal(p.ok, false);
        assert.equal(p.failed, true, "no whole answer within the limit counts as no answer");
        assert.match(p.error!, /no answer within 300 ms/);
    });
});
