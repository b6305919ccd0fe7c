/**
 * Variables as a deployment sees them (Railway's docs, "Variables Reference"): the variables Railway
 * provides to every service (its project, environment and service, its public and private domains,
 * its volume, its TCP proxy), then the service's own with every reference rendered:
 * `${{service.NAME}}` (another service of the environment, its provided variables included),
 * `${{shared.NAME}}` (the environment's shared variables) and `${{NAME}}` (the service's own).
 * A reference to nothing renders empty, as Railway does; references nest at most a few deep.
 */
import type { EmulatorStore } from "./store";

const REFERENCE = /\$\{\{\s*(?:([^}.\s]+)\.)?([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const MAX_DEPTH = 5;

/** A service's host on the environment's private network: its name, lower case, as a DNS label. */
export function privateDomainOf(serviceName: string): string {
    const label = serviceName
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/^-+|-+$/g, "");
    return `${label || "service"}.railway.internal`;
}

/** What Railway provides to a service in an environment before any deployment exists. */
export function providedVariables(
    store: EmulatorStore,
    serviceId: string,
    environmentId: string,
): Record<string, string> {
    const env = store.environment(environmentId);
    const project = store.project(env.projectId);
    const service = store.service(serviceId);
    const domains = [...store.domains.values()].filter(
        (d) => d.serviceId === serviceId && d.environmentId === environmentId,
    );
    // The Railway domain when there is one, else the first custom domain.
    const publicDomain = domains.find((d) => !d.custom) ?? domains.find((d) => d.custom);
    const volume = store.attachedVolume(serviceId, environmentId);
    const proxy = [...store.tcpProxies.values()].find(
        (t) => t.serviceId === serviceId && t.environmentId === environmentId,
    );
    return {
        RAILWAY_PROJECT_ID: project.id,
        RAILWAY_PROJECT_NAME: project.name,
        RAILWAY_ENVIRONMENT_ID: env.id,
        RAILWAY_ENVIRONMENT_NAME: env.name,
        RAILWAY_SERVICE_ID: serviceId,
        RAILWAY_SERVICE_NAME: service.name,
        RAILWAY_PRIVATE_DOMAIN: privateDomainOf(service.name),
        ...(publicDomain ? { RAILWAY_PUBLIC_DOMAIN: publicDomain.domain } : {}),
        ...(volume
            ? {
                  RAILWAY_VOLUME_NAME: store.volumes.get(volume.volumeId)?.name ?? "",
                  RAILWAY_VOLUME_MOUNT_PATH: volume.mountPath,
              }
            : {}),
        ...(proxy
            ? {
                  RAILWAY_TCP_PROXY_DOMAIN: proxy.domain,
                  RAILWAY_TCP_PROXY_PORT: String(proxy.proxyPort),
                  RAILWAY_TCP_APPLICATION_PORT: String(proxy.applicationPort),
              }
            : {}),
    };
}

/** Renders references in `value`, as seen from `serviceId` (undefined: a shared variable). */
export function renderValue(
    store: EmulatorStore,
    environmentId: string,
    serviceId: string | undefined,
    value: string,
    depth = 0,
): string {
    const env = store.environment(environmentId);
    return value.replace(REFERENCE, (_m, namespace: string | undefined, name: string) => {
        if (depth >= MAX_DEPTH) return "";
        let raw: string | undefined;
        let from: string | undefined;
        if (namespace === "shared") {
            raw = store.shared(environmentId)[name];
        } else {
            from = namespace
                ? [...store.services.values()].find((s) => s.projectId === env.projectId && s.name === namespace)?.id
                : serviceId;
            if (from && store.hasInstance(from, environmentId))
                raw = store.vars(from, environmentId)[name] ?? providedVariables(store, from, environmentId)[name];
        }
        return raw === undefined ? "" : renderValue(store, environmentId, from, raw, depth + 1);
    });
}

/** A service's variables as its deployment gets them: Railway's provided ones, then its own, rendered. */
export function deploymentVariables(
    store: EmulatorStore,
    serviceId: string,
    environmentId: string,
): Record<string, string> {
    const own = store.vars(serviceId, environmentId);
    return {
        ...providedVariables(store, serviceId, environmentId),
        ...Object.fromEntries(
            Object.entries(own).map(([k, v]) => [k, renderValue(store, environmentId, serviceId, v)]),
        ),
    };
}
