/**
 * The health gate against real parts on 127.0.0.1: a sample app that really uses PostgreSQL and
 * Redis (from Debian's packages, started here), the Railway emulator holding a service with an
 * earlier successful deployment, and stand-ins for PagerDuty and GitHub that record what they get.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { gateSchema, GateConfig } from "../../../config/stack.schema";
import { simulatedClock } from "../../../scripts/gate/clock";
import { GATE_EXIT, GateOptions, runGate } from "../../../scripts/gate/gate";
import { RailwayTarget } from "../../../scripts/gate/deployments";
import { probeHealth } from "../../../scripts/gate/probes";
import { readState, writeState } from "../../../scripts/gate/state";
import { FakeGitHub, startFakeGitHub } from "../../../tools/fakes/github/server";
import { FakePagerDuty, startFakePagerDuty } from "../../../tools/fakes/pagerduty-events";
import { startFakeSlack } from "../../../tools/fakes/slack";
import { RailwayEmulator, startRailwayEmulator } from "../../../tools/railway-emulator";
import { SampleApp, startSampleApp } from "../../support/sample-app";
import { startPostgres, TestPostgres } from "../../../tools/local-servers/postgres";
import { startRedis, TestRedis } from "../../support/services/redis";
import { Servers } from "../../support/services/servers";
import { stackDoc } from "../../support/stack-files";

/** The production stack's smoke tests, as committed: they must pass against the app's contract. */
const COMMITTED_SMOKE_TESTS = (stackDoc("production").config["ainative-platform:gate"] as { smokeTests: unknown[] })
    .smokeTests;

/** Fast thresholds: a 50 ms interval and a 2.5 s window (50 probes), the seed's rules otherwise. */
function gateConfig(over: Partial<GateConfig> = {}): GateConfig {
    return gateSchema.parse({
        intervalSeconds: 0.05,
        monitoringWindowMinutes: 2.5 / 60,
        rollbackTimeoutSeconds: 10,
        smokeTests: COMMITTED_SMOKE_TESTS,
        ...over,
    });
}

const SMOKE_ENV = {
    SMOKE_USER_EMAIL: "smoke@ainative.test",
    SMOKE_USER_PASSWORD: "smoke-password",
    SMOKE_API_KEY: "ak_smoke_test_key",
};

/** A PagerDuty integration key has 32 characters; the fake refuses any other. */
const ROUTING_KEY = "R0UT1NGKEYGATE000000000000000001";

