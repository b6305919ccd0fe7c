/**
 * Variables of a service in one environment, the environment's shared variables, and what a
 * deployment sees (rendered, with Railway's provided variables: variables.ts).
 */
import { EmulatorStore, badInput, notFound } from "../store";
import { renderValue } from "../variables";
import { Args, RequestContext } from "./context";
import { Views } from "./views";

export function variablesResolvers(store: EmulatorStore, views: Views) {
    const { renderVariables } = views;
    const inProject = (projectId: string, environmentId: string) => {
        const env = store.environment(environmentId);
        if (env.projectId !== projectId) throw notFound("Environment");
        return env;
    };
    return {
        variablesForServiceDeployment: ({ projectId, environmentId, serviceId }: Args, ctx: RequestContext) => {
            ctx.access.environment(projectId, environmentId);
            inProject(projectId, environmentId);
            store.instance(serviceId, environmentId);
            return renderVariables(serviceId, environmentId);
        },
        // A service's variables, or without one the environment's shared variables; rendered unless
        // `unrendered` (references then come back as written).
        variables: ({ projectId, environmentId, serviceId, unrendered }: Args, ctx: RequestContext) => {
            ctx.access.environment(projectId, environmentId);
            inProject(projectId, environmentId);
            if (serviceId) store.instance(serviceId, environmentId);
            const raw = serviceId ? store.vars(serviceId, environmentId) : store.shared(environmentId);
            if (unrendered) return { ...raw };
            return Object.fromEntries(
                Object.entries(raw).map(([k, v]) => [k, renderValue(store, environmentId, serviceId ?? undefined, v)]),
            );
        },
        variableCollectionUpsert: ({ input }: Args, ctx: RequestContext) => {
            ctx.access.environment(input.projectId, input.environmentId);
            store.upsertVariables(input);
            return true;
        },
        variableUpsert: ({ input }: Args, ctx: RequestContext) => {
            ctx.access.environment(input.projectId, input.environmentId);
            if (typeof input.value !== "string") throw badInput("value must be a string");
            store.upsertVariables({
                projectId: input.projectId,
                environmentId: input.environmentId,
                serviceId: input.serviceId,
                variables: { [input.name]: input.value },
                skipDeploys: input.skipDeploys,
            });
            return true;
        },
        variableDelete: ({ input }: Args, ctx: RequestContext) => {
            ctx.access.environment(input.projectId, input.environmentId);
            store.deleteVariable(input);
            return true;
        },
    };
}
