import * as pulumi from "@pulumi/pulumi";
import { changedKeys, createOrAdopt, deleteIfExists, gql, idParts, readOrGone, requiredIds } from "./api";
import { defineProvider } from "./define";
import { replaceKeys } from "./properties";

/** Inputs of {@link ServiceDomain}. Import ID: `<projectId>:<environmentId>:<serviceId>:<serviceDomainId>`. */
export interface ServiceDomainArgs {
    projectId: pulumi.Input<string>;
    environmentId: pulumi.Input<string>;
    serviceId: pulumi.Input<string>;
    /** The port the service listens on (default: Railway's detection). */
    targetPort?: pulumi.Input<number>;
    apiUrl?: pulumi.Input<string>;
    /** Take this existing Railway resource (its import ID) into the stack instead of creating one; it must match the inputs. */
    adoptId?: string;
}

interface ServiceDomainState {
    projectId: string;
    environmentId: string;
    serviceId: string;
    targetPort?: number;
    apiUrl?: string;
    domain?: string;
}

async function domainsOf(s: { apiUrl?: string; projectId: string; environmentId: string; serviceId: string }) {
    return (
        await gql(s.apiUrl, "Domains", {
            projectId: s.projectId,
            environmentId: s.environmentId,
            serviceId: s.serviceId,
        })
    ).domains;
}

async function findServiceDomain(s: ServiceDomainState, id: string) {
    return (await domainsOf(s)).serviceDomains.find((d) => d.id === id);
}

export const serviceDomainProvider: pulumi.dynamic.ResourceProvider = defineProvider("ServiceDomain", {
    async check(_olds, news) {
        const failures = requiredIds(news, ["projectId", "environmentId", "serviceId"]);
        if (
            news.targetPort !== undefined &&
            !(Number.isInteger(news.targetPort) && news.targetPort >= 1 && news.targetPort <= 65535)
        ) {
            failures.push({ property: "targetPort", reason: "targetPort must be a port number 1-65535" });
        }
        return { inputs: news, failures };
    },
    async diff(_id, olds: ServiceDomainState, news: ServiceDomainState) {
        const replaces = changedKeys(olds, news, replaceKeys("ServiceDomain"));
        const changes = changedKeys(olds, news, ["projectId", "environmentId", "serviceId", "targetPort", "apiUrl"]);
        return { changes: changes.length > 0, replaces, deleteBeforeReplace: false };
    },
    async create(inputs: ServiceDomainState) {
        // Natural key: the service's Railway domain in this environment (a stack declares one). More
        // than one after a lost answer: the tool cannot tell which is its own, and says so.
        const d = await createOrAdopt(
            async () =>
                (
                    await gql(
                        inputs.apiUrl,
                        "ServiceDomainCreate",
                        {
                            input: {
                                environmentId: inputs.environmentId,
                                serviceId: inputs.serviceId,
                                targetPort: inputs.targetPort ?? null,
                            },
                        },
                        { retryMutation: false },
                    )
                ).serviceDomainCreate,
            async () => {
                const existing = (await domainsOf(inputs)).serviceDomains;
                if (existing.length > 1)
                    throw new Error(
                        `a serviceDomainCreate had no clear outcome and service ${inputs.serviceId} has ${existing.length} Railway domains: import the right one (ID <projectId>:<environmentId>:<serviceId>:<serviceDomainId>) and delete the others`,
                    );
                return existing[0];
            },
        );
        return { id: d.id, outs: { ...inputs, domain: d.domain, targetPort: d.targetPort ?? undefined } };
    },
    async read(id, props?: ServiceDomainState) {
        const [projectId, environmentId, serviceId, domainId] = idParts(
            id,
            ["projectId", "environmentId", "serviceId", "serviceDomainId"],
            "railway.ServiceDomain",
            props?.projectId ? [props.projectId, props.environmentId, props.serviceId, id] : undefined,
        );
        const state: ServiceDomainState = { ...props, projectId, environmentId, serviceId };
        const d = await readOrGone(() => findServiceDomain(state, domainId));
        if (!d) return { id: "", props: {} };
        return { id: domainId, props: { ...state, domain: d.domain, targetPort: d.targetPort ?? undefined } };
    },
    async update(id, olds: ServiceDomainState, news: ServiceDomainState) {
        // Railway's update needs the hostname; state may lack it (an interrupted create): read it.
        const domain = olds.domain ?? (await findServiceDomain(olds, id))?.domain;
        if (!domain)
            throw new Error(`Railway service domain ${id} no longer exists; run 'pulumi refresh' to record that`);
        await gql(news.apiUrl, "ServiceDomainUpdate", {
            input: {
                serviceDomainId: id,
                environmentId: news.environmentId,
                serviceId: news.serviceId,
                domain,
                targetPort: news.targetPort ?? null,
            },
        });
        const d = await findServiceDomain(news, id);
        return { outs: { ...news, domain: d?.domain ?? olds.domain, targetPort: d?.targetPort ?? undefined } };
    },
    async delete(id, props: ServiceDomainState) {
        await deleteIfExists(props.apiUrl, "ServiceDomainDelete", { id });
    },
});

