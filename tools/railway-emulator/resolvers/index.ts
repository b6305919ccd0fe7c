/**
 * Root resolvers for the operations the project (and Railway's CLI, for the ones modelled) uses,
 * one file per area of Railway's API. Objects returned carry plain fields, and functions for fields
 * that take arguments (graphql-js calls those with the field's arguments and the request's context).
 * Every resolver checks what the caller's token may do before acting.
 */
import { EmulatorStore } from "../store";
import { deploymentsResolvers } from "./deployments";
import { domainsResolvers } from "./domains";
import { environmentsResolvers } from "./environments";
import { projectsResolvers } from "./projects";
import { servicesResolvers } from "./services";
import { signalsResolvers } from "./signals";
import { subscriptionResolvers } from "./subscriptions";
import { variablesResolvers } from "./variables";
import { volumesResolvers } from "./volumes";
import { makeViews } from "./views";

export type { RequestContext } from "./context";

/** The root of queries and mutations, and that of subscriptions (their field names overlap). */
export function makeRoots(
    store: EmulatorStore,
    maxPageSize: number,
): { root: Record<string, unknown>; subscriptions: Record<string, unknown> } {
    const views = makeViews(store, maxPageSize);
    const root = {
        ...projectsResolvers(store, views),
        ...environmentsResolvers(store, views),
        ...servicesResolvers(store, views),
        ...variablesResolvers(store, views),
        ...domainsResolvers(store, views),
        ...volumesResolvers(store, views),
        ...deploymentsResolvers(store, views),
        ...signalsResolvers(store, views),
    };
    return { root, subscriptions: subscriptionResolvers(store, views) };
}
