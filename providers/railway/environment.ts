import * as pulumi from "@pulumi/pulumi";
import { changedKeys, createOrAdopt, deleteIfExists, gql, gqlAll, readOrGone, requiredIds, splitId } from "./api";
import { defineProvider } from "./define";
import { isCopyFailed, untilCopied } from "./duplicate";
import { replaceKeys } from "./properties";

/**
 * Inputs of {@link Environment}. Import ID: `<projectId>:<environmentId>`.
 *
 * One stack owns one environment of a project: every change it makes names that environment, and
 * nothing it does reaches another (Railway scopes every change to one environment). An environment
 * of the declared name that already exists is adopted (the project's default one, or one made in
 * the dashboard, forks included). A new one is created empty, or as a duplicate of
 * `duplicateFrom` (Railway copies its services, settings and variables, and deploys nothing:
 * `skipInitialDeploys`), which the stack then makes what its config says: the create returns once
 * Railway reports the copy applied, so nothing of the stack is written into it before.
 */
export interface EnvironmentArgs {
    projectId: pulumi.Input<string>;
    /** Environment name (staging, production). Renaming is in place. */
    name: pulumi.Input<string>;
    /** Create the environment as a duplicate of this one (by name). Read only at creation. */
    duplicateFrom?: pulumi.Input<string>;
    /** Railway's ephemeral flag (PR and preview environments). Read only at creation. */
    ephemeral?: pulumi.Input<boolean>;
    /** Where the stack's secrets are backed up (`vault`, `none`): for the policies only, never sent to Railway nor compared. */
    secretsBackup?: pulumi.Input<string>;
    apiUrl?: pulumi.Input<string>;
}

interface EnvironmentState {
    projectId: string;
    name: string;
    duplicateFrom?: string;
    ephemeral?: boolean;
    secretsBackup?: string;
    apiUrl?: string;
    environmentId?: string;
    /** The environment it was duplicated (or, before 2024, forked) from, if any. */
    sourceEnvironmentId?: string;
}

type EnvNode = { id: string; name: string; sourceEnvironment: { id: string } | null };

const environmentsOf = (apiUrl: string | undefined, projectId: string): Promise<EnvNode[]> =>
    gqlAll(apiUrl, "ProjectEnvironments", { id: projectId }, (d) => d.project.environments);

/**
 * Waits for a duplicate's copy before the environment is handed on.
 * - Not landed yet (too long, or Railway could not be asked): the engine's initialization error.
 *   The environment exists, so it goes into the stack's state with the error; a destroy removes it
 *   instead of leaving it on Railway, and the next update resumes the wait.
 * - Failed (Railway says so): it will never be whole. One this create just made is deleted, so
 *   nothing is left half made and the next run makes it anew; one found by name (never in this
 *   stack's state) is named, to be deleted by hand.
 */
async function handedOnCopied(
    apiUrl: string | undefined,
    env: { id: string; name: string },
    sourceName: string,
    outs: EnvironmentState,
    madeNow: boolean,
): Promise<void> {
    try {
        await untilCopied(apiUrl, env, sourceName, madeNow);
    } catch (e) {
        const message = (e as Error).message;
        const inState = (why: string, cause: unknown) =>
            Object.assign(new Error(why, { cause }), { id: env.id, properties: outs, reasons: [why] });
        if (!isCopyFailed(e)) throw inState(message, e);
        if (!madeNow)
            throw new Error(`${message}. Delete environment '${env.name}' in Railway and run the update again`, {
                cause: e,
            });
        try {
            await deleteIfExists(apiUrl, "EnvironmentDelete", { id: env.id });
        } catch (d) {
            // Still there: the state keeps it, so a destroy reaches it.
            throw inState(
                `${message}. Deleting it failed too (${(d as Error).message}): destroy this stack's environment (pulumi destroy) and run the update again`,
                d,
            );
        }
        throw new Error(`${message}. The environment was deleted: run the update again to make it anew`, { cause: e });
    }
}

