/** The platform's component resources, one concept each. */
export { RailwayApp, RailwayAppArgs, RailwayAppService, railwayAppProblems, MAX_REPLICAS } from "./railway-app";
export { RepositoryProtection, RepositoryProtectionArgs, repositoryProtectionProblems } from "./repository-protection";
export { ErrorTracking, ErrorTrackingArgs, errorTrackingProblems } from "./error-tracking";
export { IncidentRouting, IncidentRoutingArgs, incidentRoutingProblems } from "./incident-routing";
export { DeploymentGate, DeploymentGateArgs } from "./deployment-gate";
export { COMPONENT_TYPES, ComponentType, withTypeAliases } from "./types";
