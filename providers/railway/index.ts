/** Railway resources as Pulumi dynamic providers over Railway's public GraphQL API. */
export { Project, ProjectArgs, projectProvider } from "./project";
export { Environment, EnvironmentArgs, environmentProvider } from "./environment";
export { Service, ServiceArgs, serviceProvider } from "./service";
export { ServiceInstance, ServiceInstanceArgs, serviceInstanceProvider, RestartPolicyType } from "./service-instance";
export { Variables, VariablesArgs, variablesProvider } from "./variables";
export { Volume, VolumeArgs, volumeProvider } from "./volume";
export { ServiceDomain, ServiceDomainArgs, serviceDomainProvider, CustomDomain, CustomDomainArgs, customDomainProvider } from "./domains";
export { RailwayClient, RailwayApiError, authFromEnv, DEFAULT_RAILWAY_API_URL } from "./client";
export { DOCUMENTS, OperationName } from "./documents";
