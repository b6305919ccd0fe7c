/**
 * The gate's Railway API budget, counted on the emulator's request log: a whole gate (a build to
 * wait for, a ten-minute window, a rollback that deploys for minutes) stays within what
 * `gateApiCalls` says, part by part; its end-of-window reading is one request; it makes no
 * optional read when Railway's count for the token is low; and a 429 turns into no verdict.
 * The gate and the emulator share one simulated clock, so minutes pass without waiting.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { gateSchema } from "../../../config/stack.schema";
import { gql } from "../../../providers/railway";
import { gateApiCalls, pollDelays, RESERVED_CALLS } from "../../../scripts/gate/budget";
import { simulatedClock } from "../../../scripts/gate/clock";
import { RailwayTarget } from "../../../scripts/gate/deployments";
import { GATE_EXIT, GateOptions, runGate } from "../../../scripts/gate/gate";
import type { HealthProbe } from "../../../scripts/gate/probes";
import { RailwayEmulator, startRailwayEmulator } from "../../../tools/railway-emulator";

const CONFIG = gateSchema.parse({ smokeTests: [] });
/** Each of a deployment's four stages: a build or a rollback takes three minutes. */
const STAGE_MS = 45_000;

describe("the gate's Railway API budget", function () {
    this.timeout(60_000);
    const clock = simulatedClock(Date.UTC(2026, 11, 6, 12));
    const saved = process.env.RAILWAY_API_TOKEN;
    let emu: RailwayEmulator;
    let target: RailwayTarget;
    let lines: string[];

    const start = async (rateLimit?: { limit: number; windowMs: number }) => {
        emu = await startRailwayEmulator({ deployStageMs: STAGE_MS, clock, rateLimit });
        process.env.RAILWAY_API_TOKEN = emu.token;
        const project = emu.store.createProject({ name: "budget", defaultEnvironmentName: "production" });
        const env = emu.store.liveEnvironments(project.id)[0];
        const service = emu.store.createService({ projectId: project.id, name: "web" });
        emu.store.updateInstance(service.id, env.id, { source: { image: "ghcr.io/ainative/web:1" } });
        emu.store.seedHistory(service.id, env.id, 2);
        target = { apiUrl: emu.apiUrl, projectId: project.id, environmentId: env.id, serviceId: service.id };
        lines = [];
    };
    afterEach(async () => {
        await emu?.close();
        if (saved === undefined) delete process.env.RAILWAY_API_TOKEN;
        else process.env.RAILWAY_API_TOKEN = saved;
    });

    const probe = (status: number): HealthProbe => ({
        at: clock.now(),
        latencyMs: 5,
        status,
        ok: status < 300,
        failed: status >= 500,
        overBudget: false,
    });
    const options = (status: number): GateOptions => ({
        stack: "production",
        service: "web",
        config: CONFIG,
        baseUrl: "http://127.0.0.1:9/",
        railway: target,
        stateFile: path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gate-budget-")), "web.json"),
        clock,
        log: (l) => lines.push(l),
        probes: { health: async () => probe(status) },
    });
    const calls = (op: string) => emu.log.filter((l) => l.operationName === op).length;

    it("the poll backs off to 30 s and its waits add up to the timeout", () => {
        assert.deepEqual(pollDelays(60_000, 5_000), [5_000, 10_000, 20_000, 25_000]);
        const d = pollDelays(600_000, 2_000);
        assert.equal(
            d.reduce((a, b) => a + b, 0),
            600_000,
        );
        assert.ok(d.every((x) => x <= 30_000));
        assert.equal(d.length, 23, "a fixed 2 s poll would be 300 reads");
    });

    it("a build of three minutes, a healthy ten-minute window: within the budget, part by part, the window read in one request", async () => {
        await start();
        emu.store.deploy(target.serviceId, target.environmentId, "deploy");
        const budget = gateApiCalls(CONFIG);
        const r = await runGate(options(200));
        assert.equal(r.exitCode, GATE_EXIT.healthy, r.reason);
        assert.equal(calls("GateWindow"), 1, "traffic, latency per part, resources per part and baseline: one request");
        assert.ok(calls("Deployments") <= budget.deployments, `${calls("Deployments")} deployment reads`);
        assert.ok(calls("Deployments") >= 4, "the build was waited for");
        assert.ok(calls("ResourceMetrics") <= budget.memory && calls("ResourceMetrics") >= 10);
        assert.ok(emu.log.length <= budget.total, `${emu.log.length} requests of ${budget.total}`);
        // The figures docs/health-gate.md "Railway API budget" gives people are these.
        const doc = fs.readFileSync(path.join(__dirname, "../../../docs/health-gate.md"), "utf8");
        const section = doc.slice(doc.indexOf("## Railway API budget"));
        const stated = (text: string) => assert.ok(section.includes(text), `the docs say "${text}"`);
        stated(`**${budget.total}** (${emu.log.length} for a healthy deployment after a 3-minute build)`);
        stated(`(8 for a 3-minute build)`);
        assert.equal(calls("Deployments"), 8);
        stated(`| at most ${budget.deployments} `);
        stated(`| at most ${budget.rollback} |`);
        stated(`| ${budget.memory} |`);
        const per = (quota: number, calls: number) => Math.floor(quota / calls);
        stated(
            `Hobby gates ${per(1000, budget.total)} services at the worst (${per(1000, emu.log.length)} typically), Pro ${per(10_000, budget.total)},\nFree ${per(100, budget.total)}.`,
        );
    });

    it("a failing deployment rolled back, the rollback deploying for three minutes: within the budget", async () => {
        await start();
        const budget = gateApiCalls(CONFIG);
        const r = await runGate(options(503));
        assert.equal(r.exitCode, GATE_EXIT.rolledBack, r.reason);
        assert.equal(calls("DeploymentRollback"), 1);
        const rollbackReads = calls("Deployments") - 1;
        assert.ok(
            rollbackReads >= 4 && rollbackReads <= budget.rollback - 1,
            `${rollbackReads} reads for the rollback`,
        );
        assert.ok(emu.log.length <= budget.total, `${emu.log.length} requests of ${budget.total}`);
    });

    it("Railway's count for the token low (other gates spent it): no optional memory read, the decision still made and the reason logged", async () => {
        await start({ limit: RESERVED_CALLS + 50, windowMs: 3_600_000 });
        // Another gate of the same token, in another process: Railway's count is what they share.
        for (let i = 0; i < 55; i++) await gql(emu.apiUrl, "Deployments", { input: { projectId: target.projectId } });
        emu.log.length = 0;
        const r = await runGate(options(200));
        assert.equal(r.exitCode, GATE_EXIT.healthy, r.reason);
        assert.equal(calls("ResourceMetrics"), 0, "no memory read below the reserve");
        assert.equal(calls("GateWindow"), 1, "the reading that decides is still made");
        assert.ok(
            lines.some((l) => /Railway's API budget for this token is low \(\d+ of 150 requests left until /.test(l)),
            lines.join("\n"),
        );
    });

    it("Railway's count spent (429 with an hour's Retry-After): could not decide at once, nothing rolled back, even for a failing app", async () => {
        await start({ limit: 3, windowMs: 3_600_000 });
        for (let i = 0; i < 3; i++) await gql(emu.apiUrl, "Deployments", { input: { projectId: target.projectId } });
        const r = await runGate(options(503));
        assert.equal(r.exitCode, GATE_EXIT.undecided, r.reason);
        assert.match(r.reason, /rate limited .*Railway asks to wait \d+ s/);
        assert.equal(calls("DeploymentRollback"), 0);
        assert.equal(calls("Deployments"), 4, "asked once, not again before Railway said");
    });

    it("a 429 on the end-of-window reading: its rules decide nothing, and nothing is rolled back", async () => {
        await start();
        emu.inject({ operation: "GateWindow", status: 429, retryAfter: 3600 });
        const r = await runGate(options(200));
        assert.notEqual(r.exitCode, GATE_EXIT.rolledBack, r.reason);
        assert.equal(calls("DeploymentRollback"), 0);
        assert.ok(
            r.checks.window!.railway!.problems.some((p) =>
                /traffic could not be read from Railway: .*rate limited/.test(p),
            ),
        );
    });
});
