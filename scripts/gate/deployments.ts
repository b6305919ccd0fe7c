/**
 * Railway deployments for the gate and for people: which deployment is live, which one to roll
 * back to, the rollback itself and the wait for it to go live.
 */
import { createOrAdopt, gql, gqlAll } from "../../providers/railway";
import { pollDelays, ROLLBACK_FIRST_POLL_MS } from "./budget";
import type { Clock } from "./clock";

export interface Deployment {
    id: string;
    status: string;
    createdAt: string;
    canRollback: boolean;
    /** Railway's record of what the deployment is (a rollback says what it rolled back to). */
    meta?: Record<string, unknown> | null;
}

/** A string from a deployment's meta (`commitHash`, `branch`), if it holds one. */
export function metaString(d: Deployment, key: string): string | undefined {
    const v = d.meta?.[key];
    return typeof v === "string" ? v : undefined;
}

export interface RailwayTarget {
    apiUrl?: string;
    /** The environment the Railway token is read from: the command's own (default this process's). */
    env?: NodeJS.ProcessEnv;
    projectId: string;
    environmentId: string;
    serviceId: string;
}

/** Deployment states that will still change (the gate waits them out). */
export const IN_PROGRESS = ["QUEUED", "WAITING", "INITIALIZING", "BUILDING", "DEPLOYING", "NEEDS_APPROVAL"];

