/**
 * The emulator's in-memory state of one Railway account, and Railway's rules over it: environment
 * scoping (every change names its environment and stays in it), what makes a deployment, the
 * deployment lifecycle on an injectable clock, rollbacks that restore the target's image and
 * variables, volume rules and queued volume deletion, soft-deleted projects and environments. Each
 * rule is Railway's documented behaviour (schema descriptions, providers/railway/schema/, README
 * "The local Railway emulator"). One layer per area of Railway's rules, each in its own file; this
 * one adds the out-of-band edits that make drift, and a snapshot of everything.
 */
import { InstanceRec, key } from "../model";
import { ProjectsStore } from "./projects";

export * from "../model";

export class EmulatorStore extends ProjectsStore {
    outOfBand(edit: {
        kind:
            | "variable"
            | "deleteVariable"
            | "instance"
            | "deleteService"
            | "deploymentStatus"
            | "deleteVolume"
            | "createService"
            | "deleteDomain";
        serviceId?: string;
        environmentId?: string;
        projectId?: string;
        name?: string;
        value?: string;
        patch?: Partial<InstanceRec>;
        deploymentId?: string;
        status?: string;
        volumeId?: string;
        domainId?: string;
    }): unknown {
        switch (edit.kind) {
            case "variable": {
                this.instance(edit.serviceId!, edit.environmentId!);
                const k = key(edit.serviceId!, edit.environmentId!);
                this.variables.set(k, {
                    ...this.vars(edit.serviceId!, edit.environmentId!),
                    [edit.name!]: edit.value!,
                });
                return undefined;
            }
            case "deleteVariable":
                return this.deleteVariable({
                    projectId: "",
                    environmentId: edit.environmentId!,
                    serviceId: edit.serviceId!,
                    name: edit.name!,
                });
            case "instance":
                return Object.assign(this.instance(edit.serviceId!, edit.environmentId!), edit.patch);
            case "deleteService":
                return this.removeService(edit.serviceId!);
            case "createService":
                return this.createService({
                    projectId: edit.projectId!,
                    name: edit.name!,
                    environmentId: edit.environmentId,
                });
            case "deleteVolume":
                return this.deleteVolume(edit.volumeId!);
            case "deleteDomain":
                return this.domains.delete(edit.domainId!);
            case "deploymentStatus":
                this.deployment(edit.deploymentId!).fixedStatus = edit.status;
                return undefined;
        }
    }

    snapshot(): Record<string, unknown> {
        this.sweepVolumes();
        return {
            projects: [...this.projects.values()],
            environments: [...this.environments.values()],
            services: [...this.services.values()],
            instances: Object.fromEntries(this.instances),
            variables: Object.fromEntries(this.variables),
            triggers: [...this.triggers.values()],
            domains: [...this.domains.values()],
            volumes: [...this.volumes.values()],
            volumeInstances: [...this.volumeInstances.values()],
            deployments: [...this.deployments.values()].map((d) => ({ ...d, status: this.status(d) })),
        };
    }
}
