/**
 * The seed's decision matrix (DESIGN.md §7), as pure functions of what the probes saw, so that it
 * can be tested and simulated without a clock.
 *
 * Immediate rollback: the last N health probes all failed (5xx or no answer), a database
 * connection failure (seen from here or reported by the app), a critical smoke test failure, or
 * memory above its threshold. After the monitoring window: error rate above its threshold, p95
 * above the multiple of the previous deployment's baseline sustained, database pool or resource
 * use above their thresholds sustained. "Sustained" means in every one of `sustainedBuckets`
 * equal parts of the window, so a spike shorter than the window decides nothing.
 */
import type { GateConfig } from "../../config/stack.schema";
import type { DependencyCheck, HealthProbe, SmokeResult } from "./probes";
import type { RailwayMemory, RailwayWindow } from "./railway-signals";

export interface Observations {
    health: HealthProbe[];
    dependencies: DependencyCheck[];
    smoke: SmokeResult[];
    /** Memory as Railway measures it (its metrics), the latest reading; absent when Railway had none. */
    railwayMemory?: RailwayMemory & { at: number };
}

export interface Trigger {
    /** Which rule of the matrix fired. */
    rule:
        | "consecutive-5xx"
        | "database-connection"
        | "critical-smoke-test"
        | "memory"
        | "error-rate"
        | "p95-latency"
        | "database-pool"
        | "resources";
    reason: string;
}

export type Thresholds = Pick<
    GateConfig,
    | "consecutive5xxForRollback"
    | "memoryPercentForRollback"
    | "errorRatePercentForRollback"
    | "p95LatencyMultiplierForRollback"
    | "dbPoolPercentForRollback"
    | "resourcePercentForRollback"
    | "sustainedBuckets"
    | "minSamplesForRates"
>;

