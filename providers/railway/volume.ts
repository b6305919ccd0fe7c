import * as pulumi from "@pulumi/pulumi";
import { changedKeys, deleteIfExists, gql, isNotFound, splitId } from "./gql";
import { wireSafe } from "./wire";

/**
 * Inputs of {@link Volume}: a persistent volume in one environment, mounted into one service (a
 * datastore's data directory). Created with `volumeCreate` for exactly this environment (an
 * omitted `environmentId` would create it in every environment). Moving it to another service or
 * mount path is in place (`volumeInstanceUpdate`), keeping the data; only a change of project or
 * environment replaces it. Import ID: `<environmentId>:<volumeId>`.
 */
export interface VolumeArgs {
    projectId: pulumi.Input<string>;
    environmentId: pulumi.Input<string>;
    serviceId: pulumi.Input<string>;
    /** Absolute path in the container, e.g. `/var/lib/postgresql/data`. */
    mountPath: pulumi.Input<string>;
    /** Region of the volume (default: Railway's default region). */
    region?: pulumi.Input<string>;
    apiUrl?: pulumi.Input<string>;
}

interface VolumeState {
    projectId: string;
    environmentId: string;
    serviceId: string;
    mountPath: string;
    region?: string;
    apiUrl?: string;
    volumeInstanceId?: string;
    sizeMB?: number;
}

interface VolumeInstanceNode {
    id: string;
    volumeId: string;
    environmentId: string;
    serviceId: string | null;
    mountPath: string;
    sizeMB: number;
    region: string | null;
}

async function findInstance(apiUrl: string | undefined, environmentId: string, volumeId: string): Promise<VolumeInstanceNode | undefined> {
    const { environment } = await gql(apiUrl, "VolumeInstances", { environmentId });
    const nodes: VolumeInstanceNode[] = (environment.volumeInstances?.edges ?? []).map((e: { node: VolumeInstanceNode }) => e.node);
    return nodes.find((n) => n.volumeId === volumeId);
}

const stateOf = (s: VolumeState, i: VolumeInstanceNode) => ({ ...s, serviceId: i.serviceId ?? "", mountPath: i.mountPath, volumeInstanceId: i.id, sizeMB: i.sizeMB });

export const volumeProvider: pulumi.dynamic.ResourceProvider = wireSafe("Volume", {
    async check(_olds, news) {
        const failures = [];
        for (const k of ["projectId", "environmentId", "serviceId"]) if (!news[k]) failures.push({ property: k, reason: `${k} is required` });
        if (typeof news.mountPath !== "string" || !news.mountPath.startsWith("/")) failures.push({ property: "mountPath", reason: "mountPath must be an absolute path such as /data" });
        return { inputs: news, failures };
    },
    async diff(_id, olds: VolumeState, news: VolumeState) {
        const replaces = changedKeys(olds, news, ["projectId", "environmentId", "region"]);
        const changes = changedKeys(olds, news, ["projectId", "environmentId", "region", "serviceId", "mountPath", "apiUrl"]);
        // Create the new volume before deleting the old one: a replace must never lose the data first.
        return { changes: changes.length > 0, replaces, deleteBeforeReplace: false };
    },
    async create(inputs: VolumeState) {
        const { volumeCreate } = await gql(inputs.apiUrl, "VolumeCreate", {
            input: { projectId: inputs.projectId, environmentId: inputs.environmentId, serviceId: inputs.serviceId, mountPath: inputs.mountPath, region: inputs.region },
        });
        const instance = await findInstance(inputs.apiUrl, inputs.environmentId, volumeCreate.id);
        return { id: volumeCreate.id, outs: instance ? stateOf(inputs, instance) : { ...inputs } };
    },
    async read(id, props?: VolumeState) {
        let environmentId = props?.environmentId;
        let volumeId = id;
        if (!environmentId) [environmentId, volumeId] = splitId(id, ["environmentId", "volumeId"], "railway.Volume");
        try {
            const instance = await findInstance(props?.apiUrl, environmentId, volumeId);
            if (!instance) return { id: "", props: {} };
            return { id: volumeId, props: stateOf({ ...(props as VolumeState), environmentId, region: props?.region }, instance) };
        } catch (e) {
            if (isNotFound(e)) return { id: "", props: {} };
            throw e;
        }
    },
    async update(id, _olds: VolumeState, news: VolumeState) {
        await gql(news.apiUrl, "VolumeInstanceUpdate", { volumeId: id, environmentId: news.environmentId, input: { serviceId: news.serviceId, mountPath: news.mountPath } });
        const instance = await findInstance(news.apiUrl, news.environmentId, id);
        return { outs: instance ? stateOf(news, instance) : { ...news } };
    },
    async delete(id, props: VolumeState) {
        await deleteIfExists(props.apiUrl, "VolumeDelete", { volumeId: id });
    },
});

/** A persistent volume of one environment, mounted into a service. */
export class Volume extends pulumi.dynamic.Resource {
    declare readonly serviceId: pulumi.Output<string>;
    declare readonly mountPath: pulumi.Output<string>;
    declare readonly volumeInstanceId: pulumi.Output<string>;

    constructor(name: string, args: VolumeArgs, opts?: pulumi.CustomResourceOptions) {
        super(volumeProvider, name, { region: undefined, apiUrl: undefined, ...args, volumeInstanceId: undefined, sizeMB: undefined }, opts, "railway", "Volume");
    }
}
