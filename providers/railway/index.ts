/**
 * Railway, as this project uses it: dynamic providers for Pulumi over Railway's public GraphQL API,
 * and the typed API the health gate, rollback and drift tools share with them. Import from here.
 */
export { Project, ProjectArgs, projectProvider } from "./project";
export { ProjectLookup, ProjectLookupArgs, projectLookupProvider } from "./project-lookup";
export { Environment, EnvironmentArgs, environmentProvider } from "./environment";
export { Service, ServiceArgs, serviceProvider } from "./service";
export { ServiceInstance, ServiceInstanceArgs, serviceInstanceProvider, RestartPolicyType } from "./service-instance";
export { Variables, VariablesArgs, variablesProvider } from "./variables";
export { Volume, VolumeArgs, volumeProvider } from "./volume";
export {
    ServiceDomain,
    ServiceDomainArgs,
    serviceDomainProvider,
    CustomDomain,
    CustomDomainArgs,
    customDomainProvider,
} from "./domains";
export { ServiceDeployment, ServiceDeploymentArgs, serviceDeploymentProvider } from "./deployment";
export {
    RailwayClient,
    RailwayApiError,
    isRailwayApiError,
    railwayApiError,
    authFromEnv,
    DEFAULT_RAILWAY_API_URL,
} from "./client";
export { DOCUMENTS, OperationName, isMutation } from "./documents";
export { createOrAdopt, gql, gqlAll, isNotFound, readOrGone, Result, Variables as OperationVariables } from "./api";
