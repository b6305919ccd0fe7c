/** Environments, and the environment patches Railway's CLI and its IaC send. */
import { randomUUID } from "crypto";
import { ChangeSets } from "../change-sets";
import { applyPatch, mergePatch } from "../config";
import { EmulatorStore, badInput, notFound } from "../store";
import { Args, RequestContext } from "./context";
import { Views } from "./views";

export function environmentsResolvers(store: EmulatorStore, views: Views) {
    const { page, iso, envView, stagedView, projectOfEnv } = views;
    const changeSets = new ChangeSets(store);
    return {
        // ---- Railway's IaC change sets (change-sets.ts) ----
        environmentPreviewChangeSet: ({ environmentId, input }: Args, ctx: RequestContext) => {
            ctx.access.environment(projectOfEnv(environmentId), environmentId);
            return changeSets.preview(environmentId, input);
        },
        environmentApplyChangeSet: ({ environmentId, input, baseConfigEtag }: Args, ctx: RequestContext) => {
            ctx.access.environment(projectOfEnv(environmentId), environmentId);
            return changeSets.apply(environmentId, input, baseConfigEtag);
        },
        environmentChangeSetApply: ({ environmentId, id }: Args, ctx: RequestContext) => {
            ctx.access.environment(projectOfEnv(environmentId), environmentId);
            return changeSets.result(environmentId, id);
        },

        environmentCreate: ({ input }: Args, ctx: RequestContext) => {
            ctx.access.account();
            const e = store.createEnvironment(input);
            // Without applyChangesInBackground Railway copies the source within the request, so a big
            // duplicate can outlast a client's or a gateway's timeout (why Railway's CLI moved to the
            // background); the environment exists by name all along.
            if (e.applying && !input.applyChangesInBackground) ctx.copiedBeforeAnswer = e.id;
            return envView(e.id);
        },
        environment: ({ id, projectId }: Args, ctx: RequestContext) => {
            const e = store.environment(id, { includeDeleted: true });
            if (projectId && e.projectId !== projectId) throw notFound("Environment");
            ctx.access.environment(e.projectId, e.id);
            return envView(id);
        },
        environmentRename: ({ id, input }: Args, ctx: RequestContext) => {
            ctx.access.account();
            const e = store.environment(id);
            if (store.liveEnvironments(e.projectId).some((o) => o.name === input.name && o.id !== id))
                throw badInput(`Environment ${input.name} already exists`);
            e.name = input.name;
            return envView(id);
        },
        environmentDelete: ({ id }: Args, ctx: RequestContext) => {
            ctx.access.account();
            store.deleteEnvironment(id);
            return true;
        },
        environments: (args: Args, ctx: RequestContext) => {
            ctx.access.project(args.projectId);
            store.project(args.projectId);
            return page(
                store
                    .liveEnvironments(args.projectId)
                    .filter(
                        (e) =>
                            args.isEphemeral === undefined ||
                            args.isEphemeral === null ||
                            e.ephemeral === args.isEphemeral,
                    )
                    .filter(
                        (e) => ctx.access.principal.kind === "account" || ctx.access.principal.environmentId === e.id,
                    )
                    .map((e) => envView(e.id)),
                args,
            );
        },

        environmentPatchCommit: ({ environmentId, patch }: Args, ctx: RequestContext) => {
            ctx.access.environment(projectOfEnv(environmentId), environmentId);
            // Railway's CLI stages instead of committing while an environment has staged changes;
            // a commit then would publish them too. Refused here, so that nobody's staged work goes out unseen.
            if (store.staged.has(environmentId))
                throw badInput(
                    "This environment has staged changes: commit or discard them first (environmentPatchCommitStaged)",
                );
            for (const serviceId of applyPatch(store, environmentId, patch ?? {}))
                store.tryDeploy(serviceId, environmentId, "deploy");
            return randomUUID();
        },
        environmentStageChanges: ({ environmentId, input, merge }: Args, ctx: RequestContext) => {
            ctx.access.environment(projectOfEnv(environmentId), environmentId);
            if (!input || typeof input !== "object" || Array.isArray(input))
                throw badInput("The staged patch must be an object");
            const now = store.now();
            const prior = store.staged.get(environmentId);
            const next = prior && merge ? mergePatch(prior.patch, input) : structuredClone(input);
            store.staged.set(environmentId, {
                id: prior?.id ?? randomUUID(),
                environmentId,
                patch: next,
                createdAt: prior?.createdAt ?? now,
                updatedAt: now,
            });
            return stagedView(environmentId);
        },
        environmentStagedChanges: ({ environmentId }: Args, ctx: RequestContext) => {
            ctx.access.environment(projectOfEnv(environmentId), environmentId);
            const env = store.environment(environmentId);
            if (!store.staged.has(environmentId)) {
                const now = store.now();
                return {
                    id: `none-${environmentId}`,
                    environmentId,
                    createdAt: iso(now),
                    updatedAt: iso(now),
                    // A duplicate is APPLYING until its copy lands (the status Railway's CLI waits on).
                    status: env.applying ? "APPLYING" : "COMMITTED",
                    message: null,
                    lastAppliedError: env.applyError ?? null,
                    appliedAt: null,
                    patch: () => ({}),
                    environment: () => envView(environmentId),
                };
            }
            return stagedView(environmentId);
        },
        environmentPatchCommitStaged: ({ environmentId, skipDeploys }: Args, ctx: RequestContext) => {
            ctx.access.environment(projectOfEnv(environmentId), environmentId);
            const staged = store.staged.get(environmentId);
            if (!staged) throw badInput("This environment has no staged changes");
            const changed = applyPatch(store, environmentId, staged.patch);
            store.staged.delete(environmentId);
            if (!skipDeploys) for (const serviceId of changed) store.tryDeploy(serviceId, environmentId, "deploy");
            return randomUUID();
        },
    };
}
