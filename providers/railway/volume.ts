import * as pulumi from "@pulumi/pulumi";
import { changedKeys, createOrAdopt, deleteIfExists, gql, gqlAll, idParts, readOrGone, requiredIds } from "./api";
import { defineProvider } from "./define";
import { replaceKeys } from "./properties";
import { backupVolumeInstance, VolumeBackup } from "./backup";
import { withinEnvironment } from "./scope";

/**
 * Inputs of {@link Volume}: a persistent volume in one environment, mounted into one service (a
 * datastore's data directory). Created with `volumeCreate` for this environment only (Railway gives
 * a service at most one volume, and a service with a volume one replica). Deleting it deletes the
 * volume only when no other environment has an instance of it (a duplicated environment shares its
 * source's volume); otherwise only this environment's instance goes.
 * Moving it to another service or mount path is in place (`volumeInstanceUpdate`), keeping the
 * data; only a change of project or environment replaces it. A change of region is refused:
 * Railway cannot move a volume between regions. A volume whose deletion Railway has queued reads as
 * gone. Import ID: `<environmentId>:<volumeId>`.
 */
export interface VolumeArgs {
    projectId: pulumi.Input<string>;
    environmentId: pulumi.Input<string>;
    serviceId: pulumi.Input<string>;
    /** Absolute path in the container, e.g. `/var/lib/postgresql/data`. */
    mountPath: pulumi.Input<string>;
    /** Region of the volume (default: Railway's default region). */
    region?: pulumi.Input<string>;
    /**
     * Take a Railway backup of the volume before deleting it (a replace deletes the old one) or
     * moving it to another service or path, and stop if the backup fails. Default true.
     */
    backupBeforeChange?: pulumi.Input<boolean>;
    apiUrl?: pulumi.Input<string>;
    /** Take this existing Railway resource (its import ID) into the stack instead of creating one; it must match the inputs. */
    adoptId?: string;
}

interface VolumeState {
    projectId: string;
    environmentId: string;
    serviceId: string;
    mountPath: string;
    region?: string;
    backupBeforeChange?: boolean;
    apiUrl?: string;
    volumeInstanceId?: string;
    sizeMB?: number;
    /** The backup taken before the last move (update). */
    lastBackup?: VolumeBackup;
}

/** Unset means on: a state written before the setting existed still backs up. */
const backsUp = (s: VolumeState) => s.backupBeforeChange !== false;

type VolumeInstanceNode = Awaited<ReturnType<typeof instancesOf>>[number];

async function instancesOf(apiUrl: string | undefined, environmentId: string) {
    const all = await gqlAll(
        apiUrl,
        "EnvironmentVolumeInstances",
        { id: environmentId },
        (d) => d.environment.volumeInstances,
    );
    return all.filter((i) => !i.isPendingDeletion);
}

async function findInstance(
    apiUrl: string | undefined,
    environmentId: string,
    volumeId: string,
): Promise<VolumeInstanceNode | undefined> {
    return (await instancesOf(apiUrl, environmentId)).find((n) => n.volumeId === volumeId);
}

const stateOf = (s: VolumeState, i: VolumeInstanceNode) => ({
    ...s,
    serviceId: i.serviceId ?? "",
    mountPath: i.mountPath,
    volumeInstanceId: i.id,
    sizeMB: i.sizeMB,
});

