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
import { badInput, DeploymentRec, EmulatorStore, notFound } from "./store";

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
                        .filter((e) => args.isEphemeral === undefined || args.isEphemeral === null || e.ephemeral === args.isEphemeral)
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
                    [...store.volumes.values()].filter((v) => v.projectId === id && !v.deletionRequestedAt).map((v) => volumeView(v.id)),
                    args,
                ),
        };
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
                    [...store.volumeInstances.values()].filter((v) => v.environmentId === id).map((v) => volumeInstanceView(v.id)),
                    args,
                );
            },
            serviceInstances: (args: PageArgs) =>
                page(
                    [...store.instances.keys()].filter((k) => k.endsWith(`:${id}`)).map((k) => instanceView(k.split(":")[0], id)),
                    args,
                ),
            config: () => ({
                services: Object.fromEntries(
                    [...store.instances.keys()]
                        .filter((k) => k.endsWith(`:${id}`))
                        .map((k) => {
                            const serviceId = k.split(":")[0];
                            return [serviceId, { deploy: { multiRegionConfig: store.instance(serviceId, id).multiRegionConfig } }];
                        }),
                ),
            }),
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
            source: i.source ?? null,
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
            builder: "RAILPACK",
            isUpdatable: true,
            hasEverDeployed: !!latest,
            // As Railway: single-region forms are null when regions come from multi-region config.
            numReplicas: regions.length === 1 ? regions[0][1].numReplicas : null,
            region: regions.length === 1 ? regions[0][0] : null,
            latestDeployment: latest ? deploymentView(latest) : null,
        };
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
        staticUrl: store.services.has(d.serviceId) ? `${store.service(d.serviceId).name}-${d.environmentId.slice(0, 6)}.up.railway.app` : null,
        url: null,
        deploymentStopped: false,
        suggestAddServiceDomain: false,
        snapshotId: null,
        meta: store.meta(d),
    });
    const domainView = (id: string) => {
        const d = store.domains.get(id);
        if (!d) throw notFound(d === undefined ? "Domain" : "Domain");
        const base = { ...d, createdAt: iso(d.createdAt), updatedAt: iso(d.createdAt), deletedAt: null, syncStatus: "ACTIVE", targetPort: d.targetPort ?? null };
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
        return { id: v.id, name: v.name, projectId: v.projectId, createdAt: iso(v.createdAt) };
    };
    const volumeInstanceView = (id: string) => {
        const v = store.volumeInstances.get(id)!;
        const pending = store.volumes.get(v.volumeId)?.deletionRequestedAt !== undefined;
        return { ...v, createdAt: iso(v.createdAt), currentSizeMB: 0, isPendingDeletion: pending, state: pending ? "DELETING" : "READY", deletedAt: null, externalId: null };
    };
    const triggerView = (t: ReturnType<typeof store.trigger>) => t && { ...t, validCheckSuites: 0, baseEnvironmentOverrideId: null };
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
                (p) => (!args.workspaceId || p.workspaceId === args.workspaceId) && (args.includeDeleted || p.deletedAt === undefined),
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
            if (store.liveEnvironments(e.projectId).some((o) => o.name === input.name && o.id !== id)) throw badInput(`Environment ${input.name} already exists`);
            e.name = input.name;
            return envView(id);
        },
        environmentDelete: ({ id }: Args, ctx: RequestContext) => {
            ctx.access.account();
            store.deleteEnvironment(id);
            return true;
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
                if ([...store.services.values()].some((o) => o.projectId === s.projectId && o.name === input.name && o.id !== id))
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
            if (store.trigger(input.serviceId, input.environmentId)) throw badInput("A deployment trigger already exists for this service and environment");
            if (!/^[\w.-]+\/[\w.-]+$/.test(input.repository)) throw badInput(`Invalid repository: ${input.repository}`);
            return triggerView(store.setTrigger(input.serviceId, input.environmentId, input.repository, input.branch));
        },
        deploymentTriggerUpdate: ({ id, input }: Args, ctx: RequestContext) => {
            const t = store.triggers.get(id);
            if (!t) throw notFound("DeploymentTrigger");
            ctx.access.environment(t.projectId, t.environmentId);
            if (input.branch) t.branch = input.branch;
            if (input.repository) t.repository = input.repository;
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
            const all = [...store.domains.values()].filter((d) => d.serviceId === serviceId && d.environmentId === environmentId);
            return { serviceDomains: all.filter((d) => !d.custom).map((d) => domainView(d.id)), customDomains: all.filter((d) => d.custom).map((d) => domainView(d.id)) };
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
            if (!/^[a-z0-9-]+\.up\.railway\.app$/.test(input.domain)) throw badInput("A service domain must be <label>.up.railway.app");
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
            if (!HOSTNAME.test(domain) || domain.endsWith(".up.railway.app")) throw badInput(`Invalid domain: ${String(input.domain).slice(0, 253)}`);
            if ([...store.domains.values()].some((d) => d.domain === domain)) throw badInput(`Domain ${domain} is already in use`);
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
        volumeDelete: ({ volumeId }: Args, ctx: RequestContext) => {
            ctx.access.account();
            store.deleteVolume(volumeId);
            return true;
        },

        // ---- deployments ----
        deployments: (args: Args, ctx: RequestContext) => {
            const input = args.input ?? {};
            const projectId = input.projectId ?? (input.environmentId ? projectOfEnv(input.environmentId) : input.serviceId ? projectOfService(input.serviceId) : undefined);
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
    };
}
