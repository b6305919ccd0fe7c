/**
 * Root resolvers for the operations the project (and Railway's CLI, for the ones modelled) uses.
 * Objects returned carry plain fields, and functions for fields that take arguments (graphql-js
 * calls those with the field's arguments and the request's context). Every resolver checks what
 * the caller's token may do before acting.
 */
import { randomUUID } from "crypto";
import { RAILWAY_REGIONS } from "../../config/railway-limits";
import { Access } from "./auth";
import { connection, PageArgs } from "./connection";
import { applyPatch, configEtag, environmentConfig, mergePatch } from "./config";
import { badInput, DeploymentRec, EmulatorStore, notFound, notModelled } from "./store";
import { durationMetrics, HttpRecord, httpLogView, LogKind, logView, metricsByStatus, metricsView } from "./signals";

type Args = Record<string, any>;
export interface RequestContext {
    access: Access;
}

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export function makeRoot(store: EmulatorStore, maxPageSize: number): Record<string, unknown> {
    const page = <T extends { id: string }>(items: T[], args: PageArgs) => connection(items, args, maxPageSize);
    const iso = (t: number | undefined) => (t === undefined ? null : store.iso(t));

    const projectView = (id: string) => {
        const p = store.project(id, { includeDeleted: true });
        return {
            id: p.id,
            name: p.name,
            description: p.description ?? null,
            workspaceId: p.workspaceId ?? null,
            workspace: () => (p.workspaceId ? workspaceView(p.workspaceId) : null),
            baseEnvironmentId: null,
            primaryEnvironmentId: store.liveEnvironments(id)[0]?.id ?? null,
            // Buckets are not modelled: a project has none.
            buckets: (args: PageArgs) => page([], args),
            createdAt: iso(p.createdAt),
            updatedAt: iso(p.createdAt),
            deletedAt: iso(p.deletedAt),
            isPublic: false,
            isTempProject: false,
            prDeploys: false,
            botPrEnvironments: false,
            focusedPrEnvironments: false,
            environments: (args: PageArgs & { isEphemeral?: boolean }) =>
                page(
                    store
                        .liveEnvironments(id)
                        .filter(
                            (e) =>
                                args.isEphemeral === undefined ||
                                args.isEphemeral === null ||
                                e.ephemeral === args.isEphemeral,
                        )
                        .map((e) => envView(e.id)),
                    args,
                ),
            services: (args: PageArgs) =>
                page(
                    [...store.services.values()].filter((s) => s.projectId === id).map((s) => serviceView(s.id)),
                    args,
                ),
            volumes: (args: PageArgs) =>
                page(
                    [...store.volumes.values()]
                        .filter((v) => v.projectId === id && !v.deletionRequestedAt)
                        .map((v) => volumeView(v.id)),
                    args,
                ),
        };
    };
    const workspaceView = (id: string) => {
        const w = store.workspace(id);
        return { id: w.id, name: w.name };
    };
    const envView = (id: string): { id: string } & Record<string, unknown> => {
        const e = store.environment(id, { includeDeleted: true });
        return {
            id: e.id,
            name: e.name,
            projectId: e.projectId,
            createdAt: iso(e.createdAt),
            updatedAt: iso(e.createdAt),
            deletedAt: iso(e.deletedAt),
            isEphemeral: e.ephemeral,
            canAccess: true,
            sourceEnvironment: () => (e.sourceEnvironmentId ? envView(e.sourceEnvironmentId) : null),
            volumeInstances: (args: PageArgs) => {
                store.sweepVolumes();
                return page(
                    [...store.volumeInstances.values()]
                        .filter((v) => v.environmentId === id)
                        .map((v) => volumeInstanceView(v.id)),
                    args,
                );
            },
            serviceInstances: (args: PageArgs) =>
                page(
                    [...store.instances.keys()]
                        .filter((k) => k.endsWith(`:${id}`))
                        .map((k) => instanceView(k.split(":")[0], id)),
                    args,
                ),
            config: ({ decryptVariables }: { decryptVariables?: boolean }) =>
                environmentConfig(store, id, !!decryptVariables),
            configEtag: () => configEtag(store, id),
            unmergedChangesCount: () =>
                store.staged.has(id) ? Object.keys((store.staged.get(id)!.patch.services as object) ?? {}).length : 0,
            meta: null,
            // Names and metadata of the environment's variables, never their values.
            variables: (args: PageArgs) =>
                page(
                    [...store.variables.entries()]
                        .filter(([k]) => k.endsWith(`:${id}`))
                        .flatMap(([k, vars]) =>
                            Object.keys(vars).map((name) => ({
                                id: `${k}:${name}`,
                                name,
                                serviceId: k.split(":")[0],
                                environmentId: id,
                                isSealed: false,
                                references: [...vars[name].matchAll(/\$\{\{\s*([^}]+?)\s*\}\}/g)].map((m) => m[1]),
                                createdAt: iso(e.createdAt),
                                updatedAt: iso(e.createdAt),
                            })),
                        ),
                    args,
                ),
        };
    };
    const serviceView = (id: string) => {
        const s = store.service(id);
        return {
            id: s.id,
            name: s.name,
            projectId: s.projectId,
            createdAt: iso(s.createdAt),
            updatedAt: iso(s.createdAt),
            deletedAt: null,
            icon: null,
            featureFlags: [],
            isRestricted: false,
            templateId: null,
            serviceInstances: (args: PageArgs) =>
                page(
                    [...store.instances.keys()]
                        .filter((k) => k.startsWith(`${id}:`))
                        .map((k) => instanceView(id, k.split(":")[1])),
                    args,
                ),
        };
    };
    const instanceView = (serviceId: string, environmentId: string) => {
        const i = store.instance(serviceId, environmentId);
        const regions = Object.entries(i.multiRegionConfig);
        const latest = store.deploymentsOf(serviceId, environmentId).sort((a, b) => b.createdAt - a.createdAt)[0];
        return {
            id: `${serviceId}:${environmentId}`,
            serviceId,
            environmentId,
            serviceName: store.service(serviceId).name,
            createdAt: iso(i.createdAt),
            updatedAt: iso(i.createdAt),
            source: i.source ? { image: i.source.image ?? null, repo: i.source.repo ?? null } : null,
            rootDirectory: i.rootDirectory ?? null,
            startCommand: i.startCommand ?? null,
            buildCommand: i.buildCommand ?? null,
            preDeployCommand: i.preDeployCommand ?? null,
            watchPatterns: i.watchPatterns ?? [],
            healthcheckPath: i.healthcheckPath ?? null,
            healthcheckTimeout: i.healthcheckTimeout ?? null,
            restartPolicyType: i.restartPolicyType,
            restartPolicyMaxRetries: i.restartPolicyMaxRetries,
            sleepApplication: i.sleepApplication ?? null,
            cronSchedule: i.cronSchedule ?? null,
            overlapSeconds: i.overlapSeconds ?? null,
            drainingSeconds: i.drainingSeconds ?? null,
            deletedAt: null,
            upstreamUrl: null,
            nextCronRunAt: null,
            railwayConfigFile: null,
            dockerfilePath: null,
            // The deployments serving traffic now.
            activeDeployments: () =>
                store
                    .deploymentsOf(serviceId, environmentId)
                    .filter((d) => ["SUCCESS", "SLEEPING"].includes(store.status(d)))
                    .map(deploymentView),
            builder: "RAILPACK",
            isUpdatable: true,
            hasEverDeployed: !!latest,
            // As Railway: single-region forms are null when regions come from multi-region config.
            numReplicas: regions.length === 1 ? regions[0][1].numReplicas : null,
            region: regions.length === 1 ? regions[0][0] : null,
            latestDeployment: latest ? deploymentView(latest) : null,
        };
    };
    const deploymentLogLines = (args: Args, ctx: RequestContext, kind: LogKind) => {
        const d = store.deployment(args.deploymentId);
        ctx.access.environment(d.projectId, d.environmentId);
        return logView(
            store.logLines(d, kind),
            { deploymentId: d.id, environmentId: d.environmentId, projectId: d.projectId, serviceId: d.serviceId },
            args,
        );
    };
    /** The requests to a service in an environment over [startDate, endDate], with the filters Railway takes. */
    const httpRecords = (args: Args, ctx: RequestContext): HttpRecord[] => {
        ctx.access.environment(projectOfService(args.serviceId), args.environmentId);
        const start = Date.parse(args.startDate);
        const end = Date.parse(args.endDate);
        if (!(end > start)) throw badInput("endDate must be after startDate");
        return store.signals
            .requestsOf(args.serviceId, args.environmentId, start, end)
            .filter(
                (r) =>
                    (!args.method || r.method === args.method) &&
                    (!args.path || r.path === args.path) &&
                    (args.statusCode == null || r.status === args.statusCode),
            );
    };
    const stepSecondsOf = (args: Args) => {
        const step = args.stepSeconds ?? 60;
        if (!Number.isInteger(step) || step < 1) throw badInput("stepSeconds must be a positive whole number");
        return step;
    };

    const deploymentView = (d: DeploymentRec) => ({
        id: d.id,
        status: store.status(d),
        createdAt: iso(d.createdAt),
        updatedAt: iso(d.createdAt),
        statusUpdatedAt: iso(d.createdAt),
        canRollback: store.canRollback(d),
        canRedeploy: true,
        serviceId: d.serviceId,
        environmentId: d.environmentId,
        projectId: d.projectId,
        staticUrl: store.services.has(d.serviceId)
            ? `${store.service(d.serviceId).name}-${d.environmentId.slice(0, 6)}.up.railway.app`
            : null,
        url: null,
        deploymentStopped: false,
        suggestAddServiceDomain: false,
        snapshotId: null,
        meta: store.meta(d),
        // One instance per replica while it runs.
        instances: () => {
            const status = store.status(d);
            const running =
                status === "SUCCESS"
                    ? "RUNNING"
                    : status === "CRASHED"
                      ? "CRASHED"
                      : status === "REMOVED"
                        ? "REMOVED"
                        : status === "SLEEPING"
                          ? "STOPPED"
                          : "INITIALIZING";
            const replicas = Object.values(
                (d.manifest.deploy as { multiRegionConfig?: Record<string, { numReplicas: number }> })
                    .multiRegionConfig ?? {},
            ).reduce((a, r) => a + r.numReplicas, 0);
            return Array.from({ length: Math.max(1, replicas) }, (_, n) => ({ id: `${d.id}-${n}`, status: running }));
        },
        service: () => serviceView(d.serviceId),
        environment: () => envView(d.environmentId),
    });
    const domainView = (id: string) => {
        const d = store.domains.get(id);
        if (!d) throw notFound(d === undefined ? "Domain" : "Domain");
        const base = {
            ...d,
            createdAt: iso(d.createdAt),
            updatedAt: iso(d.createdAt),
            deletedAt: null,
            syncStatus: "ACTIVE",
            targetPort: d.targetPort ?? null,
        };
        if (!d.custom) return { ...base, suffix: "up.railway.app" };
        return {
            ...base,
            isRailwayDomain: false,
            status: {
                verified: false,
                certificateStatus: "CERTIFICATE_STATUS_TYPE_VALIDATING_OWNERSHIP",
                verificationDnsHost: `_railway-verify.${d.domain}`,
                verificationToken: `railway-verify=${d.id.slice(0, 12)}`,
                dnsRecords: [
                    {
                        hostlabel: d.domain.split(".")[0],
                        fqdn: d.domain,
                        recordType: "DNS_RECORD_TYPE_CNAME",
                        requiredValue: `${d.id.slice(0, 8)}.up.railway.app`,
                        currentValue: "",
                        status: "DNS_RECORD_STATUS_REQUIRES_UPDATE",
                        zone: d.domain.split(".").slice(1).join("."),
                        purpose: "DNS_RECORD_PURPOSE_TRAFFIC_ROUTE",
                    },
                ],
            },
        };
    };
    const volumeView = (id: string) => {
        const v = store.volumes.get(id);
        if (!v) throw notFound("Volume");
        return {
            id: v.id,
            name: v.name,
            projectId: v.projectId,
            createdAt: iso(v.createdAt),
            project: () => projectView(v.projectId),
            volumeInstances: (args: PageArgs) => {
                store.sweepVolumes();
                return page(
                    [...store.volumeInstances.values()]
                        .filter((i) => i.volumeId === id)
                        .map((i) => volumeInstanceView(i.id)),
                    args,
                );
            },
        };
    };
    const volumeInstanceView = (id: string) => {
        const v = store.volumeInstances.get(id)!;
        const pending = store.volumes.get(v.volumeId)?.deletionRequestedAt !== undefined;
        return {
            ...v,
            createdAt: iso(v.createdAt),
            currentSizeMB: 0,
            isPendingDeletion: pending,
            state: pending ? "DELETING" : "READY",
            deletedAt: null,
            externalId: null,
        };
    };
    const triggerView = (t: ReturnType<typeof store.trigger>) =>
        t && { ...t, validCheckSuites: 0, baseEnvironmentOverrideId: null };
    const projectTokenView = (id: string) => {
        const t = store.projectTokens.get(id);
        if (!t) throw notFound("ProjectToken");
        return {
            id: t.id,
            name: t.name,
            projectId: t.projectId,
            environmentId: t.environmentId,
            createdAt: iso(t.createdAt),
            // Railway shows a token's first characters only.
            displayToken: `${t.token.slice(0, 4)}…`,
            project: () => projectView(t.projectId),
            environment: () => envView(t.environmentId),
        };
    };
    const stagedView = (environmentId: string) => {
        const st = store.staged.get(environmentId)!;
        return {
            id: st.id,
            environmentId,
            createdAt: iso(st.createdAt),
            updatedAt: iso(st.updatedAt),
            status: "STAGED",
            message: st.message ?? null,
            lastAppliedError: null,
            appliedAt: null,
            patch: () => structuredClone(st.patch),
            environment: () => envView(environmentId),
        };
    };
    /**
     * A service's variables as its deployment sees them: references to another service's variable
     * in the same environment (`${{web.PORT}}`) resolved, and Railway's own RAILWAY_* variables added.
     * A reference to nothing renders empty, as Railway does.
     */
    const renderVariables = (serviceId: string, environmentId: string): Record<string, string> => {
        const env = store.environment(environmentId);
        const byName = new Map(
            [...store.services.values()].filter((x) => x.projectId === env.projectId).map((x) => [x.name, x.id]),
        );
        const resolve = (value: string, depth: number): string =>
            value.replace(/\$\{\{\s*([^}.]+)\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_m, svc: string, name: string) => {
                const other = byName.get(svc);
                const raw =
                    other && store.hasInstance(other, environmentId)
                        ? store.vars(other, environmentId)[name]
                        : undefined;
                return raw === undefined || depth > 5 ? "" : resolve(raw, depth + 1);
            });
        const own = store.vars(serviceId, environmentId);
        return {
            RAILWAY_PROJECT_ID: env.projectId,
            RAILWAY_ENVIRONMENT_ID: env.id,
            RAILWAY_ENVIRONMENT_NAME: env.name,
            RAILWAY_SERVICE_ID: serviceId,
            RAILWAY_SERVICE_NAME: store.service(serviceId).name,
            ...Object.fromEntries(Object.entries(own).map(([k, v]) => [k, resolve(v, 0)])),
        };
    };
    const projectOfService = (serviceId: string) => store.service(serviceId).projectId;
    const projectOfEnv = (environmentId: string) => store.environment(environmentId).projectId;

    return {
        // ---- projects ----
        projectCreate: ({ input }: Args, ctx: RequestContext) => {
            ctx.access.account();
            return projectView(store.createProject(input).id);
        },
        project: ({ id }: Args, ctx: RequestContext) => {
            ctx.access.project(id);
            return projectView(id);
        },
        projects: (args: Args, ctx: RequestContext) => {
            ctx.access.account();
            const list = [...store.projects.values()].filter(
                (p) =>
                    (!args.workspaceId || p.workspaceId === args.workspaceId) &&
                    (args.includeDeleted || p.deletedAt === undefined),
            );
            return page(
                list.map((p) => projectView(p.id)),
                args,
            );
        },
        projectUpdate: ({ id, input }: Args, ctx: RequestContext) => {
            ctx.access.account();
            const p = store.project(id);
            if (input.name !== undefined && input.name !== null) p.name = input.name;
            if (input.description !== undefined) p.description = input.description ?? undefined;
            return projectView(id);
        },
        projectDelete: ({ id }: Args, ctx: RequestContext) => {
            ctx.access.account();
            store.deleteProject(id);
            return true;
        },
        me: (_: Args, ctx: RequestContext) => {
            // A project token has no user behind it.
            ctx.access.account();
            return {
                id: "emulator-user",
                name: "Emulator User",
                email: "user@emulator.invalid",
                username: "emulator",
                workspaces: [...store.workspaces.keys()].map(workspaceView),
            };
        },
        projectToken: (_: Args, ctx: RequestContext) => {
            const p = ctx.access.principal;
            if (p.kind !== "project") throw badInput("projectToken needs a project token (Project-Access-Token)");
            return projectTokenView(p.tokenId);
        },
        projectTokens: (args: Args, ctx: RequestContext) => {
            ctx.access.account();
            store.project(args.projectId);
            return page(
                [...store.projectTokens.values()]
                    .filter((t) => t.projectId === args.projectId)
                    .map((t) => projectTokenView(t.id)),
                args,
            );
        },
        projectTokenCreate: ({ input }: Args, ctx: RequestContext) => {
            ctx.access.account();
            store.project(input.projectId);
            if (!String(input.name ?? "").trim()) throw badInput("A project token needs a name");
            return store.mintProjectToken({
                projectId: input.projectId,
                environmentId: input.environmentId,
                name: input.name,
            }).token;
        },
        projectTokenDelete: ({ id }: Args, ctx: RequestContext) => {
            ctx.access.account();
            if (!store.projectTokens.delete(id)) throw notFound("ProjectToken");
            return true;
        },
        regions: () => RAILWAY_REGIONS.map((r) => ({ name: r, region: r, id: r, country: "", location: r })),

        // ---- environments ----
        environmentCreate: ({ input }: Args, ctx: RequestContext) => {
            ctx.access.account();
            return envView(store.createEnvironment(input).id);
        },
        environment: ({ id, projectId }: Args, ctx: RequestContext) => {
            const e = store.environment(id, { includeDeleted: true });
            if (projectId && e.projectId !== projectId) throw notFound("Environment");
            ctx.access.environment(e.projectId, e.id);
            return envView(id);
        },
        environmentRename: ({ id, input }: Args, ctx: RequestContext) => {
            ctx.access.account();
            const e = store.environment(id);
            if (store.liveEnvironments(e.projectId).some((o) => o.name === input.name && o.id !== id))
                throw badInput(`Environment ${input.name} already exists`);
            e.name = input.name;
            return envView(id);
        },
        environmentDelete: ({ id }: Args, ctx: RequestContext) => {
            ctx.access.account();
            store.deleteEnvironment(id);
            return true;
        },
        environments: (args: Args, ctx: RequestContext) => {
            ctx.access.project(args.projectId);
            store.project(args.projectId);
            return page(
                store
                    .liveEnvironments(args.projectId)
                    .filter(
                        (e) =>
                            args.isEphemeral === undefined ||
                            args.isEphemeral === null ||
                            e.ephemeral === args.isEphemeral,
                    )
                    .filter(
                        (e) => ctx.access.principal.kind === "account" || ctx.access.principal.environmentId === e.id,
                    )
                    .map((e) => envView(e.id)),
                args,
            );
        },

        // ---- environment config patches (what Railway's CLI and its IaC send) ----
        environmentPatchCommit: ({ environmentId, patch }: Args, ctx: RequestContext) => {
            ctx.access.environment(projectOfEnv(environmentId), environmentId);
            // Railway's CLI stages instead of committing while an environment has staged changes;
            // a commit then would publish them too. Refused here, so that nobody's staged work goes out unseen.
            if (store.staged.has(environmentId))
                throw badInput(
                    "This environment has staged changes: commit or discard them first (environmentPatchCommitStaged)",
                );
            for (const serviceId of applyPatch(store, environmentId, patch ?? {}))
                store.tryDeploy(serviceId, environmentId, "deploy");
            return randomUUID();
        },
        environmentStageChanges: ({ environmentId, input, merge }: Args, ctx: RequestContext) => {
            ctx.access.environment(projectOfEnv(environmentId), environmentId);
            if (!input || typeof input !== "object" || Array.isArray(input))
                throw badInput("The staged patch must be an object");
            const now = store.now();
            const prior = store.staged.get(environmentId);
            const next = prior && merge ? mergePatch(prior.patch, input) : structuredClone(input);
            store.staged.set(environmentId, {
                id: prior?.id ?? randomUUID(),
                environmentId,
                patch: next,
                createdAt: prior?.createdAt ?? now,
                updatedAt: now,
            });
            return stagedView(environmentId);
        },
        environmentStagedChanges: ({ environmentId }: Args, ctx: RequestContext) => {
            ctx.access.environment(projectOfEnv(environmentId), environmentId);
            store.environment(environmentId);
            if (!store.staged.has(environmentId)) {
                const now = store.now();
                return {
                    id: `none-${environmentId}`,
                    environmentId,
                    createdAt: iso(now),
                    updatedAt: iso(now),
                    status: "COMMITTED",
                    message: null,
                    lastAppliedError: null,
                    appliedAt: null,
                    patch: () => ({}),
                    environment: () => envView(environmentId),
                };
            }
            return stagedView(environmentId);
        },
        environmentPatchCommitStaged: ({ environmentId, skipDeploys }: Args, ctx: RequestContext) => {
            ctx.access.environment(projectOfEnv(environmentId), environmentId);
            const staged = store.staged.get(environmentId);
            if (!staged) throw badInput("This environment has no staged changes");
            const changed = applyPatch(store, environmentId, staged.patch);
            store.staged.delete(environmentId);
            if (!skipDeploys) for (const serviceId of changed) store.tryDeploy(serviceId, environmentId, "deploy");
            return randomUUID();
        },

        // ---- services ----
        serviceCreate: ({ input }: Args, ctx: RequestContext) => {
            ctx.access.environment(input.projectId, input.environmentId);
            return serviceView(store.createService(input).id);
        },
        service: ({ id }: Args, ctx: RequestContext) => {
            ctx.access.project(projectOfService(id));
            return serviceView(id);
        },
        serviceUpdate: ({ id, input }: Args, ctx: RequestContext) => {
            ctx.access.account();
            const s = store.service(id);
            if (input.name !== undefined && input.name !== null) {
                store.checkServiceName(input.name);
                if (
                    [...store.services.values()].some(
                        (o) => o.projectId === s.projectId && o.name === input.name && o.id !== id,
                    )
                )
                    throw badInput(`A service named "${input.name}" already exists in this project`);
                s.name = input.name;
            }
            return serviceView(id);
        },
        serviceDelete: ({ id, environmentId }: Args, ctx: RequestContext) => {
            ctx.access.environment(projectOfService(id), environmentId);
            store.deleteService(id, environmentId);
            return true;
        },
        serviceConnect: ({ id, input }: Args, ctx: RequestContext) => {
            ctx.access.account();
            const s = store.service(id);
            // Connecting a source deploys it, in every environment the service is in (no environment argument).
            for (const env of store.scope(s.projectId, null)) {
                if (!store.hasInstance(id, env.id)) continue;
                store.instance(id, env.id).source = input.image ? { image: input.image } : { repo: input.repo };
                if (input.repo) store.setTrigger(id, env.id, input.repo, input.branch ?? "main");
                store.tryDeploy(id, env.id, "deploy");
            }
            return serviceView(id);
        },

        serviceDisconnect: ({ id }: Args, ctx: RequestContext) => {
            ctx.access.account();
            const s = store.service(id);
            // No environment argument: the source goes from every instance of the service.
            for (const env of store.scope(s.projectId, null)) {
                if (!store.hasInstance(id, env.id)) continue;
                store.instance(id, env.id).source = undefined;
                const t = store.trigger(id, env.id);
                if (t) store.triggers.delete(t.id);
            }
            return serviceView(id);
        },

        // ---- per-environment settings ----
        serviceInstance: ({ serviceId, environmentId }: Args, ctx: RequestContext) => {
            ctx.access.environment(projectOfService(serviceId), environmentId);
            return instanceView(serviceId, environmentId);
        },
        serviceInstanceUpdate: ({ serviceId, environmentId, input }: Args, ctx: RequestContext) => {
            ctx.access.environment(projectOfService(serviceId), environmentId);
            store.updateInstance(serviceId, environmentId, input);
            return true;
        },
        deploymentTriggers: (args: Args, ctx: RequestContext) => {
            ctx.access.environment(args.projectId, args.environmentId);
            const t = store.trigger(args.serviceId, args.environmentId);
            return page(t ? [triggerView(t)!] : [], args);
        },
        deploymentTriggerCreate: ({ input }: Args, ctx: RequestContext) => {
            ctx.access.environment(input.projectId, input.environmentId);
            store.instance(input.serviceId, input.environmentId);
            if (store.trigger(input.serviceId, input.environmentId))
                throw badInput("A deployment trigger already exists for this service and environment");
            if (!/^[\w.-]+\/[\w.-]+$/.test(input.repository)) throw badInput(`Invalid repository: ${input.repository}`);
            const t = store.setTrigger(input.serviceId, input.environmentId, input.repository, input.branch);
            t.checkSuites = input.checkSuites === true;
            return triggerView(t);
        },
        deploymentTriggerUpdate: ({ id, input }: Args, ctx: RequestContext) => {
            const t = store.triggers.get(id);
            if (!t) throw notFound("DeploymentTrigger");
            ctx.access.environment(t.projectId, t.environmentId);
            if (input.branch) t.branch = input.branch;
            if (input.repository) t.repository = input.repository;
            if (typeof input.checkSuites === "boolean") t.checkSuites = input.checkSuites;
            return triggerView(t);
        },
        deploymentTriggerDelete: ({ id }: Args, ctx: RequestContext) => {
            const t = store.triggers.get(id);
            if (!t) throw notFound("DeploymentTrigger");
            ctx.access.environment(t.projectId, t.environmentId);
            store.triggers.delete(id);
            return true;
        },

        // ---- variables ----
        variablesForServiceDeployment: ({ projectId, environmentId, serviceId }: Args, ctx: RequestContext) => {
            ctx.access.environment(projectId, environmentId);
            const env = store.environment(environmentId);
            if (env.projectId !== projectId) throw notFound("Environment");
            store.instance(serviceId, environmentId);
            return renderVariables(serviceId, environmentId);
        },
        variables: ({ projectId, environmentId, serviceId }: Args, ctx: RequestContext) => {
            ctx.access.environment(projectId, environmentId);
            if (!serviceId) throw badInput("Shared variables are not modelled by this emulator: pass serviceId");
            store.instance(serviceId, environmentId);
            return { ...store.vars(serviceId, environmentId) };
        },
        variableCollectionUpsert: ({ input }: Args, ctx: RequestContext) => {
            ctx.access.environment(input.projectId, input.environmentId);
            store.upsertVariables(input);
            return true;
        },
        variableDelete: ({ input }: Args, ctx: RequestContext) => {
            ctx.access.environment(input.projectId, input.environmentId);
            store.deleteVariable(input);
            return true;
        },

        // ---- domains ----
        domains: ({ projectId, environmentId, serviceId }: Args, ctx: RequestContext) => {
            ctx.access.environment(projectId, environmentId);
            const all = [...store.domains.values()].filter(
                (d) => d.serviceId === serviceId && d.environmentId === environmentId,
            );
            return {
                serviceDomains: all.filter((d) => !d.custom).map((d) => domainView(d.id)),
                customDomains: all.filter((d) => d.custom).map((d) => domainView(d.id)),
            };
        },
        serviceDomainCreate: ({ input }: Args, ctx: RequestContext) => {
            const s = store.service(input.serviceId);
            ctx.access.environment(s.projectId, input.environmentId);
            store.instance(s.id, input.environmentId);
            store.checkPort(input.targetPort);
            const id = randomUUID();
            store.domains.set(id, {
                id,
                projectId: s.projectId,
                environmentId: input.environmentId,
                serviceId: s.id,
                domain: `${s.name}-${id.slice(0, 6)}.up.railway.app`,
                targetPort: input.targetPort ?? null,
                custom: false,
                createdAt: store.now(),
            });
            return domainView(id);
        },
        serviceDomainUpdate: ({ input }: Args, ctx: RequestContext) => {
            const d = store.domains.get(input.serviceDomainId);
            if (!d || d.custom) throw notFound("ServiceDomain");
            ctx.access.environment(d.projectId, d.environmentId);
            store.checkPort(input.targetPort);
            if (!/^[a-z0-9-]+\.up\.railway\.app$/.test(input.domain))
                throw badInput("A service domain must be <label>.up.railway.app");
            d.domain = input.domain;
            d.targetPort = input.targetPort ?? null;
            return true;
        },
        serviceDomainDelete: ({ id }: Args, ctx: RequestContext) => {
            const d = store.domains.get(id);
            if (!d || d.custom) throw notFound("ServiceDomain");
            ctx.access.environment(d.projectId, d.environmentId);
            store.domains.delete(id);
            return true;
        },
        customDomainCreate: ({ input }: Args, ctx: RequestContext) => {
            ctx.access.environment(input.projectId, input.environmentId);
            store.instance(input.serviceId, input.environmentId);
            store.checkPort(input.targetPort);
            const domain = String(input.domain).toLowerCase();
            if (!HOSTNAME.test(domain) || domain.endsWith(".up.railway.app"))
                throw badInput(`Invalid domain: ${String(input.domain).slice(0, 253)}`);
            if ([...store.domains.values()].some((d) => d.domain === domain))
                throw badInput(`Domain ${domain} is already in use`);
            const id = randomUUID();
            store.domains.set(id, {
                id,
                projectId: input.projectId,
                environmentId: input.environmentId,
                serviceId: input.serviceId,
                domain,
                targetPort: input.targetPort ?? null,
                custom: true,
                createdAt: store.now(),
            });
            return domainView(id);
        },
        customDomain: ({ id, projectId }: Args, ctx: RequestContext) => {
            const d = store.domains.get(id);
            if (!d || !d.custom || d.projectId !== projectId) throw notFound("CustomDomain");
            ctx.access.environment(d.projectId, d.environmentId);
            return domainView(id);
        },
        customDomainUpdate: ({ environmentId, id, targetPort }: Args, ctx: RequestContext) => {
            const d = store.domains.get(id);
            if (!d || !d.custom || d.environmentId !== environmentId) throw notFound("CustomDomain");
            ctx.access.environment(d.projectId, d.environmentId);
            store.checkPort(targetPort);
            d.targetPort = targetPort ?? null;
            return true;
        },
        customDomainDelete: ({ id }: Args, ctx: RequestContext) => {
            const d = store.domains.get(id);
            if (!d || !d.custom) throw notFound("CustomDomain");
            ctx.access.environment(d.projectId, d.environmentId);
            store.domains.delete(id);
            return true;
        },

        // ---- volumes ----
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

        // ---- deployments ----
        deployments: (args: Args, ctx: RequestContext) => {
            const input = args.input ?? {};
            const projectId =
                input.projectId ??
                (input.environmentId
                    ? projectOfEnv(input.environmentId)
                    : input.serviceId
                      ? projectOfService(input.serviceId)
                      : undefined);
            if (!projectId) ctx.access.account();
            else ctx.access.environment(projectId, input.environmentId);
            const wanted: string[] | undefined = input.status?.in;
            const unwanted: string[] | undefined = input.status?.notIn;
            const items = [...store.deployments.values()]
                .filter(
                    (d) =>
                        (!input.serviceId || d.serviceId === input.serviceId) &&
                        (!input.environmentId || d.environmentId === input.environmentId) &&
                        (!input.projectId || d.projectId === input.projectId),
                )
                .sort((a, b) => b.createdAt - a.createdAt)
                .map(deploymentView)
                .filter((d) => (!wanted || wanted.includes(d.status)) && (!unwanted || !unwanted.includes(d.status)));
            return page(items, args);
        },
        deployment: ({ id }: Args, ctx: RequestContext) => {
            const d = store.deployment(id);
            ctx.access.environment(d.projectId, d.environmentId);
            return deploymentView(d);
        },
        deploymentRollback: ({ id }: Args, ctx: RequestContext) => {
            const d = store.deployment(id);
            ctx.access.environment(d.projectId, d.environmentId);
            store.rollback(id);
            return true;
        },
        deploymentRedeploy: ({ id }: Args, ctx: RequestContext) => {
            const d = store.deployment(id);
            ctx.access.environment(d.projectId, d.environmentId);
            return deploymentView(store.deploy(d.serviceId, d.environmentId, "redeploy", d.commitHash));
        },
        deploymentRestart: ({ id }: Args, ctx: RequestContext) => {
            const d = store.deployment(id);
            ctx.access.environment(d.projectId, d.environmentId);
            // A restart reruns the running containers: only a live deployment has any.
            if (!["SUCCESS", "CRASHED", "SLEEPING"].includes(store.status(d)))
                throw badInput("Only a running deployment can be restarted");
            return true;
        },
        deploymentRemove: ({ id }: Args, ctx: RequestContext) => {
            const d = store.deployment(id);
            ctx.access.environment(d.projectId, d.environmentId);
            d.removed = true;
            return true;
        },
        serviceInstanceDeployV2: ({ serviceId, environmentId, commitSha }: Args, ctx: RequestContext) => {
            ctx.access.environment(projectOfService(serviceId), environmentId);
            return store.deploy(serviceId, environmentId, "deploy", commitSha ?? undefined).id;
        },
        serviceInstanceRedeploy: ({ serviceId, environmentId }: Args, ctx: RequestContext) => {
            ctx.access.environment(projectOfService(serviceId), environmentId);
            const latest = store.deploymentsOf(serviceId, environmentId).sort((a, b) => b.createdAt - a.createdAt)[0];
            store.deploy(serviceId, environmentId, "redeploy", latest?.commitHash);
            return true;
        },

        // ---- Railway's own signals (signals.ts) ----
        buildLogs: (args: Args, ctx: RequestContext) => deploymentLogLines(args, ctx, "build"),
        deploymentLogs: (args: Args, ctx: RequestContext) => deploymentLogLines(args, ctx, "deploy"),
        httpLogs: (args: Args, ctx: RequestContext) => {
            const d = store.deployment(args.deploymentId);
            ctx.access.environment(d.projectId, d.environmentId);
            const records = store.signals.http.filter((r) => r.deploymentId === d.id);
            return httpLogView(records, `${store.service(d.serviceId).name}.up.railway.app`, args.limit);
        },
        httpMetricsGroupedByStatus: (args: Args, ctx: RequestContext) =>
            metricsByStatus(httpRecords(args, ctx), stepSecondsOf(args)),
        httpDurationMetrics: (args: Args, ctx: RequestContext) =>
            durationMetrics(
                httpRecords(args, ctx),
                Date.parse(args.startDate),
                Date.parse(args.endDate),
                stepSecondsOf(args),
            ),
        metrics: (args: Args, ctx: RequestContext) => {
            if (!args.serviceId || !args.environmentId || args.groupBy?.length || args.volumeId)
                throw notModelled(
                    "metrics other than one service's in one environment (serviceId and environmentId, no groupBy)",
                );
            ctx.access.environment(projectOfService(args.serviceId), args.environmentId);
            return metricsView(
                store.signals,
                {
                    serviceId: args.serviceId,
                    environmentId: args.environmentId,
                    measurements: args.measurements,
                    startMs: Date.parse(args.startDate),
                    endMs: args.endDate ? Date.parse(args.endDate) : store.now(),
                    sampleRateSeconds: args.sampleRateSeconds,
                },
                {
                    serviceId: args.serviceId,
                    environmentId: args.environmentId,
                    projectId: projectOfService(args.serviceId),
                },
            );
        },
    };
}
