/**
 * Root resolvers for the operations the project uses. Objects returned carry plain fields, and
 * functions for fields that take arguments or need the store (graphql-js calls those).
 */
import { randomUUID } from "crypto";
import { badInput, DeploymentRec, EmulatorStore, notFound } from "./store";

type Args = Record<string, any>;

const connection = <T>(items: T[]) => ({ edges: items.map((node) => ({ node, cursor: "" })), pageInfo: { hasNextPage: false, hasPreviousPage: false } });

export function makeRoot(store: EmulatorStore): Record<string, unknown> {
    const projectView = (id: string) => {
        const p = store.project(id);
        return {
            ...p,
            deletedAt: null,
            isPublic: false,
            isTempProject: false,
            prDeploys: false,
            environments: () => connection([...store.environments.values()].filter((e) => e.projectId === id).map((e) => envView(e.id))),
            services: () => connection([...store.services.values()].filter((s) => s.projectId === id).map((s) => serviceView(s.id))),
        };
    };
    const envView = (id: string) => {
        const e = store.environment(id);
        return {
            ...e,
            deletedAt: null,
            isEphemeral: false,
            volumeInstances: () =>
                connection(
                    [...store.volumeInstances.values()]
                        .filter((v) => v.environmentId === id)
                        .map((v) => ({ ...v, createdAt: store.now(), currentSizeMB: 0, isPendingDeletion: false, state: "READY" })),
                ),
            config: () => ({
                services: Object.fromEntries(
                    [...store.services.values()]
                        .filter((s) => s.projectId === e.projectId)
                        .map((s) => [s.id, { deploy: { multiRegionConfig: store.instance(s.id, id).multiRegionConfig } }]),
                ),
            }),
        };
    };
    const serviceView = (id: string) => ({ ...store.service(id), deletedAt: null });
    const instanceView = (serviceId: string, environmentId: string) => {
        const i = store.instance(serviceId, environmentId);
        const regions = Object.entries(i.multiRegionConfig);
        return {
            id: `${serviceId}:${environmentId}`,
            serviceId,
            environmentId,
            serviceName: store.service(serviceId).name,
            ...i,
            source: i.source ?? null,
            numReplicas: regions.length === 1 ? regions[0][1].numReplicas : null,
            region: regions.length === 1 ? regions[0][0] : null,
            watchPatterns: i.watchPatterns ?? [],
        };
    };
    const deploymentView = (d: DeploymentRec) => ({
        id: d.id,
        status: store.status(d),
        createdAt: new Date(d.createdAt).toISOString(),
        updatedAt: new Date(d.createdAt).toISOString(),
        canRollback: store.canRollback(d),
        canRedeploy: true,
        serviceId: d.serviceId,
        environmentId: d.environmentId,
        projectId: d.projectId,
        staticUrl: `${store.service(d.serviceId).name}.up.railway.app`,
        deploymentStopped: false,
    });
    const domainView = (id: string) => {
        const d = store.domains.get(id);
        if (!d) throw notFound("Domain");
        return { ...d, status: { verified: false, verificationDnsHost: `_railway-verify.${d.domain}`, verificationToken: "railway-verify=emulator", dnsRecords: [{ fqdn: d.domain, recordType: "DNS_RECORD_TYPE_CNAME", requiredValue: "emulator.up.railway.app" }] } };
    };
    const redeploy = (serviceId: string, environmentId: string) => store.createDeployment(serviceId, environmentId);

    return {
        // ---- projects ----
        projectCreate: ({ input }: Args) => projectView(store.createProject(input).id),
        project: ({ id }: Args) => projectView(id),
        projectUpdate: ({ id, input }: Args) => {
            const p = store.project(id);
            if (input.name !== undefined && input.name !== null) p.name = input.name;
            if (input.description !== undefined) p.description = input.description ?? undefined;
            return projectView(id);
        },
        projectDelete: ({ id }: Args) => (store.deleteProject(id), true),

        // ---- environments ----
        environmentCreate: ({ input }: Args) => envView(store.createEnvironment(input.projectId, input.name).id),
        environment: ({ id }: Args) => envView(id),
        environmentRename: ({ id, input }: Args) => {
            store.environment(id).name = input.name;
            return envView(id);
        },
        environmentDelete: ({ id }: Args) => (store.deleteEnvironment(id), true),

        // ---- services ----
        serviceCreate: ({ input }: Args) => serviceView(store.createService(input.projectId, input.name ?? `service-${randomUUID().slice(0, 6)}`).id),
        service: ({ id }: Args) => serviceView(id),
        serviceUpdate: ({ id, input }: Args) => {
            const s = store.service(id);
            if (input.name) s.name = input.name;
            return serviceView(id);
        },
        serviceDelete: ({ id }: Args) => (store.deleteService(id), true),
        serviceConnect: ({ id, input }: Args) => {
            const s = store.service(id);
            for (const e of store.environments.values()) {
                if (e.projectId !== s.projectId) continue;
                const i = store.instance(id, e.id);
                i.source = input.image ? { image: input.image } : { repo: input.repo };
                if (input.repo) store.setTrigger(id, e.id, input.repo, input.branch ?? "main");
            }
            return serviceView(id);
        },

        // ---- per-environment settings ----
        serviceInstance: ({ serviceId, environmentId }: Args) => instanceView(serviceId, environmentId),
        serviceInstanceUpdate: ({ serviceId, environmentId, input }: Args) => {
            if (!environmentId) throw badInput("environmentId is required by this emulator (null would apply to all non-fork environments)");
            const i = store.instance(serviceId, environmentId);
            const { multiRegionConfig, source, ...rest } = input;
            if (source) i.source = source.image ? { image: source.image } : { repo: source.repo };
            for (const [k, v] of Object.entries(rest)) (i as unknown as Record<string, unknown>)[k] = v;
            if (multiRegionConfig) {
                for (const [region, cfg] of Object.entries(multiRegionConfig as Record<string, { numReplicas: number } | null>)) {
                    if (cfg === null) delete i.multiRegionConfig[region];
                    else i.multiRegionConfig[region] = { numReplicas: cfg.numReplicas };
                }
            }
            const total = Object.values(i.multiRegionConfig).reduce((a, b) => a + b.numReplicas, 0);
            if (total > 50) throw badInput("Replicas cannot exceed 50");
            return true;
        },
        deploymentTriggers: ({ serviceId, environmentId }: Args) => {
            const t = store.trigger(serviceId, environmentId);
            return connection(t ? [{ ...t, provider: "github", serviceId, environmentId, projectId: store.service(serviceId).projectId, checkSuites: false }] : []);
        },

        // ---- variables ----
        variables: ({ serviceId, environmentId }: Args) => ({ ...store.vars(serviceId, environmentId) }),
        variableCollectionUpsert: ({ input }: Args) => {
            store.service(input.serviceId);
            store.environment(input.environmentId);
            const key = `${input.serviceId}:${input.environmentId}`;
            const next = input.replace ? {} : { ...store.vars(input.serviceId, input.environmentId) };
            store.variables.set(key, { ...next, ...input.variables });
            if (!input.skipDeploys) redeploy(input.serviceId, input.environmentId);
            return true;
        },
        variableDelete: ({ input }: Args) => {
            const v = store.vars(input.serviceId, input.environmentId);
            if (!(input.name in v)) throw notFound("Variable");
            delete v[input.name];
            return true;
        },

        // ---- domains ----
        domains: ({ environmentId, serviceId }: Args) => {
            const all = [...store.domains.values()].filter((d) => d.serviceId === serviceId && d.environmentId === environmentId);
            return { serviceDomains: all.filter((d) => !d.custom), customDomains: all.filter((d) => d.custom).map((d) => domainView(d.id)) };
        },
        serviceDomainCreate: ({ input }: Args) => {
            const s = store.service(input.serviceId);
            store.environment(input.environmentId);
            const id = randomUUID();
            store.domains.set(id, { id, projectId: s.projectId, environmentId: input.environmentId, serviceId: s.id, domain: `${s.name}-${id.slice(0, 6)}.up.railway.app`, targetPort: input.targetPort ?? null, custom: false });
            return store.domains.get(id);
        },
        serviceDomainUpdate: ({ input }: Args) => {
            const d = store.domains.get(input.serviceDomainId);
            if (!d) throw notFound("ServiceDomain");
            d.domain = input.domain;
            d.targetPort = input.targetPort ?? null;
            return true;
        },
        serviceDomainDelete: ({ id }: Args) => {
            if (!store.domains.delete(id)) throw notFound("ServiceDomain");
            return true;
        },
        customDomainCreate: ({ input }: Args) => {
            store.service(input.serviceId);
            if ([...store.domains.values()].some((d) => d.domain === input.domain)) throw badInput(`Domain ${input.domain} is already in use`);
            const id = randomUUID();
            store.domains.set(id, { id, projectId: input.projectId, environmentId: input.environmentId, serviceId: input.serviceId, domain: input.domain, targetPort: input.targetPort ?? null, custom: true });
            return domainView(id);
        },
        customDomain: ({ id }: Args) => domainView(id),
        customDomainUpdate: ({ id, targetPort }: Args) => {
            const d = store.domains.get(id);
            if (!d) throw notFound("CustomDomain");
            d.targetPort = targetPort ?? null;
            return true;
        },
        customDomainDelete: ({ id }: Args) => {
            if (!store.domains.delete(id)) throw notFound("CustomDomain");
            return true;
        },

        // ---- volumes ----
        volumeCreate: ({ input }: Args) => {
            store.project(input.projectId);
            if (input.serviceId) store.service(input.serviceId);
            const id = randomUUID();
            const volume = { id, projectId: input.projectId, name: `volume-${id.slice(0, 6)}` };
            store.volumes.set(id, volume);
            // An omitted environmentId means every environment of the project; null means none.
            const envs =
                input.environmentId === undefined
                    ? [...store.environments.values()].filter((e) => e.projectId === input.projectId).map((e) => e.id)
                    : input.environmentId === null
                      ? []
                      : [store.environment(input.environmentId).id];
            for (const environmentId of envs) {
                const instanceId = randomUUID();
                store.volumeInstances.set(instanceId, { id: instanceId, volumeId: id, environmentId, serviceId: input.serviceId ?? null, mountPath: input.mountPath, sizeMB: 5000, region: input.region ?? "us-west2" });
            }
            return { ...volume, createdAt: store.now() };
        },
        volumeInstanceUpdate: ({ volumeId, environmentId, input }: Args) => {
            if (!store.volumes.has(volumeId)) throw notFound("Volume");
            const targets = [...store.volumeInstances.values()].filter((v) => v.volumeId === volumeId && (!environmentId || v.environmentId === environmentId));
            for (const v of targets) {
                if (input.mountPath) v.mountPath = input.mountPath;
                if (input.serviceId !== undefined) v.serviceId = input.serviceId;
            }
            return true;
        },
        volumeDelete: ({ volumeId }: Args) => {
            if (!store.volumes.delete(volumeId)) throw notFound("Volume");
            for (const [k, v] of store.volumeInstances) if (v.volumeId === volumeId) store.volumeInstances.delete(k);
            return true;
        },

        // ---- deployments ----
        deployments: ({ input, first }: Args) => {
            const wanted: string[] | undefined = input.status?.in;
            const unwanted: string[] | undefined = input.status?.notIn;
            const items = [...store.deployments.values()]
                .filter((d) => (!input.serviceId || d.serviceId === input.serviceId) && (!input.environmentId || d.environmentId === input.environmentId) && (!input.projectId || d.projectId === input.projectId))
                .map(deploymentView)
                .filter((d) => (!wanted || wanted.includes(d.status)) && (!unwanted || !unwanted.includes(d.status)))
                .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
            return connection(first ? items.slice(0, first) : items);
        },
        deployment: ({ id }: Args) => deploymentView(store.deployment(id)),
        deploymentRollback: ({ id }: Args) => {
            const target = store.deployment(id);
            if (!store.canRollback(target)) throw badInput("Deployment cannot be rolled back");
            store.createDeployment(target.serviceId, target.environmentId, { rollbackOf: target.id });
            return true;
        },
        serviceInstanceDeployV2: ({ serviceId, environmentId }: Args) => redeploy(serviceId, environmentId).id,
        serviceInstanceRedeploy: ({ serviceId, environmentId }: Args) => (redeploy(serviceId, environmentId), true),
    };
}