export const environmentProvider: pulumi.dynamic.ResourceProvider = defineProvider("Environment", {
    async check(_olds, news) {
        const failures = requiredIds(news, ["projectId"]);
        if (typeof news.name !== "string" || news.name.trim() === "")
            failures.push({ property: "name", reason: "name is required (e.g. staging, production)" });
        return { inputs: news, failures };
    },
    async diff(_id, olds: EnvironmentState, news: EnvironmentState) {
        // duplicateFrom and ephemeral matter only when the environment is created.
        const replaces = changedKeys(olds, news, replaceKeys("Environment"));
        const changes = changedKeys(olds, news, ["projectId", "name", "apiUrl"]);
        return { changes: changes.length > 0, replaces, deleteBeforeReplace: true };
    },
    async create(inputs: EnvironmentState) {
        const envs = await environmentsOf(inputs.apiUrl, inputs.projectId);
        // Adopt the environment of that name when it exists (Railway creates a default one with
        // every project), so a stack can own the environment its project came with.
        const existing = envs.find((e) => e.name === inputs.name);
        if (existing) {
            // A duplicate found by name may be one whose copy is still being made (a create whose
            // answer was lost, here or in an earlier run): it is handed on once the copy is done.
            const source = existing.sourceEnvironment?.id;
            const outs = { ...inputs, environmentId: existing.id, sourceEnvironmentId: source };
            if (source)
                await handedOnCopied(
                    inputs.apiUrl,
                    existing,
                    envs.find((e) => e.id === source)?.name ?? source,
                    outs,
                    false,
                );
            return { id: existing.id, outs };
        }
        let sourceEnvironmentId: string | undefined;
        if (inputs.duplicateFrom) {
            sourceEnvironmentId = envs.find((e) => e.name === inputs.duplicateFrom)?.id;
            if (!sourceEnvironmentId)
                throw new Error(
                    `duplicateFrom: project ${inputs.projectId} has no environment '${inputs.duplicateFrom}' to duplicate (it has: ${envs.map((e) => e.name).join(", ") || "none"})`,
                );
        }
        const created = await createOrAdopt(
            async () =>
                (
                    await gql(
                        inputs.apiUrl,
                        "EnvironmentCreate",
                        {
                            input: {
                                projectId: inputs.projectId,
                                name: inputs.name,
                                sourceEnvironmentId,
                                // The copy is made after the answer (untilCopied waits for it): made
                                // within the request, a big one outlasts the call's timeout.
                                applyChangesInBackground: sourceEnvironmentId ? true : undefined,
                                skipInitialDeploys: true,
                                ephemeral: inputs.ephemeral ?? false,
                            },
                        },
                        { retryMutation: false },
                    )
                ).environmentCreate,
            async () => (await environmentsOf(inputs.apiUrl, inputs.projectId)).find((e) => e.name === inputs.name),
        );
        const outs = { ...inputs, environmentId: created.id, sourceEnvironmentId: created.sourceEnvironment?.id };
        if (sourceEnvironmentId) await handedOnCopied(inputs.apiUrl, created, inputs.duplicateFrom!, outs, true);
        return { id: created.id, outs };
    },
    async read(id, props?: EnvironmentState) {
        const [projectId, environmentId] = id.includes(":")
            ? splitId(id, ["projectId", "environmentId"], "railway.Environment")
            : [props?.projectId, id];
        const found = await readOrGone(() => gql(props?.apiUrl, "Environment", { id: environmentId!, projectId }));
        if (!found || found.environment.deletedAt) return { id: "", props: {} };
        const e = found.environment;
        return {
            id: environmentId!,
            props: {
                ...props,
                projectId: e.projectId,
                name: e.name,
                environmentId,
                sourceEnvironmentId: e.sourceEnvironment?.id,
            },
        };
    },
    async update(id, olds: EnvironmentState, news: EnvironmentState) {
        if (olds.name !== news.name) await gql(news.apiUrl, "EnvironmentRename", { id, input: { name: news.name } });
        const { environment } = await gql(news.apiUrl, "Environment", { id });
        // The update that follows a create whose copy had not landed (an initialization error): it
        // resumes the wait; for a duplicate long since copied it is one question.
        if (environment.sourceEnvironment)
            await untilCopied(news.apiUrl, environment, environment.sourceEnvironment.name, false).catch((e) => {
                if (!isCopyFailed(e)) throw e;
                throw new Error(
                    `${e.message}. Destroy this stack's environment (pulumi destroy) and run the update again`,
                );
            });
        return {
            outs: {
                ...news,
                name: environment.name,
                environmentId: id,
                sourceEnvironmentId: environment.sourceEnvironment?.id,
            },
        };
    },
    async delete(id, props: EnvironmentState) {
        await deleteIfExists(props.apiUrl, "EnvironmentDelete", { id });
    },
});
