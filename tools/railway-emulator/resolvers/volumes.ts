/** Volumes, their instances, backups and the workflows that take them. */
import { EmulatorStore, badInput, notFound } from "../store";
import { Args, RequestContext } from "./context";
import { Views } from "./views";

export function volumesResolvers(store: EmulatorStore, views: Views) {
    const { volumeView } = views;
    return {
        volumeCreate: ({ input }: Args, ctx: RequestContext) => {
            ctx.access.environment(input.projectId, input.environmentId);
            return volumeView(store.createVolume(input).id);
        },
        volumeInstanceUpdate: ({ volumeId, environmentId, input }: Args, ctx: RequestContext) => {
            const v = store.volumes.get(volumeId);
            if (!v) throw notFound("Volume");
            ctx.access.environment(v.projectId, environmentId);
            store.updateVolumeInstance(volumeId, environmentId, input);
            return true;
        },
        volumeUpdate: ({ volumeId, input }: Args, ctx: RequestContext) => {
            const v = store.volumes.get(volumeId);
            if (!v || v.deletionRequestedAt) throw notFound("Volume");
            ctx.access.project(v.projectId);
            if (input.name !== undefined && input.name !== null) {
                const name = String(input.name);
                if (!name.trim() || name.length > 64) throw badInput("Volume name must be 1-64 characters");
                if (
                    [...store.volumes.values()].some(
                        (o) =>
                            o.projectId === v.projectId && o.name === name && o.id !== v.id && !o.deletionRequestedAt,
                    )
                )
                    throw badInput(`A volume named "${name}" already exists in this project`);
                v.name = name;
            }
            return volumeView(volumeId);
        },
        volumeInstanceBackupCreate: ({ volumeInstanceId, name }: Args, ctx: RequestContext) => {
            const vi = store.volumeInstances.get(volumeInstanceId);
            if (!vi) throw notFound("VolumeInstance");
            ctx.access.environment(store.volumes.get(vi.volumeId)!.projectId, vi.environmentId);
            return { workflowId: store.createBackup(volumeInstanceId, name).workflowId };
        },
        volumeInstanceBackupList: ({ volumeInstanceId }: Args, ctx: RequestContext) => {
            const vi = store.volumeInstances.get(volumeInstanceId);
            if (!vi) throw notFound("VolumeInstance");
            ctx.access.environment(store.volumes.get(vi.volumeId)!.projectId, vi.environmentId);
            return store.backupsOf(volumeInstanceId).map((b) => ({
                id: b.id,
                name: b.name,
                createdAt: new Date(b.createdAt).toISOString(),
                expiresAt: null,
                externalId: `backup-${b.id.slice(0, 8)}`,
                creatorId: null,
                scheduleId: null,
                usedMB: b.sizeMB,
                referencedMB: b.sizeMB,
                volumeInstanceSizeMB: b.sizeMB,
            }));
        },
        workflowStatus: ({ workflowId }: Args) => ({ status: store.workflowStatus(workflowId), error: null }),
        volumeDelete: ({ volumeId }: Args, ctx: RequestContext) => {
            ctx.access.account();
            store.deleteVolume(volumeId);
            return true;
        },
    };
}
