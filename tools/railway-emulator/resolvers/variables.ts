/** Variables of a service in one environment, and what its deployment sees. */
import { EmulatorStore, badInput, notFound } from "../store";
import { Args, RequestContext } from "./context";
import { Views } from "./views";

export function variablesResolvers(store: EmulatorStore, views: Views) {
    const { renderVariables } = views;
    return {
        variablesForServiceDeployment: ({ projectId, environmentId, serviceId }: Args, ctx: RequestContext) => {
            ctx.access.environment(projectId, environmentId);
            const env = store.environment(environmentId);
            if (env.projectId !== projectId) throw notFound("Environment");
            store.instance(serviceId, environmentId);
            return renderVariables(serviceId, environmentId);
        },
        variables: ({ projectId, environmentId, serviceId }: Args, ctx: RequestContext) => {
            ctx.access.environment(projectId, environmentId);
            if (!serviceId) throw badInput("Shared variables are not modelled by this emulator: pass serviceId");
            store.instance(serviceId, environmentId);
            return { ...store.vars(serviceId, environmentId) };
        },
        variableCollectionUpsert: ({ input }: Args, ctx: RequestContext) => {
            ctx.access.environment(input.projectId, input.environmentId);
            store.upsertVariables(input);
            return true;
        },
        variableDelete: ({ input }: Args, ctx: RequestContext) => {
            ctx.access.environment(input.projectId, input.environmentId);
            store.deleteVariable(input);
            return true;
        },
    };
}
