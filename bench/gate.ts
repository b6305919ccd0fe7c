/**
 * `npm run bench:gate`: the health gate's two figures.
 *
 * 1. Reaction time: with a 1 s interval and an app whose health answers 500 from the start, the
 *    time from the first failing probe to the rollback call, median of 20 runs against a real HTTP
 *    server and the Railway emulator on 127.0.0.1 (target under 3.5 s: the third failure arrives
 *    2 s after the first).
 * 2. False alarms: 1,000 simulated runs of the seed's 10-minute window at a 1 s interval, each with
 *    one random transient failure (a 5xx or a timeout), realistic latencies (3% slow answers) and
 *    the previous deployment's p95 as baseline, on a simulated clock; the number of rollbacks
 *    (target 0).
 * 3. On real traffic: users' requests through the emulator's edge proxy (10% of them 5xx; the
 *    health endpoint fine, so only Railway's figures can see it), the time from the first failing
 *    request to the rollback confirmed (Railway's new deployment SUCCESS), median of 3 runs with
 *    a 15 s window. The floor is the window: the error-rate rule judges it whole.
 * 4. False rollbacks on Railway's figures: 1,000 windows of healthy traffic with blips (a burst of
 *    5xx and 3x latency for 10-20 s, a memory and CPU spike), fed to the emulator's edge records and
 *    metrics and read back through its GraphQL API by the real gate, on a clock shared with it;
 *    the number of rollbacks (target 0).
 */
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { gateSchema } from "../config/stack.schema";
import { simulatedClock } from "../scripts/gate/clock";
import { Deployment } from "../scripts/gate/deployments";
import { runGate } from "../scripts/gate/gate";
import { HealthProbe } from "../scripts/gate/probes";
import { writeState } from "../scripts/gate/state";
import { RailwayEmulator, startRailwayEmulator } from "../tools/railway-emulator";
import { defineCommand, integerIn, parseCommand, usageProblem } from "../scripts/commands/cli";
import { CommandIO, EXIT, runMain } from "../scripts/commands/io";

/** An emptied emulator with one service whose two finished deployments are a previous and a live one. */
function freshService(emu: RailwayEmulator) {
    emu.store.clear();
    const project = emu.store.createProject({ name: "bench", defaultEnvironmentName: "production" });
    const env = emu.store.liveEnvironments(project.id)[0];
    const service = emu.store.createService({ projectId: project.id, name: "web" });
    emu.store.updateInstance(service.id, env.id, { source: { image: "ghcr.io/ainative/web:1" } });
    const [, live] = emu.store.seedHistory(service.id, env.id, 2);
    return { project, env, service, live };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function reactionTime(): Promise<void> {
    const emu = await startRailwayEmulator({ deployStageMs: 5 });
    process.env.RAILWAY_API_TOKEN = emu.token;
    const app = http.createServer((_req, res) => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end('{"status":"down"}');
    });
    await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    const config = gateSchema.parse({ intervalSeconds: 1, monitoringWindowMinutes: 10, rollbackTimeoutSeconds: 10 });
    const times: number[] = [];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-gate-"));
    for (let run = 0; run < 20; run++) {
        const { project, env, service } = freshService(emu);
        let firstFailure = 0;
        let called = 0;
        await runGate({
            stack: "production",
            service: "web",
            config,
            baseUrl: url,
            railway: { apiUrl: emu.apiUrl, projectId: project.id, environmentId: env.id, serviceId: service.id },
            stateFile: path.join(dir, `run-${run}.json`),
            rollbackPollMs: 20,
            probes: {
                health: async (u, budget) => {
                    const { probeHealth } = await import("../scripts/gate/probes");
                    const p = await probeHealth(u, budget);
                    if (p.failed && !firstFailure) firstFailure = performance.now();
                    return p;
                },
            },
            onRollbackCall: () => (called = performance.now()),
        });
        times.push(called - firstFailure);
    }
    await new Promise((r) => app.close(r));
    await emu.close();
    const m = median(times);
    console.log("Reaction time, 1 s interval, 3 consecutive failures (20 runs, real HTTP + Railway emulator):");
    console.log(
        `  median ${(m / 1000).toFixed(3)} s, min ${(Math.min(...times) / 1000).toFixed(3)} s, max ${(Math.max(...times) / 1000).toFixed(3)} s   target < 3.5 s: ${m < 3500 ? "met" : "NOT met"}\n`,
    );
}