export const volumeProvider: pulumi.dynamic.ResourceProvider = defineProvider("Volume", {
    async check(olds, news) {
        const failures = requiredIds(news, ["projectId", "environmentId", "serviceId"]);
        if (typeof news.mountPath !== "string" || !news.mountPath.startsWith("/"))
            failures.push({ property: "mountPath", reason: "mountPath must be an absolute path such as /data" });
        // Railway cannot move a volume between regions, and a service holds one volume, so a new
        // region cannot be a replacement made beside the old one: it is a person's decision, refused here.
        if (typeof olds?.region === "string" && typeof news.region === "string" && olds.region !== news.region)
            failures.push({
                property: "region",
                reason: `a volume cannot move from ${olds.region} to ${news.region.slice(0, 64)}: Railway has no move, and a service holds one volume. Keep the region, or back the volume up, remove it from the stack, pulumi up, then declare it in the new region and restore the backup (docs/runbooks/volume-restore.md)`,
            });
        return { inputs: news, failures };
    },
    async diff(_id, olds: VolumeState, news: VolumeState) {
        const replaces = changedKeys(olds, news, replaceKeys("Volume"));
        const changes = changedKeys(olds, news, [
            "projectId",
            "environmentId",
            "region",
            "serviceId",
            "mountPath",
            "apiUrl",
        ]);
        // Create the new volume before deleting the old one: a replace must never lose the data first.
        return { changes: changes.length > 0, replaces, deleteBeforeReplace: false };
    },
    async create(inputs: VolumeState) {
        const { id } = await withinEnvironment(inputs, "the volume", () => createVolume(inputs));
        // The volume exists and its id must reach the state: a failed read-back is not an error
        // here (that would orphan it); the next refresh reads the rest.
        const instance = await findInstance(inputs.apiUrl, inputs.environmentId, id).catch(() => undefined);
        return { id, outs: instance ? stateOf(inputs, instance) : { ...inputs } };
    },
    async read(id, props?: VolumeState) {
        const [environmentId, volumeId] = idParts(
            id,
            ["environmentId", "volumeId"],
            "railway.Volume",
            props?.environmentId ? [props.environmentId, id] : undefined,
        );
        const instance = await readOrGone(() => findInstance(props?.apiUrl, environmentId, volumeId));
        if (!instance) return { id: "", props: {} };
        // An import knows only the ID: the project and the region are Railway's.
        const projectId =
            props?.projectId ?? (await gql(props?.apiUrl, "Environment", { id: environmentId })).environment.projectId;
        return {
            id: volumeId,
            props: stateOf(
                {
                    ...(props as VolumeState),
                    projectId,
                    environmentId,
                    region: props?.projectId ? props.region : (props?.region ?? instance.region ?? undefined),
                },
                instance,
            ),
        };
    },
    async update(id, olds: VolumeState, news: VolumeState) {
        const moving = olds.serviceId !== news.serviceId || olds.mountPath !== news.mountPath;
        let lastBackup = olds.lastBackup;
        if (moving && backsUp(news)) {
            const instance = await findInstance(news.apiUrl, news.environmentId, id);
            if (instance?.serviceId)
                lastBackup = await backupVolumeInstance(
                    news.apiUrl,
                    instance.id,
                    `moving it from ${olds.serviceId}:${olds.mountPath} to ${news.serviceId}:${news.mountPath}`,
                );
        }
        await withinEnvironment(news, "the volume", () =>
            gql(news.apiUrl, "VolumeInstanceUpdate", {
                volumeId: id,
                environmentId: news.environmentId,
                input: { serviceId: news.serviceId, mountPath: news.mountPath },
            }),
        );
        const instance = await findInstance(news.apiUrl, news.environmentId, id);
        const outs = instance ? stateOf(news, instance) : { ...news };
        return { outs: lastBackup ? { ...outs, lastBackup } : outs };
    },
    async delete(id, props: VolumeState) {
        if (backsUp(props)) {
            // Mounted volumes only: one detached already has nothing Railway would back up.
            const instance = await readOrGone(() => findInstance(props.apiUrl, props.environmentId, id));
            if (instance?.serviceId) await backupVolumeInstance(props.apiUrl, instance.id, `deleting volume ${id}`);
        }
        const envs = await gqlAll(
            props.apiUrl,
            "ProjectEnvironments",
            { id: props.projectId },
            (d) => d.project.environments,
        );
        let shared = false;
        for (const env of envs.filter((e) => e.id !== props.environmentId)) {
            if (await readOrGone(() => findInstance(props.apiUrl, env.id, id))) shared = true;
        }
        if (!shared) return deleteIfExists(props.apiUrl, "VolumeDelete", { volumeId: id });
        // Another environment mounts this volume too (a duplicate of this one): only this
        // environment's instance goes, with the environment-scoped patch Railway's CLI uses.
        await withinEnvironment(props, "the volume", () =>
            gql(props.apiUrl, "EnvironmentPatchCommit", {
                environmentId: props.environmentId,
                patch: { volumes: { [id]: { isDeleted: true } } },
                commitMessage: "pulumi: remove the volume from this environment",
            }),
        );
    },
});

/** `volumeCreate` for one environment; its natural key is the service's volume there (Railway allows one per service). */
function createVolume(inputs: VolumeState): Promise<{ id: string }> {
    return createOrAdopt(
        async () =>
            (
                await gql(
                    inputs.apiUrl,
                    "VolumeCreate",
                    {
                        input: {
                            projectId: inputs.projectId,
                            environmentId: inputs.environmentId,
                            serviceId: inputs.serviceId,
                            mountPath: inputs.mountPath,
                            region: inputs.region,
                        },
                    },
                    { retryMutation: false },
                )
            ).volumeCreate,
        async () => {
            const same = (await instancesOf(inputs.apiUrl, inputs.environmentId)).find(
                (i) => i.serviceId === inputs.serviceId && i.mountPath === inputs.mountPath,
            );
            return same ? { id: same.volumeId } : undefined;
        },
    );
}
