import * as pulumi from "@pulumi/pulumi";
import { changedKeys, deleteIfExists, gql, isNotFound, splitId } from "./gql";
import { wireSafe } from "./wire";

/** Inputs of {@link Environment}. Import ID: `<projectId>:<environmentId>`. */
export interface EnvironmentArgs {
    projectId: pulumi.Input<string>;
    /** Environment name (staging, production). Renaming is in place. */
    name: pulumi.Input<string>;
    apiUrl?: pulumi.Input<string>;
}

interface EnvironmentState {
    projectId: string;
    name: string;
    apiUrl?: string;
    environmentId?: string;
}

export const environmentProvider: pulumi.dynamic.ResourceProvider = wireSafe("Environment", {
    async check(_olds, news) {
        const failures = [];
        if (!news.projectId) failures.push({ property: "projectId", reason: "projectId is required" });
        if (typeof news.name !== "string" || news.name.trim() === "") failures.push({ property: "name", reason: "name is required (e.g. staging, production)" });
        return { inputs: news, failures };
    },
    async diff(_id, olds: EnvironmentState, news: EnvironmentState) {
        const replaces = changedKeys(olds, news, ["projectId"]);
        const changes = changedKeys(olds, news, ["projectId", "name", "apiUrl"]);
        return { changes: changes.length > 0, replaces, deleteBeforeReplace: true };
    },
    async create(inputs: EnvironmentState) {
        // Railway creates a default environment with every project; adopt one of the same name
        // rather than failing, so a stack can own the environment its project came with.
        const { project } = await gql(inputs.apiUrl, "Project", { id: inputs.projectId });
        const existing = (project.environments?.edges ?? []).find((e: { node: { name: string } }) => e.node.name === inputs.name);
        const id: string = existing
            ? existing.node.id
            : (await gql(inputs.apiUrl, "EnvironmentCreate", { input: { projectId: inputs.projectId, name: inputs.name, skipInitialDeploys: true } })).environmentCreate.id;
        return { id, outs: { ...inputs, environmentId: id } };
    },
    async read(id, props?: EnvironmentState) {
        const [projectId, environmentId] = id.includes(":") ? splitId(id, ["projectId", "environmentId"], "railway.Environment") : [props?.projectId, id];
        try {
            const { environment } = await gql(props?.apiUrl, "Environment", { id: environmentId, projectId });
            if (environment.deletedAt) return { id: "", props: {} };
            return { id: environmentId!, props: { ...props, projectId: environment.projectId, name: environment.name, environmentId } };
        } catch (e) {
            if (isNotFound(e)) return { id: "", props: {} };
            throw e;
        }
    },
    async update(id, olds: EnvironmentState, news: EnvironmentState) {
        if (olds.name !== news.name) await gql(news.apiUrl, "EnvironmentRename", { id, input: { name: news.name } });
        const { environment } = await gql(news.apiUrl, "Environment", { id });
        return { outs: { ...news, name: environment.name, environmentId: id } };
    },
    async delete(id, props: EnvironmentState) {
        await deleteIfExists(props.apiUrl, "EnvironmentDelete", { id });
    },
});

/** A Railway environment of a project. */
export class Environment extends pulumi.dynamic.Resource {
    declare readonly projectId: pulumi.Output<string>;
    declare readonly name: pulumi.Output<string>;

    constructor(name: string, args: EnvironmentArgs, opts?: pulumi.CustomResourceOptions) {
        super(environmentProvider, name, { apiUrl: undefined, ...args, environmentId: undefined }, opts, "railway", "Environment");
    }
}
