import * as pulumi from "@pulumi/pulumi";
import { changedKeys, deleteIfExists, gql, isNotFound } from "./gql";
import { wireSafe } from "./wire";

/** Inputs of {@link Project}. Import ID: `<projectId>`. */
export interface ProjectArgs {
    name: pulumi.Input<string>;
    description?: pulumi.Input<string>;
    /** Workspace that owns the project. Changing it replaces the project (moves are `projectTransfer`, not modelled). */
    workspaceId?: pulumi.Input<string>;
    /** Name of the environment Railway creates with the project (default "production"). */
    defaultEnvironmentName?: pulumi.Input<string>;
    apiUrl?: pulumi.Input<string>;
}

interface ProjectState {
    name: string;
    description?: string;
    workspaceId?: string;
    defaultEnvironmentName?: string;
    apiUrl?: string;
    /** The environments that exist, name → id. */
    environments: Record<string, string>;
}

function envMap(p: { environments?: { edges: Array<{ node: { id: string; name: string } }> } }): Record<string, string> {
    return Object.fromEntries((p.environments?.edges ?? []).map((e) => [e.node.name, e.node.id]));
}

export const projectProvider: pulumi.dynamic.ResourceProvider = wireSafe("Project", {
    async check(_olds, news) {
        const failures = [];
        if (typeof news.name !== "string" || news.name.trim() === "") failures.push({ property: "name", reason: "name is required (the Railway project name)" });
        return { inputs: news, failures };
    },
    async diff(_id, olds: ProjectState, news: ProjectState) {
        const replaces = changedKeys(olds, news, ["workspaceId"]);
        const changes = changedKeys(olds, news, ["name", "description", "workspaceId", "apiUrl"]);
        return { changes: changes.length > 0, replaces, deleteBeforeReplace: false };
    },
    async create(inputs: ProjectState) {
        const data = await gql(inputs.apiUrl, "ProjectCreate", {
            input: { name: inputs.name, description: inputs.description, workspaceId: inputs.workspaceId, defaultEnvironmentName: inputs.defaultEnvironmentName },
        });
        const p = data.projectCreate;
        return { id: p.id, outs: { ...inputs, environments: envMap(p) } };
    },
    async read(id, props?: ProjectState) {
        try {
            const { project } = await gql(props?.apiUrl, "Project", { id });
            if (project.deletedAt) return { id: "", props: {} };
            return { id, props: { ...props, name: project.name, description: project.description ?? undefined, workspaceId: project.workspaceId ?? undefined, environments: envMap(project) } };
        } catch (e) {
            if (isNotFound(e)) return { id: "", props: {} };
            throw e;
        }
    },
    async update(id, _olds: ProjectState, news: ProjectState) {
        await gql(news.apiUrl, "ProjectUpdate", { id, input: { name: news.name, description: news.description ?? null } });
        const { project } = await gql(news.apiUrl, "Project", { id });
        return { outs: { ...news, environments: envMap(project) } };
    },
    async delete(id, props: ProjectState) {
        await deleteIfExists(props.apiUrl, "ProjectDelete", { id });
    },
});

/** A Railway project. */
export class Project extends pulumi.dynamic.Resource {
    declare readonly name: pulumi.Output<string>;
    declare readonly environments: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: ProjectArgs, opts?: pulumi.CustomResourceOptions) {
        super(projectProvider, name, { description: undefined, workspaceId: undefined, defaultEnvironmentName: undefined, apiUrl: undefined, ...args, environments: undefined }, opts, "railway", "Project");
    }
}
