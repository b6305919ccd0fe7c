/**
 * Railway, as this project uses it: each resource's CRUD over Railway's public GraphQL API (served
 * to the engine by the `railway` provider plugin, plugin/; programs use its SDK, sdk/nodejs/), and
 * the typed API the health gate, rollback and drift tools share with it. Import from here.
 */
export { projectProvider } from "./project";
export { projectLookupProvider } from "./project-lookup";
export { environmentProvider } from "./environment";
export { serviceProvider } from "./service";
export { serviceInstanceProvider, RestartPolicyType } from "./service-instance";
export { variablesProvider } from "./variables";
export { volumeProvider } from "./volume";
export { serviceDomainProvider, customDomainProvider } from "./domains";
export { serviceDeploymentProvider } from "./deployment";
export {
    RailwayClient,
    RailwayApiError,
    isRailwayApiError,
    railwayApiError,
    authFromEnv,
    DEFAULT_RAILWAY_API_URL,
    railwayRateLimit,
    RailwayRateLimit,
} from "./client";
export { DOCUMENTS, OperationName, isMutation } from "./documents";
export { createOrAdopt, gql, gqlAll, isNotFound, readOrGone, Result, Variables as OperationVariables } from "./api";
