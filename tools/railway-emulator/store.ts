/** The emulator's in-memory state of one Railway account. */
import { randomUUID } from "crypto";
import { GraphQLError } from "graphql";

export interface ProjectRec { id: string; name: string; description?: string; workspaceId?: string; createdAt: string }
export interface EnvironmentRec { id: string; projectId: string; name: string; createdAt: string }
export interface ServiceRec { id: string; projectId: string; name: string; createdAt: string }
export interface InstanceRec {
    source?: { image?: string; repo?: string };
    rootDirectory?: string | null;
    startCommand?: string | null;
    buildCommand?: string | null;
    preDeployCommand?: string[] | null;
    watchPatterns?: string[];
    healthcheckPath?: string | null;
    healthcheckTimeout?: number | null;
    multiRegionConfig: Record<string, { numReplicas: number }>;
    restartPolicyType: string;
    restartPolicyMaxRetries: number;
    sleepApplication?: boolean;
    cronSchedule?: string | null;
}
export interface DomainRec { id: string; projectId: string; environmentId: string; serviceId: string; domain: string; targetPort?: number | null; custom: boolean }
export interface VolumeRec { id: string; projectId: string; name: string }
export interface VolumeInstanceRec { id: string; volumeId: string; environmentId: string; serviceId: string | null; mountPath: string; sizeMB: number; region: string | null }
export interface TriggerRec { id: string; repository: string; branch: string }
export interface DeploymentRec {
    id: string;
    projectId: string;
    serviceId: string;
    environmentId: string;
    createdAt: number;
    /** A status fixed by a test or by an out-of-band edit; otherwise derived from the clock. */
    fixedStatus?: string;
    /** The deployment this one rolled back to, if any. */
    rollbackOf?: string;
}

export const notFound = (what: string) => new GraphQLError(`${what} not found`, { extensions: { code: "NOT_FOUND" } });
export const badInput = (message: string) => new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT" } });

const key = (serviceId: string, environmentId: string) => `${serviceId}:${environmentId}`;

export class EmulatorStore {
    projects = new Map<string, ProjectRec>();
    environments = new Map<string, EnvironmentRec>();
    services = new Map<string, ServiceRec>();
    instances = new Map<string, InstanceRec>();
    variables = new Map<string, Record<string, string>>();
    domains = new Map<string, DomainRec>();
    volumes = new Map<string, VolumeRec>();
    /** Keyed by volume instance id. */
    volumeInstances = new Map<string, VolumeInstanceRec>();
    triggers = new Map<string, TriggerRec>();
    deployments = new Map<string, DeploymentRec>();

    constructor(readonly deployStageMs: number) {}

    clear(): void {
        for (const m of [this.projects, this.environments, this.services, this.instances, this.variables, this.domains, this.volumes, this.volumeInstances, this.triggers, this.deployments]) m.clear();
    }

    now(): string {
        return new Date().toISOString();
    }

    project(id: string): ProjectRec {
        const p = this.projects.get(id);
        if (!p) throw notFound("Project");
        return p;
    }

    environment(id: string): EnvironmentRec {
        const e = this.environments.get(id);
        if (!e) throw notFound("Environment");
        return e;
    }

    service(id: string): ServiceRec {
        const s = this.services.get(id);
        if (!s) throw notFound("Service");
        return s;
    }

    instance(serviceId: string, environmentId: string): InstanceRec {
        this.service(serviceId);
        this.environment(environmentId);
        let i = this.instances.get(key(serviceId, environmentId));
        if (!i) {
            i = { multiRegionConfig: {}, restartPolicyType: "ON_FAILURE", restartPolicyMaxRetries: 10, watchPatterns: [] };
            this.instances.set(key(serviceId, environmentId), i);
        }
        return i;
    }

    vars(serviceId: string, environmentId: string): Record<string, string> {
        let v = this.variables.get(key(serviceId, environmentId));
        if (!v) {
            v = {};
            this.variables.set(key(serviceId, environmentId), v);
        }
        return v;
    }

    trigger(serviceId: string, environmentId: string): TriggerRec | undefined {
        return this.triggers.get(key(serviceId, environmentId));
    }

    setTrigger(serviceId: string, environmentId: string, repository: string, branch: string): void {
        this.triggers.set(key(serviceId, environmentId), { id: randomUUID(), repository, branch });
    }

    createProject(input: { name?: string; description?: string; workspaceId?: string; defaultEnvironmentName?: string }): ProjectRec {
        const p: ProjectRec = { id: randomUUID(), name: input.name ?? "unnamed", description: input.description, workspaceId: input.workspaceId, createdAt: this.now() };
        this.projects.set(p.id, p);
        this.createEnvironment(p.id, input.defaultEnvironmentName ?? "production");
        return p;
    }

    createEnvironment(projectId: string, name: string): EnvironmentRec {
        this.project(projectId);
        if ([...this.environments.values()].some((e) => e.projectId === projectId && e.name === name)) {
            throw badInput(`Environment ${name} already exists`);
        }
        const e: EnvironmentRec = { id: randomUUID(), projectId, name, createdAt: this.now() };
        this.environments.set(e.id, e);
        return e;
    }

