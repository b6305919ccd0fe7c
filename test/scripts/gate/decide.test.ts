import { strict as assert } from "assert";
import { gateSchema } from "../../../config/stack.schema";
import {
    immediateTrigger,
    Observations,
    percentile,
    windowStats,
    windowTrigger,
    windowUndecided,
} from "../../../scripts/gate/decide";
import type { HealthProbe } from "../../../scripts/gate/probes";

const T = gateSchema.parse({});
const probe = (at: number, over: Partial<HealthProbe> = {}): HealthProbe => ({
    at,
    latencyMs: 20,
    status: 200,
    ok: true,
    failed: false,
    overBudget: false,
    ...over,
});
const obs = (health: HealthProbe[]): Observations => ({ health, dependencies: [], smoke: [] });
/** n probes over [0, 1000 * n) ms, shaped by `shape(i)`. */
const series = (n: number, shape: (i: number) => Partial<HealthProbe> = () => ({})) =>
    Array.from({ length: n }, (_, i) => probe(i * 1000, shape(i)));

describe("gate decision matrix (pure)", () => {
    it("never calls a window healthy when no probe succeeded, nor judges a rate on too few probes", () => {
        const redirected = { ok: false, failed: false, status: 302, error: "redirected to another origin" };
        const all = windowStats(obs(series(16, () => redirected)), T, 0, 16_000);
        assert.equal(windowTrigger(all, T), undefined, "no rule fires: none is a 5xx");
        assert.match(windowUndecided(all, T)!, /none of the 16 health probes .* succeeded/);
        const few = windowStats(
            obs(series(10, (i) => (i % 2 ? { ok: false, failed: false, status: 404 } : {}))),
            T,
            0,
            10_000,
        );
        assert.match(windowUndecided(few, T)!, /5 of 10 health probes failed .* fewer than the 20 a rate needs/);
        assert.equal(windowUndecided(windowStats(obs(series(10)), T, 0, 10_000), T), undefined, "few but all fine");
        assert.equal(windowUndecided(windowStats(obs(series(30)), T, 0, 30_000), T), undefined);
    });

    it("counts three failures in a row, answered or not, and nothing less", () => {
        const fail = { ok: false, failed: true, status: 503 };
        const noAnswer = { ok: false, failed: true, status: undefined, error: "no answer" };
        assert.equal(
            immediateTrigger(obs(series(5, (i) => (i >= 2 ? (i === 3 ? noAnswer : fail) : {}))), T)?.rule,
            "consecutive-5xx",
        );
        assert.equal(
            immediateTrigger(obs(series(5, (i) => (i === 1 || i === 3 || i === 4 ? fail : {}))), T),
            undefined,
            "2 in a row after a success",
        );
        assert.equal(
            immediateTrigger(obs(series(5, (i) => (i >= 2 ? { ok: false, failed: false, status: 404 } : {}))), T),
            undefined,
            "4xx is not a 5xx",
        );
    });

    it("reads memory and the database from the latest payload only", () => {
        const health = series(3, (i) => ({
            payload: { memory: { percent: i === 0 ? 99 : 50 }, checks: { database: { ok: true } } },
        }));
        assert.equal(immediateTrigger(obs(health), T), undefined, "an old reading does not count");
        health.push(probe(4000, { payload: { checks: { database: { ok: false } } } }));
        assert.equal(immediateTrigger(obs(health), T)?.rule, "database-connection");
    });

    it("judges the error rate only on enough samples", () => {
        const few = series(10, (i) => (i % 2 ? { ok: false, status: 500 } : {}));
        assert.equal(windowTrigger(windowStats(obs(few), T, 0, 10_000), T), undefined);
        const many = series(100, (i) => (i % 16 === 0 ? { ok: false, status: 500 } : {}));
        assert.equal(windowTrigger(windowStats(obs(many), T, 0, 100_000), T)?.rule, "error-rate");
    });

    it("calls latency sustained only when every part of the window is slow", () => {
        const slowUntil = (end: number) => series(100, (i) => ({ latencyMs: i < end ? 90 : 20 }));
        const decide = (h: HealthProbe[]) => windowTrigger(windowStats(obs(h), T, 0, 100_000, 30), T)?.rule;
        assert.equal(decide(slowUntil(100)), "p95-latency");
        assert.equal(decide(slowUntil(75)), undefined, "the last quarter recovered");
        assert.equal(
            windowTrigger(windowStats(obs(slowUntil(100)), T, 0, 100_000), T),
            undefined,
            "no baseline, no latency verdict",
        );
    });

    it("takes the nearest-rank percentile", () => {
        assert.equal(percentile([5, 1, 4, 2, 3], 95), 5);
        assert.equal(percentile([1, 2, 3, 4], 50), 2);
        assert.ok(Number.isNaN(percentile([], 95)));
    });
});
