import * as pulumi from "@pulumi/pulumi";
import { RAILWAY_DEPLOY_SECONDS, RAILWAY_MAX_REPLICAS, RAILWAY_REGIONS } from "../../config/railway-limits";
import { changedKeys, createOrAdopt, gql, gqlAll, idParts, readOrGone, requiredIds } from "./api";
import { defineProvider } from "./define";
import { replaceKeys } from "./properties";
import { ensureInstance, removeInstance, withinEnvironment } from "./scope";

export type RestartPolicyType = "ALWAYS" | "ON_FAILURE" | "NEVER";

/**
 * Inputs of {@link ServiceInstance}: one service's instance and settings in one environment. Every
 * call names `environmentId`, and each write is checked to have changed no other environment
 * (scope.ts). Creating it adopts the instance Railway already made there (a service created through
 * the API has one in every environment) or makes it; deleting it removes this environment's
 * instance only, never the service or another environment's instance. Settings are stored
 * without deploying (Railway's `serviceInstanceUpdate` never deploys); a repository's branch is
 * its per-environment deployment trigger (pushes to it deploy). The deployment itself is
 * {@link ServiceDeployment}'s job, once settings, variables and volume are all in place.
 * Import ID: `<projectId>:<serviceId>:<environmentId>`.
 */
export interface ServiceInstanceArgs {
    projectId: pulumi.Input<string>;
    serviceId: pulumi.Input<string>;
    environmentId: pulumi.Input<string>;
    /**
     * A GitHub repository and branch, or a Docker image. `waitForChecks`: a push's deployment waits
     * while the commit's GitHub workflows run and is skipped if one fails (Railway's Check Suites).
     */
    source: pulumi.Input<{
        repo?: pulumi.Input<string>;
        branch?: pulumi.Input<string>;
        waitForChecks?: pulumi.Input<boolean>;
        image?: pulumi.Input<string>;
    }>;
    rootDirectory?: pulumi.Input<string>;
    startCommand?: pulumi.Input<string>;
    buildCommand?: pulumi.Input<string>;
    preDeployCommand?: pulumi.Input<pulumi.Input<string>[]>;
    watchPatterns?: pulumi.Input<pulumi.Input<string>[]>;
    healthcheckPath?: pulumi.Input<string>;
    /** Seconds Railway waits for a new deployment to answer its health check. */
    healthcheckTimeout?: pulumi.Input<number>;
    /** Replicas per region (multi-region config), e.g. `{ "us-west2": 2 }`. Total at most 50. */
    replicas: pulumi.Input<Record<string, pulumi.Input<number>>>;
    restartPolicyType?: pulumi.Input<RestartPolicyType>;
    restartPolicyMaxRetries?: pulumi.Input<number>;
    sleepApplication?: pulumi.Input<boolean>;
    cronSchedule?: pulumi.Input<string>;
    /**
     * Seconds the previous deployment keeps serving beside a new healthy one before it is stopped:
     * with `drainingSeconds`, a blue-green switch by Railway's own rules (docs/review-environments.md "Release strategies").
     */
    overlapSeconds?: pulumi.Input<number>;
    /** Seconds between SIGTERM and SIGKILL for the previous deployment's instances (in-flight requests finish). */
    drainingSeconds?: pulumi.Input<number>;
    apiUrl?: pulumi.Input<string>;
    /** Take this existing Railway resource (its import ID) into the stack instead of creating one; it must match the inputs. */
    adoptId?: string;
}

/** A service instance's settings as the provider stores them (its inputs, in Railway's shape). */
export interface InstanceState {
    projectId: string;
    serviceId: string;
    environmentId: string;
    source: { repo?: string; branch?: string; waitForChecks?: boolean; image?: string };
    rootDirectory?: string;
    startCommand?: string;
    buildCommand?: string;
    preDeployCommand?: string[];
    watchPatterns?: string[];
    healthcheckPath?: string;
    healthcheckTimeout?: number;
    replicas: Record<string, number>;
    restartPolicyType?: RestartPolicyType;
    restartPolicyMaxRetries?: number;
    sleepApplication?: boolean;
    cronSchedule?: string;
    overlapSeconds?: number;
    drainingSeconds?: number;
    apiUrl?: string;
}

