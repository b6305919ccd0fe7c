import * as pulumi from "@pulumi/pulumi";
import { changedKeys, gql, gqlAll, readOrGone } from "./api";
import { defineProvider } from "./define";
import { replaceKeys } from "./properties";

/**
 * Inputs of {@link ProjectLookup}: a project this stack shares but does not own, found by name
 * (in a workspace, when given). The stack that owns the project creates it and deletes it; a stack
 * that shares it finds it here, and its `pulumi destroy` never deletes it.
 */
export interface ProjectLookupArgs {
    name: pulumi.Input<string>;
    workspaceId?: pulumi.Input<string>;
    apiUrl?: pulumi.Input<string>;
}

interface LookupState {
    name: string;
    workspaceId?: string;
    apiUrl?: string;
    projectId?: string;
}

async function find(s: LookupState): Promise<string> {
    const all = await gqlAll(s.apiUrl, "WorkspaceProjects", { workspaceId: s.workspaceId ?? null }, (d) => d.projects);
    const named = all.filter((p) => p.name === s.name && !p.deletedAt);
    const where = s.workspaceId ? `workspace ${s.workspaceId}` : "the workspaces this token reaches";
    if (named.length === 0)
        throw new Error(
            `railway.project: no Railway project named '${s.name}' in ${where}. It is created by the stack that owns it (railway.ownsProject, production in this repository): ` +
                "run 'pulumi up' on that stack first, or set railway.projectId to the project's id",
        );
    if (named.length > 1)
        throw new Error(
            `railway.project: ${named.length} Railway projects are named '${s.name}' in ${where}; set railway.projectId to the one this stack shares`,
        );
    return named[0].id;
}

export const projectLookupProvider: pulumi.dynamic.ResourceProvider = defineProvider("ProjectLookup", {
    async check(_olds, news) {
        const failures = [];
        if (typeof news.name !== "string" || news.name.trim() === "")
            failures.push({ property: "name", reason: "name is required (the shared Railway project's name)" });
        return { inputs: news, failures };
    },
    async diff(_id, olds: LookupState, news: LookupState) {
        const replaces = changedKeys(olds, news, replaceKeys("ProjectLookup"));
        return {
            changes: replaces.length > 0 || changedKeys(olds, news, ["apiUrl"]).length > 0,
            replaces,
            deleteBeforeReplace: false,
        };
    },
    async create(inputs: LookupState) {
        const projectId = await find(inputs);
        return { id: projectId, outs: { ...inputs, projectId } };
    },
    async read(id, props?: LookupState) {
        const found = await readOrGone(() => gql(props?.apiUrl, "Project", { id }));
        if (!found || found.project.deletedAt) return { id: "", props: {} };
        return { id, props: { ...props, projectId: id } };
    },
    async update(id, _olds: LookupState, news: LookupState) {
        return { outs: { ...news, projectId: id } };
    },
    async delete() {
        // Never deletes the project: its owner does.
    },
});
