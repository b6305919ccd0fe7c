/**
 * Writes scoped to one environment, by construction and by check.
 *
 * Railway's docs say every change to a service is scoped to one environment; the "[Experimental]"
 * descriptions of `environmentId` in its schema speak of changes reaching "all environments that
 * are not forks". This project is safe under either reading:
 * - every per-environment write names its environment, and a service's instance is made or removed
 *   in one environment with an environment patch (`isCreated` / `isDeleted`), as Railway's CLI does;
 * - around each write of a service's settings, variables or volume, the service's part of the
 *   project's *other* environments is read before and after: if the write moved any of them, the
 *   provider stops with an error naming them instead of carrying on as if nothing happened.
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

/** A digest of one service's configuration in one environment (never the values themselves). */
function digest(config: unknown, serviceId: string): string {
    const part = (config as { services?: Record<string, unknown> } | null)?.services?.[serviceId];
    return createHash("sha256").update(canonical(part)).digest("hex");
}

/** The service's part of every other environment the caller may read; one a token cannot read is one its writes cannot reach either. */
async function othersOf(
    s: InstanceScope,
    envs: { id: string; sourceEnvironment?: { id: string } | null }[],
): Promise<Map<string, { name: string; digest: string }>> {
    const seen = new Map<string, { name: string; digest: string }>();
    for (const env of envs.filter((e) => e.id !== s.environmentId && !e.sourceEnvironment)) {
        try {
            const { environment } = await gql(s.apiUrl, "EnvironmentScope", { id: env.id });
            seen.set(env.id, { name: environment.name, digest: digest(environment.config, s.serviceId) });
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
 */
export async function withinEnvironment<T>(s: InstanceScope, what: string, write: () => Promise<T>): Promise<T> {
    await refuseIacOwned(s);
    const envs = await gqlAll(s.apiUrl, "ProjectEnvironments", { id: s.projectId }, (d) => d.project.environments);
    if (envs.find((e) => e.id === s.environmentId)?.sourceEnvironment) return write();
    const before = await othersOf(s, envs);
    const result = await write();
    const after = await othersOf(s, envs);
    const moved = [...before]
        .filter(([id, b]) => after.has(id) && after.get(id)!.digest !== b.digest)
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
