/**
 * Logs as Railway serves them: each line of a deployment's build (tagged with its build snapshot)
 * or of its running replicas (tagged with the deployment and the replica), with the attributes and
 * tags Railway's `Log` carries, Railway's filter syntax (log-filter.ts) and its windows: the last
 * `limit` of a deployment's lines, or an environment's lines around an anchor (`beforeDate`,
 * `beforeLimit`, `anchorDate`, `afterDate`, `afterLimit`). An environment's logs leave builds out
 * unless the filter names a build's snapshot, as Railway's schema says of `environmentLogs`.
 */
import { fieldValues, FilterableLog, matchesLogFilter, parseLogFilter } from "./log-filter";
import { badInput, DeploymentRec } from "./model";
import type { LogKind } from "./signals";
import type { EmulatorStore } from "./store";

export interface LogRecord extends FilterableLog {
    at: number;
    severity: string;
    tags: Record<string, string>;
}

/** The replica a deployment's runtime lines come from (one per deployment here, the first). */
export const replicaOf = (d: DeploymentRec) => `${d.id}-0`;

/** A deployment's build or runtime lines, oldest first, with Railway's tags. */
export function deploymentLogRecords(store: EmulatorStore, d: DeploymentRec, kind: LogKind): LogRecord[] {
    const base = { projectId: d.projectId, environmentId: d.environmentId, serviceId: d.serviceId, deploymentId: d.id };
    const tags: Record<string, string> =
        kind === "build" ? { ...base, snapshotId: d.snapshotId } : { ...base, deploymentInstanceId: replicaOf(d) };
    return store
        .logLines(d, kind)
        .map((l) => ({
            at: l.at,
            message: l.message,
            severity: l.severity,
            tags,
            fields: {
                level: l.severity,
                project: d.projectId,
                environment: d.environmentId,
                service: d.serviceId,
                deployment: d.id,
                ...(kind === "build" ? { snapshot: d.snapshotId } : { replica: replicaOf(d) }),
            },
        }))
        .sort((a, b) => a.at - b.at);
}

/** An environment's logs: every deployment's runtime lines, and the builds whose snapshots the filter names. */
export function environmentLogRecords(
    store: EmulatorStore,
    environmentId: string,
    filter: string | null | undefined,
): LogRecord[] {
    const node = parseLogFilter(filter);
    const snapshots = new Set(fieldValues(node, "snapshot"));
    const deployments = [...store.deployments.values()].filter((d) => d.environmentId === environmentId);
    return deployments
        .flatMap((d) => [
            ...deploymentLogRecords(store, d, "deploy"),
            ...(snapshots.has(d.snapshotId) ? deploymentLogRecords(store, d, "build") : []),
        ])
        .filter((r) => matchesLogFilter(node, r))
        .sort((a, b) => a.at - b.at);
}

export function filtered(records: LogRecord[], filter: string | null | undefined): LogRecord[] {
    const node = parseLogFilter(filter);
    return records.filter((r) => matchesLogFilter(node, r));
}

/** A limit as Railway takes it: default 100, at most 5000, never below 0. */
export function limitOf(limit: number | null | undefined, fallback = 100): number {
    if (limit === null || limit === undefined) return fallback;
    if (!Number.isInteger(limit) || limit < 0) throw badInput("limit must be a whole number, 0 or more");
    return Math.min(5000, limit);
}

const dateOf = (value: string | null | undefined, name: string): number | undefined => {
    if (value === null || value === undefined || value === "") return undefined;
    const t = Date.parse(value);
    if (Number.isNaN(t)) throw badInput(`${name} is not a date: ${JSON.stringify(value.slice(0, 40))}`);
    return t;
};

/**
 * Railway's anchored window: up to `beforeLimit` of the newest lines at or before the anchor (and not
 * older than `beforeDate`), then up to `afterLimit` lines after the anchor (and not newer than
 * `afterDate`). No anchor is now. Returns the lines and the anchor.
 */
export function anchoredWindow(
    records: LogRecord[],
    args: {
        beforeDate?: string | null;
        beforeLimit?: number | null;
        anchorDate?: string | null;
        afterDate?: string | null;
        afterLimit?: number | null;
    },
    now: number,
): LogRecord[] {
    const anchor = dateOf(args.anchorDate, "anchorDate") ?? now;
    const oldest = dateOf(args.beforeDate, "beforeDate") ?? -Infinity;
    const newest = dateOf(args.afterDate, "afterDate") ?? Infinity;
    const before = records.filter((r) => r.at <= anchor && r.at >= oldest);
    const after = records.filter((r) => r.at > anchor && r.at <= newest);
    const beforeLimit = limitOf(args.beforeLimit, 100);
    const afterLimit = limitOf(args.afterLimit, 0);
    return [...(beforeLimit ? before.slice(-beforeLimit) : []), ...after.slice(0, afterLimit)];
}

/** Railway's `Log` object. */
export function logObject(r: LogRecord) {
    return {
        message: r.message,
        severity: r.severity,
        timestamp: new Date(r.at).toISOString(),
        attributes: [{ key: "level", value: r.severity }],
        tags: {
            projectId: r.tags.projectId ?? null,
            environmentId: r.tags.environmentId ?? null,
            serviceId: r.tags.serviceId ?? null,
            deploymentId: r.tags.deploymentId ?? null,
            deploymentInstanceId: r.tags.deploymentInstanceId ?? null,
            snapshotId: r.tags.snapshotId ?? null,
            pluginId: null,
        },
    };
}

/** A line's identity, so a stream sends each line once. */
export const logKey = (r: { at: number; message: string; tags: Record<string, string> }) =>
    `${r.at}\u0000${r.tags.deploymentId}\u0000${r.tags.snapshotId ?? ""}\u0000${r.message}`;