/** Inputs of {@link CustomDomain}. Import ID: `<projectId>:<customDomainId>`. */
export interface CustomDomainArgs {
    projectId: pulumi.Input<string>;
    environmentId: pulumi.Input<string>;
    serviceId: pulumi.Input<string>;
    /** The hostname, e.g. app.example.com. Changing it replaces the domain. */
    domain: pulumi.Input<string>;
    targetPort?: pulumi.Input<number>;
    apiUrl?: pulumi.Input<string>;
    /** Take this existing Railway resource (its import ID) into the stack instead of creating one; it must match the inputs. */
    adoptId?: string;
}

interface CustomDomainState {
    projectId: string;
    environmentId: string;
    serviceId: string;
    domain: string;
    targetPort?: number;
    apiUrl?: string;
    verified?: boolean;
    dnsRecords?: Array<{ fqdn: string; recordType: string; requiredValue: string }>;
}

export const customDomainProvider: pulumi.dynamic.ResourceProvider = defineProvider("CustomDomain", {
    async check(_olds, news) {
        const failures = requiredIds(news, ["projectId", "environmentId", "serviceId"]);
        if (typeof news.domain !== "string" || !/^[a-z0-9.-]+\.[a-z]{2,}$/.test(news.domain))
            failures.push({ property: "domain", reason: "domain must be a hostname such as app.example.com" });
        return { inputs: news, failures };
    },
    async diff(_id, olds: CustomDomainState, news: CustomDomainState) {
        const replaces = changedKeys(olds, news, replaceKeys("CustomDomain"));
        const changes = changedKeys(olds, news, [
            "projectId",
            "environmentId",
            "serviceId",
            "domain",
            "targetPort",
            "apiUrl",
        ]);
        return { changes: changes.length > 0, replaces, deleteBeforeReplace: true };
    },
    async create(inputs: CustomDomainState) {
        // Natural key: the hostname on this service and environment. Taken by another service, it
        // stays an error ("already in use"): never adopt someone else's domain.
        const d = await createOrAdopt(
            async () => {
                const { customDomainCreate: c } = await gql(
                    inputs.apiUrl,
                    "CustomDomainCreate",
                    {
                        input: {
                            projectId: inputs.projectId,
                            environmentId: inputs.environmentId,
                            serviceId: inputs.serviceId,
                            domain: inputs.domain,
                            targetPort: inputs.targetPort ?? null,
                        },
                    },
                    { retryMutation: false },
                );
                return { id: c.id, verified: c.status.verified, dnsRecords: c.status.dnsRecords };
            },
            async () => {
                const same = (await domainsOf(inputs)).customDomains.find((c) => c.domain === inputs.domain);
                if (!same) return undefined;
                const { customDomain: c } = await gql(inputs.apiUrl, "CustomDomain", {
                    id: same.id,
                    projectId: inputs.projectId,
                });
                return { id: c.id, verified: c.status.verified, dnsRecords: c.status.dnsRecords };
            },
        );
        return { id: d.id, outs: { ...inputs, verified: d.verified, dnsRecords: d.dnsRecords } };
    },
    async read(id, props?: CustomDomainState) {
        const [projectId, domainId] = idParts(
            id,
            ["projectId", "customDomainId"],
            "railway.CustomDomain",
            props?.projectId ? [props.projectId, id] : undefined,
        );
        const found = await readOrGone(() => gql(props?.apiUrl, "CustomDomain", { id: domainId, projectId }));
        if (!found) return { id: "", props: {} };
        const d = found.customDomain;
        return {
            id: domainId,
            props: {
                ...props,
                projectId,
                environmentId: d.environmentId,
                serviceId: d.serviceId,
                domain: d.domain,
                targetPort: d.targetPort ?? undefined,
                verified: d.status.verified,
                dnsRecords: d.status.dnsRecords,
            },
        };
    },
    async update(id, olds: CustomDomainState, news: CustomDomainState) {
        await gql(news.apiUrl, "CustomDomainUpdate", {
            environmentId: news.environmentId,
            id,
            targetPort: news.targetPort ?? null,
        });
        const { customDomain: d } = await gql(news.apiUrl, "CustomDomain", { id, projectId: news.projectId });
        return {
            outs: {
                ...news,
                targetPort: d.targetPort ?? undefined,
                verified: d.status.verified,
                dnsRecords: d.status.dnsRecords ?? olds.dnsRecords,
            },
        };
    },
    async delete(id, props: CustomDomainState) {
        await deleteIfExists(props.apiUrl, "CustomDomainDelete", { id });
    },
});
