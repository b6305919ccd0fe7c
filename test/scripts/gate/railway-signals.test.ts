/**
 * The gate's reading of Railway's request durations, through the emulator's API: a part of the
 * window is slow only when most of it was slow. A blip (one of Railway's steps) makes no part slow,
 * even when it straddles two parts; a slowdown throughout makes every part slow; a slowdown in one
 * part makes that part slow and no other. Records are fed to the emulator's edge directly, on a
 * clock shared with it.
 */
import { strict as assert } from "assert";
import { simulatedClock } from "../../../scripts/gate/clock";
import { RailwayTarget } from "../../../scripts/gate/deployments";
import { readRailwayWindow } from "../../../scripts/gate/railway-signals";
import { RailwayEmulator, startRailwayEmulator } from "../../../tools/railway-emulator";

const WINDOW_MS = 10 * 60_000;
const PARTS = 4;

describe("the gate's reading of Railway's request durations", () => {
    const clock = simulatedClock(Date.UTC(2026, 11, 3, 12));
    let emu: RailwayEmulator;
    let target: RailwayTarget;
    let start: number;
    const saved = process.env.RAILWAY_API_TOKEN;

    before(async () => {
        emu = await startRailwayEmulator({ deployStageMs: 5, clock });
        process.env.RAILWAY_API_TOKEN = emu.token;
    });
    after(async () => {
        if (saved === undefined) delete process.env.RAILWAY_API_TOKEN;
        else process.env.RAILWAY_API_TOKEN = saved;
        await emu.close();
    });
    beforeEach(() => {
        emu.store.clear();
        const project = emu.store.createProject({ name: "signals", defaultEnvironmentName: "production" });
        const env = emu.store.liveEnvironments(project.id)[0];
        const service = emu.store.createService({ projectId: project.id, name: "web" });
        target = { apiUrl: emu.apiUrl, projectId: project.id, environmentId: env.id, serviceId: service.id };
        start = clock.now();
    });

    /** Two requests a second over [from, to), each taking `durationAt(at)` ms. */
    const traffic = (from: number, to: number, durationAt: (at: number) => number) => {
        for (let at = from; at < to; at += 500)
            emu.store.signals.http.push({
                serviceId: target.serviceId,
                environmentId: target.environmentId,
                at,
                method: "GET",
                path: "/api/items",
                status: 200,
                durationMs: durationAt(at),
                rxBytes: 100,
                txBytes: 100,
                requestId: `r${at}`,
            });
    };
    const read = async () => {
        clock.advance(WINDOW_MS);
        const w = await readRailwayWindow(target, start, start + WINDOW_MS, PARTS, undefined);
        assert.deepEqual(w.problems, []);
        return w.bucketP95Ms!.map((p) => Math.round(p!));
    };
    const partMs = WINDOW_MS / PARTS;

    it("a 20 s blip at three times the latency, in each part and across each boundary: no part is slow", async () => {
        const blips = [30_000, partMs - 10_000, 2 * partMs + 60_000, 3 * partMs - 10_000].map((o) => start + o);
        traffic(start, start + WINDOW_MS, (at) => (blips.some((b) => at >= b && at < b + 20_000) ? 300 : 100));
        assert.deepEqual(await read(), [100, 100, 100, 100]);
    });

    it("three times the latency throughout: every part is slow", async () => {
        traffic(start, start + WINDOW_MS, () => 300);
        assert.deepEqual(await read(), [300, 300, 300, 300]);
    });

    it("three times the latency in the second part only: that part alone", async () => {
        traffic(start, start + WINDOW_MS, (at) => (at >= start + partMs && at < start + 2 * partMs ? 300 : 100));
        assert.deepEqual(await read(), [100, 300, 100, 100]);
    });
});
