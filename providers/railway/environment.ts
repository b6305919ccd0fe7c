import * as pulumi from "@pulumi/pulumi";
import { changedKeys, createOrAdopt, deleteIfExists, gql, gqlAll, readOrGone, requiredIds, splitId } from "./api";
import { defineProvider } from "./define";

/**
 * Inputs of {@link Environment}. Import ID: `<projectId>:<environmentId>`.
 *
 * Railway applies a service change made in a non-fork environment to every non-fork environment
 * of the project; only a fork (an environment created from a source environment) keeps changes
 * to itself. So a stack's environment is either the only non-fork environment of its project
 * (a project the stack made, or one with a single environment), or a fork: with `forkFrom` it is
 * created as a fork of that environment. A non-fork environment beside others is refused, since
 * this stack would then rewrite their services.
 */
export interface EnvironmentArgs {
    projectId: pulumi.Input<string>;
    /** Environment name (staging, production). Renaming is in place. */
    name: pulumi.Input<string>;
    /** Create the environment as a fork of this one (by name); Railway copies its services, settings and variables, which the stack then replaces. */
    forkFrom?: pulumi.Input<string>;
    apiUrl?: pulumi.Input<string>;
}

interface EnvironmentState {
    projectId: string;
    name: string;
    forkFrom?: string;
    apiUrl?: string;
    environmentId?: string;
    isFork?: boolean;
}

type EnvNode = { id: string; name: string; sourceEnvironment: { id: string } | null };

const environmentsOf = (apiUrl: string | undefined, projectId: string): Promise<EnvNode[]> =>
    gqlAll(apiUrl, "ProjectEnvironments", { id: projectId }, (d) => d.project.environments);

/** Why a non-fork environment would not be isolated, or undefined when it is. */
function leakProblem(target: string, envs: EnvNode[], projectId: string): string | undefined {
    const others = envs.filter((e) => e.name !== target && !e.sourceEnvironment).map((e) => e.name);
    if (!others.length) return undefined;
    return (
        `Railway environment '${target}' of project ${projectId} would not be a fork, and the project has other non-fork environments (${others.join(", ")}): ` +
        `Railway applies every service change made in a non-fork environment to all of them, so this stack would change ${others.join(", ")} too. ` +
        `Fix: set railway.forkFrom to the environment to fork '${target}' from, or give the stack its own project (leave railway.projectId unset)`
    );
}

export const environmentProvider: pulumi.dynamic.ResourceProvider = defineProvider("Environment", {
    async check(_olds, news) {
        const failures = requiredIds(news, ["projectId"]);
        if (typeof news.name !== "string" || news.name.trim() === "") failures.push({ property: "name", reason: "name is required (e.g. staging, production)" });
        return { inputs: news, failures };
    },
    async diff(_id, olds: EnvironmentState, news: EnvironmentState) {
        // forkFrom matters only when the environment is created.
        const replaces = changedKeys(olds, news, ["projectId"]);
        const changes = changedKeys(olds, news, ["projectId", "name", "apiUrl"]);
        return { changes: changes.length > 0, replaces, deleteBeforeReplace: true };
    },
    async create(inputs: EnvironmentState) {
        const envs = await environmentsOf(inputs.apiUrl, inputs.projectId);
        // Railway creates a default environment with every project: adopt one of the same name,
        // so a stack can own the environment its project came with.
        const existing = envs.find((e) => e.name === inputs.name);
        if (existing) {
            const problem = existing.sourceEnvironment ? undefined : leakProblem(inputs.name, envs, inputs.projectId);
            if (problem) throw new Error(problem);
            return { id: existing.id, outs: { ...inputs, environmentId: existing.id, isFork: !!existing.sourceEnvironment } };
        }
        let sourceEnvironmentId: string | undefined;
        if (inputs.forkFrom) {
            sourceEnvironmentId = envs.find((e) => e.name === inputs.forkFrom)?.id;
            if (!sourceEnvironmentId)
                throw new Error(`forkFrom: project ${inputs.projectId} has no environment '${inputs.forkFrom}' (it has: ${envs.map((e) => e.name).join(", ") || "none"})`);
        } else {
            const problem = leakProblem(inputs.name, envs, inputs.projectId);
            if (problem) throw new Error(problem);
        }
        const created = await createOrAdopt(
            async () =>
                (
                    await gql(
                        inputs.apiUrl,
                        "EnvironmentCreate",
                        { input: { projectId: inputs.projectId, name: inputs.name, sourceEnvironmentId, skipInitialDeploys: true } },
                        { retryMutation: false },
                    )
                ).environmentCreate,
            async () => (await environmentsOf(inputs.apiUrl, inputs.projectId)).find((e) => e.name === inputs.name),
        );
        return { id: created.id, outs: { ...inputs, environmentId: created.id, isFork: !!created.sourceEnvironment } };
    },
    async read(id, props?: EnvironmentState) {
        const [projectId, environmentId] = id.includes(":") ? splitId(id, ["projectId", "environmentId"], "railway.Environment") : [props?.projectId, id];
        const found = await readOrGone(() => gql(props?.apiUrl, "Environment", { id: environmentId!, projectId }));
        if (!found || found.environment.deletedAt) return { id: "", props: {} };
        const e = found.environment;
        return { id: environmentId!, props: { ...props, projectId: e.projectId, name: e.name, environmentId, isFork: !!e.sourceEnvironment } };
    },
    async update(id, olds: EnvironmentState, news: EnvironmentState) {
        if (olds.name !== news.name) await gql(news.apiUrl, "EnvironmentRename", { id, input: { name: news.name } });
        const { environment } = await gql(news.apiUrl, "Environment", { id });
        return { outs: { ...news, name: environment.name, environmentId: id, isFork: !!environment.sourceEnvironment } };
    },
    async delete(id, props: EnvironmentState) {
        await deleteIfExists(props.apiUrl, "EnvironmentDelete", { id });
    },
});

/** A Railway environment of a project. */
export class Environment extends pulumi.dynamic.Resource {
    declare readonly projectId: pulumi.Output<string>;
    declare readonly name: pulumi.Output<string>;
    declare readonly isFork: pulumi.Output<boolean>;

    constructor(name: string, args: EnvironmentArgs, opts?: pulumi.CustomResourceOptions) {
        super(environmentProvider, name, { apiUrl: undefined, forkFrom: undefined, ...args, environmentId: undefined, isFork: undefined }, opts, "railway", "Environment");
    }
}
