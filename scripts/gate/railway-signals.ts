/**
 * What Railway itself measured for the service in its environment, for the gate: real traffic (its
 * edge's request counts by status and durations), and memory and CPU against their limits. Each
 * figure says where it came from; a query that fails or answers nothing leaves the figure out and
 * says so in `problems`, so a rule without its figure decides nothing (never a rollback on missing
 * data).
 */
import { gql } from "../../providers/railway";
import type { RailwayTarget } from "./deployments";

const iso = (ms: number) => new Date(ms).toISOString();

export interface RailwayMemory {
    percent: number;
    usageGb: number;
    limitGb: number;
    source: "railway:metrics";
}

/**
 * Memory above its limit by more than this is no reading of a live process (Railway stops one at
 * its limit): a broken figure, which judges nothing.
 */
const ABSURD_MEMORY_PERCENT = 200;

/**
 * Memory now: the latest MEMORY_USAGE_GB over the latest MEMORY_LIMIT_GB of the last five minutes,
 * and never one dated before `sinceMs` (the gate's start: an older sample is the previous
 * deployment's) or after now.
 */
export async function readMemory(
    t: RailwayTarget,
    nowMs: number,
    sinceMs = nowMs - 5 * 60_000,
): Promise<RailwayMemory | { problem: string }> {
    try {
        // Railway dates a sample to the second: one of the second the gate started in counts.
        const from = Math.floor(Math.max(sinceMs, nowMs - 5 * 60_000) / 1000) * 1000;
        const data = await gql(
            t.apiUrl,
            "ResourceMetrics",
            {
                serviceId: t.serviceId,
                environmentId: t.environmentId,
                startDate: iso(from),
                endDate: iso(nowMs),
                measurements: ["MEMORY_USAGE_GB", "MEMORY_LIMIT_GB"],
            },
            { env: t.env },
        );
        // Railway's answer is not trusted to hold only the window asked for: each sample's own date decides.
        const latest = (m: string) =>
            data.metrics
                .find((r) => r.measurement === m)
                ?.values.filter((v) => {
                    const at = v.ts * 1000;
                    return Number.isFinite(at) && at >= from && at <= nowMs;
                })
                .at(-1)?.value;
        const usageGb = latest("MEMORY_USAGE_GB");
        const limitGb = latest("MEMORY_LIMIT_GB");
        if (usageGb === undefined || limitGb === undefined || !(limitGb > 0))
            return { problem: "Railway has no memory usage or limit for the service since the gate started" };
        const percent = (100 * usageGb) / limitGb;
        if (![usageGb, limitGb, percent].every(Number.isFinite) || usageGb < 0 || percent > ABSURD_MEMORY_PERCENT)
            return {
                problem: `Railway's memory figures make no sense (usage ${String(usageGb).slice(0, 24)} GB of a ${String(limitGb).slice(0, 24)} GB limit): they judge nothing`,
            };
        return { percent, usageGb, limitGb, source: "railway:metrics" };
    } catch (e) {
        return { problem: `Railway's metrics could not be read: ${(e as Error).message.slice(0, 200)}` };
    }
}

export interface RailwayWindow {
    /** Requests to the service over the window and the 5xx among them, from Railway's edge. */
    requests?: number;
    errors5xx?: number;
    /** p95 of each equal part of the window, from Railway's request durations. */
    bucketP95Ms?: (number | undefined)[];
    /** CPU and memory as a percentage of their limits, per part of the window. */
    bucketResourcePercent?: (number | undefined)[];
    /** The previous deployment's p95 over a window as long, just before this deployment started. */
    baselineP95Ms?: number;
    sources: { traffic: string; latency: string; resources: string; baseline?: string };
    problems: string[];
}

/** How many of Railway's steps make one part of the window: enough that a blip is one of several. */
const STEPS_PER_PART = 5;

type Sample = { ts: number; p95: number };

/** Railway's step for a span read as {@link STEPS_PER_PART} steps: about a fifth of it, 1 s at least. */
const stepFor = (spanMs: number) => Math.max(1, Math.floor(spanMs / 1000 / STEPS_PER_PART));

/**
 * A span's p95 from Railway's per-step p95s (percentiles do not add up across steps): the median
 * of the steps whose middle lies in it, so that a blip of one step neither makes nor hides a slow
 * span, and a step shared with the next span (Railway's steps are aligned to its clock, not to
 * ours) counts for one of them only. A span shorter than Railway's step takes the steps that
 * overlap it, and then the upper median.
 */
function p95Of(samples: Sample[], stepSeconds: number, startMs: number, endMs: number): number | undefined {
    const middle = (ts: number) => ts * 1000 + stepSeconds * 500;
    const centred = samples.filter((x) => middle(x.ts) >= startMs && middle(x.ts) < endMs);
    const overlapping = samples.filter((x) => x.ts * 1000 < endMs && x.ts * 1000 + stepSeconds * 1000 > startMs);
    const p95s = (centred.length ? centred : overlapping).map((x) => x.p95).sort((a, b) => a - b);
    return p95s.length ? p95s[Math.floor(p95s.length / 2)] : undefined;
}