async function falseAlarms(): Promise<void> {
    const config = gateSchema.parse({ intervalSeconds: 1, monitoringWindowMinutes: 10 });
    const deployments: Deployment[] = [
        { id: "live", status: "SUCCESS", createdAt: "2026-11-27T10:00:00.000Z", canRollback: false },
        { id: "previous", status: "REMOVED", createdAt: "2026-11-27T09:00:00.000Z", canRollback: true },
    ];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-gate-sim-"));
    let rollbacks = 0;
    const decisions: Record<string, number> = {};
    const t0 = performance.now();
    // A seeded generator, so that a run can be repeated.
    let seed = 20261127;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let run = 0; run < 1000; run++) {
        const clock = simulatedClock(Date.parse("2026-11-27T10:05:00Z"));
        const probes = config.monitoringWindowMinutes * 60;
        const failAt = Math.floor(random() * probes);
        const timeout = random() < 0.3;
        let n = 0;
        // The previous deployment's p95 under the same load, so the latency rule is in play too.
        writeState(path.join(dir, "state.json"), {
            version: 1,
            rollbacks: [],
            baseline: { deploymentId: "previous", p95Ms: 39.5, errorRatePercent: 0, at: "2026-11-27T09:30:00Z" },
        });
        const record = await runGate({
            stack: "production",
            service: "web",
            config,
            baseUrl: "http://sim.invalid",
            railway: { projectId: "p", environmentId: "e", serviceId: "s" },
            stateFile: path.join(dir, "state.json"),
            clock,
            probes: {
                // The simulation has no Railway: its metrics are silent, so only the probes decide.
                railwayMemory: async () => ({ problem: "simulated: no Railway metrics" }),
                railwayWindow: async () => ({ sources: { traffic: "-", latency: "-", resources: "-" }, problems: [] }),
                deployments: async () => deployments,
                rollback: async (_t, target) => {
                    rollbacks++;
                    return { target: target.id, status: "SUCCESS", waitedMs: 0 };
                },
                health: async (): Promise<HealthProbe> => {
                    const i = n++;
                    // Latency: mostly 20-40 ms, a few slow answers up to 250 ms.
                    const latencyMs = random() < 0.03 ? 100 + random() * 150 : 20 + random() * 20;
                    clock.advance(latencyMs);
                    if (i === failAt)
                        return timeout
                            ? {
                                  at: clock.now(),
                                  latencyMs: 5000,
                                  ok: false,
                                  failed: true,
                                  overBudget: true,
                                  error: "no answer within 5000 ms",
                              }
                            : {
                                  at: clock.now(),
                                  latencyMs,
                                  status: 502,
                                  ok: false,
                                  failed: true,
                                  overBudget: latencyMs > 100,
                              };
                    return {
                        at: clock.now(),
                        latencyMs,
                        status: 200,
                        ok: true,
                        failed: false,
                        overBudget: latencyMs > 100,
                        payload: {
                            memory: { percent: 40 + random() * 20 },
                            cpu: { percent: 10 + random() * 30 },
                            dbPool: { percent: random() * 50 },
                        },
                    };
                },
            },
        });
        decisions[record.decision] = (decisions[record.decision] ?? 0) + 1;
        fs.rmSync(path.join(dir, "state.json"), { force: true });
    }
    console.log(
        "False alarms: 1,000 simulated 10-minute windows at 1 s, one random transient failure each (simulated clock):",
    );
    console.log(
        `  rollbacks ${rollbacks}   decisions ${JSON.stringify(decisions)}   target 0: ${rollbacks === 0 ? "met" : "NOT met"}   (${((performance.now() - t0) / 1000).toFixed(1)} s of real time)`,
    );
}

