/** Services, their per-environment settings and deployment triggers. */
import { EmulatorStore, badInput, notFound } from "../store";
import { Args, RequestContext } from "./context";
import { Views } from "./views";

export function servicesResolvers(store: EmulatorStore, views: Views) {
    const { page, serviceView, instanceView, triggerView, projectOfService } = views;
    return {
        serviceCreate: ({ input }: Args, ctx: RequestContext) => {
            ctx.access.environment(input.projectId, input.environmentId);
            return serviceView(store.createService(input).id);
        },
        service: ({ id }: Args, ctx: RequestContext) => {
            ctx.access.project(projectOfService(id));
            return serviceView(id);
        },
        serviceUpdate: ({ id, input }: Args, ctx: RequestContext) => {
            ctx.access.account();
            const s = store.service(id);
            if (input.name !== undefined && input.name !== null) {
                store.checkServiceName(input.name);
                if (
                    [...store.services.values()].some(
                        (o) => o.projectId === s.projectId && o.name === input.name && o.id !== id,
                    )
                )
                    throw badInput(`A service named "${input.name}" already exists in this project`);
                s.name = input.name;
            }
            return serviceView(id);
        },
        serviceDelete: ({ id, environmentId }: Args, ctx: RequestContext) => {
            ctx.access.environment(projectOfService(id), environmentId);
            store.deleteService(id, environmentId);
            return true;
        },
        serviceConnect: ({ id, input }: Args, ctx: RequestContext) => {
            ctx.access.account();
            const s = store.service(id);
            // Connecting a source deploys it, in every environment the service is in (no environment argument).
            for (const env of store.scope(s.projectId, null)) {
                if (!store.hasInstance(id, env.id)) continue;
                store.instance(id, env.id).source = input.image ? { image: input.image } : { repo: input.repo };
                if (input.repo) store.setTrigger(id, env.id, input.repo, input.branch ?? "main");
                store.tryDeploy(id, env.id, "deploy");
            }
            return serviceView(id);
        },

        serviceDisconnect: ({ id }: Args, ctx: RequestContext) => {
            ctx.access.account();
            const s = store.service(id);
            // No environment argument: the source goes from every instance of the service.
            for (const env of store.scope(s.projectId, null)) {
                if (!store.hasInstance(id, env.id)) continue;
                store.instance(id, env.id).source = undefined;
                const t = store.trigger(id, env.id);
                if (t) store.triggers.delete(t.id);
            }
            return serviceView(id);
        },

        serviceInstance: ({ serviceId, environmentId }: Args, ctx: RequestContext) => {
            ctx.access.environment(projectOfService(serviceId), environmentId);
            return instanceView(serviceId, environmentId);
        },
        serviceInstanceUpdate: ({ serviceId, environmentId, input }: Args, ctx: RequestContext) => {
            ctx.access.environment(projectOfService(serviceId), environmentId);
            store.updateInstance(serviceId, environmentId, input);
            return true;
        },
        deploymentTriggers: (args: Args, ctx: RequestContext) => {
            ctx.access.environment(args.projectId, args.environmentId);
            const t = store.trigger(args.serviceId, args.environmentId);
            return page(t ? [triggerView(t)!] : [], args);
        },
        deploymentTriggerCreate: ({ input }: Args, ctx: RequestContext) => {
            ctx.access.environment(input.projectId, input.environmentId);
            store.instance(input.serviceId, input.environmentId);
            if (store.trigger(input.serviceId, input.environmentId))
                throw badInput("A deployment trigger already exists for this service and environment");
            if (!/^[\w.-]+\/[\w.-]+$/.test(input.repository)) throw badInput(`Invalid repository: ${input.repository}`);
            const t = store.setTrigger(input.serviceId, input.environmentId, input.repository, input.branch);
            t.checkSuites = input.checkSuites === true;
            return triggerView(t);
        },
        deploymentTriggerUpdate: ({ id, input }: Args, ctx: RequestContext) => {
            const t = store.triggers.get(id);
            if (!t) throw notFound("DeploymentTrigger");
            ctx.access.environment(t.projectId, t.environmentId);
            if (input.branch) t.branch = input.branch;
            if (input.repository) t.repository = input.repository;
            if (typeof input.checkSuites === "boolean") t.checkSuites = input.checkSuites;
            return triggerView(t);
        },
        deploymentTriggerDelete: ({ id }: Args, ctx: RequestContext) => {
            const t = store.triggers.get(id);
            if (!t) throw notFound("DeploymentTrigger");
            ctx.access.environment(t.projectId, t.environmentId);
            store.triggers.delete(id);
            return true;
        },
    };
}
