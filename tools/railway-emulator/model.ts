/**
 * The emulator's records of one Railway account (what each Railway object holds), its clocks, and
 * the errors Railway answers with. The rules over them are the store's (store/).
 */
import { createHash } from "crypto";
import { GraphQLError } from "graphql";
import { RAILWAY_REGIONS, RAILWAY_VOLUMES_PER_PROJECT } from "../../config/railway-limits";

export interface Clock {
    now(): number;
}

export const realClock: Clock = { now: () => Date.now() };

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
    /** Railway's own PR environments (`prDeploys`), and their two variants; stored, read back, no more. */
    prDeploys: boolean;
    botPrEnvironments: boolean;
    focusedPrEnvironments: boolean;
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
    /**
     * A duplicate whose copy Railway is still making (`environmentStagedChanges` says APPLYING): its
     * services, variables and volumes arrive at `readyAt`, and nothing can be written into it before.
     */
    applying?: { from: string; readyAt: number; deploy: boolean };
    /** Why the copy into this duplicate failed (`EnvironmentPatch.lastAppliedError`). */
    applyError?: string;
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
/** A TCP proxy in front of one service's port in one environment (Railway's `TCPProxy`). */
export interface TcpProxyRec {
    id: string;
    projectId: string;
    environmentId: string;
    serviceId: string;
    applicationPort: number;
    proxyPort: number;
    domain: string;
    createdAt: number;
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
    /**
     * The build it runs (Railway's `snapshotId`): a new one per build; a rollback runs its target's
     * again (no rebuild). Build logs are tagged with it.
     */
    snapshotId: string;
    /** What it runs: the image, or the repository, branch and commit. */
    image?: string;
    repo?: string;
    branch?: string;
    commitHash?: string;
    /** Code uploaded by `railway up` (upload.ts): its files and size, and the deploy's message. */
    upload?: { files: string[]; bytes: number; message?: string };
    /** The deployment this one rolled back to, if it is a rollback. */
    rollbackOf?: string;
    reason: "deploy" | "redeploy" | "rollback" | "duplicate" | "push" | "restart" | "up";
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
        `the Railway emulator does not model ${what} (docs/emulator-and-fakes.md "The local Railway emulator" lists what it models)`,
        { extensions: { code: NOT_MODELLED } },
    );

export const key = (serviceId: string, environmentId: string) => `${serviceId}:${environmentId}`;

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
    /**
     * How long Railway takes to copy a source environment into a duplicate (default 0: at once). The
     * environment exists, by name, from the start; its copy lands when the time is up.
     */
    duplicateMs?: number;
}

/** The workspace every emulator has (the committed `local` stack's). */
export const DEFAULT_WORKSPACE = "local-workspace";
