/**
 * The emulator's in-memory state of one Railway account, and Railway's rules over it: environment
 * scoping (every change names its environment and stays in it), what makes a deployment, the deployment lifecycle on an injectable
 * clock, rollbacks that restore the target's image and variables, volume rules and queued volume
 * deletion, soft-deleted projects and environments. Each rule is Railway's documented behaviour
 * (schema descriptions, providers/railway/schema/, README "The local Railway emulator").
 */
import { LogKind, LogLine, Signals, stageLines } from "./signals";
import { createHash, randomUUID } from "crypto";
import { GraphQLError } from "graphql";
import {
    RAILWAY_DEPLOY_SECONDS,
    RAILWAY_MAX_REPLICAS,
    RAILWAY_REGIONS,
    RAILWAY_SERVICE_NAME_MAX_LENGTH,
    RAILWAY_VOLUMES_PER_PROJECT,
} from "../../config/railway-limits";

export interface Clock {
    now(): number;
}

const realClock: Clock = { now: () => Date.now() };

/** A clock a test moves by hand. */
export class ManualClock implements Clock {
    constructor(private t = Date.UTC(2026, 10, 27, 12)) {}
    now(): number {
        return this.t;
    }
    advance(ms: number): void {
        this.t += ms;
    }
}

export interface ProjectRec {
    id: string;
    name: string;
    description?: string;
    workspaceId?: string;
    createdAt: number;
    deletedAt?: number;
}
export interface EnvironmentRec {
    id: string;
    projectId: string;
    name: string;
    createdAt: number;
    deletedAt?: number;
    /** The environment this one was duplicated from (`sourceEnvironmentId`); a label, nothing more. */
    sourceEnvironmentId?: string;
    ephemeral: boolean;
}
export interface ServiceRec {
    id: string;
    projectId: string;
    name: string;
    createdAt: number;
}
export interface InstanceRec {
    source?: { image?: string; repo?: string };
    rootDirectory?: string | null;
    startCommand?: string | null;
    buildCommand?: string | null;
    preDeployCommand?: string[] | null;
    watchPatterns: string[];
    healthcheckPath?: string | null;
    healthcheckTimeout?: number | null;
    multiRegionConfig: Record<string, { numReplicas: number }>;
    restartPolicyType: string;
    restartPolicyMaxRetries: number;
    sleepApplication?: boolean | null;
    cronSchedule?: string | null;
    overlapSeconds?: number | null;
    drainingSeconds?: number | null;
    createdAt: number;
}
export interface DomainRec {
    id: string;
    projectId: string;
    environmentId: string;
    serviceId: string;
    domain: string;
    targetPort?: number | null;
    custom: boolean;
    createdAt: number;
}
export interface VolumeRec {
    id: string;
    projectId: string;
    name: string;
    createdAt: number;
    /** Set by volumeDelete: Railway queues the deletion; the volume lingers, marked, until it is done. */
    deletionRequestedAt?: number;
}
export interface VolumeInstanceRec {
    id: string;
    volumeId: string;
    environmentId: string;
    serviceId: string | null;
    mountPath: string;
    sizeMB: number;
    region: string | null;
    createdAt: number;
}
/** A volume instance's backup: taken by a workflow that completes after `backupMs` on the clock. */
export interface BackupRec {
    id: string;
    volumeInstanceId: string;
    name: string;
    createdAt: number;
    workflowId: string;
    completesAt: number;
    sizeMB: number;
}
export interface TriggerRec {
    id: string;
    projectId: string;
    environmentId: string;
    serviceId: string;
    repository: string;
    branch: string;
    provider: string;
    checkSuites: boolean;
}
export interface WorkspaceRec {
    id: string;
    name: string;
}
export interface ProjectTokenRec {
    id: string;
    name: string;
    token: string;
    projectId: string;
    environmentId: string;
    createdAt: number;
}
/** Changes staged in an environment (`environmentStageChanges`), committed by `environmentPatchCommitStaged`. */
export interface StagedPatchRec {
    id: string;
    environmentId: string;
    patch: Record<string, unknown>;
    message?: string;
    createdAt: number;
    updatedAt: number;
}
export type DeploymentOutcome = "FAILED" | "CRASHED";
export interface DeploymentRec {
    id: string;
    projectId: string;
    serviceId: string;
    environmentId: string;
    createdAt: number;
    /** A status fixed by a test (admin edit); otherwise derived from the clock. */
    fixedStatus?: string;
    /** Set when a newer deployment started while this one was still building: Railway skips it. */
    skipped?: boolean;
    /** How the build or the run ends when it is not a success (a test asks for it). */
    outcome?: DeploymentOutcome;
    /** What the failing step printed before it failed (a build script that echoes a value, say). */
    outcomeLines?: string[];
    /** The variables the deployment started with (unrendered). */
    variables: Record<string, string>;
    /** What it runs: the image, or the repository, branch and commit. */
    image?: string;
    repo?: string;
    branch?: string;
    commitHash?: string;
    /** The deployment this one rolled back to, if it is a rollback. */
    rollbackOf?: string;
    reason: "deploy" | "redeploy" | "rollback" | "duplicate" | "push" | "restart";
    /** Set by deploymentRemove. */
    removed?: boolean;
    /** A push held by its trigger's Check Suites until the commit's GitHub workflows finish: WAITING. */
    heldForChecks?: boolean;
    /** The settings it runs with: Railway's `meta.serviceManifest`. */
    manifest: Record<string, unknown>;
}

