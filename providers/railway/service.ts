import * as pulumi from "@pulumi/pulumi";
import { changedKeys, deleteIfExists, gql, isNotFound } from "./gql";
import { wireSafe } from "./wire";

/**
 * Inputs of {@link Service}: only the service's identity. Everything per environment (source,
 * commands, replicas, health check...) is {@link ServiceInstance}, so that creating a service is a
 * single API call whose ID Pulumi records at once: a failure in any follow-up call can never leave
 * an unrecorded (orphaned) service behind. Import ID: `<serviceId>`.
 */
export interface ServiceArgs {
    projectId: pulumi.Input<string>;
    /** Unique in the project. Renaming is in place. */
    name: pulumi.Input<string>;
    apiUrl?: pulumi.Input<string>;
}

interface ServiceState {
    projectId: string;
    name: string;
    apiUrl?: string;
}

export const serviceProvider: pulumi.dynamic.ResourceProvider = wireSafe("Service", {
    async check(_olds, news) {
        const failures = [];
        if (!news.projectId) failures.push({ property: "projectId", reason: "projectId is required" });
        if (typeof news.name !== "string" || !/^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/.test(news.name)) {
            failures.push({ property: "name", reason: "name must be 1-64 letters, digits, spaces, dots, dashes or underscores" });
        }
        return { inputs: news, failures };
    },
    async diff(_id, olds: ServiceState, news: ServiceState) {
        const replaces = changedKeys(olds, news, ["projectId"]);
        const changes = changedKeys(olds, news, ["projectId", "name", "apiUrl"]);
        return { changes: changes.length > 0, replaces, deleteBeforeReplace: true };
    },
    async create(inputs: ServiceState) {
        try {
            const { serviceCreate } = await gql(inputs.apiUrl, "ServiceCreate", { input: { projectId: inputs.projectId, name: inputs.name } });
            return { id: serviceCreate.id, outs: { ...inputs } };
        } catch (e) {
            // A lost response to an applied create leaves the name taken: adopt that service (same
            // project, same name) instead of failing, so a retried `pulumi up` converges.
            if (!/already exists/i.test((e as Error).message)) throw e;
            const { project } = await gql(inputs.apiUrl, "Project", { id: inputs.projectId });
            const same = (project.services?.edges ?? []).find((s: { node: { name: string } }) => s.node.name === inputs.name);
            if (!same) throw e;
            return { id: same.node.id, outs: { ...inputs } };
        }
    },
    async read(id, props?: ServiceState) {
        try {
            const { service } = await gql(props?.apiUrl, "Service", { id });
            if (service.deletedAt) return { id: "", props: {} };
            return { id, props: { ...props, projectId: service.projectId, name: service.name } };
        } catch (e) {
            if (isNotFound(e)) return { id: "", props: {} };
            throw e;
        }
    },
    async update(id, _olds: ServiceState, news: ServiceState) {
        await gql(news.apiUrl, "ServiceUpdate", { id, input: { name: news.name } });
        const { service } = await gql(news.apiUrl, "Service", { id });
        return { outs: { ...news, name: service.name } };
    },
    async delete(id, props: ServiceState) {
        await deleteIfExists(props.apiUrl, "ServiceDelete", { id });
    },
});

/** A Railway service (its identity; settings per environment are {@link ServiceInstance}). */
export class Service extends pulumi.dynamic.Resource {
    declare readonly projectId: pulumi.Output<string>;
    declare readonly name: pulumi.Output<string>;

    constructor(name: string, args: ServiceArgs, opts?: pulumi.CustomResourceOptions) {
        super(serviceProvider, name, { apiUrl: undefined, ...args }, opts, "railway", "Service");
    }
}
