/** Railway domains and custom domains. */
import { randomUUID } from "crypto";
import { EmulatorStore, badInput, notFound } from "../store";
import { Args, RequestContext } from "./context";
import { Views } from "./views";

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export function domainsResolvers(store: EmulatorStore, views: Views) {
    const { domainView, domainsOf, iso } = views;
    const tcpProxyView = (id: string) => {
        const t = store.tcpProxies.get(id)!;
        return {
            id: t.id,
            applicationPort: t.applicationPort,
            proxyPort: t.proxyPort,
            domain: t.domain,
            environmentId: t.environmentId,
            serviceId: t.serviceId,
            createdAt: iso(t.createdAt),
            updatedAt: iso(t.createdAt),
            deletedAt: null,
            syncStatus: "ACTIVE",
        };
    };
    return {
        domains: ({ projectId, environmentId, serviceId }: Args, ctx: RequestContext) => {
            ctx.access.environment(projectId, environmentId);
            return domainsOf(serviceId, environmentId);
        },
        // ---- TCP proxies ----
        tcpProxies: ({ environmentId, serviceId }: Args, ctx: RequestContext) => {
            const s = store.service(serviceId);
            ctx.access.environment(s.projectId, environmentId);
            store.instance(serviceId, environmentId);
            return [...store.tcpProxies.values()]
                .filter((t) => t.serviceId === serviceId && t.environmentId === environmentId)
                .map((t) => tcpProxyView(t.id));
        },
        tcpProxyCreate: ({ input }: Args, ctx: RequestContext) => {
            const s = store.service(input.serviceId);
            ctx.access.environment(s.projectId, input.environmentId);
            return tcpProxyView(store.createTcpProxy(input).id);
        },
        tcpProxyDelete: ({ id }: Args, ctx: RequestContext) => {
            const t = store.tcpProxies.get(id);
            if (!t) throw notFound("TCPProxy");
            ctx.access.environment(t.projectId, t.environmentId);
            store.tcpProxies.delete(id);
            return true;
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
    };
}
