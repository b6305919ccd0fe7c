/**
 * Projects and environments: creation (empty, or as a duplicate of another environment),
 * soft deletion, and what an environment's deletion takes with it.
 */
import { randomUUID } from "crypto";
import { ProjectRec, EnvironmentRec, badInput, DEFAULT_WORKSPACE, key } from "../model";
import { VariablesStore } from "./variables";

export abstract class ProjectsStore extends VariablesStore {
    createProject(input: {
        name?: string;
        description?: string;
        workspaceId?: string;
        defaultEnvironmentName?: string;
        prDeploys?: boolean | null;
        botPrEnvironments?: boolean | null;
        focusedPrEnvironments?: boolean | null;
    }): ProjectRec {
        // Railway puts a project without a workspace in the account's own; an unknown one is refused.
        const workspaceId = this.workspace(input.workspaceId ?? DEFAULT_WORKSPACE).id;
        const p: ProjectRec = {
            id: randomUUID(),
            name: input.name ?? `project-${randomUUID().slice(0, 6)}`,
            description: input.description,
            workspaceId,
            createdAt: this.now(),
            prDeploys: input.prDeploys === true,
            botPrEnvironments: input.botPrEnvironments === true,
            focusedPrEnvironments: input.focusedPrEnvironments === true,
        };
        this.projects.set(p.id, p);
        this.createEnvironment({ projectId: p.id, name: input.defaultEnvironmentName ?? "production" });
        return p;
    }

    createEnvironment(input: {
        projectId: string;
        name: string;
        sourceEnvironmentId?: string | null;
        ephemeral?: boolean | null;
        skipInitialDeploys?: boolean | null;
    }): EnvironmentRec {
        this.project(input.projectId);
        if (!input.name.trim()) throw badInput("Environment name cannot be empty");
        if (this.liveEnvironments(input.projectId).some((e) => e.name === input.name))
            throw badInput(`Environment ${input.name} already exists`);
        const source = input.sourceEnvironmentId ? this.environment(input.sourceEnvironmentId) : undefined;
        if (source && source.projectId !== input.projectId)
            throw badInput("The source environment is in another project");
        const e: EnvironmentRec = {
            id: randomUUID(),
            projectId: input.projectId,
            name: input.name,
            createdAt: this.now(),
            sourceEnvironmentId: source?.id,
            ephemeral: !!input.ephemeral,
        };
        this.environments.set(e.id, e);
        if (source && this.duplicateMs > 0)
            e.applying = { from: source.id, readyAt: this.now() + this.duplicateMs, deploy: !input.skipInitialDeploys };
        else if (source) this.copyEnvironment(source.id, e.id, !input.skipInitialDeploys);
        return e;
    }

    /**
     * Lands the copies that are due (all of them, or this one environment's whatever the time): the
     * source as it is now, as Railway copies it when it gets to it. A source deleted meanwhile is the
     * copy's error, as Railway reports one (`lastAppliedError`).
     */
    settleDuplicates(only?: string): void {
        for (const e of this.environments.values()) {
            if (!e.applying || e.deletedAt !== undefined) continue;
            if (only ? e.id !== only : e.applying.readyAt > this.now()) continue;
            const { from, deploy } = e.applying;
            delete e.applying;
            const source = this.environments.get(from);
            if (!source || source.deletedAt !== undefined)
                e.applyError = "The source environment was deleted before it could be copied";
            else this.copyEnvironment(from, e.id, deploy);
        }
    }

    /** Refuses a write into a duplicate whose copy is not done: the copy would land over it. */
    refuseWhileCopying(environmentIds: Iterable<string>): void {
        for (const id of environmentIds) {
            const e = this.environments.get(id);
            if (e?.applying && e.deletedAt === undefined) {
                const from = this.environments.get(e.applying.from)?.name ?? e.applying.from;
                throw badInput(
                    `Environment ${e.name} is still being created from ${from}; wait until its changes are applied (environmentStagedChanges)`,
                );
            }
        }
    }

    /**
     * A duplicate (`sourceEnvironmentId`) starts with the source's service instances, settings,
     * variables (shared ones too), triggers and volume instances; an environment created without
     * one starts empty. Domains and TCP proxies are not copied: each environment gets its own.
     */
    private copyEnvironment(from: string, to: string, deploy: boolean): void {
        for (const [k, inst] of [...this.instances]) {
            const [serviceId, envId] = k.split(":");
            if (envId !== from) continue;
            this.instances.set(key(serviceId, to), structuredClone({ ...inst, createdAt: this.now() }));
            this.variables.set(key(serviceId, to), { ...this.vars(serviceId, from) });
            const t = this.trigger(serviceId, from);
            if (t) {
                // Keyed by its own id, as every trigger is: deploymentTriggerUpdate finds it by id.
                const id = randomUUID();
                this.triggers.set(id, { ...t, id, environmentId: to });
            }
        }
        const shared = this.sharedVariables.get(from);
        if (shared) this.sharedVariables.set(to, { ...shared });
        for (const vi of [...this.volumeInstances.values()].filter((v) => v.environmentId === from)) {
            const id = randomUUID();
            this.volumeInstances.set(id, { ...vi, id, environmentId: to, createdAt: this.now() });
        }
        if (deploy)
            for (const k of [...this.instances.keys()].filter((k) => k.endsWith(`:${to}`)))
                this.tryDeploy(k.split(":")[0], to, "duplicate");
    }

    /** Railway keeps deleted projects and environments, marked with `deletedAt`. */
    deleteProject(id: string): void {
        const p = this.project(id);
        for (const s of [...this.services.values()]) if (s.projectId === id) this.removeService(s.id);
        for (const e of this.liveEnvironments(id)) this.deleteEnvironment(e.id);
        for (const v of [...this.volumes.values()]) if (v.projectId === id) this.volumes.delete(v.id);
        p.deletedAt = this.now();
    }

    deleteEnvironment(id: string): void {
        const e = this.environment(id);
        for (const m of [this.instances, this.variables] as Map<string, unknown>[]) {
            for (const k of [...m.keys()]) if (k.endsWith(`:${id}`)) m.delete(k);
        }
        for (const [k, t] of this.triggers) if (t.environmentId === id) this.triggers.delete(k);
        for (const [k, d] of this.domains) if (d.environmentId === id) this.domains.delete(k);
        for (const [k, v] of this.volumeInstances) if (v.environmentId === id) this.volumeInstances.delete(k);
        for (const [k, d] of this.deployments) if (d.environmentId === id) this.deployments.delete(k);
        for (const [k, t] of this.projectTokens) if (t.environmentId === id) this.projectTokens.delete(k);
        for (const [k, t] of this.tcpProxies) if (t.environmentId === id) this.tcpProxies.delete(k);
        this.staged.delete(id);
        this.sharedVariables.delete(id);
        this.iacPartials.delete(id);
        e.deletedAt = this.now();
    }
}
