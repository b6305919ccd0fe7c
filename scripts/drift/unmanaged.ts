/**
 * Railway resources no resource of the stack manages: services, volumes and domains that exist in
 * the stack's Railway environment but not in its state (the way driftctl reported unmanaged cloud
 * resources). Someone clicking a service into existence in the dashboard is drift too, and
 * `pulumi refresh` cannot see it: refresh only reads what the state already holds.
 *
 * What the stack manages is read from the refresh's own states (ids, the project and environment);
 * what exists is read from Railway's API, every page.
 */
import { gql, gqlAll } from "../../providers/railway/api";
import { RESOURCE_TYPES } from "../../config/resource-types";
import type { PreviewDigest } from "../engine/output";
import { UndecidedError } from "../../config/errors";

export interface UnmanagedResource {
    kind: "service" | "volume" | "domain";
    id: string;
    /** The service's name, the volume's mount and service, the domain's name. */
    name: string;
}

export interface ManagedSet {
    apiUrl?: string;
    projectId?: string;
    environmentId?: string;
    ids: Set<string>;
}

/** The Railway ids the stack's state holds, and where they live. */
export function managedRailway(digest: PreviewDigest): ManagedSet {
    const set: ManagedSet = { ids: new Set() };
    for (const s of digest.steps ?? []) {
        const st = s.oldState ?? s.newState;
        if (!st) continue;
        const id = (st as { id?: string }).id;
        const outputs = (st.outputs ?? st.inputs ?? {}) as Record<string, unknown>;
        if (typeof outputs.apiUrl === "string" && !set.apiUrl) set.apiUrl = outputs.apiUrl;
        if (st.type === RESOURCE_TYPES.project && id) set.projectId = id;
        if (st.type === RESOURCE_TYPES.environment)
            set.environmentId = (typeof outputs.environmentId === "string" ? outputs.environmentId : undefined) ?? id;
        if (
            id &&
            [
                RESOURCE_TYPES.service,
                RESOURCE_TYPES.volume,
                RESOURCE_TYPES.serviceDomain,
                RESOURCE_TYPES.customDomain,
            ].includes(st.type as never)
        )
            set.ids.add(id);
        // Adopted projects and environments are not resources of the stack: their ids are inputs.
        if (!set.projectId && typeof outputs.projectId === "string") set.projectId = outputs.projectId;
        if (!set.environmentId && typeof outputs.environmentId === "string") set.environmentId = outputs.environmentId;
    }
    return set;
}

/** Lists what the environment holds that the stack does not manage. Throws on any API failure. */
export async function findUnmanaged(managed: ManagedSet): Promise<UnmanagedResource[]> {
    const { apiUrl, projectId, environmentId } = managed;
    if (!projectId || !environmentId)
        throw new UndecidedError(
            "the stack's state names no Railway project and environment, so there is nothing to compare with",
        );
    const out: UnmanagedResource[] = [];
    const instances = await gqlAll(
        apiUrl,
        "EnvironmentServiceInstances",
        { id: environmentId },
        (d) => d.environment.serviceInstances,
    );
    for (const i of instances)
        if (!managed.ids.has(i.serviceId)) out.push({ kind: "service", id: i.serviceId, name: i.serviceName });
    const volumes = await gqlAll(
        apiUrl,
        "EnvironmentVolumeInstances",
        { id: environmentId },
        (d) => d.environment.volumeInstances,
    );
    for (const v of volumes) {
        if (v.isPendingDeletion || managed.ids.has(v.volumeId)) continue;
        const service = instances.find((i) => i.serviceId === v.serviceId)?.serviceName;
        out.push({ kind: "volume", id: v.volumeId, name: `${v.mountPath}${service ? ` on ${service}` : ""}` });
    }
    for (const i of instances) {
        const { domains } = await gql(apiUrl, "Domains", { projectId, environmentId, serviceId: i.serviceId });
        for (const d of [...domains.serviceDomains, ...domains.customDomains])
            if (!managed.ids.has(d.id)) out.push({ kind: "domain", id: d.id, name: d.domain });
    }
    return out;
}
