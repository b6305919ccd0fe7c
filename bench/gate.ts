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
import { startRailwayEmulator } from "../tools/railway-emulator";
import { defineCommand, parseCommand } from "../scripts/commands/cli";
import { CommandIO, EXIT, runMain } from "../scripts/commands/io";

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
        emu.store.clear();
        const project = emu.store.createProject({ name: "bench", defaultEnvironmentName: "production" });
        const env = emu.store.liveEnvironments(project.id)[0];
        const service = emu.store.createService({ projectId: project.id, name: "web" });
        emu.store.updateInstance(service.id, env.id, { source: { image: "ghcr.io/ainative/web:1" } });
        emu.store.seedHistory(service.id, env.id, 2);
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

async function main(argv: string[], io: CommandIO): Promise<number> {
    const parsed = parseCommand(
        defineCommand(
            "bench:gate",
            "Prints the gate's reaction time and false alarms over 1,000 simulated windows. No options.",
            io,
        ),
        argv,
    );
    if (parsed !== true) return parsed;
    console.log(`Health gate benchmark (machine: ${os.cpus().length} CPUs, Node ${process.version})\n`);
    await reactionTime();
    await falseAlarms();
    return EXIT.ok;
}

runMain(main);