    createService(projectId: string, name: string): ServiceRec {
        this.project(projectId);
        if ([...this.services.values()].some((s) => s.projectId === projectId && s.name === name)) {
            throw badInput(`A service named "${name}" already exists in this project`);
        }
        const s: ServiceRec = { id: randomUUID(), projectId, name, createdAt: this.now() };
        this.services.set(s.id, s);
        return s;
    }

    deleteService(id: string): void {
        this.service(id);
        this.services.delete(id);
        for (const m of [this.instances, this.variables, this.triggers] as Map<string, unknown>[]) {
            for (const k of [...m.keys()]) if (k.startsWith(`${id}:`)) m.delete(k);
        }
        for (const [k, d] of this.domains) if (d.serviceId === id) this.domains.delete(k);
        for (const v of this.volumeInstances.values()) if (v.serviceId === id) v.serviceId = null;
    }

    deleteEnvironment(id: string): void {
        this.environment(id);
        this.environments.delete(id);
        for (const m of [this.instances, this.variables, this.triggers] as Map<string, unknown>[]) {
            for (const k of [...m.keys()]) if (k.endsWith(`:${id}`)) m.delete(k);
        }
        for (const [k, d] of this.domains) if (d.environmentId === id) this.domains.delete(k);
        for (const [k, v] of this.volumeInstances) if (v.environmentId === id) this.volumeInstances.delete(k);
    }

    deleteProject(id: string): void {
        this.project(id);
        for (const s of [...this.services.values()]) if (s.projectId === id) this.deleteService(s.id);
        for (const e of [...this.environments.values()]) if (e.projectId === id) this.deleteEnvironment(e.id);
        for (const [k, v] of this.volumes) if (v.projectId === id) this.volumes.delete(k);
        this.projects.delete(id);
    }

    // ---- deployments ----

    /** QUEUED → BUILDING → DEPLOYING → SUCCESS on the clock; a newer SUCCESS makes an older one REMOVED. */
    status(d: DeploymentRec, now = Date.now()): string {
        if (d.fixedStatus) return d.fixedStatus;
        const stage = Math.floor((now - d.createdAt) / Math.max(1, this.deployStageMs));
        if (stage < 1) return "QUEUED";
        if (stage < 2) return "BUILDING";
        if (stage < 3) return "DEPLOYING";
        const newerLive = [...this.deployments.values()].some(
            (o) => o !== d && o.serviceId === d.serviceId && o.environmentId === d.environmentId && o.createdAt > d.createdAt && this.status(o, now) === "SUCCESS",
        );
        return newerLive ? "REMOVED" : "SUCCESS";
    }

    /** Railway allows a rollback to a deployment that once succeeded and is no longer the live one. */
    canRollback(d: DeploymentRec): boolean {
        const s = this.status(d);
        return s === "REMOVED" && !d.fixedStatus;
    }

    createDeployment(serviceId: string, environmentId: string, extra: Partial<DeploymentRec> = {}): DeploymentRec {
        const s = this.service(serviceId);
        this.environment(environmentId);
        // Strictly increasing creation times keep "newest" well defined within one millisecond.
        const last = Math.max(0, ...[...this.deployments.values()].map((d) => d.createdAt));
        const d: DeploymentRec = { id: randomUUID(), projectId: s.projectId, serviceId, environmentId, createdAt: Math.max(Date.now(), last + 1), ...extra };
        this.deployments.set(d.id, d);
        return d;
    }

    deployment(id: string): DeploymentRec {
        const d = this.deployments.get(id);
        if (!d) throw notFound("Deployment");
        return d;
    }

    // ---- out-of-band edits (drift) ----

    outOfBand(edit: {
        kind: "variable" | "deleteVariable" | "instance" | "deleteService" | "deploymentStatus";
        serviceId?: string;
        environmentId?: string;
        name?: string;
        value?: string;
        patch?: Partial<InstanceRec>;
        deploymentId?: string;
        status?: string;
    }): void {
        switch (edit.kind) {
            case "variable":
                this.vars(edit.serviceId!, edit.environmentId!)[edit.name!] = edit.value!;
                return;
            case "deleteVariable":
                delete this.vars(edit.serviceId!, edit.environmentId!)[edit.name!];
                return;
            case "instance":
                Object.assign(this.instance(edit.serviceId!, edit.environmentId!), edit.patch);
                return;
            case "deleteService":
                this.deleteService(edit.serviceId!);
                return;
            case "deploymentStatus":
                this.deployment(edit.deploymentId!).fixedStatus = edit.status;
                return;
        }
    }

    snapshot(): Record<string, unknown> {
        return {
            projects: [...this.projects.values()],
            environments: [...this.environments.values()],
            services: [...this.services.values()],
            instances: Object.fromEntries(this.instances),
            variables: Object.fromEntries(this.variables),
            domains: [...this.domains.values()],
            volumes: [...this.volumes.values()],
            volumeInstances: [...this.volumeInstances.values()],
            deployments: [...this.deployments.values()].map((d) => ({ ...d, status: this.status(d) })),
        };
    }
}