async function realTrafficReaction(): Promise<void> {
    const emu = await startRailwayEmulator({ deployStageMs: 20 });
    process.env.RAILWAY_API_TOKEN = emu.token;
    let served = 0;
    const app = http.createServer((req, res) => {
        // The health endpoint is fine: only the users' requests fail, one in ten.
        const fail = req.url !== "/api/health" && ++served % 10 === 0;
        res.writeHead(fail ? 500 : 200, { "content-type": "application/json" });
        res.end(fail ? '{"error":"boom"}' : '{"status":"ok"}');
    });
    await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
    const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    const config = gateSchema.parse({
        intervalSeconds: 1,
        monitoringWindowMinutes: 0.25,
        sustainedBuckets: 3,
        minSamplesForRates: 20,
        rollbackTimeoutSeconds: 30,
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-gate-real-"));
    const times: number[] = [];
    let requests = 0;
    for (let run = 0; run < 3; run++) {
        const { project, env, service } = freshService(emu);
        const edge = await emu.proxy(service.id, env.id, appUrl);
        let firstFailure = 0;
        let stop = false;
        // Users: about 40 requests a second through Railway's edge, for as long as the gate runs.
        const users = (async () => {
            while (!stop) {
                const res = await fetch(`${edge}/api/items`);
                await res.arrayBuffer();
                requests++;
                if (res.status >= 500 && !firstFailure) firstFailure = performance.now();
                await new Promise((r) => setTimeout(r, 25));
            }
        })();
        const record = await runGate({
            stack: "production",
            service: "web",
            config,
            baseUrl: appUrl,
            railway: { apiUrl: emu.apiUrl, projectId: project.id, environmentId: env.id, serviceId: service.id },
            stateFile: path.join(dir, `run-${run}.json`),
            rollbackPollMs: 50,
        });
        const confirmed = performance.now();
        stop = true;
        await users;
        if (record.rollback?.status !== "SUCCESS" || record.trigger?.rule !== "error-rate")
            throw new Error(`run ${run}: expected a confirmed rollback on the error rate, got ${record.reason}`);
        times.push(confirmed - firstFailure);
    }
    await new Promise((r) => app.close(r));
    await emu.close();
    const m = median(times);
    console.log(
        "On real traffic: first failing user request to the rollback confirmed, 10% 5xx through Railway's edge (3 runs):",
    );
    console.log(
        `  median ${(m / 1000).toFixed(2)} s, min ${(Math.min(...times) / 1000).toFixed(2)} s, max ${(Math.max(...times) / 1000).toFixed(2)} s   (window 15 s, the floor; ${requests} real requests)\n`,
    );
}

async function railwayFalseRollbacks(windows: number): Promise<void> {
    const start = Date.parse("2026-12-03T10:00:00Z");
    const clock = simulatedClock(start);
    // The windows span about 180 simulated hours in a few real minutes: the quota (real time) is
    // lifted so that it does not stand in for hours that, on the shared clock, have passed.
    const emu = await startRailwayEmulator({
        deployStageMs: 5,
        clock,
        rateLimit: { limit: Number.MAX_SAFE_INTEGER, windowMs: 3_600_000 },
    });
    process.env.RAILWAY_API_TOKEN = emu.token;
    const config = gateSchema.parse({ intervalSeconds: 5, monitoringWindowMinutes: 10 });
    const windowMs = config.monitoringWindowMinutes * 60_000;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-gate-railway-"));
    let seed = 20261203;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    let rollbacks = 0;
    let requests = 0;
    const decisions: Record<string, number> = {};
    const fired: string[] = [];
    const t0 = performance.now();
    for (let w = 0; w < windows; w++) {
        const { project, env, service, live } = freshService(emu);
        const now = clock.now();
        // Users' traffic, about 3 requests a second: 0.2% errors, 60-120 ms with 3% slow answers,
        // and in the live window one or two blips of 10-20 s with 30% errors at three times the latency.
        const blips = Array.from({ length: random() < 0.3 ? 2 : 1 }, () => {
            const at = now + random() * (windowMs - 20_000);
            return [at, at + 10_000 + random() * 10_000] as const;
        });
        const traffic = (from: number, to: number, withBlips: boolean) => {
            for (let at = from; at < to; at += 150 + random() * 400) {
                const blip = withBlips && blips.some(([a, b]) => at >= a && at < b);
                const slow = random() < 0.03 ? 3 + random() * 3 : 1;
                emu.store.signals.http.push({
                    serviceId: service.id,
                    environmentId: env.id,
                    at,
                    method: "GET",
                    path: "/api/items",
                    status: random() < (blip ? 0.3 : 0.002) ? 502 : 200,
                    durationMs: (60 + random() * 60) * slow * (blip ? 3 : 1),
                    rxBytes: 300,
                    txBytes: 2000,
                    requestId: `r${w}-${at}`,
                });
                requests++;
            }
        };
        traffic(live.createdAt - windowMs, live.createdAt, false);
        traffic(now, now + windowMs + 60_000, true);
        // Memory and CPU every 30 s: half their limits, with a spike of one sample.
        const samples = (base: number, spike: number) => {
            const spikeAt = Math.floor(random() * 20);
            return Array.from({ length: 32 }, (_, i) => ({
                ts: Math.floor((now - 5 * 60_000 + i * 30_000) / 1000),
                value: i - 10 === spikeAt ? spike : base * (0.8 + random() * 0.4),
            }));
        };
        emu.store.signals.setSeries(service.id, env.id, "MEMORY_USAGE_GB", samples(0.5, 0.92));
        emu.store.signals.setSeries(
            service.id,
            env.id,
            "MEMORY_LIMIT_GB",
            samples(1, 1).map((x) => ({ ...x, value: 1 })),
        );
        emu.store.signals.setSeries(service.id, env.id, "CPU_USAGE", samples(0.8, 1.9));
        emu.store.signals.setSeries(
            service.id,
            env.id,
            "CPU_LIMIT",
            samples(2, 2).map((x) => ({ ...x, value: 2 })),
        );
        const record = await runGate({
            stack: "production",
            service: "web",
            config,
            baseUrl: "http://sim.invalid",
            railway: { apiUrl: emu.apiUrl, projectId: project.id, environmentId: env.id, serviceId: service.id },
            stateFile: path.join(dir, `window-${w}.json`),
            clock,
            probes: {
                // The gate's own probes pass: the figures under test are Railway's.
                health: async (): Promise<HealthProbe> => {
                    const latencyMs = 20 + random() * 20;
                    clock.advance(latencyMs);
                    return { at: clock.now(), latencyMs, status: 200, ok: true, failed: false, overBudget: false };
                },
            },
        });
        if (record.decision === "rolled-back") {
            rollbacks++;
            fired.push(record.trigger?.reason ?? record.reason);
        }
        decisions[record.decision] = (decisions[record.decision] ?? 0) + 1;
        clock.advance(60_000);
        if ((w + 1) % 100 === 0 && w + 1 < windows)
            process.stderr.write(`  ${w + 1}/${windows} windows, ${rollbacks} rollbacks so far\n`);
    }
    await emu.close();
    console.log(
        `False rollbacks on Railway's figures: ${windows.toLocaleString("en")} 10-minute windows of healthy traffic with blips, read through the emulator's API (shared simulated clock):`,
    );
    console.log(
        `  rollbacks ${rollbacks}   decisions ${JSON.stringify(decisions)}   ${requests.toLocaleString("en")} requests   target 0: ${rollbacks === 0 ? "met" : "NOT met"}   (${((performance.now() - t0) / 1000).toFixed(1)} s of real time)`,
    );
    for (const reason of fired.slice(0, 5)) console.log(`  fired: ${reason}`);
}

const PARTS = ["reaction", "false-alarms", "real-traffic", "railway"] as const;

async function main(argv: string[], io: CommandIO): Promise<number> {
    const cmd = defineCommand(
        "bench:gate",
        "Prints the gate's reaction time, false alarms over 1,000 simulated windows, the time to a confirmed rollback on real traffic, and false rollbacks on Railway's figures.",
        io,
    )
        .option("--only <part>", `one part: ${PARTS.join(", ")}`)
        .option("--windows <n>", "windows for the Railway false-rollback part", integerIn(1, 100_000), 1000);
    const parsed = parseCommand(cmd, argv);
    if (parsed !== true) return parsed;
    const flags = cmd.opts();
    if (flags.only && !(PARTS as readonly string[]).includes(flags.only))
        return usageProblem(io, cmd)(`--only must be one of ${PARTS.join(", ")}`);
    const run = (part: (typeof PARTS)[number]) => !flags.only || flags.only === part;
    console.log(`Health gate benchmark (machine: ${os.cpus().length} CPUs, Node ${process.version})\n`);
    if (run("reaction")) await reactionTime();
    if (run("false-alarms")) await falseAlarms();
    if (run("real-traffic")) await realTrafficReaction();
    if (run("railway")) await railwayFalseRollbacks(flags.windows);
    return EXIT.ok;
}

runMain(main);
