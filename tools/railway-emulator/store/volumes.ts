/**
 * Volumes and their instances per environment: one per service, absolute mount paths, no replicas
 * beside one, a per-project limit, queued deletion, and backups taken by a workflow.
 */
import { randomUUID } from "crypto";
import { RAILWAY_VOLUMES_PER_PROJECT } from "../../../config/railway-limits";
import { VolumeRec, VolumeInstanceRec, BackupRec, notFound, badInput } from "../model";
import { DeploymentsStore } from "./deployments";

export abstract class VolumesStore extends DeploymentsStore {
    attachedVolume(serviceId: string, environmentId: string): VolumeInstanceRec | undefined {
        return [...this.volumeInstances.values()].find(
            (v) =>
                v.serviceId === serviceId &&
                v.environmentId === environmentId &&
                !this.volumes.get(v.volumeId)?.deletionRequestedAt,
        );
    }

    createVolume(input: {
        projectId: string;
        environmentId?: string | null;
        serviceId?: string | null;
        mountPath: string;
        region?: string | null;
    }): VolumeRec {
        this.project(input.projectId);
        if (!input.mountPath.startsWith("/")) throw badInput("Mount path must be an absolute path");
        if (input.region) this.checkRegion(input.region);
        const live = [...this.volumes.values()].filter(
            (v) => v.projectId === input.projectId && !v.deletionRequestedAt,
        );
        const limit = RAILWAY_VOLUMES_PER_PROJECT[this.plan];
        if (live.length >= limit) throw badInput(`Your plan allows ${limit} volumes per project`);
        // Railway's schema: an explicit null environment makes no volume instance, an omitted one
        // makes one in every environment. The community Terraform provider's issue #61 (2025) said
        // none were made either way; its later acceptance test against Railway creates a volume
        // without an environment and reads its mount path and size back, as the schema says. The
        // newest evidence is modelled; the provider names the environment, so it is safe either way.
        const envs =
            input.environmentId === undefined
                ? this.liveEnvironments(input.projectId)
                : input.environmentId
                  ? this.scope(input.projectId, input.environmentId)
                  : [];
        if (input.serviceId) {
            this.service(input.serviceId);
            for (const env of envs) {
                if (!this.hasInstance(input.serviceId, env.id)) continue;
                if (this.attachedVolume(input.serviceId, env.id)) throw badInput("This service already has a volume");
                const total = Object.values(this.instance(input.serviceId, env.id).multiRegionConfig).reduce(
                    (a, b) => a + b.numReplicas,
                    0,
                );
                if (total > 1) throw badInput("A service with more than one replica cannot have a volume");
            }
        }
        const id = randomUUID();
        const volume: VolumeRec = {
            id,
            projectId: input.projectId,
            name: `volume-${id.slice(0, 6)}`,
            createdAt: this.now(),
        };
        this.volumes.set(id, volume);
        for (const env of envs) {
            const instanceId = randomUUID();
            this.volumeInstances.set(instanceId, {
                id: instanceId,
                volumeId: id,
                environmentId: env.id,
                serviceId: input.serviceId && this.hasInstance(input.serviceId, env.id) ? input.serviceId : null,
                mountPath: input.mountPath,
                sizeMB: 5000,
                region: input.region ?? "us-west2",
                createdAt: this.now(),
            });
        }
        return volume;
    }

    updateVolumeInstance(
        volumeId: string,
        environmentId: string | null | undefined,
        input: { mountPath?: string | null; serviceId?: string | null },
    ): void {
        const v = this.volumes.get(volumeId);
        if (!v || v.deletionRequestedAt) throw notFound("Volume");
        if (input.mountPath !== undefined && input.mountPath !== null && !input.mountPath.startsWith("/"))
            throw badInput("Mount path must be an absolute path");
        const targets = [...this.volumeInstances.values()].filter(
            (i) => i.volumeId === volumeId && (!environmentId || i.environmentId === environmentId),
        );
        if (!targets.length) throw notFound("VolumeInstance");
        for (const t of targets) {
            if (input.serviceId) {
                const other = this.attachedVolume(input.serviceId, t.environmentId);
                if (other && other.id !== t.id) throw badInput("This service already has a volume");
            }
            if (input.mountPath) t.mountPath = input.mountPath;
            if (input.serviceId !== undefined) t.serviceId = input.serviceId;
        }
    }

    /** An environment patch's `volumes.<id>.isDeleted`: this environment's instance of the volume goes; the volume stays. */
    removeVolumeInstanceIn(volumeId: string, environmentId: string): void {
        const mine = [...this.volumeInstances.values()].find(
            (i) => i.volumeId === volumeId && i.environmentId === environmentId,
        );
        if (!mine) throw notFound("VolumeInstance");
        this.volumeInstances.delete(mine.id);
    }

    /** Railway queues a volume's deletion: it lingers, marked, for a while. */
    deleteVolume(volumeId: string): void {
        const v = this.volumes.get(volumeId);
        if (!v || v.deletionRequestedAt) throw notFound("Volume");
        v.deletionRequestedAt = this.now();
    }

    /**
     * `volumeInstanceBackupCreate`: a workflow that completes after one deployment stage; the
     * backup is listed once it has. Railway names an unnamed backup 'Manual'.
     */
    createBackup(volumeInstanceId: string, name?: string | null): BackupRec {
        const vi = this.volumeInstances.get(volumeInstanceId);
        if (!vi) throw notFound("VolumeInstance");
        // Railway backs up mounted volumes only.
        if (!vi.serviceId) throw badInput("Only a volume mounted to a service can be backed up");
        const b: BackupRec = {
            id: randomUUID(),
            volumeInstanceId,
            name: name ?? "Manual",
            createdAt: this.now(),
            workflowId: randomUUID(),
            completesAt: this.now() + this.deployStageMs,
            sizeMB: vi.sizeMB,
        };
        this.backups.set(b.id, b);
        return b;
    }

    /** A volume instance's finished backups, newest first. */
    backupsOf(volumeInstanceId: string): BackupRec[] {
        return [...this.backups.values()]
            .filter((b) => b.volumeInstanceId === volumeInstanceId && this.now() >= b.completesAt)
            .sort((a, b) => b.createdAt - a.createdAt);
    }

    /** `workflowStatus`: a backup's workflow runs until it completes; an unknown id is NotFound. */
    workflowStatus(workflowId: string): "Running" | "Complete" | "NotFound" {
        const b = [...this.backups.values()].find((x) => x.workflowId === workflowId);
        if (!b) return "NotFound";
        return this.now() >= b.completesAt ? "Complete" : "Running";
    }

    /** Drops volumes whose queued deletion has finished. */
    sweepVolumes(): void {
        for (const v of [...this.volumes.values()]) {
            if (v.deletionRequestedAt !== undefined && this.now() - v.deletionRequestedAt >= this.volumeDeletionMs) {
                this.volumes.delete(v.id);
                for (const [k, i] of this.volumeInstances) if (i.volumeId === v.id) this.volumeInstances.delete(k);
            }
        }
    }
}