describe("health gate (real PostgreSQL, Redis, sample app, Railway emulator)", function () {
    this.timeout(60_000);
    let pg: TestPostgres;
    let redis: TestRedis;
    let app: SampleApp;
    let emu: RailwayEmulator;
    let pagerduty: FakePagerDuty;
    let github: FakeGitHub;
    let githubDeploymentId: number;
    let target: RailwayTarget;
    let deployments: { previous: string; live: string };
    let stateFile: string;
    const saved = process.env.RAILWAY_API_TOKEN;
    /**
     * One clock for the gate and the emulator: the gate's waits move it instead of sleeping, and
     * Railway's deployments progress on it, so no test waits on the wall clock. Probes are real
     * HTTP requests; their latency is measured for real.
     */
    const clock = simulatedClock(Date.UTC(2026, 10, 27, 12));

    const servers = new Servers();

    before(async () => {
        [pg, redis, emu, pagerduty, github] = await servers.start(
            startPostgres(),
            startRedis(),
            startRailwayEmulator({ deployStageMs: 1000, clock }),
            startFakePagerDuty(),
            startFakeGitHub(),
        );
        [app] = await servers.start(startSampleApp({ databaseUrl: pg.url, redisUrl: redis.url }));
        process.env.RAILWAY_API_TOKEN = emu.token;
        github.addToken("ghs_test_token_0000000000000000000000", "", "installation");
    });
    after(async () => {
        await servers.closeAll();
        if (saved === undefined) delete process.env.RAILWAY_API_TOKEN;
        else process.env.RAILWAY_API_TOKEN = saved;
    });

    beforeEach(async () => {
        emu.store.clear();
        emu.log.length = 0;
        pagerduty.events.length = 0;
        pagerduty.incidents.length = 0;
        github.requests.length = 0;
        githubDeploymentId = github.addDeployment("ainative", "platform", { environment: "production" }).id;
        app.setMode({ mode: "healthy" });
        const project = emu.store.createProject({ name: "ainative-platform", defaultEnvironmentName: "production" });
        const env = emu.store.liveEnvironments(project.id)[0];
        const service = emu.store.createService({ projectId: project.id, name: "web" });
        emu.store.updateInstance(service.id, env.id, { source: { image: "ghcr.io/ainative/web:1" } });
        // Two finished deployments: the previous one REMOVED, the live one SUCCESS.
        const [previous, live] = emu.store.seedHistory(service.id, env.id, 2).map((d) => d.id);
        deployments = { previous, live };
        target = { apiUrl: emu.apiUrl, projectId: project.id, environmentId: env.id, serviceId: service.id };
        stateFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gate-state-")), "web.json");
    });

    const options = (over: Partial<GateOptions> = {}): GateOptions => ({
        stack: "production",
        service: "web",
        config: gateConfig(),
        baseUrl: app.url,
        railway: target,
        databaseUrl: pg.url,
        redisUrl: redis.url,
        stateFile,
        env: SMOKE_ENV,
        clock,
        rollbackPollMs: 500,
        notify: {
            pagerdutyRoutingKey: ROUTING_KEY,
            pagerdutyEventsUrl: pagerduty.eventsUrl,
            github: {
                token: "ghs_test_token_0000000000000000000000",
                repository: "ainative/platform",
                deploymentId: String(githubDeploymentId),
                apiUrl: github.url,
            },
        },
        ...over,
    });
    const rollbackCalls = () => emu.log.filter((l) => l.operationName === "DeploymentRollback");

    it("healthy: passes levels 1-4, records the baseline, rolls nothing back", async () => {
        const r = await runGate(options());
        assert.equal(r.exitCode, GATE_EXIT.healthy, r.reason);
        assert.equal(r.decision, "healthy");
        // A 2.5 s window at a 50 ms interval, on the gate's clock: 51 probes, whatever the machine.
        assert.equal(r.checks.health.length, 51);
        assert.deepEqual(
            r.checks.smoke.map((s) => [s.name, s.ok]),
            [
                ["login", true],
                ["api key validation", true],
                ["database read/write", true],
            ],
        );
        assert.ok(
            r.checks.dependencies.some((d) => d.name === "postgres" && d.ok) &&
                r.checks.dependencies.some((d) => d.name === "redis" && d.ok),
        );
        assert.ok(r.checks.health.every((h) => typeof h.latencyMs === "number"));
        assert.deepEqual(rollbackCalls(), []);
        assert.equal(readState(stateFile).baseline?.deploymentId, deployments.live);
    });

    it("one transient 5xx: no rollback", async () => {
        app.setMode({ mode: "fail-next", count: 1 });
        const r = await runGate(options());
        assert.equal(r.exitCode, GATE_EXIT.healthy, r.reason);
        assert.equal(r.checks.health.filter((h) => h.failed).length, 1);
        assert.deepEqual(rollbackCalls(), []);
    });

    it("three consecutive 5xx: rolls back to the previous successful deployment, waits for it, pages and marks the GitHub deployment", async () => {
        app.setMode({ mode: "5xx" });
        const r = await runGate(options());
        assert.equal(r.exitCode, GATE_EXIT.rolledBack, r.reason);
        assert.equal(r.trigger?.rule, "consecutive-5xx");
        assert.equal(r.checks.health.length, 3, "decided at the third failure, not after the window");
        assert.deepEqual(
            rollbackCalls().map((c) => c.variables.id),
            [deployments.previous],
        );
        assert.equal(r.rollback?.status, "SUCCESS");
        assert.equal(emu.store.deployment(r.rollback!.newDeploymentId!).rollbackOf, deployments.previous);
        // PagerDuty and GitHub fakes check what they receive against the published API descriptions.
        assert.deepEqual(
            pagerduty.events.map((e) => e.status),
            [202],
        );
        assert.equal(pagerduty.incidents.length, 1);
        const event = pagerduty.events[0].body;
        assert.deepEqual([event.event_action, event.payload.severity], ["trigger", "critical"]);
        assert.equal(event.dedup_key, `ainative-gate/production/web/${deployments.live}`);
        const statuses = github
            .repo("ainative", "platform")
            .deployments.find((d) => d.id === githubDeploymentId)!.statuses;
        assert.deepEqual(
            statuses.map((x) => [x.state, x.environment]),
            [["failure", "production"]],
        );
        assert.match(statuses[0].description, /^Rolled back by the health gate: /);
        assert.deepEqual(r.rollback?.notifications, {
            pagerduty: "sent",
            github: "sent",
            email: "skipped: SMTP_URL or the stack's alerts.email.recipients not set",
        });
        assert.ok(
            !JSON.stringify(r).includes(ROUTING_KEY) && !JSON.stringify(r).includes("ghs_test_token"),
            "no key or token in the record",
        );
    });

    it("a rollback target past the image retention: no rollback call, could not decide (exit 2), naming the runbook step", async () => {
        // Railway keeps the previous deployment's image 24 h on the most conservative plan; 25 h later it is gone.
        await clock.sleep(25 * 3_600_000);
        app.setMode({ mode: "5xx" });
        const r = await runGate(options({ config: gateConfig({ imageRetentionHours: 24 }) }));
        assert.equal(r.exitCode, GATE_EXIT.undecided, r.reason);
        assert.equal(r.trigger?.rule, "consecutive-5xx");
        assert.match(
            r.reason,
            new RegExp(`rollback target ${deployments.previous} is 25 h old, past the image retention of 24 h`),
        );
        assert.match(r.reason, /docs\/runbooks\/rollback\.md, "Past the image retention"/);
        assert.deepEqual(rollbackCalls(), []);
        // Within a longer retention (Pro: 120 h) the same deployment is rolled back to.
        const pro = await runGate(options({ config: gateConfig({ imageRetentionHours: 120 }) }));
        assert.equal(pro.exitCode, GATE_EXIT.rolledBack, pro.reason);
        assert.deepEqual(
            rollbackCalls().map((c) => c.variables.id),
            [deployments.previous],
        );
    });

    it("a second run after a rollback does not roll back again, even with the state file gone (Railway's history says it)", async () => {
        app.setMode({ mode: "5xx" });
        const first = await runGate(options());
        assert.equal(first.exitCode, GATE_EXIT.rolledBack);
        fs.rmSync(stateFile, { force: true });
        const second = await runGate(options());
        assert.equal(second.exitCode, GATE_EXIT.undecided, second.reason);
        assert.match(
            second.reason,
            /the live deployment is itself a rollback \(to .*\), so it is not rolled back again: a person must act/,
        );
        fs.rmSync(stateFile, { force: true });
        const watchingTheBadOne = await runGate(options({ deploymentId: deployments.live }));
        assert.equal(watchingTheBadOne.exitCode, GATE_EXIT.rolledBack, watchingTheBadOne.reason);
        assert.match(
            watchingTheBadOne.reason,
            /was already rolled back \(Railway's deployment .*\); not rolling back twice/,
        );
        assert.equal(rollbackCalls().length, 1);
    });

    it("a rollback whose answer was lost is found in Railway's history, not made twice", async () => {
        app.setMode({ mode: "5xx" });
        emu.inject({ operation: "DeploymentRollback", status: 502, afterApply: true });
        const r = await runGate(options());
        assert.equal(r.exitCode, GATE_EXIT.rolledBack, r.reason);
        assert.equal(rollbackCalls().length, 1, "sent once");
        assert.equal(
            [...emu.store.deployments.values()].filter((d) => d.rollbackOf).length,
            1,
            "one rollback on Railway",
        );
    });

    it("6. Railway accepts the rollback, then its API fails (503): the record and the GitHub status say it rolled back, unconfirmed", async () => {
        app.setMode({ mode: "5xx" });
        emu.inject({
            operation: "Deployments",
            status: 503,
            retryAfter: 0,
            count: 100,
            afterOperation: "DeploymentRollback",
        });
        const r = await runGate(options());
        emu.faults.length = 0;
        assert.equal(rollbackCalls().length, 1);
        assert.equal(
            [...emu.store.deployments.values()].filter((d) => d.rollbackOf).length,
            1,
            "Railway did roll back",
        );
        assert.equal(r.decision, "rolled-back", r.reason);
        assert.equal(r.exitCode, GATE_EXIT.rolledBack);
        assert.equal(r.rollback?.status, "UNCONFIRMED");
        assert.equal(r.rollback?.target, deployments.previous);
        assert.match(
            r.reason,
            /Railway accepted the rollback to .*, but watching the new deployment failed .*confirm it in Railway's dashboard/,
        );
        const statuses = github
            .repo("ainative", "platform")
            .deployments.find((d) => d.id === githubDeploymentId)!.statuses;
        assert.match(
            statuses[0].description,
            /^Rolled back by the health gate: /,
            "the GitHub deployment status tells the rollback",
        );
    });

    it("never rolls back onto a deployment that was rolled back away from (known bad), whatever the state file says", async () => {
        // previous (good) → live (bad) → a rollback to previous that failed to build → a new deployment.
        emu.nextDeployments("FAILED", 1, target.serviceId);
        emu.store.rollback(deployments.previous);
        clock.advance(5000);
        const fresh = emu.store.deploy(target.serviceId, target.environmentId, "deploy");
        clock.advance(5000);
        app.setMode({ mode: "5xx" });
        fs.rmSync(stateFile, { force: true });
        const r = await runGate(options({ deploymentId: fresh.id }));
        assert.equal(r.exitCode, GATE_EXIT.rolledBack, r.reason);
        assert.deepEqual(
            rollbackCalls().map((c) => c.variables.id),
            [deployments.previous],
            "not the known-bad one between",
        );
    });

    it("a critical smoke test whose inputs are missing: could not decide (exit 2), no request sent, nothing rolled back", async () => {
        const { SMOKE_API_KEY: _unset, ...without } = SMOKE_ENV;
        const before = app.healthCount();
        const r = await runGate(options({ env: without, once: true }));
        assert.equal(r.exitCode, GATE_EXIT.undecided, r.reason);
        assert.match(
            r.reason,
            /critical smoke test\(s\) could not run: 'api key validation' \(could not run: environment variable\(s\) SMOKE_API_KEY not set/,
        );
        assert.ok(app.healthCount() > before, "the other checks ran");
        assert.deepEqual(rollbackCalls(), []);
    });

    it("the gate cannot reach the database but the app says it is fine: missing data, not a rollback", async () => {
        const r = await runGate(options({ databaseUrl: "postgresql://postgres@127.0.0.1:9/postgres", once: true }));
        assert.equal(r.exitCode, GATE_EXIT.healthy, r.reason);
        assert.ok(
            r.checks.dependencies.some((d) => d.name === "postgres" && !d.ok),
            "the failure is in the record",
        );
        assert.deepEqual(rollbackCalls(), []);
    });

    it("after a rollback the record says Railway's variables no longer match the stack's state, and what to run", async () => {
        app.setMode({ mode: "5xx" });
        const r = await runGate(options());
        assert.match(
            r.rollback?.followUp ?? "",
            /restored deployment .*'s image and variables.*'pulumi refresh --stack production'/,
        );
    });

    it("a rerun while the rolled-back deployment is still live does not call Railway again", async () => {
        writeState(stateFile, {
            version: 1,
            rollbacks: [
                {
                    from: deployments.live,
                    to: deployments.previous,
                    at: new Date().toISOString(),
                    reason: "earlier run",
                },
            ],
        });
        app.setMode({ mode: "5xx" });
        const r = await runGate(options());
        assert.equal(r.exitCode, GATE_EXIT.rolledBack);
        assert.match(r.reason, /already rolled back/);
        assert.deepEqual(rollbackCalls(), []);
    });

    it("PostgreSQL stopped: immediate rollback", async () => {
        await pg.stop();
        try {
            const r = await runGate(options());
            assert.equal(r.exitCode, GATE_EXIT.rolledBack, r.reason);
            assert.equal(r.trigger?.rule, "database-connection");
            assert.ok(r.checks.health.length <= 2, "immediately, not after the window");
            assert.deepEqual(
                rollbackCalls().map((c) => c.variables.id),
                [deployments.previous],
            );
            assert.doesNotMatch(r.reason, /postgresql:\/\//, "no connection string in the reason");
        } finally {
            await pg.start();
        }
    });

    it("a critical smoke test failing: immediate rollback, naming the test but not the secret", async () => {
        const r = await runGate(options({ env: { ...SMOKE_ENV, SMOKE_API_KEY: "ak_wrong_key_PLANTED" } }));
        assert.equal(r.exitCode, GATE_EXIT.rolledBack, r.reason);
        assert.match(r.reason, /critical smoke test 'api key validation' failed: status 401, expected 200/);
        assert.ok(!JSON.stringify(r).includes("PLANTED"));
    });

    it("latency at 2.5x the baseline for the whole window: rollback after the window", async () => {
        writeState(stateFile, {
            version: 1,
            rollbacks: [],
            baseline: {
                deploymentId: deployments.previous,
                p95Ms: 12,
                errorRatePercent: 0,
                at: new Date().toISOString(),
            },
        });
        app.setMode({ mode: "slow", delayMs: 30 });
        const r = await runGate(options({ config: gateConfig({ healthBudgetMs: 1000 }) }));
        assert.equal(r.exitCode, GATE_EXIT.rolledBack, r.reason);
        assert.equal(r.trigger?.rule, "p95-latency");
        assert.ok(r.checks.window!.buckets.every((b) => b.p95Ms > 24));
        assert.equal(rollbackCalls().length, 1);
    });

    it("a latency spike shorter than the window: no rollback", async () => {
        // A 300 ms threshold (2x a 150 ms baseline): far above what a machine busy with another
        // build adds to a loopback probe, so only the spike (450 ms) crosses it.
        writeState(stateFile, {
            version: 1,
            rollbacks: [],
            baseline: {
                deploymentId: deployments.previous,
                p95Ms: 150,
                errorRatePercent: 0,
                at: new Date().toISOString(),
            },
        });
        // Slow for the first 8 of 51 probes: all within the first quarter of the window.
        app.setMode({ mode: "slow-next", count: 8, delayMs: 450 });
        const r = await runGate(options({ config: gateConfig({ healthBudgetMs: 1000 }) }));
        assert.equal(r.exitCode, GATE_EXIT.healthy, r.reason);
        assert.ok(r.checks.window!.p95Ms > 300, "the spike is in the window's numbers");
        assert.ok(
            r.checks.window!.buckets[0].p95Ms > 300 && r.checks.window!.buckets[3].p95Ms < 300,
            `and only in its first part: ${r.checks.window!.buckets.map((b) => b.p95Ms.toFixed(1)).join(", ")}`,
        );
        assert.deepEqual(rollbackCalls(), []);
    });

    it("error rate of 6% over the window: rollback after the window", async () => {
        app.setMode({ mode: "error-rate", percent: 6 });
        const r = await runGate(options());
        assert.equal(r.exitCode, GATE_EXIT.rolledBack, r.reason);
        assert.equal(r.trigger?.rule, "error-rate");
        assert.ok(
            r.checks.window!.errorRatePercent > 5 && r.checks.window!.errorRatePercent <= 8,
            `${r.checks.window!.errorRatePercent}%`,
        );
    });

    describe("on Railway's own figures (real traffic through the emulator's edge, its metrics)", () => {
        let users: http.Server;
        let served = 0;
        let failEvery = 0;
        /** How long the users' requests take, per request number (ms). */
        let delayOf: (n: number) => number = () => 0;
        let edge: string;
        before(async () => {
            // The app's users' side: every failEvery-th request fails; the health endpoint is the sample app's.
            users = http.createServer((_req, res) => {
                const n = ++served;
                const answer = () => res.writeHead(failEvery && n % failEvery === 0 ? 500 : 200).end("{}");
                const delay = delayOf(n);
                if (delay > 0) setTimeout(answer, delay);
                else answer();
            });
            await new Promise<void>((r) => users.listen(0, "127.0.0.1", r));
        });
        after(() => new Promise((r) => users.close(r)));
        beforeEach(async () => {
            served = 0;
            failEvery = 0;
            delayOf = () => 0;
            edge = await emu.proxy(
                target.serviceId,
                target.environmentId,
                `http://127.0.0.1:${(users.address() as AddressInfo).port}`,
            );
        });
        /** The gate's health probe, with `perRound` real requests through Railway's edge in each round. */
        const withTraffic = (perRound: number, rounds = Infinity) => {
            let round = 0;
            return async (url: string, budgetMs: number) => {
                if (round++ < rounds) for (let i = 0; i < perRound; i++) await fetch(`${edge}/api/items`);
                return probeHealth(url, budgetMs);
            };
        };

        it("10% of real requests failing: rolled back after the window, on Railway's HTTP metrics", async () => {
            failEvery = 10;
            const r = await runGate(options({ probes: { health: withTraffic(2) } }));
            assert.equal(r.exitCode, GATE_EXIT.rolledBack, r.reason);
            assert.equal(r.trigger?.rule, "error-rate");
            assert.match(r.trigger!.reason, /of real traffic .*Railway's HTTP metrics/);
            assert.equal(r.checks.window!.errorRatePercent, 0, "the gate's own probes all passed");
            assert.equal(r.checks.window!.railway!.sources.traffic, "railway:httpMetricsGroupedByStatus");
            assert.ok(r.checks.window!.railway!.requests! >= 100, `${r.checks.window!.railway!.requests} requests`);
        });

        it("the same failures on 5 requests: could not decide (exit 2), nothing rolled back", async () => {
            failEvery = 5;
            const r = await runGate(options({ probes: { health: withTraffic(1, 5) } }));
            assert.equal(r.exitCode, GATE_EXIT.undecided, r.reason);
            assert.match(r.reason, /1\/5 requests 5xx.*fewer than the 20 a rate needs/);
            assert.deepEqual(rollbackCalls(), []);
        });

        /**
         * The previous deployment's real traffic: 40 requests of 100 ms in the window's length before
         * the live one started. The 200 ms threshold it makes is far above what a loaded machine adds
         * to a loopback request, so only the slow answers cross it.
         */
        function previousTraffic() {
            const live = emu.store.deployment(deployments.live);
            for (let i = 0; i < 40; i++)
                emu.store.signals.http.push({
                    ...target,
                    deploymentId: deployments.previous,
                    at: live.createdAt - 2000 + i * 40,
                    method: "GET",
                    path: "/api/items",
                    status: 200,
                    durationMs: 100,
                    rxBytes: 0,
                    txBytes: 2,
                    requestId: `before-${i}`,
                });
        }

        it("p95 of real traffic at three times the previous deployment's, throughout the window: rolled back", async () => {
            previousTraffic();
            delayOf = () => 300;
            const r = await runGate(
                options({
                    config: gateConfig({ healthBudgetMs: 1000, intervalSeconds: 0.1 }),
                    probes: { health: withTraffic(1) },
                }),
            );
            assert.equal(r.exitCode, GATE_EXIT.rolledBack, r.reason);
            assert.equal(r.trigger?.rule, "p95-latency");
            assert.match(r.trigger!.reason, /previous deployment's 100\.0 ms .*Railway's request durations/);
            assert.equal(r.checks.window!.railway!.baselineP95Ms, 100);
            assert.match(r.checks.window!.railway!.sources.baseline!, /before this deployment/);
        });

        it("the same p95 only in the window's first part: no rollback", async () => {
            previousTraffic();
            delayOf = (n) => (n <= 4 ? 300 : 0);
            const r = await runGate(
                options({
                    config: gateConfig({ healthBudgetMs: 1000, intervalSeconds: 0.1 }),
                    probes: { health: withTraffic(1) },
                }),
            );
            assert.equal(r.exitCode, GATE_EXIT.healthy, r.reason);
            const buckets = r.checks.window!.railway!.bucketP95Ms!;
            assert.ok(buckets[0]! > 250 && buckets[3]! < 200, buckets.join(", "));
            assert.deepEqual(rollbackCalls(), []);
        });

        it("memory at 97% of its limit in Railway's metrics, while the app calls itself healthy: immediate rollback", async () => {
            const ts = Math.floor(clock.now() / 1000);
            emu.store.signals.setSeries(target.serviceId, target.environmentId, "MEMORY_USAGE_GB", [
                { ts, value: 0.97 },
            ]);
            emu.store.signals.setSeries(target.serviceId, target.environmentId, "MEMORY_LIMIT_GB", [{ ts, value: 1 }]);
            const r = await runGate(options());
            assert.equal(r.exitCode, GATE_EXIT.rolledBack, r.reason);
            assert.equal(r.trigger?.rule, "memory");
            assert.match(r.trigger!.reason, /97\.0% of its limit \(0\.97 of 1\.00 GB, Railway's metrics\)/);
            assert.equal(r.checks.health.length, 1, "decided at once, not after the window");
            assert.equal(r.checks.railwayMemory?.source, "railway:metrics");
        });

        it("a memory figure dated before the gate started, or after now, judges nothing: no rollback", async () => {
            const now = Math.floor(clock.now() / 1000);
            for (const ts of [now - 4 * 60, now + 120]) {
                emu.store.signals.setSeries(target.serviceId, target.environmentId, "MEMORY_USAGE_GB", [
                    { ts, value: 7.9 },
                ]);
                emu.store.signals.setSeries(target.serviceId, target.environmentId, "MEMORY_LIMIT_GB", [
                    { ts, value: 8 },
                ]);
                const lines: string[] = [];
                const r = await runGate(options({ log: (l) => lines.push(l) }));
                assert.equal(r.exitCode, GATE_EXIT.healthy, `${ts - now} s: ${r.reason}`);
                assert.deepEqual(rollbackCalls(), []);
                assert.ok(lines.some((l) => /no memory usage or limit for the service since the gate started/.test(l)));
            }
        });

        it("non-finite or absurd memory figures are 'could not decide' for the memory rule, never a rollback", async () => {
            for (const [usage, limit] of [
                [1e308, 1e-300],
                [50, 1],
                [-1, 1],
            ]) {
                // Each gate moves the clock on by its window: the figure is dated as the next one starts.
                const ts = Math.floor(clock.now() / 1000);
                emu.store.signals.setSeries(target.serviceId, target.environmentId, "MEMORY_USAGE_GB", [
                    { ts, value: usage },
                ]);
                emu.store.signals.setSeries(target.serviceId, target.environmentId, "MEMORY_LIMIT_GB", [
                    { ts, value: limit },
                ]);
                const lines: string[] = [];
                const r = await runGate(options({ log: (l) => lines.push(l) }));
                assert.equal(r.exitCode, GATE_EXIT.healthy, `${usage}/${limit}: ${r.reason}`);
                assert.doesNotMatch(r.reason ?? "", /Infinity/);
                assert.ok(
                    lines.some((l) => /memory figures make no sense/.test(l)),
                    lines.join("\n"),
                );
            }
            assert.deepEqual(rollbackCalls(), []);
        });

        it("Railway's metrics missing: the memory rule decides nothing from them, and the gate says why", async () => {
            const lines: string[] = [];
            const r = await runGate(options({ log: (l) => lines.push(l) }));
            assert.equal(r.exitCode, GATE_EXIT.healthy, r.reason);
            assert.ok(
                lines.some((l) => /no memory usage or limit for the service since the gate started/.test(l)),
                lines.join("\n"),
            );
        });
    });

    it("memory above 95% in the health payload: immediate rollback", async () => {
        app.setMode({ mode: "memory", percent: 97 });
        const r = await runGate(options());
        assert.equal(r.trigger?.rule, "memory");
        assert.equal(r.exitCode, GATE_EXIT.rolledBack);
    });

    it("Railway unreachable: exit 2 and no rollback, even for a failing app", async () => {
        app.setMode({ mode: "5xx" });
        const r = await runGate(options({ railway: { ...target, apiUrl: "http://127.0.0.1:9/graphql/v2" } }));
        assert.equal(r.exitCode, GATE_EXIT.undecided);
        assert.match(r.reason, /Railway unreachable/);
        assert.deepEqual(rollbackCalls(), []);
        assert.equal(pagerduty.events.length, 0);
    });

    it("waits for a deployment still building and watches it, not the one it replaces", async () => {
        const fresh = emu.store.deploy(target.serviceId, target.environmentId, "deploy").id;
        const r = await runGate(options({ once: true }));
        assert.equal(r.exitCode, GATE_EXIT.healthy, r.reason);
        assert.equal(r.deployment?.id, fresh);
    });

    it("--deployment: judges the deployment pulumi up started, even when a newer one is still building", async () => {
        const mine = emu.store.deploy(target.serviceId, target.environmentId, "deploy");
        clock.advance(5000);
        emu.store.deploy(target.serviceId, target.environmentId, "push");
        const r = await runGate(options({ once: true, deploymentId: mine.id }));
        assert.equal(r.exitCode, GATE_EXIT.healthy, r.reason);
        assert.equal(r.deployment?.id, mine.id);
        const missing = await runGate(options({ once: true, deploymentId: "no-such-deployment" }));
        assert.equal(missing.exitCode, GATE_EXIT.undecided);
        assert.match(missing.reason, /not one of this service's deployments/);
    });

    it("a newest deployment that failed to build: Railway kept the old one live, nothing to roll back (exit 1)", async () => {
        emu.store.deploy(target.serviceId, target.environmentId, "deploy", undefined, { fixedStatus: "FAILED" });
        const r = await runGate(options({ once: true }));
        assert.equal(r.exitCode, GATE_EXIT.rolledBack);
        assert.match(r.reason, /ended FAILED; Railway kept .* live/);
        assert.deepEqual(rollbackCalls(), []);
    });

    it("a build that fails is told everywhere with the end of its log: GitHub deployment and commit status, Slack, PagerDuty; a planted stack secret cut out of each", async () => {
        const slack = await startFakeSlack();
        try {
            const sha = "0123456789abcdef0123456789abcdef01234567";
            github.addCommit("ainative", "platform", sha, "2026-11-27T11:00:00Z");
            // A value only the stack knows to be secret (DeploymentGate passes such values), planted in the log.
            const planted = "stack-secret-planted-8d1f0c";
            emu.nextDeployments("FAILED", 1, target.serviceId);
            const failed = emu.store.deploy(target.serviceId, target.environmentId, "deploy");
            emu.store.signals.addLogLines(failed.id, "build", [
                { at: failed.createdAt + 1, message: `AUTH_SECRET=${planted} npm run build`, severity: "info" },
            ]);
            await clock.sleep(5 * 1000);
            const base = options();
            const r = await runGate({
                ...base,
                once: true,
                env: { ...SMOKE_ENV, GATE_REDACT_VALUES: JSON.stringify([planted]) },
                notify: { ...base.notify, slackWebhookUrl: slack.webhookUrl, commitSha: sha },
            });
            assert.equal(r.exitCode, GATE_EXIT.rolledBack, r.reason);
            assert.deepEqual(r.failure?.notifications, {
                github: "sent",
                commitStatus: "sent",
                slack: "sent",
                pagerduty: "sent",
                email: "skipped: SMTP_URL or the stack's alerts.email.recipients not set",
            });
            const repo = github.repo("ainative", "platform");
            const deploymentStatus = repo.deployments.find((d) => d.id === githubDeploymentId)!.statuses[0];
            assert.equal(deploymentStatus.state, "failure");
            assert.match(deploymentStatus.description, /^FAILED \w{8}: Build Failed: process "npm run build"/);
            assert.deepEqual(
                repo.statuses.map((x) => [x.sha, x.state, x.context]),
                [[sha, "failure", "railway/production/web"]],
            );
            assert.equal(slack.messages.length, 1);
            assert.match(JSON.stringify(slack.messages[0]), /npm ERR! Lifecycle script `build` failed/);
            assert.deepEqual(
                pagerduty.events.map((e) => [e.status, e.body.dedup_key, e.body.payload.severity]),
                [[202, `railway-deploy/production/web/${failed.id}`, "critical"]],
            );
            assert.match(JSON.stringify(pagerduty.events[0].body), /Build Failed/);
            const everywhere = JSON.stringify([r, repo.deployments, repo.statuses, slack.messages, pagerduty.events]);
            assert.ok(!everywhere.includes(planted), "the stack's secret is cut out of every report");
            assert.match(JSON.stringify(slack.messages), /AUTH_SECRET=\[redacted\] npm run build/);
        } finally {
            await slack.close();
        }
    });

    it("a service's first deployment fails to build: failed (exit 1) and told, though nothing was ever live", async () => {
        const fresh = emu.store.createService({ projectId: target.projectId, name: "api" });
        emu.store.updateInstance(fresh.id, target.environmentId, { source: { image: "ghcr.io/ainative/api:1" } });
        emu.nextDeployments("FAILED", 1, fresh.id);
        const first = emu.store.deploy(fresh.id, target.environmentId, "deploy");
        await clock.sleep(5 * 1000);
        const r = await runGate(
            options({ once: true, railway: { ...target, serviceId: fresh.id }, deploymentId: first.id }),
        );
        assert.equal(r.exitCode, GATE_EXIT.rolledBack, r.reason);
        assert.match(
            r.reason,
            /ended FAILED; no earlier deployment is live, so there is nothing to roll back to; the end of its build log: .*Build Failed/,
        );
        assert.equal(r.failure?.notifications?.pagerduty, "sent");
        assert.deepEqual(rollbackCalls(), []);
    });

    it("the gate's rollback fails to build: it is reported with its own log, and the reason says so", async () => {
        app.setMode({ mode: "5xx" });
        emu.nextDeployments("FAILED", 1, target.serviceId);
        const r = await runGate(options());
        assert.equal(r.exitCode, GATE_EXIT.rolledBack, r.reason);
        assert.equal(r.rollback?.status, "FAILED");
        assert.equal(r.failure?.deploymentId, r.rollback?.newDeploymentId);
        assert.match(r.reason, /but the new deployment is FAILED after .*the end of its build log: .*Build Failed/);
        assert.equal(r.failure?.notifications?.pagerduty, "sent");
        assert.deepEqual(pagerduty.events.map((e) => e.body.dedup_key).sort(), [
            `ainative-gate/production/web/${deployments.live}`,
            `railway-deploy/production/web/${r.failure!.deploymentId}`,
        ]);
    });

    it("a build that fails: the record and the reason carry the end of its build log, with secrets cut out", async () => {
        emu.nextDeployments("FAILED", 1, target.serviceId);
        const failed = emu.store.deploy(target.serviceId, target.environmentId, "deploy");
        emu.store.signals.addLogLines(failed.id, "build", [
            { at: failed.createdAt + 1, message: `echo ${SMOKE_ENV.SMOKE_API_KEY} > .npmrc`, severity: "info" },
            { at: failed.createdAt + 1, message: "//registry:_authToken=npm-token-value-123456", severity: "info" },
            {
                at: failed.createdAt + 2,
                // A GitHub token's shape, built here so that no token-shaped literal sits in the repository.
                message: `${["ghp", "abcdefghijklmnopqrstuvwxyz0123456789"].join("_")} used for the registry`,
                severity: "info",
            },
        ]);
        await clock.sleep(5 * 1000);
        const r = await runGate(options({ once: true, env: { ...SMOKE_ENV, NPM_TOKEN: "npm-token-value-123456" } }));
        assert.equal(r.exitCode, GATE_EXIT.rolledBack, r.reason);
        assert.equal(r.failure?.kind, "build");
        assert.match(r.failure!.lines.join("\n"), /Build Failed: process "npm run build" did not complete/);
        assert.match(r.reason, /the end of its build log: .*Build Failed/);
        const text = JSON.stringify(r);
        assert.doesNotMatch(text, /ghp_abcdefghij/, "a credential-shaped value is cut out");
        assert.doesNotMatch(
            text,
            /ak_smoke_test_key|npm-token-value/,
            "values of this run's secret variables are cut out",
        );
        assert.match(text, /\[redacted\]/);
        assert.ok(r.failure!.lines.length <= 20);
        assert.deepEqual(rollbackCalls(), []);
    });

    it("--once: one pass of levels 1-3", async () => {
        const r = await runGate(options({ once: true }));
        assert.equal(r.exitCode, GATE_EXIT.healthy, r.reason);
        assert.equal(r.checks.health.length, 1);
        assert.equal(r.checks.smoke.length, 3);
    });
});
