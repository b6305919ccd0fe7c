/** The platform's component resources, one concept each (what stacks/ composes). */
export { RailwayApp, RailwayAppArgs, RailwayAppService } from "./railway-app";
export { RepositoryProtection, RepositoryProtectionArgs } from "./repository-protection";
export { ErrorTracking, ErrorTrackingArgs } from "./error-tracking";
export { IncidentRouting, IncidentRoutingArgs } from "./incident-routing";
export { DeploymentGate, DeploymentGateArgs } from "./deployment-gate";
export { COMPONENT_TYPES, ComponentType, withTypeAliases } from "./types";
