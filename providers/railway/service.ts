import * as pulumi from "@pulumi/pulumi";
import { RAILWAY_SERVICE_NAME_MAX_LENGTH } from "../../config/railway-limits";
import { changedKeys, createOrAdopt, deleteIfExists, gql, gqlAll, readOrGone, requiredIds } from "./api";
import { defineProvider } from "./define";
import { replaceKeys } from "./properties";

/**
 * Inputs of {@link Service}: only the service's identity, which is project-wide. Everything per
 * environment (its instance, source, commands, replicas, health check...) is {@link ServiceInstance},
 * so that creating a service is a single API call whose ID Pulumi records at once: a failure in any
 * follow-up call can never leave an unrecorded (orphaned) service behind.
 *
 * Names are unique in a project, so a service of the declared name that exists already is the
 * service: it is taken, not created again (a stack sharing the project may have made it first).
 * Deleting it deletes the service in every environment: only the stack that owns the project does
 * that; the others declare it with `retainOnDelete`. Import ID: `<serviceId>`.
 */
export interface ServiceArgs {
    projectId: pulumi.Input<string>;
    /** Unique in the project, at most 32 characters. Renaming is in place. */
    name: pulumi.Input<string>;
    apiUrl?: pulumi.Input<string>;
    /** Take this existing Railway resource (its import ID) into the stack instead of creating one; it must match the inputs. */
    adoptId?: string;
}

interface ServiceState {
    projectId: string;
    name: string;
    apiUrl?: string;
}

export const serviceProvider: pulumi.dynamic.ResourceProvider = defineProvider("Service", {
    async check(_olds, news) {
        const failures = requiredIds(news, ["projectId"]);
        if (
            typeof news.name !== "string" ||
            !/^[A-Za-z0-9][A-Za-z0-9 _.-]*$/.test(news.name) ||
            news.name.length > RAILWAY_SERVICE_NAME_MAX_LENGTH
        ) {
            failures.push({
                property: "name",
                reason: `name must be 1-${RAILWAY_SERVICE_NAME_MAX_LENGTH} letters, digits, spaces, dots, dashes or underscores`,
            });
        }
        return { inputs: news, failures };
    },
    async diff(_id, olds: ServiceState, news: ServiceState) {
        const replaces = changedKeys(olds, news, replaceKeys("Service"));
        const changes = changedKeys(olds, news, ["projectId", "name", "apiUrl"]);
        return { changes: changes.length > 0, replaces, deleteBeforeReplace: true };
    },
    async create(inputs: ServiceState) {
        const named = async () =>
            (await gqlAll(inputs.apiUrl, "ProjectServices", { id: inputs.projectId }, (d) => d.project.services)).find(
                (s) => s.name === inputs.name,
            );
        const existing = await named();
        if (existing) return { id: existing.id, outs: { ...inputs } };
        // A lost answer to an applied create leaves the name taken: the service of that name in the
        // project is adopted instead of failing, so a retried `pulumi up` converges.
        const { id } = await createOrAdopt(
            async () =>
                (
                    await gql(
                        inputs.apiUrl,
                        "ServiceCreate",
                        { input: { projectId: inputs.projectId, name: inputs.name } },
                        { retryMutation: false },
                    )
                ).serviceCreate,
            named,
        );
        return { id, outs: { ...inputs } };
    },
    async read(id, props?: ServiceState) {
        const found = await readOrGone(() => gql(props?.apiUrl, "Service", { id }));
        if (!found || found.service.deletedAt) return { id: "", props: {} };
        return { id, props: { ...props, projectId: found.service.projectId, name: found.service.name } };
    },
    async update(id, _olds: ServiceState, news: ServiceState) {
        await gql(news.apiUrl, "ServiceUpdate", { id, input: { name: news.name } });
        const { service } = await gql(news.apiUrl, "Service", { id });
        return { outs: { ...news, name: service.name } };
    },
    async delete(id, props: ServiceState) {
        // The whole service, in every environment (no environmentId): the owner's call, and only
        // once no other environment runs it. The owner's own instance is gone by now (it depends on
        // the service); one running elsewhere is another stack's, which still declares the service:
        // deleting would take its deployments, variables and volume data with it, unasked.
        const elsewhere = await environmentsRunning(props.apiUrl, props.projectId, id);
        if (elsewhere.length)
            throw new Error(
                `railway.Service '${props.name}' is not deleted: environment(s) ${elsewhere.join(", ")} of the project still run it, ` +
                    `and deleting the service would delete it there too. Remove it from the stack(s) of ${elsewhere.length > 1 ? "those environments" : "that environment"} first ` +
                    `(their up removes their instance only), then run this again; this stack's own instance is already removed`,
            );
        await deleteIfExists(props.apiUrl, "ServiceDelete", { id });
    },
});

/** The names of the project's environments where a stack runs the service (a source, or a deployment). */
async function environmentsRunning(
    apiUrl: string | undefined,
    projectId: string,
    serviceId: string,
): Promise<string[]> {
    const environments = await readOrGone(() =>
        gqlAll(apiUrl, "ProjectEnvironments", { id: projectId }, (d) => d.project.environments),
    );
    const names: string[] = [];
    for (const e of environments ?? []) {
        const instances = await readOrGone(() =>
            gqlAll(apiUrl, "EnvironmentServiceInstances", { id: e.id }, (d) => d.environment.serviceInstances),
        );
        // Railway makes a blank instance in every environment when a service is made: only one with
        // a source, or a deployment not removed, is one a stack put there.
        const used = instances?.some(
            (i) =>
                i.serviceId === serviceId &&
                (!!i.source?.image ||
                    !!i.source?.repo ||
                    (!!i.latestDeployment && !["REMOVED", "REMOVING"].includes(i.latestDeployment.status))),
        );
        if (used) names.push(e.name);
    }
    return names;
}
