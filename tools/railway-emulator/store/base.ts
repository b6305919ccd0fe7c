/**
 * The store's records and what every area of it needs: the maps of one Railway account, the
 * clock, all-or-nothing checkpoints, lookups (deleted objects are not found, except where Railway
 * returns them marked), environment scoping and the validation Railway does. Each area of Railway's
 * rules is a layer over it (deployments, volumes, services, variables, projects; index.ts).
 */
import { randomUUID } from "crypto";
import {
    RAILWAY_REGIONS,
    RAILWAY_SERVICE_NAME_MAX_LENGTH,
    RAILWAY_VOLUMES_PER_PROJECT,
} from "../../../config/railway-limits";
import { Signals } from "../signals";
import {
    Clock,
    ProjectRec,
    EnvironmentRec,
    ServiceRec,
    InstanceRec,
    DomainRec,
    VolumeRec,
    VolumeInstanceRec,
    BackupRec,
    TriggerRec,
    WorkspaceRec,
    ProjectTokenRec,
    StagedPatchRec,
    TcpProxyRec,
    DeploymentOutcome,
    DeploymentRec,
    notFound,
    badInput,
    StoreOptions,
    DEFAULT_WORKSPACE,
    realClock,
    key,
} from "../model";

export abstract class StoreBase {
    projects = new Map<string, ProjectRec>();
    environments = new Map<string, EnvironmentRec>();
    services = new Map<string, ServiceRec>();
    /** Keyed `<serviceId>:<environmentId>`: a service exists in an environment exactly when it has an instance there. */
    instances = new Map<string, InstanceRec>();
    variables = new Map<string, Record<string, string>>();
    domains = new Map<string, DomainRec>();
    volumes = new Map<string, VolumeRec>();
    /** Keyed by volume instance id. */
    volumeInstances = new Map<string, VolumeInstanceRec>();
    triggers = new Map<string, TriggerRec>();
    deployments = new Map<string, DeploymentRec>();
    /** Known commits per `<repo>#<branch>`, newest last (admin `push` adds one). */
    commits = new Map<string, string[]>();
    /** Outcomes for the next deployments (admin `deploymentOutcome`). */
    pendingOutcomes: { serviceId?: string; outcome: DeploymentOutcome; count: number; lines?: string[] }[] = [];
    workspaces = new Map<string, WorkspaceRec>();
    projectTokens = new Map<string, ProjectTokenRec>();
    /** Volume instance backups, by id (Railway's `volumeInstanceBackupCreate`, a workflow). */
    backups = new Map<string, BackupRec>();
    /** Keyed by environment id. */
    staged = new Map<string, StagedPatchRec>();
    /** An environment's shared variables (`${{shared.NAME}}`), keyed by environment id. */
    sharedVariables = new Map<string, Record<string, string>>();
    tcpProxies = new Map<string, TcpProxyRec>();
    /** Railway's IaC ownership per environment (`Environment.iacPartials`): resource address to partial. */
    iacPartials = new Map<string, Record<string, string>>();
    /** Logs added by tests, HTTP requests through the service proxies, memory and CPU series. */
    readonly signals = new Signals();

    readonly clock: Clock;
    readonly deployStageMs: number;
    readonly rollbackRetentionMs: number;
    readonly volumeDeletionMs: number;
    readonly plan: keyof typeof RAILWAY_VOLUMES_PER_PROJECT;
    readonly scopeReading: "documented" | "experimental-description";
    readonly duplicateMs: number;

    constructor(opts: StoreOptions) {
        this.deployStageMs = Math.max(1, opts.deployStageMs);
        this.clock = opts.clock ?? realClock;
        this.rollbackRetentionMs = opts.rollbackRetentionMs ?? 30 * 24 * 3600_000;
        this.volumeDeletionMs = opts.volumeDeletionMs ?? 2 * this.deployStageMs;
        this.plan = opts.plan ?? "pro";
        this.scopeReading = opts.scopeReading ?? "documented";
        this.duplicateMs = Math.max(0, opts.duplicateMs ?? 0);
        for (const id of [DEFAULT_WORKSPACE, ...(opts.workspaces ?? [])]) this.workspaces.set(id, { id, name: id });
    }

    /**
     * A snapshot of every record, and the function that puts it back: a call that fails half-way
     * (a patch with one bad service, a mutation whose answer selects a field the emulator does not
     * model) leaves nothing behind.
     */
    checkpoint(): () => void {
        const fields = [
            "projects",
            "environments",
            "services",
            "instances",
            "variables",
            "domains",
            "volumes",
            "volumeInstances",
            "triggers",
            "deployments",
            "commits",
            "projectTokens",
            "backups",
            "staged",
            "sharedVariables",
            "tcpProxies",
            "iacPartials",
        ] as const;
        const saved = fields.map((f) => structuredClone(this[f]) as Map<string, unknown>);
        const outcomes = structuredClone(this.pendingOutcomes);
        return () => {
            fields.forEach((f, i) => ((this as unknown as Record<string, Map<string, unknown>>)[f] = saved[i]));
            this.pendingOutcomes = outcomes;
        };
    }