/** Where Railway puts replicas when a client names no region. */
export const DEFAULT_REGION = RAILWAY_REGIONS[0];

export const notFound = (what: string) => new GraphQLError(`${what} not found`, { extensions: { code: "NOT_FOUND" } });
export const badInput = (message: string) => new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT" } });
/** The code of the error a field or an argument the emulator does not model answers with. */
export const NOT_MODELLED = "NOT_MODELLED_BY_EMULATOR";
export const notModelled = (what: string) =>
    new GraphQLError(
        `the Railway emulator does not model ${what} (README "The local Railway emulator" lists what it models)`,
        { extensions: { code: NOT_MODELLED } },
    );

const key = (serviceId: string, environmentId: string) => `${serviceId}:${environmentId}`;

/** A commit hash Railway would know for a branch head: stable per repository and branch. */
export function headCommit(repo: string, branch: string): string {
    return createHash("sha1").update(`${repo}#${branch}`).digest("hex");
}

export interface StoreOptions {
    /** Milliseconds each deployment stage takes (INITIALIZING → BUILDING → DEPLOYING → SUCCESS). */
    deployStageMs: number;
    clock?: Clock;
    /** How long a successful deployment can be rolled back to (Railway's image retention). */
    rollbackRetentionMs?: number;
    /** How long a deleted volume lingers, marked pending deletion. */
    volumeDeletionMs?: number;
    /** The account's plan: decides the volume limit per project. */
    plan?: keyof typeof RAILWAY_VOLUMES_PER_PROJECT;
    /** The workspaces the account belongs to (ids); a project can be created only in one of them. */
    workspaces?: string[];
    /**
     * Which reading of Railway's scoping to model: "documented" (the default: a change stays in the
     * environment it names), or "experimental-description", the schema's note that a change made in
     * a non-fork environment reaches every non-fork environment: for tests that prove the provider
     * is safe under that reading too.
     */
    scopeReading?: "documented" | "experimental-description";
}

/** The workspace every emulator has (the committed `local` stack's). */
export const DEFAULT_WORKSPACE = "local-workspace";

export class EmulatorStore {
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
    /** Logs added by tests, HTTP requests through the service proxies, memory and CPU series. */
    readonly signals = new Signals();