/** Settings compared for drift and sent on update. */
const SETTINGS = [
    "source",
    "rootDirectory",
    "startCommand",
    "buildCommand",
    "preDeployCommand",
    "watchPatterns",
    "healthcheckPath",
    "healthcheckTimeout",
    "replicas",
    "restartPolicyType",
    "restartPolicyMaxRetries",
    "sleepApplication",
    "cronSchedule",
    "overlapSeconds",
    "drainingSeconds",
] as const;

function validate(news: InstanceState): Array<{ property: string; reason: string }> {
    const failures = requiredIds(news as unknown as Record<string, unknown>, [
        "projectId",
        "serviceId",
        "environmentId",
    ]);
    const src = news.source ?? {};
    if (!!src.image === !!src.repo)
        failures.push({
            property: "source",
            reason: "set exactly one of source.repo (with source.branch) or source.image",
        });
    if (src.repo && !src.branch)
        failures.push({ property: "source.branch", reason: "a repository source needs a branch" });
    const entries = Object.entries(news.replicas ?? {});
    const total = entries.reduce((a, [, n]) => a + n, 0);
    if (entries.length === 0 || entries.some(([, n]) => !Number.isInteger(n) || n < 1))
        failures.push({
            property: "replicas",
            reason: "give at least one region with a whole number of replicas >= 1",
        });
    for (const [region] of entries) {
        if (!(RAILWAY_REGIONS as readonly string[]).includes(region))
            failures.push({
                property: `replicas.${region}`,
                reason: `'${region}' is not a Railway region (regions: ${RAILWAY_REGIONS.join(", ")})`,
            });
    }
    if (total > RAILWAY_MAX_REPLICAS)
        failures.push({
            property: "replicas",
            reason: `${total} replicas in total; Railway allows at most ${RAILWAY_MAX_REPLICAS}`,
        });
    if (news.cronSchedule && total > 1)
        failures.push({ property: "cronSchedule", reason: "a cron service runs with exactly one replica" });
    if (news.healthcheckTimeout !== undefined && (news.healthcheckTimeout < 1 || news.healthcheckTimeout > 3600)) {
        failures.push({ property: "healthcheckTimeout", reason: "healthcheckTimeout must be 1-3600 seconds" });
    }
    for (const k of ["overlapSeconds", "drainingSeconds"] as const) {
        const v = news[k];
        if (
            v !== undefined &&
            (!Number.isInteger(v) || v < RAILWAY_DEPLOY_SECONDS.min || v > RAILWAY_DEPLOY_SECONDS.max)
        )
            failures.push({
                property: k,
                reason: `${k} must be a whole number of seconds, ${RAILWAY_DEPLOY_SECONDS.min}-${RAILWAY_DEPLOY_SECONDS.max}`,
            });
    }
    return failures;
}

async function triggerOf(apiUrl: string | undefined, projectId: string, serviceId: string, environmentId: string) {
    const triggers = await gqlAll(
        apiUrl,
        "DeploymentTriggers",
        { projectId, environmentId, serviceId },
        (d) => d.deploymentTriggers,
    );
    return triggers[0];
}

