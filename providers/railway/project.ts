import * as pulumi from "@pulumi/pulumi";
import { changedKeys, createOrAdopt, deleteIfExists, gql, gqlAll, readOrGone } from "./api";
import { defineProvider } from "./define";
import { replaceKeys } from "./properties";

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

async function environmentsOf(apiUrl: string | undefined, id: string): Promise<Record<string, string>> {
    const envs = await gqlAll(apiUrl, "ProjectEnvironments", { id }, (d) => d.project.environments);
    return Object.fromEntries(envs.map((e) => [e.name, e.id]));
}

/**
 * A project made by a create whose answer was lost: a project of that name in the workspace that is
 * not older than the attempt (Railway's clock and ours may differ: a minute of slack). Two such
 * projects mean the tool cannot know which one is its own: it says so rather than guess.
 */
async function madeByUs(inputs: ProjectState, since: number): Promise<{ id: string } | undefined> {
    const all = await gqlAll(
        inputs.apiUrl,
        "WorkspaceProjects",
        { workspaceId: inputs.workspaceId ?? null },
        (d) => d.projects,
    );
    const fresh = all.filter(
        (p) => p.name === inputs.name && !p.deletedAt && Date.parse(p.createdAt) >= since - 60_000,
    );
    if (fresh.length > 1) {
        throw new Error(
            `a projectCreate for '${inputs.name}' had no clear outcome and ${fresh.length} new projects of that name exist: cannot tell which one this stack made; ` +
                "adopt one with 'pulumi import railway:index:Project <name> <projectId>' and delete the others",
        );
    }
    return fresh[0] ? { id: fresh[0].id } : undefined;
}

export const projectProvider: pulumi.dynamic.ResourceProvider = defineProvider("Project", {
    async check(_olds, news) {
        const failures = [];
        if (typeof news.name !== "string" || news.name.trim() === "")
            failures.push({ property: "name", reason: "name is required (the Railway project name)" });
        return { inputs: news, failures };
    },
    async diff(_id, olds: ProjectState, news: ProjectState) {
        const replaces = changedKeys(olds, news, replaceKeys("Project"));
        const changes = changedKeys(olds, news, ["name", "description", "workspaceId", "apiUrl"]);
        return { changes: changes.length > 0, replaces, deleteBeforeReplace: false };
    },
    async create(inputs: ProjectState) {
        const since = Date.now();
        const { id } = await createOrAdopt(
            async () =>
                (
                    await gql(
                        inputs.apiUrl,
                        "ProjectCreate",
                        {
                            input: {
                                name: inputs.name,
                                description: inputs.description,
                                workspaceId: inputs.workspaceId,
                                defaultEnvironmentName: inputs.defaultEnvironmentName,
                            },
                        },
                        { retryMutation: false },
                    )
                ).projectCreate,
            () => madeByUs(inputs, since),
        );
        return { id, outs: { ...inputs, environments: await environmentsOf(inputs.apiUrl, id) } };
    },
    async read(id, props?: ProjectState) {
        const found = await readOrGone(() => gql(props?.apiUrl, "Project", { id }));
        if (!found || found.project.deletedAt) return { id: "", props: {} };
        const p = found.project;
        return {
            id,
            props: {
                ...props,
                name: p.name,
                description: p.description ?? undefined,
                workspaceId: p.workspaceId ?? undefined,
                environments: await environmentsOf(props?.apiUrl, id),
            },
        };
    },
    async update(id, _olds: ProjectState, news: ProjectState) {
        await gql(news.apiUrl, "ProjectUpdate", {
            id,
            input: { name: news.name, description: news.description ?? null },
        });
        return { outs: { ...news, environments: await environmentsOf(news.apiUrl, id) } };
    },
    async delete(id, props: ProjectState) {
        await deleteIfExists(props.apiUrl, "ProjectDelete", { id });
    },
});
