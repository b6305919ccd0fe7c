import * as pulumi from "@pulumi/pulumi";
import { changedKeys, deleteIfExists, gql, readOrGone, requiredIds, splitId } from "./api";
import { defineProvider } from "./define";
import { replaceKeys } from "./properties";
import { withinEnvironment } from "./scope";

/**
 * Inputs of {@link Variables}: the full set of one service's variables in one environment, in two
 * halves: `variables` (plain values such as NODE_ENV or Railway references, readable in previews
 * and PR comments) and `secretVariables` (secret in inputs, state and outputs). Keeping the halves
 * apart lets a policy check that no secret sits in the plain half, which it could not see in one
 * merged secret map. Applied together with `variableCollectionUpsert(replace: true)`, so a variable
 * removed from code is removed on Railway, with one redeploy for the whole change. Read with
 * `unrendered: true`, so references such as `${{postgres.DATABASE_URL}}` round-trip unchanged.
 * Import ID: `<projectId>:<environmentId>:<serviceId>` (an imported set lands in `secretVariables`).
 */
export interface VariablesArgs {
    projectId: pulumi.Input<string>;
    environmentId: pulumi.Input<string>;
    serviceId: pulumi.Input<string>;
    /** Name → plain value: only values that are not secrets (a policy checks this). */
    variables?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Name → secret value: never in plain text in state. */
    secretVariables?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * Apply without redeploying (Railway picks the values up on the next deployment). RailwayApp
     * sets it: its {@link ServiceDeployment} deploys once, after settings and variables are in place.
     */
    skipDeploys?: pulumi.Input<boolean>;
    apiUrl?: pulumi.Input<string>;
    /** Take this existing Railway resource (its import ID) into the stack instead of creating one; it must match the inputs. */
    adoptId?: string;
}

interface VariablesState {
    projectId: string;
    environmentId: string;
    serviceId: string;
    variables: Record<string, string>;
    secretVariables: Record<string, string>;
    skipDeploys?: boolean;
    apiUrl?: string;
    /** When each secret was last rotated: for the policies only, never sent to Railway nor compared. */
    secretRotations?: Record<string, string>;
}

const sortedEntries = (o: Record<string, string>) =>
    Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** Railway's one set, split back into the halves: a name known as plain stays plain; anything else is kept secret. */
function split(
    all: Record<string, string>,
    plainNames: Iterable<string>,
): { variables: Record<string, string>; secretVariables: Record<string, string> } {
    const plain = new Set(plainNames);
    const variables: Record<string, string> = {};
    const secretVariables: Record<string, string> = {};
    for (const [k, v] of Object.entries(all)) (plain.has(k) ? variables : secretVariables)[k] = v;
    return { variables: sortedEntries(variables), secretVariables: sortedEntries(secretVariables) };
}

const allOf = (s: Partial<VariablesState>) => ({ ...(s.variables ?? {}), ...(s.secretVariables ?? {}) });

async function fetchVariables(
    apiUrl: string | undefined,
    projectId: string,
    environmentId: string,
    serviceId: string,
): Promise<Record<string, string>> {
    const { variables } = await gql(apiUrl, "Variables", { projectId, environmentId, serviceId });
    return variables ?? {};
}

async function upsert(s: VariablesState): Promise<void> {
    await withinEnvironment(s, "the variables", () =>
        gql(s.apiUrl, "VariableCollectionUpsert", {
            input: {
                projectId: s.projectId,
                environmentId: s.environmentId,
                serviceId: s.serviceId,
                variables: allOf(s),
                replace: true,
                skipDeploys: s.skipDeploys ?? false,
            },
        }),
    );
}

export const variablesProvider: pulumi.dynamic.ResourceProvider = defineProvider("Variables", {
    async check(_olds, news) {
        const failures = requiredIds(news, ["projectId", "environmentId", "serviceId"]);
        for (const half of ["variables", "secretVariables"]) {
            for (const [name, value] of Object.entries((news[half] ?? {}) as Record<string, unknown>)) {
                if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
                    failures.push({
                        property: `${half}.${name}`,
                        reason: "a variable name is letters, digits and _, not starting with a digit",
                    });
                if (typeof value !== "string")
                    failures.push({ property: `${half}.${name}`, reason: "a variable value must be a string" });
            }
        }
        const both = Object.keys(news.variables ?? {}).filter((k) => k in (news.secretVariables ?? {}));
        for (const name of both)
            failures.push({
                property: `variables.${name}`,
                reason: "is set both as a plain and as a secret variable; keep only the secret one",
            });
        return {
            inputs: {
                ...news,
                variables: sortedEntries(news.variables ?? {}),
                secretVariables: sortedEntries(news.secretVariables ?? {}),
            },
            failures,
        };
    },
    async diff(_id, olds: VariablesState, news: VariablesState) {
        const replaces = changedKeys(olds, news, replaceKeys("Variables"));
        // Railway holds one set: a variable that moves between the halves with the same value
        // (an imported set lands all in the secret half) changes nothing there.
        const changes =
            changedKeys(olds, news, ["apiUrl", "projectId", "environmentId", "serviceId"]).length > 0 ||
            JSON.stringify(sortedEntries(allOf(olds))) !== JSON.stringify(sortedEntries(allOf(news)));
        return { changes, replaces, deleteBeforeReplace: true };
    },
    async create(inputs: VariablesState) {
        await upsert(inputs);
        const all = await fetchVariables(inputs.apiUrl, inputs.projectId, inputs.environmentId, inputs.serviceId);
        return {
            id: `${inputs.projectId}:${inputs.environmentId}:${inputs.serviceId}`,
            outs: { ...inputs, ...split(all, Object.keys(inputs.variables ?? {})) },
        };
    },
    async read(id, props?: VariablesState) {
        const [projectId, environmentId, serviceId] = splitId(
            id,
            ["projectId", "environmentId", "serviceId"],
            "railway.Variables",
        );
        const all = await readOrGone(() => fetchVariables(props?.apiUrl, projectId, environmentId, serviceId));
        if (!all) return { id: "", props: {} };
        return {
            id,
            props: {
                ...props,
                projectId,
                environmentId,
                serviceId,
                ...split(all, Object.keys(props?.variables ?? {})),
            },
        };
    },
    async update(_id, _olds: VariablesState, news: VariablesState) {
        await upsert(news);
        const all = await fetchVariables(news.apiUrl, news.projectId, news.environmentId, news.serviceId);
        return { outs: { ...news, ...split(all, Object.keys(news.variables ?? {})) } };
    },
    async delete(_id, props: VariablesState) {
        await withinEnvironment(props, "the variables", async () => {
            for (const name of Object.keys(allOf(props))) {
                await deleteIfExists(props.apiUrl, "VariableDelete", {
                    input: {
                        projectId: props.projectId,
                        environmentId: props.environmentId,
                        serviceId: props.serviceId,
                        name,
                    },
                });
            }
        });
    },
});
