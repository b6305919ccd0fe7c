/**
 * How the emulator shows each Railway object: the answer objects graphql-js resolves fields from
 * (plain fields, and functions for fields that take arguments), built from the store on each read.
 * A field an object here does not carry is "not modelled" (index.ts), never null.
 */
import { connection, PageArgs } from "../connection";
import { configEtag, environmentConfig } from "../config";
import type { Access } from "../auth";
import { DeploymentRec, EmulatorStore, notFound } from "../store";
import { deploymentVariables } from "../variables";

export function makeViews(store: EmulatorStore, maxPageSize: number) {
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
            prDeploys: p.prDeploys,
            botPrEnvironments: p.botPrEnvironments,
            focusedPrEnvironments: p.focusedPrEnvironments,
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
        const projects = () =>
            [...store.projects.values()].filter((p) => p.workspaceId === w.id && p.deletedAt === undefined);
        return {
            id: w.id,
            name: w.name,
            // A workspace of one person has no team (Railway's personal workspace).
            team: null,
            plan: "PRO",
            preferredRegion: null,
            createdAt: iso(0),
            updatedAt: iso(0),
            projectCount: ({ includeDeleted }: { includeDeleted?: boolean }) =>
                [...store.projects.values()].filter(
                    (p) => p.workspaceId === w.id && (includeDeleted || p.deletedAt === undefined),
                ).length,
            projects: (args: PageArgs) =>
                page(
                    projects().map((p) => projectView(p.id)),
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
            // Whether the caller may read it: a project token reaches its own environment only.
            canAccess: (_: unknown, ctx: { access: Access }) => ctx.access.mayReadEnvironment(e.projectId, e.id),
            // Canvas groups (the dashboard's grouping of services) are not modelled: there are none.
            canvasGroupRefs: {},
            // Railway's IaC ownership: resource address (`service.web`) to the partial that owns it.
            iacPartials: () => {
                const owners = store.iacPartials.get(e.id);
                return owners && Object.keys(owners).length ? { ...owners } : null;
            },
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
            templateServiceId: null,
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
            // Every domain of the service in this environment (Railway's AllDomains).
            domains: () => domainsOf(serviceId, environmentId),
            // Tracing is an opt-in Railway keeps per instance (off until a client turns it on).
            tracingEnabled: (i as { tracingEnabled?: boolean }).tracingEnabled ?? false,
            autoInstrumentationEnabled:
                (i as { autoInstrumentationEnabled?: boolean }).autoInstrumentationEnabled ?? false,
            edgeConfig: null,
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
        staticUrl: store.services.has(d.serviceId)
            ? `${store.service(d.serviceId).name}-${d.environmentId.slice(0, 6)}.up.railway.app`
            : null,
        url: null,
        deploymentStopped: false,
        suggestAddServiceDomain: false,
        snapshotId: d.snapshotId,
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
                // Until DNS points at Railway there is no certificate, no error and no CDN in front.
                certificateStatusDetailed: null,
                certificateErrorMessage: null,
                certificateErrorType: null,
                certificateRetryable: false,
                certificates: [],
                cdnProvider: null,
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
    const domainsOf = (serviceId: string, environmentId: string) => {
        const all = [...store.domains.values()].filter(
            (d) => d.serviceId === serviceId && d.environmentId === environmentId,
        );
        return {
            serviceDomains: all.filter((d) => !d.custom).map((d) => domainView(d.id)),
            customDomains: all.filter((d) => d.custom).map((d) => domainView(d.id)),
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
            volume: () => volumeView(v.volumeId),
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
    /** A service's variables as its deployment sees them (variables.ts). */
    const renderVariables = (serviceId: string, environmentId: string): Record<string, string> =>
        deploymentVariables(store, serviceId, environmentId);
    const projectOfService = (serviceId: string) => store.service(serviceId).projectId;
    const projectOfEnv = (environmentId: string) => store.environment(environmentId).projectId;

    return {
        page,
        iso,
        projectView,
        workspaceView,
        envView,
        serviceView,
        instanceView,
        deploymentView,
        domainView,
        volumeView,
        volumeInstanceView,
        domainsOf,
        triggerView,
        projectTokenView,
        stagedView,
        renderVariables,
        projectOfService,
        projectOfEnv,
    };
}

export type Views = ReturnType<typeof makeViews>;