/** Stores the settings (no deployment), then points the environment's trigger at the repository's branch. */
async function apply(news: InstanceState, olds?: InstanceState): Promise<void> {
    const multiRegionConfig: Record<string, { numReplicas: number } | null> = {};
    for (const region of Object.keys(olds?.replicas ?? {})) multiRegionConfig[region] = null; // a removed region is dropped
    for (const [region, n] of Object.entries(news.replicas)) multiRegionConfig[region] = { numReplicas: n };
    await gql(news.apiUrl, "ServiceInstanceUpdate", {
        serviceId: news.serviceId,
        environmentId: news.environmentId,
        input: {
            source: news.source.image ? { image: news.source.image } : { repo: news.source.repo },
            rootDirectory: news.rootDirectory ?? null,
            startCommand: news.startCommand ?? null,
            buildCommand: news.buildCommand ?? null,
            preDeployCommand: news.preDeployCommand ?? null,
            watchPatterns: news.watchPatterns ?? [],
            healthcheckPath: news.healthcheckPath ?? null,
            healthcheckTimeout: news.healthcheckTimeout ?? null,
            multiRegionConfig,
            restartPolicyType: news.restartPolicyType ?? "ON_FAILURE",
            restartPolicyMaxRetries: news.restartPolicyMaxRetries ?? 10,
            sleepApplication: news.sleepApplication ?? false,
            cronSchedule: news.cronSchedule ?? null,
            // Unset is Railway's default (no overlap, no draining), written as such so a removal reverts.
            overlapSeconds: news.overlapSeconds ?? null,
            drainingSeconds: news.drainingSeconds ?? null,
        },
    });
    if (news.source.repo) {
        const existing = await triggerOf(news.apiUrl, news.projectId, news.serviceId, news.environmentId);
        if (!existing) {
            // Sent once: after a lost answer the environment's trigger, if it is there, is the one made.
            const repository = news.source.repo;
            await createOrAdopt<true>(
                async () => {
                    await gql(
                        news.apiUrl,
                        "DeploymentTriggerCreate",
                        {
                            input: {
                                projectId: news.projectId,
                                environmentId: news.environmentId,
                                serviceId: news.serviceId,
                                provider: "github",
                                repository,
                                branch: news.source.branch!,
                                checkSuites: news.source.waitForChecks === true,
                            },
                        },
                        { retryMutation: false },
                    );
                    return true;
                },
                async () =>
                    (await triggerOf(news.apiUrl, news.projectId, news.serviceId, news.environmentId))
                        ? true
                        : undefined,
            );
        } else if (
            existing.branch !== news.source.branch ||
            existing.repository !== news.source.repo ||
            existing.checkSuites !== (news.source.waitForChecks === true)
        ) {
            await gql(news.apiUrl, "DeploymentTriggerUpdate", {
                id: existing.id,
                input: {
                    repository: news.source.repo,
                    branch: news.source.branch,
                    checkSuites: news.source.waitForChecks === true,
                },
            });
        }
    }
}

/** What Railway has now, in the shape of the inputs (so diff compares like with like). */
async function fetchState(
    apiUrl: string | undefined,
    projectId: string,
    serviceId: string,
    environmentId: string,
): Promise<Omit<InstanceState, "apiUrl">> {
    const { serviceInstance: si } = await gql(apiUrl, "ServiceInstance", { serviceId, environmentId });
    const { environment } = await gql(apiUrl, "EnvironmentConfig", { id: environmentId });
    // An import ID naming one project and another's environment and service would put a stranger
    // in the state under the wrong project: every write after would be scoped to the wrong one.
    if (environment.projectId !== projectId)
        throw new Error(
            `railway.ServiceInstance: environment ${environmentId} belongs to project ${environment.projectId}, not ${projectId}; the import ID is <projectId>:<serviceId>:<environmentId> of one project`,
        );
    const deploy = environment.config?.services?.[serviceId]?.deploy ?? {};
    const replicas: Record<string, number> = {};
    for (const [region, cfg] of Object.entries(
        (deploy.multiRegionConfig ?? {}) as Record<string, { numReplicas?: number } | null>,
    )) {
        if (cfg?.numReplicas) replicas[region] = cfg.numReplicas;
    }
    if (Object.keys(replicas).length === 0 && si.region) replicas[si.region] = si.numReplicas ?? 1;
    const trigger = si.source?.repo ? await triggerOf(apiUrl, projectId, serviceId, environmentId) : undefined;
    const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);
    return {
        projectId,
        serviceId,
        environmentId,
        source: si.source?.image
            ? { image: si.source.image }
            : { repo: opt(si.source?.repo), branch: trigger?.branch, waitForChecks: trigger?.checkSuites || undefined },
        rootDirectory: opt(si.rootDirectory),
        startCommand: opt(si.startCommand),
        buildCommand: opt(si.buildCommand),
        preDeployCommand:
            Array.isArray(si.preDeployCommand) && si.preDeployCommand.length ? si.preDeployCommand : undefined,
        watchPatterns: si.watchPatterns?.length ? si.watchPatterns : undefined,
        healthcheckPath: opt(si.healthcheckPath),
        healthcheckTimeout: opt(si.healthcheckTimeout),
        replicas,
        restartPolicyType: si.restartPolicyType as RestartPolicyType,
        restartPolicyMaxRetries: si.restartPolicyMaxRetries,
        sleepApplication: si.sleepApplication ? true : undefined,
        cronSchedule: opt(si.cronSchedule),
        overlapSeconds: opt(si.overlapSeconds),
        drainingSeconds: opt(si.drainingSeconds),
    };
}

