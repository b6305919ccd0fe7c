/**
 * Writes scoped to one environment, by construction and by check.
 *
 * Railway's docs say every change to a service is scoped to one environment; the "[Experimental]"
 * descriptions of `environmentId` in its schema speak of changes reaching "all environments that
 * are not forks". This project is safe under either reading:
 * - every per-environment write names its environment, and a service's instance is made or removed
 *   in one environment with an environment patch (`isCreated` / `isDeleted`), as Railway's CLI does;
 * - around each write of a service's settings, variables or volume, the service's part of the
 *   project's *other* environments is read before and after: if the write moved one of them (all
 *   it changed here is there too), the provider stops with an error naming it instead of carrying
 *   on as if nothing happened; another stack writing its own environment meanwhile is not that.
 *   Under both readings a fork (an environment with a source, as every review environment is) is
 *   reached only by its own writes, and a write in a fork reaches nothing else: a fork is not
 *   watched, and a write in one needs no check. That keeps review environments deployed at once
 *   (each one a fork, each moving under its own stack) from being taken for a leak.
 *
 * Self-contained on purpose: serialized with each provider's code into Pulumi state.
 */
import { createHash } from "crypto";
import { gql, gqlAll, isNotFound, readOrGone } from "./api";
import { isRailwayApiError } from "./client";
import { canonical } from "./define";
import { refuseIacOwned } from "./iac-ownership";

export interface InstanceScope {
    apiUrl?: string;
    projectId: string;
    serviceId: string;
    environmentId: string;
}

/**
 * One service's configuration in one environment as a digest per leaf (`path -> sha256`): enough
 * to tell which settings moved and whether two environments now agree on one, never the values.
 */
type Leaves = Map<string, string>;

function leavesOf(config: unknown, serviceId: string): Leaves {
    const part = (config as { services?: Record<string, unknown> } | null)?.services?.[serviceId];
    const leaves: Leaves = new Map();
    const stack: [string, unknown][] = [["", part]];
    while (stack.length) {
        const [at, v] = stack.pop()!;
        if (v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length)
            for (const [k, child] of Object.entries(v)) stack.push([`${at}/${k}`, child]);
        else leaves.set(at, createHash("sha256").update(canonical(v)).digest("hex"));
    }
    return leaves;
}

/** The paths whose digest differs between two readings (added and removed ones included). */
function movedPaths(before: Leaves, after: Leaves): string[] {
    return [...new Set([...before.keys(), ...after.keys()])].filter((k) => before.get(k) !== after.get(k));
}

interface Reading {
    name: string;
    leaves: Leaves;
}

/** The service's part of each environment the caller may read; one a token cannot read is one its writes cannot reach either. */
async function readingsOf(s: InstanceScope, envs: { id: string }[]): Promise<Map<string, Reading>> {
    const seen = new Map<string, Reading>();
    for (const env of envs) {
        try {
            const { environment } = await gql(s.apiUrl, "EnvironmentScope", { id: env.id });
            seen.set(env.id, { name: environment.name, leaves: leavesOf(environment.config, s.serviceId) });
        } catch (e) {
            if (isNotFound(e) || (isRailwayApiError(e) && /not authorized/i.test(e.railwayMessage))) continue;
            throw e;
        }
    }
    return seen;
}

/**
 * Runs a write that must change the service in `s.environmentId` only, and fails when it changed the
 * service in another environment of the project. A service Railway's IaC owns is never written
 * (iac-ownership.ts).
 *
 * Another stack may be writing its own environment at the same moment (staging's and production's
 * ups run at once): a setting that moved there counts as reached by this write only when it moved
 * to the value this environment has after the write. A concurrent write of that very value is the
 * one case taken for a leak: it stops the update, never lets a leak pass.
 */
export async function withinEnvironment<T>(s: InstanceScope, what: string, write: () => Promise<T>): Promise<T> {
    await refuseIacOwned(s);
    const envs = await gqlAll(s.apiUrl, "ProjectEnvironments", { id: s.projectId }, (d) => d.project.environments);
    if (envs.find((e) => e.id === s.environmentId)?.sourceEnvironment) return write();
    const watched = envs.filter((e) => e.id === s.environmentId || !e.sourceEnvironment);
    const before = await readingsOf(s, watched);
    const result = await write();
    const after = await readingsOf(s, watched);
    const oursBefore = before.get(s.environmentId)?.leaves ?? new Map<string, string>();
    const ours = after.get(s.environmentId)?.leaves ?? new Map<string, string>();
    const oursMoved = movedPaths(oursBefore, ours);
    /**
     * Railway applying this write beyond its environment applies all of it: every setting the write
     * moved here has this environment's value there too, and something there moved. Another stack's
     * own write at the same moment agrees on all of them only when it writes the very same values.
     */
    const reached = (b: Reading, now: Reading) => {
        const theirsMoved = movedPaths(b.leaves, now.leaves);
        if (!theirsMoved.length) return false;
        const paths = oursMoved.length ? oursMoved : theirsMoved;
        return paths.every((p) => now.leaves.get(p) === ours.get(p));
    };
    const moved = [...before]
        .filter(([id]) => id !== s.environmentId && after.has(id))
        .filter(([id, b]) => reached(b, after.get(id)!))
        .map(([, b]) => b.name);
    if (moved.length) {
        throw new Error(
            `railway: writing ${what} of service ${s.serviceId} in environment ${s.environmentId} also changed it in ${moved.join(", ")}, ` +
                "which this stack does not own: Railway applied the change beyond the environment it named. Stopped here; " +
                `check ${moved.join(", ")} in Railway's dashboard (or run that stack's 'pulumi refresh'), and report the call that did it`,
        );
    }
    return result;
}

/** Whether the service has an instance in the environment ("ServiceInstance not found" otherwise). */
async function hasInstance(s: InstanceScope): Promise<boolean> {
    return (
        (await readOrGone(() =>
            gql(s.apiUrl, "ServiceInstance", { serviceId: s.serviceId, environmentId: s.environmentId }),
        )) !== undefined
    );
}

/**
 * Makes the service's instance in this environment when Railway has not (a service created through
 * the API usually has one everywhere already; an environment created empty has none).
 */
export async function ensureInstance(s: InstanceScope): Promise<void> {
    if (await hasInstance(s)) return;
    await gql(s.apiUrl, "EnvironmentPatchCommit", {
        environmentId: s.environmentId,
        patch: { services: { [s.serviceId]: { isCreated: true } } },
        commitMessage: "pulumi: add the service to this environment",
    });
}

/** Removes the service from this environment only; the service and its other instances stay. */
export async function removeInstance(s: InstanceScope): Promise<void> {
    if (!(await hasInstance(s))) return;
    await gql(s.apiUrl, "EnvironmentPatchCommit", {
        environmentId: s.environmentId,
        patch: { services: { [s.serviceId]: { isDeleted: true } } },
        commitMessage: "pulumi: remove the service from this environment",
    });
}
