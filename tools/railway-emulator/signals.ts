/**
 * Railway's own signals, as the emulator serves them: build and deploy logs for each deployment
 * (derived from its stages on the emulator's clock, plus lines a test adds), HTTP metrics and HTTP
 * logs computed from real requests (recorded by the service proxy, proxy.ts), and memory and CPU
 * series that tests set. The shapes are the public schema's (`Log`, `HttpLog`,
 * `HttpMetricsByStatusResult`, `HttpDurationMetricsResult`, `MetricsResult`).
 */

export type LogKind = "build" | "deploy";

export interface LogLine {
    at: number;
    message: string;
    severity: "info" | "error";
}

export interface HttpRecord {
    serviceId: string;
    environmentId: string;
    /** The deployment live when the request came in, if any. */
    deploymentId?: string;
    at: number;
    method: string;
    path: string;
    status: number;
    durationMs: number;
    rxBytes: number;
    txBytes: number;
    requestId: string;
}

export type Measurement =
    | "MEMORY_USAGE_GB"
    | "MEMORY_LIMIT_GB"
    | "CPU_USAGE"
    | "CPU_LIMIT"
    | "NETWORK_RX_GB"
    | "NETWORK_TX_GB"
    | "DISK_USAGE_GB"
    | "EPHEMERAL_DISK_USAGE_GB";

export interface Sample {
    /** Seconds since the epoch, as Railway's samples are. */
    ts: number;
    value: number;
}

const sig = (serviceId: string, environmentId: string) => `${serviceId}\u0000${environmentId}`;

/** What the emulator has measured and logged; cleared with the store. */
export class Signals {
    readonly http: HttpRecord[] = [];
    private readonly series = new Map<string, Sample[]>();
    private readonly extraLogs = new Map<string, LogLine[]>();

    clear(): void {
        this.http.length = 0;
        this.series.clear();
        this.extraLogs.clear();
    }

    /** Sets (replaces) a measurement's samples for a service in an environment. */
    setSeries(serviceId: string, environmentId: string, measurement: Measurement, samples: Sample[]): void {
        this.series.set(
            `${sig(serviceId, environmentId)}\u0000${measurement}`,
            [...samples].sort((a, b) => a.ts - b.ts),
        );
    }

    seriesOf(serviceId: string, environmentId: string, measurement: string): Sample[] {
        return this.series.get(`${sig(serviceId, environmentId)}\u0000${measurement}`) ?? [];
    }

    /** Lines a test adds to a deployment's logs (a planted secret, an app's own output). */
    addLogLines(deploymentId: string, kind: LogKind, lines: LogLine[]): void {
        const k = `${deploymentId}\u0000${kind}`;
        this.extraLogs.set(k, [...(this.extraLogs.get(k) ?? []), ...lines]);
    }

    extraLinesOf(deploymentId: string, kind: LogKind): LogLine[] {
        return this.extraLogs.get(`${deploymentId}\u0000${kind}`) ?? [];
    }

    requestsOf(serviceId: string, environmentId: string, startMs: number, endMs: number): HttpRecord[] {
        return this.http.filter(
            (r) => r.serviceId === serviceId && r.environmentId === environmentId && r.at >= startMs && r.at <= endMs,
        );
    }
}

/** What a failing step printed (a test's lines), stamped within the step's millisecond. */
const printed = (messages: string[] | undefined, at: number): LogLine[] =>
    (messages ?? []).map((message) => ({ at, message, severity: "info" as const }));

/** The stages a deployment has reached, as the lines Railway's builder and runtime print. */
export function stageLines(
    d: {
        id: string;
        createdAt: number;
        image?: string;
        repo?: string;
        commitHash?: string;
        upload?: { files: string[] };
        outcome?: "FAILED" | "CRASHED";
        outcomeLines?: string[];
    },
    kind: LogKind,
    status: string,
    stageMs: number,
): LogLine[] {
    const at = (stage: number, offset: number) => d.createdAt + stage * stageMs + offset;
    if (kind === "build") {
        if (status === "INITIALIZING" || status === "SKIPPED") return [];
        const source = d.upload
            ? `uploaded code (${d.upload.files.length} files)`
            : d.image
              ? `image ${d.image}`
              : `${d.repo ?? "repository"}@${(d.commitHash ?? "HEAD").slice(0, 7)}`;
        const lines: LogLine[] = [
            { at: at(1, 0), message: `[Region: us-west1] building ${source}`, severity: "info" },
            { at: at(1, 1), message: "Using Detected Dockerfile", severity: "info" },
            { at: at(1, 2), message: "[1/4] FROM node:20-slim", severity: "info" },
            { at: at(1, 3), message: "[2/4] RUN npm ci", severity: "info" },
        ];
        if (d.outcome === "FAILED" && status === "FAILED")
            lines.push(
                { at: at(1, 4), message: "[3/4] RUN npm run build", severity: "info" },
                ...printed(d.outcomeLines, at(1, 4)),
                {
                    at: at(1, 5),
                    message: "src/index.ts(12,7): error TS2322: Type 'string' is not assignable to type 'number'.",
                    severity: "error",
                },
                {
                    at: at(1, 6),
                    message: "npm ERR! Lifecycle script `build` failed with error: exit code 2",
                    severity: "error",
                },
                {
                    at: at(1, 7),
                    message: 'Build Failed: process "npm run build" did not complete successfully: exit code: 2',
                    severity: "error",
                },
            );
        else if (status !== "BUILDING")
            lines.push(
                { at: at(1, 4), message: "[3/4] RUN npm run build", severity: "info" },
                { at: at(1, 5), message: "[4/4] COPY . .", severity: "info" },
                { at: at(2, -1), message: `Build time: ${(stageMs / 1000).toFixed(2)} seconds`, severity: "info" },
            );
        return lines;
    }
    if (["INITIALIZING", "BUILDING", "FAILED", "SKIPPED"].includes(status)) return [];
    const lines: LogLine[] = [{ at: at(2, 0), message: "Starting Container", severity: "info" }];
    if (d.outcome === "CRASHED" && status === "CRASHED")
        lines.push(
            ...printed(d.outcomeLines, at(2, 0)),
            { at: at(2, 1), message: "Error: Cannot find module '/app/dist/server.js'", severity: "error" },
            {
                at: at(2, 2),
                message: "    at Module._resolveFilename (node:internal/modules/cjs/loader:1145:15)",
                severity: "error",
            },
            { at: at(2, 3), message: "Process exited with code 1", severity: "error" },
        );
    else if (status !== "DEPLOYING")
        lines.push({ at: at(3, 0), message: "Server listening on :8080", severity: "info" });
    return lines;
}