type MetricSeries = { measurement: string; values: { ts: number; value: number }[] }[];

/** CPU or memory, whichever is higher, as a percentage of its limit: the mean of the samples dated in the span. */
function resourcesOf(series: MetricSeries, startMs: number, endMs: number, last: boolean): number | undefined {
    const mean = (m: string) => {
        const v =
            series
                .find((r) => r.measurement === m)
                ?.values.filter((x) => x.ts * 1000 >= startMs && (last ? x.ts * 1000 <= endMs : x.ts * 1000 < endMs))
                .map((x) => x.value) ?? [];
        return v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
    };
    const ratio = (usage: string, limit: string) => {
        const u = mean(usage);
        const l = mean(limit);
        const r = u !== undefined && l !== undefined && l > 0 ? (100 * u) / l : undefined;
        return r !== undefined && Number.isFinite(r) && r >= 0 ? r : undefined;
    };
    const cpu = ratio("CPU_USAGE", "CPU_LIMIT");
    const memory = ratio("MEMORY_USAGE_GB", "MEMORY_LIMIT_GB");
    return cpu === undefined && memory === undefined ? undefined : Math.max(cpu ?? 0, memory ?? 0);
}

/** Railway requests one window reading costs: one, whatever the number of parts (see {@link readRailwayWindow}). */
export const WINDOW_READ_CALLS = 1;

/**
 * Railway's figures for the window [startMs, endMs] in `buckets` equal parts, and the previous
 * deployment's p95 over as long a window ending when `deploymentCreatedAt` started: one request
 * (`GateWindow`), whose samples are split into the parts here. A request that fails leaves every
 * figure out, each named in `problems`.
 */
export async function readRailwayWindow(
    t: RailwayTarget,
    startMs: number,
    endMs: number,
    buckets: number,
    deploymentCreatedAt: string | undefined,
): Promise<RailwayWindow> {
    const w: RailwayWindow = {
        sources: {
            traffic: "railway:httpMetricsGroupedByStatus",
            latency: "railway:httpDurationMetrics",
            resources: "railway:metrics (CPU_USAGE/CPU_LIMIT, MEMORY_USAGE_GB/MEMORY_LIMIT_GB)",
        },
        problems: [],
    };
    const size = (endMs - startMs) / buckets;
    const parts = Array.from({ length: buckets }, (_, i) => [startMs + i * size, startMs + (i + 1) * size] as const);
    const durationStepSeconds = stepFor(size);
    const created = deploymentCreatedAt ? Date.parse(deploymentCreatedAt) : NaN;
    const withBaseline = Number.isFinite(created);
    const baselineStart = withBaseline ? created - (endMs - startMs) : startMs;
    const baselineEnd = withBaseline ? created : endMs;
    const baselineStepSeconds = stepFor(baselineEnd - baselineStart);
    let data;
    try {
        data = await gql(
            t.apiUrl,
            "GateWindow",
            {
                serviceId: t.serviceId,
                environmentId: t.environmentId,
                startDate: iso(startMs),
                endDate: iso(endMs),
                trafficStepSeconds: Math.max(1, Math.ceil((endMs - startMs) / 1000)),
                durationStepSeconds,
                measurements: ["CPU_USAGE", "CPU_LIMIT", "MEMORY_USAGE_GB", "MEMORY_LIMIT_GB"],
                withBaseline,
                baselineStartDate: iso(baselineStart),
                baselineEndDate: iso(baselineEnd),
                baselineStepSeconds,
            },
            { env: t.env },
        );
    } catch (e) {
        const why = (e as Error).message.slice(0, 200);
        for (const what of [
            "traffic",
            "latency",
            "resources",
            ...(withBaseline ? ["the previous deployment's latency"] : []),
        ])
            w.problems.push(`${what} could not be read from Railway: ${why}`);
        return w;
    }
    let requests = 0;
    let errors5xx = 0;
    for (const g of data.traffic) {
        const n = g.samples.reduce((a, s) => a + s.value, 0);
        requests += n;
        if (g.statusCode >= 500) errors5xx += n;
    }
    if (Number.isFinite(requests) && Number.isFinite(errors5xx)) Object.assign(w, { requests, errors5xx });
    else w.problems.push("traffic from Railway makes no sense (not a finite count): it judges nothing");
    w.bucketP95Ms = parts.map(([a, b]) => p95Of(data.durations.samples, durationStepSeconds, a, b));
    w.bucketResourcePercent = parts.map(([a, b], i) => resourcesOf(data.resources, a, b, i === buckets - 1));
    if (data.baseline) {
        w.baselineP95Ms = p95Of(data.baseline.samples, baselineStepSeconds, baselineStart, baselineEnd);
        if (w.baselineP95Ms !== undefined)
            w.sources.baseline = `railway:httpDurationMetrics over the ${Math.round((endMs - startMs) / 1000)} s before this deployment`;
    }
    return w;
}
