import * as pulumi from "@pulumi/pulumi";
import { changedKeys, deleteIfExists, gql, isNotFound, splitId } from "./gql";

/**
 * Inputs of {@link Variables}: the full set of one service's variables in one environment. Applied
 * with `variableCollectionUpsert(replace: true)`, so a variable removed from code is removed on
 * Railway, with one redeploy for the whole change. Read with `unrendered: true`, so references
 * such as `${{postgres.DATABASE_URL}}` round-trip unchanged (no false diffs).
 * Import ID: `<projectId>:<environmentId>:<serviceId>`.
 */
export interface VariablesArgs {
    projectId: pulumi.Input<string>;
    environmentId: pulumi.Input<string>;
    serviceId: pulumi.Input<string>;
    /** Name → value. Stored as a secret output: values are never in plain text in state. */
    variables: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Apply without redeploying (Railway picks the values up on the next deployment). */
    skipDeploys?: pulumi.Input<boolean>;
    apiUrl?: pulumi.Input<string>;
}

interface VariablesState {
    projectId: string;
    environmentId: string;
    serviceId: string;
    variables: Record<string, string>;
    skipDeploys?: boolean;
    apiUrl?: string;
}

async function fetchVariables(apiUrl: string | undefined, projectId: string, environmentId: string, serviceId: string): Promise<Record<string, string>> {
    const { variables } = await gql(apiUrl, "Variables", { projectId, environmentId, serviceId });
    return (variables ?? {}) as Record<string, string>;
}

async function upsert(s: VariablesState): Promise<void> {
    await gql(s.apiUrl, "VariableCollectionUpsert", {
        input: { projectId: s.projectId, environmentId: s.environmentId, serviceId: s.serviceId, variables: s.variables, replace: true, skipDeploys: s.skipDeploys ?? false },
    });
}

export const variablesProvider: pulumi.dynamic.ResourceProvider = {
    async check(_olds, news) {
        const failures: Array<{ property: string; reason: string }> = [];
        for (const k of ["projectId", "environmentId", "serviceId"]) if (!news[k]) failures.push({ property: k, reason: `${k} is required` });
        for (const [name, value] of Object.entries((news.variables ?? {}) as Record<string, unknown>)) {
            if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) failures.push({ property: `variables.${name}`, reason: "a variable name is letters, digits and _, not starting with a digit" });
            if (typeof value !== "string") failures.push({ property: `variables.${name}`, reason: "a variable value must be a string" });
        }
        return { inputs: news, failures };
    },
    async diff(_id, olds: VariablesState, news: VariablesState) {
        const replaces = changedKeys(olds, news, ["projectId", "environmentId", "serviceId"]);
        const changes = changedKeys(olds, news, ["variables", "apiUrl", "projectId", "environmentId", "serviceId"]);
        return { changes: changes.length > 0, replaces, deleteBeforeReplace: true };
    },
    async create(inputs: VariablesState) {
        await upsert(inputs);
        const variables = await fetchVariables(inputs.apiUrl, inputs.projectId, inputs.environmentId, inputs.serviceId);
        return { id: `${inputs.projectId}:${inputs.environmentId}:${inputs.serviceId}`, outs: { ...inputs, variables } };
    },
    async read(id, props?: VariablesState) {
        const [projectId, environmentId, serviceId] = splitId(id, ["projectId", "environmentId", "serviceId"], "railway.Variables");
        try {
            const variables = await fetchVariables(props?.apiUrl, projectId, environmentId, serviceId);
            return { id, props: { ...props, projectId, environmentId, serviceId, variables } };
        } catch (e) {
            if (isNotFound(e)) return { id: "", props: {} };
            throw e;
        }
    },
    async update(_id, _olds: VariablesState, news: VariablesState) {
        await upsert(news);
        const variables = await fetchVariables(news.apiUrl, news.projectId, news.environmentId, news.serviceId);
        return { outs: { ...news, variables } };
    },
    async delete(_id, props: VariablesState) {
        for (const name of Object.keys(props.variables ?? {})) {
            await deleteIfExists(props.apiUrl, "VariableDelete", {
                input: { projectId: props.projectId, environmentId: props.environmentId, serviceId: props.serviceId, name },
            });
        }
    },
};

/** The full set of a service's variables in one environment. */
export class Variables extends pulumi.dynamic.Resource {
    declare readonly variables: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: VariablesArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            variablesProvider,
            name,
            { skipDeploys: undefined, apiUrl: undefined, ...args, variables: pulumi.secret(args.variables) },
            { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "variables"] },
            "railway",
            "Variables",
        );
    }
}