/** Each step's start (seconds), from `start` to `end`. */
function steps(startMs: number, endMs: number, stepSeconds: number): number[] {
    const first = Math.floor(startMs / 1000 / stepSeconds) * stepSeconds;
    const out: number[] = [];
    for (let ts = first; ts * 1000 <= endMs && out.length < 10_000; ts += stepSeconds) out.push(ts);
    return out;
}

const stepOf = (atMs: number, stepSeconds: number) => Math.floor(atMs / 1000 / stepSeconds) * stepSeconds;

/** Requests per status code per step, as `httpMetricsGroupedByStatus` answers (steps with requests only). */
export function metricsByStatus(records: HttpRecord[], stepSeconds: number) {
    const byStatus = new Map<number, Map<number, number>>();
    for (const r of records) {
        const perStep = byStatus.get(r.status) ?? new Map<number, number>();
        const ts = stepOf(r.at, stepSeconds);
        perStep.set(ts, (perStep.get(ts) ?? 0) + 1);
        byStatus.set(r.status, perStep);
    }
    return [...byStatus.entries()]
        .sort(([a], [b]) => a - b)
        .map(([statusCode, perStep]) => ({
            statusCode,
            samples: [...perStep.entries()].sort(([a], [b]) => a - b).map(([ts, value]) => ({ ts, value })),
        }));
}

function percentile(sorted: number[], p: number): number {
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Duration percentiles per step with requests, as `httpDurationMetrics` answers. */
export function durationMetrics(records: HttpRecord[], startMs: number, endMs: number, stepSeconds: number) {
    const samples = steps(startMs, endMs, stepSeconds).flatMap((ts) => {
        const inStep = records
            .filter((r) => stepOf(r.at, stepSeconds) === ts)
            .map((r) => r.durationMs)
            .sort((a, b) => a - b);
        if (!inStep.length) return [];
        return [
            {
                ts,
                p50: percentile(inStep, 50),
                p90: percentile(inStep, 90),
                p95: percentile(inStep, 95),
                p99: percentile(inStep, 99),
            },
        ];
    });
    return { samples };
}

/** Railway's `HttpLog` objects for a deployment's requests. */
export function httpLogView(records: HttpRecord[], host: string, limit?: number | null) {
    return records.slice(-Math.min(5000, Math.max(1, limit ?? 100))).map((r) => ({
        requestId: r.requestId,
        timestamp: new Date(r.at).toISOString(),
        method: r.method,
        path: r.path,
        host,
        httpStatus: r.status,
        totalDuration: Math.round(r.durationMs),
        upstreamRqDuration: Math.round(r.durationMs),
        rxBytes: r.rxBytes,
        txBytes: r.txBytes,
        deploymentId: r.deploymentId ?? "",
        deploymentInstanceId: r.deploymentId ? `${r.deploymentId}-0` : "",
        clientUa: "",
        downstreamProto: "HTTP/1.1",
        upstreamProto: "HTTP/1.1",
        edgeRegion: "us-west1",
        srcIp: "127.0.0.1",
        responseDetails: "",
        upstreamAddress: "",
        upstreamErrors: "",
    }));
}

/** `metrics` results: one per measurement asked, its samples within the period at the sample rate. */
export function metricsView(
    signals: Signals,
    q: {
        serviceId: string;
        environmentId: string;
        measurements: string[];
        startMs: number;
        endMs: number;
        sampleRateSeconds?: number | null;
    },
    tags: Record<string, string>,
) {
    return q.measurements.map((measurement) => {
        const inPeriod = signals
            .seriesOf(q.serviceId, q.environmentId, measurement)
            .filter((s) => s.ts * 1000 >= q.startMs && s.ts * 1000 <= q.endMs);
        const rate = q.sampleRateSeconds ?? 0;
        // At a coarser sample rate, one sample per step: the mean of the samples in it.
        const groups = new Map<number, number[]>();
        for (const s of inPeriod) {
            const ts = rate > 0 ? Math.floor(s.ts / rate) * rate : s.ts;
            groups.set(ts, [...(groups.get(ts) ?? []), s.value]);
        }
        const values = [...groups.entries()].map(([ts, group]) => ({
            ts,
            value: group.reduce((a, v) => a + v, 0) / group.length,
        }));
        return { measurement, tags, values };
    });
}
