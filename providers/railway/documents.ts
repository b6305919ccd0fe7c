/**
 * Every GraphQL document this project sends to Railway, in one place, so that a test can
 * enumerate them all and validate each against Railway's schema (vendored in providers/railway/schema/).
 * The operation name of each document is its key here; the client sends it as `operationName`.
 *
 * Classification matters for retries: a `query` may be retried after any transient failure, a
 * `mutation` only when Railway certainly did not apply it (429, or no response at all).
 */
export const DOCUMENTS = {
    // ---- projects ----
    ProjectCreate: `mutation ProjectCreate($input: ProjectCreateInput!) {
  projectCreate(input: $input) { id name description workspaceId environments { edges { node { id name } } } }
}`,
    Project: `query Project($id: String!) {
  project(id: $id) {
    id name description workspaceId deletedAt
    environments { edges { node { id name } } }
    services { edges { node { id name } } }
  }
}`,
    ProjectUpdate: `mutation ProjectUpdate($id: String!, $input: ProjectUpdateInput!) {
  projectUpdate(id: $id, input: $input) { id name description }
}`,
    ProjectDelete: `mutation ProjectDelete($id: String!) { projectDelete(id: $id) }`,

    // ---- environments ----
    EnvironmentCreate: `mutation EnvironmentCreate($input: EnvironmentCreateInput!) {
  environmentCreate(input: $input) { id name projectId }
}`,
    Environment: `query Environment($id: String!, $projectId: String) {
  environment(id: $id, projectId: $projectId) { id name projectId deletedAt }
}`,
    EnvironmentConfig: `query EnvironmentConfig($id: String!) {
  environment(id: $id) { id config(decryptVariables: false) }
}`,
    EnvironmentRename: `mutation EnvironmentRename($id: String!, $input: EnvironmentRenameInput!) {
  environmentRename(id: $id, input: $input) { id name }
}`,
    EnvironmentDelete: `mutation EnvironmentDelete($id: String!) { environmentDelete(id: $id) }`,

    // ---- services ----
    ServiceCreate: `mutation ServiceCreate($input: ServiceCreateInput!) {
  serviceCreate(input: $input) { id name projectId }
}`,
    Service: `query Service($id: String!) {
  service(id: $id) { id name projectId deletedAt }
}`,
    ServiceUpdate: `mutation ServiceUpdate($id: String!, $input: ServiceUpdateInput!) {
  serviceUpdate(id: $id, input: $input) { id name }
}`,
    ServiceDelete: `mutation ServiceDelete($id: String!) { serviceDelete(id: $id) }`,
    ServiceConnect: `mutation ServiceConnect($id: String!, $input: ServiceConnectInput!) {
  serviceConnect(id: $id, input: $input) { id }
}`,

    // ---- per-environment service settings ----
    ServiceInstance: `query ServiceInstance($serviceId: String!, $environmentId: String!) {
  serviceInstance(serviceId: $serviceId, environmentId: $environmentId) {
    id serviceId environmentId
    source { image repo }
    rootDirectory startCommand buildCommand preDeployCommand watchPatterns
    healthcheckPath healthcheckTimeout numReplicas region
    restartPolicyType restartPolicyMaxRetries sleepApplication cronSchedule
  }
}`,
    ServiceInstanceUpdate: `mutation ServiceInstanceUpdate($serviceId: String!, $environmentId: String, $input: ServiceInstanceUpdateInput!) {
  serviceInstanceUpdate(serviceId: $serviceId, environmentId: $environmentId, input: $input)
}`,
    DeploymentTriggers: `query DeploymentTriggers($projectId: String!, $environmentId: String!, $serviceId: String!) {
  deploymentTriggers(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId) {
    edges { node { id branch repository } }
  }
}`,

    // ---- variables ----
    Variables: `query Variables($projectId: String!, $environmentId: String!, $serviceId: String) {
  variables(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId, unrendered: true)
}`,
    VariableCollectionUpsert: `mutation VariableCollectionUpsert($input: VariableCollectionUpsertInput!) {
  variableCollectionUpsert(input: $input)
}`,
    VariableDelete: `mutation VariableDelete($input: VariableDeleteInput!) { variableDelete(input: $input) }`,

    // ---- domains ----
    Domains: `query Domains($projectId: String!, $environmentId: String!, $serviceId: String!) {
  domains(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId) {
    serviceDomains { id domain targetPort }
    customDomains { id domain targetPort }
  }
}`,
    ServiceDomainCreate: `mutation ServiceDomainCreate($input: ServiceDomainCreateInput!) {
  serviceDomainCreate(input: $input) { id domain targetPort }
}`,
    ServiceDomainUpdate: `mutation ServiceDomainUpdate($input: ServiceDomainUpdateInput!) { serviceDomainUpdate(input: $input) }`,
    ServiceDomainDelete: `mutation ServiceDomainDelete($id: String!) { serviceDomainDelete(id: $id) }`,
    CustomDomainCreate: `mutation CustomDomainCreate($input: CustomDomainCreateInput!) {
  customDomainCreate(input: $input) {
    id domain targetPort
    status { verified verificationDnsHost verificationToken dnsRecords { fqdn recordType requiredValue } }
  }
}`,
    CustomDomain: `query CustomDomain($id: String!, $projectId: String!) {
  customDomain(id: $id, projectId: $projectId) { id domain targetPort serviceId environmentId status { verified } }
}`,
    CustomDomainUpdate: `mutation CustomDomainUpdate($environmentId: String!, $id: String!, $targetPort: Int) {
  customDomainUpdate(environmentId: $environmentId, id: $id, targetPort: $targetPort)
}`,
    CustomDomainDelete: `mutation CustomDomainDelete($id: String!) { customDomainDelete(id: $id) }`,

    // ---- volumes (datastores) ----
    VolumeCreate: `mutation VolumeCreate($input: VolumeCreateInput!) {
  volumeCreate(input: $input) { id name projectId }
}`,
    VolumeInstances: `query VolumeInstances($environmentId: String!) {
  environment(id: $environmentId) {
    id
    volumeInstances { edges { node { id volumeId environmentId serviceId mountPath sizeMB region state } } }
  }
}`,
    VolumeInstanceUpdate: `mutation VolumeInstanceUpdate($volumeId: String!, $environmentId: String, $input: VolumeInstanceUpdateInput!) {
  volumeInstanceUpdate(volumeId: $volumeId, environmentId: $environmentId, input: $input)
}`,
    VolumeDelete: `mutation VolumeDelete($volumeId: String!) { volumeDelete(volumeId: $volumeId) }`,

    // ---- deployments (health gate and rollback) ----
    Deployments: `query Deployments($input: DeploymentListInput!, $first: Int) {
  deployments(input: $input, first: $first) {
    edges { node { id status createdAt canRollback serviceId environmentId staticUrl } }
  }
}`,
    Deployment: `query Deployment($id: String!) {
  deployment(id: $id) { id status createdAt canRollback serviceId environmentId }
}`,
    DeploymentRollback: `mutation DeploymentRollback($id: String!) { deploymentRollback(id: $id) }`,
    ServiceInstanceDeploy: `mutation ServiceInstanceDeploy($serviceId: String!, $environmentId: String!, $commitSha: String) {
  serviceInstanceDeployV2(serviceId: $serviceId, environmentId: $environmentId, commitSha: $commitSha)
}`,
    ServiceInstanceRedeploy: `mutation ServiceInstanceRedeploy($serviceId: String!, $environmentId: String!) {
  serviceInstanceRedeploy(serviceId: $serviceId, environmentId: $environmentId)
}`,
} as const;

export type OperationName = keyof typeof DOCUMENTS;

/** Whether an operation may change state on Railway (decides how it may be retried). */
export function isMutation(op: OperationName): boolean {
    return DOCUMENTS[op].trimStart().startsWith("mutation");
}