/** Every deployment of the service in the environment, all pages, newest first (Railway's CLI sorts client-side too). */
export async function listDeployments(t: RailwayTarget): Promise<Deployment[]> {
    const list = await gqlAll(
        t.apiUrl,
        "Deployments",
        { input: { projectId: t.projectId, environmentId: t.environmentId, serviceId: t.serviceId } },
        (d) => d.deployments,
        undefined,
        { env: t.env },
    );
    return list
        .map((d) => ({ id: d.id, status: d.status, createdAt: d.createdAt, canRollback: d.canRollback, meta: d.meta }))
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** Statuses of a deployment that serves traffic (a sleeping app wakes on its next request). */
export const LIVE = ["SUCCESS", "SLEEPING"];

/** The live deployment: the newest that is serving. */
export function liveDeployment(list: Deployment[]): Deployment | undefined {
    return list.find((d) => LIVE.includes(d.status));
}

/** The deployment a rollback deployment rolled back to, as Railway records it in `meta`; undefined for any other. */
export function rolledBackTo(d: Deployment): string | undefined {
    const meta = d.meta ?? {};
    if (typeof meta.rollbackTargetDeploymentId === "string") return meta.rollbackTargetDeploymentId;
    return meta.reason === "rollback" ? "(unknown)" : undefined;
}

/** A rollback made after `d` (by the gate or a person), from Railway's own history: `d` was rolled back. */
export function rollbackAfter(list: Deployment[], d: Deployment): Deployment | undefined {
    return list.find(
        (r) =>
            r.createdAt > d.createdAt &&
            rolledBackTo(r) !== undefined &&
            !["FAILED", "CRASHED", "SKIPPED"].includes(r.status),
    );
}

/**
 * Deployments someone rolled back away from: a rollback made after them went to something older.
 * Known bad, so never a rollback target, whatever a state file says.
 */
export function knownBad(list: Deployment[]): Set<string> {
    const bad = new Set<string>();
    const byId = new Map(list.map((d) => [d.id, d]));
    for (const r of list) {
        const to = rolledBackTo(r);
        if (to === undefined) continue;
        const target = byId.get(to);
        for (const d of list) {
            if (d.createdAt < r.createdAt && d.id !== r.id && (!target || d.createdAt > target.createdAt))
                bad.add(d.id);
        }
    }
    return bad;
}

/** The runbook step for a rollback target past the image retention. */
export const PAST_RETENTION_STEP = 'docs/runbooks/rollback.md, "Past the image retention"';

/**
 * Why Railway would refuse a rollback to `target`: it is older than the plan's image retention
 * (counted from its creation, the most conservative reading). Undefined when within it.
 */
export function pastRetention(target: Deployment, nowMs: number, retentionHours: number): string | undefined {
    const ageHours = (nowMs - Date.parse(target.createdAt)) / 3_600_000;
    if (!(ageHours > retentionHours)) return undefined;
    return (
        `the rollback target ${target.id} is ${Math.floor(ageHours)} h old, past the image retention of ${retentionHours} h ` +
        `(gate.imageRetentionHours, the Railway plan's): Railway would refuse the rollback, so none was attempted; ` +
        `redeploy its commit instead (${PAST_RETENTION_STEP})`
    );
}

/**
 * Where to roll back to: `to` when given, else the newest deployment older than `from` that was
 * live once (SUCCESS, or REMOVED after a newer one replaced it), that Railway can roll back to, and
 * that was not itself rolled back away from (known bad). Failed, crashed or skipped deployments
 * are never targets.
 */
export function rollbackTarget(
    list: Deployment[],
    from: Deployment,
    to?: string,
    retention?: { nowMs: number; hours: number },
): { target?: Deployment; problem?: string } {
    const found = pickTarget(list, from, to);
    const tooOld = found.target && retention && pastRetention(found.target, retention.nowMs, retention.hours);
    return tooOld ? { problem: tooOld } : found;
}

function pickTarget(list: Deployment[], from: Deployment, to?: string): { target?: Deployment; problem?: string } {
    if (to) {
        const target = list.find((d) => d.id === to);
        if (!target)
            return { problem: `deployment ${to} is not one of this service's deployments in this environment` };
        if (!target.canRollback)
            return {
                problem: `Railway cannot roll back to deployment ${to} (status ${target.status}, canRollback false)`,
            };
        return { target };
    }
    const bad = knownBad(list);
    const target = list.find(
        (d) =>
            d.createdAt < from.createdAt &&
            d.id !== from.id &&
            ["REMOVED", "REMOVING", "SUCCESS"].includes(d.status) &&
            d.canRollback &&
            !bad.has(d.id),
    );
    return target
        ? { target }
        : {
              problem: `no earlier successful deployment of this service can be rolled back to (before ${from.id}; deployments already rolled back away from are not)`,
          };
}

export interface RollbackOutcome {
    target: string;
    newDeploymentId?: string;
    /** The new deployment's status; `UNCONFIRMED` when Railway accepted the rollback but watching it failed. */
    status: string;
    waitedMs: number;
    /** Why the new deployment could not be watched to the end (Railway's API failing after it accepted the rollback). */
    watchError?: string;
}

/**
 * Calls `deploymentRollback` and waits (bounded) until the deployment it creates reaches SUCCESS.
 * `onCalled` runs right after Railway accepted the call, before the wait, so that a crash while
 * waiting still leaves the rollback on record.
 */
export async function rollBack(
    t: RailwayTarget,
    target: Deployment,
    clock: Clock,
    timeoutMs: number,
    onCalled: () => void,
    firstPollMs = ROLLBACK_FIRST_POLL_MS,
): Promise<RollbackOutcome> {
    const before = new Set((await listDeployments(t)).map((d) => d.id));
    // Sent once: after an answer that never came, Railway's history says whether it was applied.
    await createOrAdopt<boolean>(
        async () =>
            (await gql(t.apiUrl, "DeploymentRollback", { id: target.id }, { retryMutation: false, env: t.env }))
                .deploymentRollback,
        async () =>
            (await listDeployments(t)).some((d) => !before.has(d.id) && rolledBackTo(d) === target.id)
                ? true
                : undefined,
    );
    onCalled();
    // Railway accepted it: from here on the outcome is "rolled back", and a failure to watch the new
    // deployment is reported as such, never as a rollback that did not happen.
    const started = clock.now();
    let latest: Deployment | undefined;
    try {
        // A read, then one after each of the backing-off waits (budget.ts): the last at the timeout.
        const delays = pollDelays(timeoutMs, firstPollMs);
        for (let i = 0; ; i++) {
            latest = (await listDeployments(t)).find((d) => !before.has(d.id));
            if ((latest && !IN_PROGRESS.includes(latest.status)) || i >= delays.length) break;
            await clock.sleep(delays[i]);
        }
    } catch (e) {
        return {
            target: target.id,
            newDeploymentId: latest?.id,
            status: "UNCONFIRMED",
            waitedMs: clock.now() - started,
            watchError: (e as Error).message,
        };
    }
    return {
        target: target.id,
        newDeploymentId: latest?.id,
        status: latest?.status ?? "NOT_SEEN",
        waitedMs: clock.now() - started,
    };
}

/** Finds the environment and service ids by name in a project. */
export async function resolveTarget(
    apiUrl: string | undefined,
    projectId: string,
    environment: string,
    service: string,
    env?: NodeJS.ProcessEnv,
): Promise<RailwayTarget> {
    const [envs, services] = await Promise.all([
        gqlAll(apiUrl, "ProjectEnvironments", { id: projectId }, (d) => d.project.environments, undefined, { env }),
        gqlAll(apiUrl, "ProjectServices", { id: projectId }, (d) => d.project.services, undefined, { env }),
    ]);
    const environmentRec = envs.find((e) => e.name === environment);
    const svc = services.find((s) => s.name === service);
    if (!environmentRec)
        throw new Error(
            `Railway project ${projectId} has no environment '${environment}' (it has: ${envs.map((e) => e.name).join(", ") || "none"})`,
        );
    if (!svc)
        throw new Error(
            `Railway project ${projectId} has no service '${service}' (it has: ${services.map((s) => s.name).join(", ") || "none"})`,
        );
    return { apiUrl, env, projectId, environmentId: environmentRec.id, serviceId: svc.id };
}