/** Normalises inputs the way Railway stores them, so defaults never show as a diff. */
function normalise(s: InstanceState): InstanceState {
    return {
        ...s,
        source: s.source?.image
            ? { image: s.source.image }
            : { repo: s.source?.repo, branch: s.source?.branch, waitForChecks: s.source?.waitForChecks || undefined },
        restartPolicyType: s.restartPolicyType ?? "ON_FAILURE",
        restartPolicyMaxRetries: s.restartPolicyMaxRetries ?? 10,
        preDeployCommand: s.preDeployCommand?.length ? s.preDeployCommand : undefined,
        watchPatterns: s.watchPatterns?.length ? s.watchPatterns : undefined,
        sleepApplication: s.sleepApplication ? true : undefined,
    };
}

export const serviceInstanceProvider: pulumi.dynamic.ResourceProvider = defineProvider("ServiceInstance", {
    async check(_olds, news) {
        return { inputs: news, failures: validate(news as InstanceState) };
    },
    async diff(_id, olds: InstanceState, news: InstanceState) {
        const replaces = changedKeys(olds, news, replaceKeys("ServiceInstance"));
        const changes = changedKeys(normalise(olds), normalise(news), [...SETTINGS, "apiUrl"]);
        return { changes: changes.length > 0 || replaces.length > 0, replaces, deleteBeforeReplace: false };
    },
    async create(inputs: InstanceState) {
        const news = normalise(inputs);
        await withinEnvironment(news, "the settings", async () => {
            await ensureInstance(news);
            await apply(news);
        });
        const state = await fetchState(news.apiUrl, news.projectId, news.serviceId, news.environmentId);
        return { id: `${news.serviceId}:${news.environmentId}`, outs: { ...state, apiUrl: news.apiUrl } };
    },
    async read(id, props?: InstanceState) {
        const [projectId, serviceId, environmentId] = idParts(
            id,
            ["projectId", "serviceId", "environmentId"],
            "railway.ServiceInstance",
            props?.projectId ? [props.projectId, props.serviceId, props.environmentId] : undefined,
        );
        const state = await readOrGone(() => fetchState(props?.apiUrl, projectId, serviceId, environmentId));
        if (!state) return { id: "", props: {} };
        return { id: `${serviceId}:${environmentId}`, props: { ...state, apiUrl: props?.apiUrl } };
    },
    async update(_id, olds: InstanceState, inputs: InstanceState) {
        const news = normalise(inputs);
        await withinEnvironment(news, "the settings", () => apply(news, normalise(olds)));
        const state = await fetchState(news.apiUrl, news.projectId, news.serviceId, news.environmentId);
        return { outs: { ...state, apiUrl: news.apiUrl } };
    },
    async delete(_id, props: InstanceState) {
        // This environment's instance only: the service, and its instances elsewhere, stay.
        await withinEnvironment(props, "the removal", () => removeInstance(props));
    },
});