    readonly clock: Clock;
    readonly deployStageMs: number;
    readonly rollbackRetentionMs: number;
    readonly volumeDeletionMs: number;
    readonly plan: keyof typeof RAILWAY_VOLUMES_PER_PROJECT;
    readonly scopeReading: "documented" | "experimental-description";

    constructor(opts: StoreOptions) {
        this.deployStageMs = Math.max(1, opts.deployStageMs);
        this.clock = opts.clock ?? realClock;
        this.rollbackRetentionMs = opts.rollbackRetentionMs ?? 30 * 24 * 3600_000;
        this.volumeDeletionMs = opts.volumeDeletionMs ?? 2 * this.deployStageMs;
        this.plan = opts.plan ?? "pro";
        this.scopeReading = opts.scopeReading ?? "documented";
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

    // ---- projects and environments ----

    createProject(input: {
        name?: string;
        description?: string;
        workspaceId?: string;
        defaultEnvironmentName?: string;
    }): ProjectRec {
        // Railway puts a project without a workspace in the account's own; an unknown one is refused.
        const workspaceId = this.workspace(input.workspaceId ?? DEFAULT_WORKSPACE).id;
        const p: ProjectRec = {
            id: randomUUID(),
            name: input.name ?? `project-${randomUUID().slice(0, 6)}`,
            description: input.description,
            workspaceId,
            createdAt: this.now(),
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
        if (source) this.copyEnvironment(source.id, e.id, !input.skipInitialDeploys);
        return e;
    }

    /**
     * A duplicate (`sourceEnvironmentId`) starts with the source's service instances, settings,
     * variables, triggers and volume instances; an environment created without one starts empty.
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
        this.staged.delete(id);
        e.deletedAt = this.now();
    }

    // ---- services ----

    createService(input: {
        projectId: string;
        name?: string | null;
        environmentId?: string | null;
        source?: { image?: string | null; repo?: string | null } | null;
        branch?: string | null;
        variables?: Record<string, string> | null;
    }): ServiceRec {
        this.project(input.projectId);
        const name = input.name ?? `service-${randomUUID().slice(0, 6)}`;
        this.checkServiceName(name);
        if ([...this.services.values()].some((s) => s.projectId === input.projectId && s.name === name)) {
            throw badInput(`A service named "${name}" already exists in this project`);
        }
        // Railway makes the service's instance in every environment of the project (the community
        // Terraform provider's issue #23); what the create sets (source, variables) goes to the
        // environment it names, or to all of them without one.
        const envs = this.scope(input.projectId, input.environmentId);
        const s: ServiceRec = { id: randomUUID(), projectId: input.projectId, name, createdAt: this.now() };
        this.services.set(s.id, s);
        for (const env of this.liveEnvironments(input.projectId))
            this.instances.set(key(s.id, env.id), this.blankInstance());
        for (const env of envs) {
            if (input.variables) this.variables.set(key(s.id, env.id), { ...input.variables });
            if (input.source?.image) this.instances.get(key(s.id, env.id))!.source = { image: input.source.image };
            if (input.source?.repo) {
                this.instances.get(key(s.id, env.id))!.source = { repo: input.source.repo };
                this.setTrigger(s.id, env.id, input.source.repo, input.branch ?? "main");
            }
        }
        // Choosing a source deploys it.
        if (input.source?.image || input.source?.repo) for (const env of envs) this.tryDeploy(s.id, env.id, "deploy");
        return s;
    }

    /** Makes the service's instance in one environment (an environment patch's `isCreated`). */
    materialiseInstance(serviceId: string, environmentId: string): InstanceRec {
        const s = this.service(serviceId);
        const env = this.environment(environmentId);
        if (env.projectId !== s.projectId)
            throw badInput(`Service ${serviceId} is not in the project of environment ${environmentId}`);
        if (!this.hasInstance(serviceId, environmentId))
            this.instances.set(key(serviceId, environmentId), this.blankInstance());
        return this.instance(serviceId, environmentId);
    }

    blankInstance(): InstanceRec {
        return {
            multiRegionConfig: {},
            restartPolicyType: "ON_FAILURE",
            restartPolicyMaxRetries: 10,
            watchPatterns: [],
            createdAt: this.now(),
        };
    }

    /**
     * serviceDelete: with an environment, that environment's instance only (the service and its
     * other instances stay); without one, the whole service.
     */
    deleteService(id: string, environmentId?: string | null): void {
        const s = this.service(id);
        if (!environmentId) return this.removeService(id);
        this.scope(s.projectId, environmentId);
        if (!this.hasInstance(id, environmentId)) throw notFound("ServiceInstance");
        this.removeInstance(id, environmentId);
    }

    /** An environment patch's `isDeleted`: the service leaves this environment. */
    removeInstanceIn(serviceId: string, environmentId: string): void {
        if (!this.hasInstance(serviceId, environmentId)) throw notFound("ServiceInstance");
        this.removeInstance(serviceId, environmentId);
    }

    private removeInstance(serviceId: string, environmentId: string): void {
        this.instances.delete(key(serviceId, environmentId));
        this.variables.delete(key(serviceId, environmentId));
        for (const [k, t] of this.triggers)
            if (t.serviceId === serviceId && t.environmentId === environmentId) this.triggers.delete(k);
        for (const [k, d] of this.domains)
            if (d.serviceId === serviceId && d.environmentId === environmentId) this.domains.delete(k);
        for (const v of this.volumeInstances.values())
            if (v.serviceId === serviceId && v.environmentId === environmentId) v.serviceId = null;
    }

    private removeService(id: string): void {
        for (const k of [...this.instances.keys()])
            if (k.startsWith(`${id}:`)) this.removeInstance(id, k.split(":")[1]);
        this.services.delete(id);
    }

    setTrigger(serviceId: string, environmentId: string, repository: string, branch: string): TriggerRec {
        const existing = this.trigger(serviceId, environmentId);
        if (existing) {
            existing.repository = repository;
            existing.branch = branch;
            return existing;
        }
        const t: TriggerRec = {
            id: randomUUID(),
            projectId: this.service(serviceId).projectId,
            environmentId,
            serviceId,
            repository,
            branch,
            provider: "github",
            checkSuites: false,
        };
        this.triggers.set(t.id, t);
        return t;
    }

    // ---- settings ----

    /** serviceInstanceUpdate: stores settings (no deployment), in every environment of its scope. */
    updateInstance(serviceId: string, environmentId: string | null | undefined, input: Record<string, any>): void {
        const s = this.service(serviceId);
        if ("railwayConfigFile" in input && input.railwayConfigFile !== undefined) {
            throw badInput("Config as Code (railwayConfigFile) is deprecated. Use Infrastructure as Code instead.");
        }
        const envs = this.scope(s.projectId, environmentId).filter((e) => this.hasInstance(serviceId, e.id));
        if (environmentId && !this.hasInstance(serviceId, environmentId)) throw notFound("ServiceInstance");
        const { multiRegionConfig, source, numReplicas, region, ...rest } = input;
        for (const env of envs) {
            const i = this.instance(serviceId, env.id);
            const next: Record<string, { numReplicas: number }> = { ...i.multiRegionConfig };
            if (multiRegionConfig) {
                for (const [r, cfg] of Object.entries(
                    multiRegionConfig as Record<string, { numReplicas?: number } | null>,
                )) {
                    if (cfg === null) {
                        delete next[r];
                        continue;
                    }
                    this.checkRegion(r);
                    if (!Number.isInteger(cfg.numReplicas) || (cfg.numReplicas as number) < 1)
                        throw badInput(`numReplicas must be at least 1 (region ${r})`);
                    next[r] = { numReplicas: cfg.numReplicas as number };
                }
            }
            if (region !== undefined && region !== null) {
                this.checkRegion(region);
                next[region] = { numReplicas: numReplicas ?? next[region]?.numReplicas ?? 1 };
            } else if (numReplicas !== undefined && numReplicas !== null) {
                if (!Number.isInteger(numReplicas) || numReplicas < 1) throw badInput("numReplicas must be at least 1");
                const regions = Object.keys(next);
                // The legacy single-region form: Railway applies it to the only region, or to the
                // default region when none is set yet (it never stores nothing and answers true).
                if (regions.length > 1)
                    throw badInput(
                        "numReplicas without a region is ambiguous for a multi-region service: use multiRegionConfig",
                    );
                next[regions[0] ?? DEFAULT_REGION] = { numReplicas };
            }
            const total = Object.values(next).reduce((a, b) => a + b.numReplicas, 0);
            if (total > RAILWAY_MAX_REPLICAS) throw badInput(`Replicas cannot exceed ${RAILWAY_MAX_REPLICAS}`);
            const cron = "cronSchedule" in rest ? rest.cronSchedule : i.cronSchedule;
            if (cron && total > 1) throw badInput("A service with a cron schedule can only run 1 replica");
            if (total > 1 && this.attachedVolume(serviceId, env.id))
                throw badInput("A service with a volume can only run 1 replica");
            if (
                rest.healthcheckTimeout !== undefined &&
                rest.healthcheckTimeout !== null &&
                (rest.healthcheckTimeout < 1 || rest.healthcheckTimeout > 3600)
            ) {
                throw badInput("healthcheckTimeout must be between 1 and 3600 seconds");
            }
            for (const k of ["overlapSeconds", "drainingSeconds"] as const) {
                const v = rest[k];
                if (
                    v !== undefined &&
                    v !== null &&
                    (!Number.isInteger(v) || v < RAILWAY_DEPLOY_SECONDS.min || v > RAILWAY_DEPLOY_SECONDS.max)
                )
                    throw badInput(
                        `${k} must be between ${RAILWAY_DEPLOY_SECONDS.min} and ${RAILWAY_DEPLOY_SECONDS.max} seconds`,
                    );
            }
            i.multiRegionConfig = next;
            if (source) i.source = source.image ? { image: source.image } : { repo: source.repo };
            for (const [k, v] of Object.entries(rest))
                if (v !== undefined) (i as unknown as Record<string, unknown>)[k] = v;
        }
    }

    // ---- variables ----

    /** variableCollectionUpsert: in every environment of its scope; redeploys unless skipDeploys. */
    upsertVariables(input: {
        projectId: string;
        environmentId: string;
        serviceId?: string | null;
        variables: Record<string, unknown>;
        replace?: boolean | null;
        skipDeploys?: boolean | null;
    }): void {
        this.project(input.projectId);
        if (!input.serviceId) throw badInput("Shared variables are not modelled by this emulator: pass serviceId");
        const s = this.service(input.serviceId);
        if (!this.hasInstance(s.id, input.environmentId)) throw notFound("ServiceInstance");
        for (const [k, v] of Object.entries(input.variables)) {
            if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw badInput(`Invalid variable name: ${k.slice(0, 64)}`);
            if (typeof v !== "string") throw badInput(`Variable ${k} must be a string`);
        }
        const envs = this.scope(input.projectId, input.environmentId).filter((e) => this.hasInstance(s.id, e.id));
        for (const env of envs) {
            const next = input.replace ? {} : { ...this.vars(s.id, env.id) };
            this.variables.set(key(s.id, env.id), { ...next, ...(input.variables as Record<string, string>) });
        }
        if (!input.skipDeploys) for (const env of envs) this.tryDeploy(s.id, env.id, "redeploy");
    }

    deleteVariable(input: { projectId: string; environmentId: string; serviceId?: string | null; name: string }): void {
        if (!input.serviceId) throw badInput("Shared variables are not modelled by this emulator: pass serviceId");
        const v = this.variables.get(key(input.serviceId, input.environmentId));
        if (!v || !(input.name in v)) throw notFound("Variable");
        delete v[input.name];
    }

    // ---- volumes ----

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
        // The schema says a null environment makes no instance and an omitted one makes one
        // everywhere; Railway makes none in both cases (the community Terraform provider's issue
        // #61). The stricter reading is modelled: name the environment.
        const envs = input.environmentId ? this.scope(input.projectId, input.environmentId) : [];
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

    // ---- deployments ----

    /**
     * Starts a deployment of the service's current source and settings with its current variables,
     * when it has a source; a deployment without a source is not possible (returns undefined).
     */
    tryDeploy(
        serviceId: string,
        environmentId: string,
        reason: DeploymentRec["reason"],
        commitSha?: string,
    ): DeploymentRec | undefined {
        const i = this.instance(serviceId, environmentId);
        if (!i.source?.image && !i.source?.repo) return undefined;
        return this.deploy(serviceId, environmentId, reason, commitSha);
    }

    deploy(
        serviceId: string,
        environmentId: string,
        reason: DeploymentRec["reason"],
        commitSha?: string,
        extra: Partial<DeploymentRec> = {},
    ): DeploymentRec {
        const s = this.service(serviceId);
        const i = this.instance(serviceId, environmentId);
        if (!i.source?.image && !i.source?.repo)
            throw badInput("Service has no source to deploy: connect a repository or set an image");
        let repo: string | undefined;
        let branch: string | undefined;
        let commitHash: string | undefined;
        if (i.source.repo) {
            repo = i.source.repo;
            branch = this.trigger(serviceId, environmentId)?.branch ?? "main";
            const known = this.commitsOf(repo, branch);
            if (commitSha && !known.includes(commitSha)) throw badInput(`Commit not found: ${commitSha}`);
            commitHash = commitSha ?? known[known.length - 1];
        }
        // A deployment still building when a newer one starts is skipped, as Railway does.
        for (const d of this.deploymentsOf(serviceId, environmentId)) {
            if (["INITIALIZING", "BUILDING", "QUEUED", "WAITING"].includes(this.status(d))) d.skipped = true;
        }
        const last = Math.max(0, ...[...this.deployments.values()].map((d) => d.createdAt));
        const { outcome, lines: outcomeLines } = this.takeOutcome(serviceId);
        const d: DeploymentRec = {
            id: randomUUID(),
            projectId: s.projectId,
            serviceId,
            environmentId,
            // Strictly increasing creation times keep "newest" well defined within one millisecond.
            createdAt: Math.max(this.now(), last + 1),
            variables: { ...this.vars(serviceId, environmentId) },
            image: i.source.image,
            repo,
            branch,
            commitHash,
            reason,
            outcome,
            outcomeLines,
            manifest: this.manifestOf(i, repo, branch),
            ...extra,
        };
        this.deployments.set(d.id, d);
        return d;
    }

    /** The outcome a test asked for the service's next deployment, if any (consumed). */
    private takeOutcome(serviceId: string): { outcome?: DeploymentOutcome; lines?: string[] } {
        const pending = this.pendingOutcomes.findIndex((o) => !o.serviceId || o.serviceId === serviceId);
        if (pending < 0) return {};
        const { outcome, lines } = this.pendingOutcomes[pending];
        if (--this.pendingOutcomes[pending].count <= 0) this.pendingOutcomes.splice(pending, 1);
        return { outcome, lines };
    }

    /** An instance's deploy settings as Railway shows them, in a deployment's manifest and in the environment's config alike. */
    deploySettings(i: InstanceRec): Record<string, unknown> {
        return {
            startCommand: i.startCommand ?? null,
            preDeployCommand: i.preDeployCommand ?? null,
            healthcheckPath: i.healthcheckPath ?? null,
            healthcheckTimeout: i.healthcheckTimeout ?? null,
            multiRegionConfig: structuredClone(i.multiRegionConfig),
            cronSchedule: i.cronSchedule ?? null,
            restartPolicyType: i.restartPolicyType,
            restartPolicyMaxRetries: i.restartPolicyMaxRetries,
            sleepApplication: i.sleepApplication ?? false,
            overlapSeconds: i.overlapSeconds ?? null,
            drainingSeconds: i.drainingSeconds ?? null,
        };
    }

    private manifestOf(i: InstanceRec, repo?: string, branch?: string): Record<string, unknown> {
        return {
            source: i.source?.image
                ? { image: i.source.image }
                : { repo, branch, rootDirectory: i.rootDirectory ?? null },
            build: { buildCommand: i.buildCommand ?? null, watchPatterns: i.watchPatterns },
            deploy: this.deploySettings(i),
        };
    }

    /** A deployment's build or deploy log lines so far: its stages on the clock, then what tests added. */
    logLines(d: DeploymentRec, kind: LogKind): LogLine[] {
        return [...stageLines(d, kind, this.status(d), this.deployStageMs), ...this.signals.extraLinesOf(d.id, kind)];
    }

    /** The deployment serving the service at `at` (SUCCESS or SLEEPING then), if any. */
    liveDeploymentAt(serviceId: string, environmentId: string, at: number): DeploymentRec | undefined {
        return this.deploymentsOf(serviceId, environmentId)
            .filter((d) => ["SUCCESS", "SLEEPING", "REMOVING"].includes(this.status(d, at)))
            .sort((a, b) => b.createdAt - a.createdAt)[0];
    }

    seedHistory(serviceId: string, environmentId: string, count: number): DeploymentRec[] {
        const span = 5 * this.deployStageMs;
        return Array.from({ length: count }, (_, i) =>
            this.deploy(serviceId, environmentId, "deploy", undefined, {
                createdAt: this.now() - (count - i) * span - span,
            }),
        );
    }

    commitsOf(repo: string, branch: string): string[] {
        const k = `${repo}#${branch}`;
        if (!this.commits.has(k)) this.commits.set(k, [headCommit(repo, branch)]);
        return this.commits.get(k)!;
    }

    /**
     * A push to a branch: a new head commit, deployed wherever a trigger follows that branch; where
     * the trigger has Check Suites on, the deployment waits (WAITING) for {@link checksConcluded}.
     */
    push(repo: string, branch: string, sha: string): DeploymentRec[] {
        this.commitsOf(repo, branch).push(sha);
        const made: DeploymentRec[] = [];
        for (const t of this.triggers.values()) {
            if (t.repository === repo && t.branch === branch && this.hasInstance(t.serviceId, t.environmentId))
                made.push(
                    this.deploy(
                        t.serviceId,
                        t.environmentId,
                        "push",
                        sha,
                        t.checkSuites ? { heldForChecks: true } : {},
                    ),
                );
        }
        return made;
    }

    /**
     * The commit's GitHub workflows finished (what GitHub tells Railway): the deployments held for
     * them proceed when all passed, and are skipped when one failed (Railway's docs, "Check Suites").
     */
    checksConcluded(sha: string, passed: boolean): DeploymentRec[] {
        const held = [...this.deployments.values()].filter((d) => d.heldForChecks && d.commitHash === sha);
        for (const d of held) {
            d.heldForChecks = false;
            if (passed) d.createdAt = Math.max(this.now(), d.createdAt);
            else d.skipped = true;
        }
        return held;
    }

    deploymentsOf(serviceId: string, environmentId: string): DeploymentRec[] {
        return [...this.deployments.values()].filter(
            (d) => d.serviceId === serviceId && d.environmentId === environmentId,
        );
    }

    deployment(id: string): DeploymentRec {
        const d = this.deployments.get(id);
        if (!d) throw notFound("Deployment");
        return d;
    }

    /** When a deployment went live (its stage clock reached SUCCESS), or undefined if it never did. */
    private wentLiveAt(d: DeploymentRec, now: number): number | undefined {
        if (d.fixedStatus)
            return ["SUCCESS", "SLEEPING", "REMOVED", "REMOVING"].includes(d.fixedStatus) ? d.createdAt : undefined;
        if (d.skipped || d.outcome) return undefined;
        const at = d.createdAt + 3 * this.deployStageMs;
        return now >= at ? at : undefined;
    }

    /**
     * INITIALIZING → BUILDING → DEPLOYING → SUCCESS on the clock (a sleeping app then SLEEPING); a
     * failed build is FAILED, a crashing start CRASHED; superseded while building, SKIPPED; replaced by
     * a newer live deployment, REMOVING and then REMOVED.
     */
    status(d: DeploymentRec, now = this.now()): string {
        if (d.fixedStatus) return d.fixedStatus;
        if (d.removed) return "REMOVED";
        if (d.skipped) return "SKIPPED";
        if (d.heldForChecks) return "WAITING";
        const st = this.deployStageMs;
        const t = now - d.createdAt;
        if (t < st) return "INITIALIZING";
        if (t < 2 * st) return "BUILDING";
        if (d.outcome === "FAILED") return "FAILED";
        if (t < 3 * st) return "DEPLOYING";
        if (d.outcome === "CRASHED") return "CRASHED";
        const live = d.createdAt + 3 * st;
        const replacedAt = this.deploymentsOf(d.serviceId, d.environmentId)
            .filter((o) => o !== d && o.createdAt > d.createdAt)
            .map((o) => this.wentLiveAt(o, now))
            .filter((at): at is number => at !== undefined && at >= live)
            .sort((a, b) => a - b)[0];
        if (replacedAt !== undefined) return now - replacedAt < st ? "REMOVING" : "REMOVED";
        if ((d.manifest.deploy as { sleepApplication?: boolean })?.sleepApplication && t >= 5 * st) return "SLEEPING";
        return "SUCCESS";
    }

    /** Railway can roll back to a deployment that was live, is no longer, and is within image retention. */
    canRollback(d: DeploymentRec): boolean {
        const s = this.status(d);
        return (
            (s === "REMOVED" || s === "REMOVING") &&
            this.wentLiveAt(d, this.now()) !== undefined &&
            this.now() - d.createdAt <= this.rollbackRetentionMs
        );
    }

    /**
     * deploymentRollback: a new deployment of the target's image and settings, and the target's
     * variables restored on the service (so they no longer match what was last applied).
     */
    rollback(id: string): DeploymentRec {
        const target = this.deployment(id);
        if (!this.canRollback(target)) throw badInput("Deployment cannot be rolled back");
        this.variables.set(key(target.serviceId, target.environmentId), { ...target.variables });
        const last = Math.max(0, ...[...this.deployments.values()].map((d) => d.createdAt));
        for (const d of this.deploymentsOf(target.serviceId, target.environmentId)) {
            if (["INITIALIZING", "BUILDING"].includes(this.status(d))) d.skipped = true;
        }
        const d: DeploymentRec = {
            ...structuredClone(target),
            id: randomUUID(),
            createdAt: Math.max(this.now(), last + 1),
            fixedStatus: undefined,
            skipped: undefined,
            // A rollback is a deployment too: it can fail (a test asks for it the same way).
            ...(({ outcome, lines }) => ({ outcome, outcomeLines: lines }))(this.takeOutcome(target.serviceId)),
            reason: "rollback",
            rollbackOf: target.id,
        };
        this.deployments.set(d.id, d);
        return d;
    }

    /** Railway's `meta` of a deployment. */
    meta(d: DeploymentRec): Record<string, unknown> {
        return {
            reason: d.reason,
            serviceManifest: d.manifest,
            ...(d.image ? { image: d.image } : {}),
            ...(d.repo ? { repo: d.repo, branch: d.branch, commitHash: d.commitHash } : {}),
            ...(d.rollbackOf ? { rollbackTargetDeploymentId: d.rollbackOf } : {}),
        };
    }

    // ---- out-of-band edits (drift) ----

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
