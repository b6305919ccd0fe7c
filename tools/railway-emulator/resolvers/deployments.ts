/** Deployments: listing, deploying, redeploying, restarting, removing and rolling back. */
import { EmulatorStore, badInput } from "../store";
import { Args, RequestContext } from "./context";
import { Views } from "./views";

export function deploymentsResolvers(store: EmulatorStore, views: Views) {
    const { page, deploymentView, projectOfService, projectOfEnv } = views;
    return {
        deployments: (args: Args, ctx: RequestContext) => {
            const input = args.input ?? {};
            const projectId =
                input.projectId ??
                (input.environmentId
                    ? projectOfEnv(input.environmentId)
                    : input.serviceId
                      ? projectOfService(input.serviceId)
                      : undefined);
            if (!projectId) ctx.access.account();
            else ctx.access.environment(projectId, input.environmentId);
            const wanted: string[] | undefined = input.status?.in;
            const unwanted: string[] | undefined = input.status?.notIn;
            const items = [...store.deployments.values()]
                .filter(
                    (d) =>
                        (!input.serviceId || d.serviceId === input.serviceId) &&
                        (!input.environmentId || d.environmentId === input.environmentId) &&
                        (!input.projectId || d.projectId === input.projectId),
                )
                .sort((a, b) => b.createdAt - a.createdAt)
                .map(deploymentView)
                .filter((d) => (!wanted || wanted.includes(d.status)) && (!unwanted || !unwanted.includes(d.status)));
            return page(items, args);
        },
        deployment: ({ id }: Args, ctx: RequestContext) => {
            const d = store.deployment(id);
            ctx.access.environment(d.projectId, d.environmentId);
            return deploymentView(d);
        },
        deploymentRollback: ({ id }: Args, ctx: RequestContext) => {
            const d = store.deployment(id);
            ctx.access.environment(d.projectId, d.environmentId);
            store.rollback(id);
            return true;
        },
        deploymentRedeploy: ({ id }: Args, ctx: RequestContext) => {
            const d = store.deployment(id);
            ctx.access.environment(d.projectId, d.environmentId);
            // The same code again: an upload's files, or the same commit of the source.
            return deploymentView(
                store.deploy(d.serviceId, d.environmentId, "redeploy", d.upload ? undefined : d.commitHash, {
                    ...(d.upload ? { upload: d.upload } : {}),
                }),
            );
        },
        deploymentRestart: ({ id }: Args, ctx: RequestContext) => {
            const d = store.deployment(id);
            ctx.access.environment(d.projectId, d.environmentId);
            // A restart reruns the running containers: only a live deployment has any.
            if (!["SUCCESS", "CRASHED", "SLEEPING"].includes(store.status(d)))
                throw badInput("Only a running deployment can be restarted");
            return true;
        },
        deploymentRemove: ({ id }: Args, ctx: RequestContext) => {
            const d = store.deployment(id);
            ctx.access.environment(d.projectId, d.environmentId);
            d.removed = true;
            return true;
        },
        serviceInstanceDeployV2: ({ serviceId, environmentId, commitSha }: Args, ctx: RequestContext) => {
            ctx.access.environment(projectOfService(serviceId), environmentId);
            return store.deploy(serviceId, environmentId, "deploy", commitSha ?? undefined).id;
        },
        // The older form Railway's CLI still sends for `redeploy --from-source`: the source's newest
        // commit (latestCommit) or what the service last deployed.
        serviceInstanceDeploy: ({ serviceId, environmentId, commitSha, latestCommit }: Args, ctx: RequestContext) => {
            ctx.access.environment(projectOfService(serviceId), environmentId);
            const latest = store.deploymentsOf(serviceId, environmentId).sort((a, b) => b.createdAt - a.createdAt)[0];
            store.deploy(
                serviceId,
                environmentId,
                "deploy",
                commitSha ?? (latestCommit ? undefined : latest?.commitHash),
            );
            return true;
        },
        serviceInstanceRedeploy: ({ serviceId, environmentId }: Args, ctx: RequestContext) => {
            ctx.access.environment(projectOfService(serviceId), environmentId);
            const latest = store.deploymentsOf(serviceId, environmentId).sort((a, b) => b.createdAt - a.createdAt)[0];
            store.deploy(serviceId, environmentId, "redeploy", latest?.commitHash);
            return true;
        },
    };
}