    workspace(id: string): WorkspaceRec {
        const w = this.workspaces.get(id);
        if (!w) throw notFound("Workspace");
        return w;
    }

    mintProjectToken(input: {
        projectId: string;
        environmentId: string;
        name?: string;
        token?: string;
    }): ProjectTokenRec {
        const env = this.environment(input.environmentId);
        if (env.projectId !== input.projectId)
            throw badInput(`Environment ${input.environmentId} is not in project ${input.projectId}`);
        const id = randomUUID();
        const rec: ProjectTokenRec = {
            id,
            name: input.name ?? "token",
            token: input.token || `${randomUUID()}`,
            projectId: input.projectId,
            environmentId: input.environmentId,
            createdAt: this.now(),
        };
        this.projectTokens.set(id, rec);
        return rec;
    }

    clear(): void {
        for (const m of [
            this.projects,
            this.environments,
            this.services,
            this.instances,
            this.variables,
            this.domains,
            this.volumes,
            this.volumeInstances,
            this.triggers,
            this.deployments,
            this.commits,
            this.projectTokens,
            this.backups,
            this.staged,
            this.sharedVariables,
            this.tcpProxies,
            this.iacPartials,
        ]) {
            (m as Map<string, unknown>).clear();
        }
        this.signals.clear();
        this.pendingOutcomes = [];
    }

    now(): number {
        return this.clock.now();
    }

    iso(t: number): string {
        return new Date(t).toISOString();
    }

    // ---- lookups (deleted objects are not found, except where Railway returns them marked) ----

    project(id: string, opts: { includeDeleted?: boolean } = {}): ProjectRec {
        const p = this.projects.get(id);
        if (!p || (p.deletedAt !== undefined && !opts.includeDeleted)) throw notFound("Project");
        return p;
    }

    environment(id: string, opts: { includeDeleted?: boolean } = {}): EnvironmentRec {
        const e = this.environments.get(id);
        if (!e || (e.deletedAt !== undefined && !opts.includeDeleted)) throw notFound("Environment");
        return e;
    }

    service(id: string): ServiceRec {
        const s = this.services.get(id);
        if (!s) throw notFound("Service");
        return s;
    }

    /** Railway answers "ServiceInstance not found" for a service that does not exist in the environment. */
    instance(serviceId: string, environmentId: string): InstanceRec {
        this.service(serviceId);
        this.environment(environmentId);
        const i = this.instances.get(key(serviceId, environmentId));
        if (!i) throw notFound("ServiceInstance");
        return i;
    }

    hasInstance(serviceId: string, environmentId: string): boolean {
        return this.instances.has(key(serviceId, environmentId));
    }

    vars(serviceId: string, environmentId: string): Record<string, string> {
        return this.variables.get(key(serviceId, environmentId)) ?? {};
    }

    trigger(serviceId: string, environmentId: string): TriggerRec | undefined {
        return [...this.triggers.values()].find((t) => t.serviceId === serviceId && t.environmentId === environmentId);
    }

    liveEnvironments(projectId: string): EnvironmentRec[] {
        return [...this.environments.values()].filter((e) => e.projectId === projectId && e.deletedAt === undefined);
    }

    /**
     * Railway's scoping rule: a change that names its environment stays in that environment
     * (docs.railway.com/environments: every change to a service is scoped to one environment;
     * `variableCollectionUpsert` requires `environmentId`). Without one (the schema's
     * "[Experimental]" null), it reaches every environment of the project. The older reading of
     * that description, where a change in a non-fork environment reached all of them, is not
     * modelled: forks are deprecated, and the provider never sends a write without its environment.
     */
    scope(projectId: string, environmentId: string | null | undefined): EnvironmentRec[] {
        if (environmentId) {
            const env = this.environment(environmentId);
            if (env.projectId !== projectId)
                throw badInput(`Environment ${environmentId} is not in project ${projectId}`);
            if (this.scopeReading === "documented" || env.sourceEnvironmentId !== undefined) return [env];
            return this.liveEnvironments(projectId).filter((e) => e.sourceEnvironmentId === undefined);
        }
        return this.liveEnvironments(projectId);
    }

    // ---- validation Railway does ----

    checkServiceName(name: string): void {
        if (!name.trim()) throw badInput("Service name cannot be empty");
        if (name.length > RAILWAY_SERVICE_NAME_MAX_LENGTH)
            throw badInput(`Service name must be ${RAILWAY_SERVICE_NAME_MAX_LENGTH} characters or less`);
    }

    checkRegion(region: string): void {
        if (!(RAILWAY_REGIONS as readonly string[]).includes(region)) throw badInput(`Invalid region: ${region}`);
    }

    checkPort(port: unknown): void {
        if (port === null || port === undefined) return;
        if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535)
            throw badInput(`Invalid target port: ${port}`);
    }
}