export function percentile(values: number[], p: number): number {
    if (values.length === 0) return NaN;
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const median = (values: number[]) => percentile(values, 50);

/** The last element matching, without copying (this runs after every probe of a long window). */
function findLast<T>(items: T[], match: (item: T) => boolean): T | undefined {
    for (let i = items.length - 1; i >= 0; i--) if (match(items[i])) return items[i];
    return undefined;
}

export function immediateTrigger(obs: Observations, t: Thresholds): Trigger | undefined {
    const n = t.consecutive5xxForRollback;
    const last = obs.health.slice(-n);
    if (last.length === n && last.every((p) => p.failed)) {
        const what = last.map((p) => (p.status ? String(p.status) : "no answer")).join(", ");
        return { rule: "consecutive-5xx", reason: `${n} consecutive failed health checks (${what})` };
    }
    const latest = findLast(obs.health, (p) => p.payload !== undefined);
    if (latest?.payload?.checks?.database?.ok === false)
        return { rule: "database-connection", reason: "the app reports its database connection down" };
    // The gate's vantage point is not the app's: its own failure to reach the database decides only
    // when the app agrees (its last health check failed too).
    const latestDb = findLast(obs.dependencies, (d) => d.name === "postgres");
    const lastProbe = obs.health[obs.health.length - 1];
    if (latestDb && !latestDb.ok && lastProbe?.failed) {
        return {
            rule: "database-connection",
            reason: `PostgreSQL connection failed from the gate (${latestDb.error ?? "unknown error"}) and the app's health check failed too`,
        };
    }
    const smoke = obs.smoke.find((s) => s.critical && !s.ok && !s.undecided);
    if (smoke)
        return { rule: "critical-smoke-test", reason: `critical smoke test '${smoke.name}' failed: ${smoke.problem}` };
    const memory = latest?.payload?.memory?.percent;
    if (typeof memory === "number" && memory > t.memoryPercentForRollback)
        return {
            rule: "memory",
            reason: `memory at ${memory}% (the app's health payload), above ${t.memoryPercentForRollback}%`,
        };
    const railway = obs.railwayMemory;
    if (railway && railway.percent > t.memoryPercentForRollback)
        return {
            rule: "memory",
            reason: `memory at ${railway.percent.toFixed(1)}% of its limit (${railway.usageGb.toFixed(2)} of ${railway.limitGb.toFixed(2)} GB, Railway's metrics), above ${t.memoryPercentForRollback}%`,
        };
    return undefined;
}

export interface WindowStats {
    samples: number;
    failures: number;
    errorRatePercent: number;
    p95Ms: number;
    overBudget: number;
    baselineP95Ms?: number;
    /** Where the baseline came from: Railway's history, the state file, or nowhere. */
    baselineSource?: string;
    buckets: { samples: number; p95Ms: number; dbPoolPercent?: number; resourcePercent?: number }[];
    /** Railway's own figures for the window (real traffic, resources), with their sources. */
    railway?: RailwayWindow;
}

export function windowStats(
    obs: Observations,
    t: Thresholds,
    start: number,
    end: number,
    baselineP95Ms?: number,
): WindowStats {
    const probes = obs.health.filter((p) => p.at >= start && p.at <= end);
    const failures = probes.filter((p) => !p.ok).length;
    const answered = probes.filter((p) => p.status !== undefined).map((p) => p.latencyMs);
    const size = (end - start) / t.sustainedBuckets;
    const buckets = Array.from({ length: t.sustainedBuckets }, (_, i) => {
        const inBucket = probes.filter(
            (p) =>
                p.at >= start + i * size &&
                (i === t.sustainedBuckets - 1 ? p.at <= end : p.at < start + (i + 1) * size),
        );
        const pool = inBucket.map((p) => p.payload?.dbPool?.percent).filter((v): v is number => typeof v === "number");
        const resources = inBucket
            .map((p) => Math.max(p.payload?.cpu?.percent ?? -1, p.payload?.memory?.percent ?? -1))
            .filter((v) => v >= 0);
        return {
            samples: inBucket.length,
            p95Ms: percentile(
                inBucket.filter((p) => p.status !== undefined).map((p) => p.latencyMs),
                95,
            ),
            dbPoolPercent: pool.length ? median(pool) : undefined,
            resourcePercent: resources.length ? median(resources) : undefined,
        };
    });
    return {
        samples: probes.length,
        failures,
        errorRatePercent: probes.length ? (100 * failures) / probes.length : 0,
        p95Ms: percentile(answered, 95),
        overBudget: probes.filter((p) => p.overBudget).length,
        baselineP95Ms,
        buckets,
    };
}

/** Real traffic's error rate (Railway's edge), when there were requests. */
export function railwayErrorRate(r: RailwayWindow | undefined): number | undefined {
    return r?.requests ? (100 * (r.errors5xx ?? 0)) / r.requests : undefined;
}

export function windowTrigger(stats: WindowStats, t: Thresholds): Trigger | undefined {
    const r = stats.railway;
    const realRate = railwayErrorRate(r);
    if (realRate !== undefined && r!.requests! >= t.minSamplesForRates && realRate > t.errorRatePercentForRollback)
        return {
            rule: "error-rate",
            reason: `error rate ${realRate.toFixed(1)}% of real traffic over the window (${r!.errors5xx}/${r!.requests} requests 5xx, Railway's HTTP metrics), above ${t.errorRatePercentForRollback}%`,
        };
    const railwayBaseline = r?.baselineP95Ms;
    const buckets = r?.bucketP95Ms;
    if (railwayBaseline !== undefined && buckets?.every((b) => b !== undefined)) {
        const limit = railwayBaseline * t.p95LatencyMultiplierForRollback;
        if (buckets.every((b) => b! > limit))
            return {
                rule: "p95-latency",
                reason: `p95 of real traffic above ${t.p95LatencyMultiplierForRollback}x the previous deployment's ${railwayBaseline.toFixed(1)} ms in every part of the window (Railway's request durations: ${buckets.map((b) => b!.toFixed(0)).join(", ")} ms)`,
            };
    }
    const resources = r?.bucketResourcePercent;
    if (resources?.length && resources.every((b) => b !== undefined && b > t.resourcePercentForRollback))
        return {
            rule: "resources",
            reason: `CPU or memory above ${t.resourcePercentForRollback}% of its limit throughout the window (Railway's metrics)`,
        };
    const enough = stats.samples >= t.minSamplesForRates;
    if (enough && stats.errorRatePercent > t.errorRatePercentForRollback) {
        return {
            rule: "error-rate",
            reason: `error rate ${stats.errorRatePercent.toFixed(1)}% over the window (${stats.failures}/${stats.samples}), above ${t.errorRatePercentForRollback}%`,
        };
    }
    const sustained = (value: (b: WindowStats["buckets"][number]) => number | undefined, limit: number) =>
        stats.buckets.every((b) => b.samples > 0 && (value(b) ?? -Infinity) > limit);
    if (stats.baselineP95Ms !== undefined && enough) {
        const limit = stats.baselineP95Ms * t.p95LatencyMultiplierForRollback;
        if (sustained((b) => b.p95Ms, limit)) {
            return {
                rule: "p95-latency",
                reason: `p95 above ${t.p95LatencyMultiplierForRollback}x the previous deployment's ${stats.baselineP95Ms.toFixed(1)} ms in every part of the window (window p95 ${stats.p95Ms.toFixed(1)} ms)`,
            };
        }
    }
    if (sustained((b) => b.dbPoolPercent, t.dbPoolPercentForRollback))
        return {
            rule: "database-pool",
            reason: `database pool above ${t.dbPoolPercentForRollback}% throughout the window`,
        };
    if (sustained((b) => b.resourcePercent, t.resourcePercentForRollback))
        return {
            rule: "resources",
            reason: `CPU or memory above ${t.resourcePercentForRollback}% throughout the window`,
        };
    return undefined;
}

/**
 * What the window leaves undecided when no rule fired: real traffic whose error rate is above the
 * threshold but on fewer requests than a rate needs. Not healthy, and not a reason to roll back.
 */
export function windowUndecided(stats: WindowStats, t: Thresholds): string | undefined {
    // Never healthy on no evidence: a health URL that only redirects away or answers 4xx fails no
    // rule (none is a 5xx), yet it showed nothing of this deployment.
    if (stats.samples > 0 && stats.failures === stats.samples)
        return `none of the ${stats.samples} health probes of the window succeeded (no 2xx answer), though none was a 5xx: the deployment cannot be called healthy`;
    if (stats.samples < t.minSamplesForRates && stats.errorRatePercent > t.errorRatePercentForRollback)
        return `${stats.failures} of ${stats.samples} health probes failed (${stats.errorRatePercent.toFixed(1)}%), but ${stats.samples} probes are fewer than the ${t.minSamplesForRates} a rate needs (gate.minSamplesForRates)`;
    const r = stats.railway;
    const rate = railwayErrorRate(r);
    if (rate !== undefined && r!.requests! < t.minSamplesForRates && rate > t.errorRatePercentForRollback)
        return `the error rate of real traffic is ${rate.toFixed(1)}% (${r!.errors5xx}/${r!.requests} requests 5xx, Railway's HTTP metrics), but ${r!.requests} requests are fewer than the ${t.minSamplesForRates} a rate needs (gate.minSamplesForRates)`;
    return undefined;
}
