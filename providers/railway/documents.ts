/**
 * Every GraphQL document this project sends to Railway, in one place, so that a test can
 * enumerate them all and validate each against Railway's schema (vendored in
 * providers/railway/schema/). The operation name of each document is its key here; the client
 * sends it as `operationName`. The result and variable types of each are generated from the schema
 * (`npm run codegen` → generated/graphql.ts; a test checks the file is current).
 *
 * Classification matters for retries: a `query` may be retried after any transient failure, a
 * `mutation` only when Railway certainly did not apply it (429, or no response at all). Every
 * connection is read page by page (`after`), since Railway caps the size of a page.
 */

export const DOCUMENTS = {
    // ---- projects ----
    ProjectCreate: /* GraphQL */ `
        mutation ProjectCreate($input: ProjectCreateInput!) {
            projectCreate(input: $input) {
                id
                name
                description
                workspaceId
            }
        }
    `,
    Project: /* GraphQL */ `
        query Project($id: String!) {
            project(id: $id) {
                id
                name
                description
                workspaceId
                deletedAt
            }
        }
    `,
    ProjectEnvironments: /* GraphQL */ `
        query ProjectEnvironments($id: String!, $after: String) {
            project(id: $id) {
                id
                environments(after: $after) {
                    edges {
                        node {
                            id
                            name
                            sourceEnvironment {
                                id
                            }
                        }
                    }
                    pageInfo {
                        hasNextPage
                        endCursor
                    }
                }
            }
        }
    `,
    ProjectServices: /* GraphQL */ `
        query ProjectServices($id: String!, $after: String) {
            project(id: $id) {
                id
                services(after: $after) {
                    edges {
                        node {
                            id
                            name
                        }
                    }
                    pageInfo {
                        hasNextPage
                        endCursor
                    }
                }
            }
        }
    `,
    WorkspaceProjects: /* GraphQL */ `
        query WorkspaceProjects($workspaceId: String, $after: String) {
            projects(workspaceId: $workspaceId, after: $after) {
                edges {
                    node {
                        id
                        name
                        workspaceId
                        createdAt
                        deletedAt
                    }
                }
                pageInfo {
                    hasNextPage
                    endCursor
                }
            }
        }
    `,
    ProjectUpdate: /* GraphQL */ `
        mutation ProjectUpdate($id: String!, $input: ProjectUpdateInput!) {
            projectUpdate(id: $id, input: $input) {
                id
                name
                description
            }
        }
    `,
    ProjectDelete: /* GraphQL */ `
        mutation ProjectDelete($id: String!) {
            projectDelete(id: $id)
        }
    `,

    // ---- environments ----
    EnvironmentCreate: /* GraphQL */ `
        mutation EnvironmentCreate($input: EnvironmentCreateInput!) {
            environmentCreate(input: $input) {
                id
                name
                projectId
                sourceEnvironment {
                    id
                }
            }
        }
    `,
    Environment: /* GraphQL */ `
        query Environment($id: String!, $projectId: String) {
            environment(id: $id, projectId: $projectId) {
                id
                name
                projectId
                deletedAt
                sourceEnvironment {
                    id
                    name
                }
            }
        }
    `,
    EnvironmentStagedChanges: /* GraphQL */ `
        query EnvironmentStagedChanges($environmentId: String!) {
            environmentStagedChanges(environmentId: $environmentId) {
                status
                lastAppliedError
            }
        }
    `,
    EnvironmentConfig: /* GraphQL */ `
        query EnvironmentConfig($id: String!) {
            environment(id: $id) {
                id
                projectId
                config(decryptVariables: false)
            }
        }
    `,
    /** What a write must not change in the environments it does not name (read around every per-environment write). */
    EnvironmentScope: /* GraphQL */ `
        query EnvironmentScope($id: String!) {
            environment(id: $id) {
                id
                name
                unmergedChangesCount
                config(decryptVariables: true)
            }
        }
    `,
    /**
     * Which of Railway's IaC partials owns what in an environment (`.railway/railway.ts`, applied with
     * `railway config apply`). `iacPartials` is in the newest SDL and read by Railway's CLI 5.71.0,
     * not in that CLI's schema.json: sent on its own, and a Railway that does not know the field
     * owns nothing by IaC (iac-ownership.ts), as the CLI itself concludes.
     */
    ServiceIacOwner: /* GraphQL */ `
        query ServiceIacOwner($environmentId: String!, $serviceId: String!) {
            environment(id: $environmentId) {
                id
                name
                iacPartials
            }
            service(id: $serviceId) {
                id
                name
            }
        }
    `,
    /** Railway's environment-scoped write (its CLI's): makes (isCreated) or removes (isDeleted) a service's instance in one environment. */
    EnvironmentPatchCommit: /* GraphQL */ `
        mutation EnvironmentPatchCommit($environmentId: String!, $patch: EnvironmentConfig, $commitMessage: String) {
            environmentPatchCommit(environmentId: $environmentId, patch: $patch, commitMessage: $commitMessage)
        }
    `,
    EnvironmentVolumeInstances: /* GraphQL */ `
        query EnvironmentVolumeInstances($id: String!, $after: String) {
            environment(id: $id) {
                id
                volumeInstances(after: $after) {
                    edges {
                        node {
                            id
                            volumeId
                            environmentId
                            serviceId
                            mountPath
                            sizeMB
                            region
                            state
                            isPendingDeletion
                        }
                    }
                    pageInfo {
                        hasNextPage
                        endCursor
                    }
                }
            }
        }
    `,
    EnvironmentServiceInstances: /* GraphQL */ `
        query EnvironmentServiceInstances($id: String!, $after: String) {
            environment(id: $id) {
                id
                serviceInstances(after: $after) {
                    edges {
                        node {
                            id
                            serviceId
                            serviceName
                            source {
                                image
                                repo
                            }
                            latestDeployment {
                                status
                            }
                        }
                    }
                    pageInfo {
                        hasNextPage
                        endCursor
                    }
                }
            }
        }
    `,
    EnvironmentRename: /* GraphQL */ `
        mutation EnvironmentRename($id: String!, $input: EnvironmentRenameInput!) {
            environmentRename(id: $id, input: $input) {
                id
                name
            }
        }
    `,
    EnvironmentDelete: /* GraphQL */ `
        mutation EnvironmentDelete($id: String!) {
            environmentDelete(id: $id)
        }
    `,

    // ---- services ----
    ServiceCreate: /* GraphQL */ `
        mutation ServiceCreate($input: ServiceCreateInput!) {
            serviceCreate(input: $input) {
                id
                name
                projectId
            }
        }
    `,
    Service: /* GraphQL */ `
        query Service($id: String!) {
            service(id: $id) {
                id
                name
                projectId
                deletedAt
            }
        }
    `,
    ServiceUpdate: /* GraphQL */ `
        mutation ServiceUpdate($id: String!, $input: ServiceUpdateInput!) {
            serviceUpdate(id: $id, input: $input) {
                id
                name
            }
        }
    `,
    ServiceDelete: /* GraphQL */ `
        mutation ServiceDelete($id: String!, $environmentId: String) {
            serviceDelete(id: $id, environmentId: $environmentId)
        }
    `,

    // ---- per-environment service settings ----
    ServiceInstance: /* GraphQL */ `
        query ServiceInstance($serviceId: String!, $environmentId: String!) {
            serviceInstance(serviceId: $serviceId, environmentId: $environmentId) {
                id
                serviceId
                environmentId
                source {
                    image
                    repo
                }
                rootDirectory
                startCommand
                buildCommand
                preDeployCommand
                watchPatterns
                healthcheckPath
                healthcheckTimeout
                numReplicas
                region
                restartPolicyType
                restartPolicyMaxRetries
                sleepApplication
                cronSchedule
                overlapSeconds
                drainingSeconds
            }
        }
    `,
    ServiceInstanceUpdate: /* GraphQL */ `
        mutation ServiceInstanceUpdate(
            $serviceId: String!
            $environmentId: String
            $input: ServiceInstanceUpdateInput!
        ) {
            serviceInstanceUpdate(serviceId: $serviceId, environmentId: $environmentId, input: $input)
        }
    `,
    DeploymentTriggers: /* GraphQL */ `
        query DeploymentTriggers($projectId: String!, $environmentId: String!, $serviceId: String!, $after: String) {
            deploymentTriggers(
                projectId: $projectId
                environmentId: $environmentId
                serviceId: $serviceId
                after: $after
            ) {
                edges {
                    node {
                        id
                        branch
                        repository
                        checkSuites
                    }
                }
                pageInfo {
                    hasNextPage
                    endCursor
                }
            }
        }
    `,
    DeploymentTriggerCreate: /* GraphQL */ `
        mutation DeploymentTriggerCreate($input: DeploymentTriggerCreateInput!) {
            deploymentTriggerCreate(input: $input) {
                id
                branch
                repository
                checkSuites
            }
        }
    `,
    DeploymentTriggerUpdate: /* GraphQL */ `
        mutation DeploymentTriggerUpdate($id: String!, $input: DeploymentTriggerUpdateInput!) {
            deploymentTriggerUpdate(id: $id, input: $input) {
                id
                branch
                repository
                checkSuites
            }
        }
    `,

    // ---- variables ----
    Variables: /* GraphQL */ `
        query Variables($projectId: String!, $environmentId: String!, $serviceId: String) {
            variables(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId, unrendered: true)
        }
    `,
    VariableCollectionUpsert: /* GraphQL */ `
        mutation VariableCollectionUpsert($input: VariableCollectionUpsertInput!) {
            variableCollectionUpsert(input: $input)
        }
    `,
    VariableDelete: /* GraphQL */ `
        mutation VariableDelete($input: VariableDeleteInput!) {
            variableDelete(input: $input)
        }
    `,

    // ---- domains ----
    Domains: /* GraphQL */ `
        query Domains($projectId: String!, $environmentId: String!, $serviceId: String!) {
            domains(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId) {
                serviceDomains {
                    id
                    domain
                    targetPort
                }
                customDomains {
                    id
                    domain
                    targetPort
                }
            }
        }
    `,
    ServiceDomainCreate: /* GraphQL */ `
        mutation ServiceDomainCreate($input: ServiceDomainCreateInput!) {
            serviceDomainCreate(input: $input) {
                id
                domain
                targetPort
            }
        }
    `,
    ServiceDomainUpdate: /* GraphQL */ `
        mutation ServiceDomainUpdate($input: ServiceDomainUpdateInput!) {
            serviceDomainUpdate(input: $input)
        }
    `,
    ServiceDomainDelete: /* GraphQL */ `
        mutation ServiceDomainDelete($id: String!) {
            serviceDomainDelete(id: $id)
        }
    `,
    CustomDomainCreate: /* GraphQL */ `
        mutation CustomDomainCreate($input: CustomDomainCreateInput!) {
            customDomainCreate(input: $input) {
                id
                domain
                targetPort
                status {
                    verified
                    certificateStatus
                    verificationDnsHost
                    verificationToken
                    dnsRecords {
                        fqdn
                        recordType
                        requiredValue
                    }
                }
            }
        }
    `,
    CustomDomain: /* GraphQL */ `
        query CustomDomain($id: String!, $projectId: String!) {
            customDomain(id: $id, projectId: $projectId) {
                id
                domain
                targetPort
                serviceId
                environmentId
                syncStatus
                status {
                    verified
                    certificateStatus
                    dnsRecords {
                        fqdn
                        recordType
                        requiredValue
                    }
                }
            }
        }
    `,
    CustomDomainUpdate: /* GraphQL */ `
        mutation CustomDomainUpdate($environmentId: String!, $id: String!, $targetPort: Int) {
            customDomainUpdate(environmentId: $environmentId, id: $id, targetPort: $targetPort)
        }
    `,
    CustomDomainDelete: /* GraphQL */ `
        mutation CustomDomainDelete($id: String!) {
            customDomainDelete(id: $id)
        }
    `,

    // ---- volumes (datastores) ----
    VolumeCreate: /* GraphQL */ `
        mutation VolumeCreate($input: VolumeCreateInput!) {
            volumeCreate(input: $input) {
                id
                name
                projectId
            }
        }
    `,
    VolumeInstanceUpdate: /* GraphQL */ `
        mutation VolumeInstanceUpdate($volumeId: String!, $environmentId: String, $input: VolumeInstanceUpdateInput!) {
            volumeInstanceUpdate(volumeId: $volumeId, environmentId: $environmentId, input: $input)
        }
    `,
    VolumeDelete: /* GraphQL */ `
        mutation VolumeDelete($volumeId: String!) {
            volumeDelete(volumeId: $volumeId)
        }
    `,

    // ---- deployments (the deploy step, the health gate and rollback) ----
    VolumeInstanceBackupCreate: /* GraphQL */ `
        mutation VolumeInstanceBackupCreate($volumeInstanceId: String!, $name: String) {
            volumeInstanceBackupCreate(volumeInstanceId: $volumeInstanceId, name: $name) {
                workflowId
            }
        }
    `,
    VolumeInstanceBackupList: /* GraphQL */ `
        query VolumeInstanceBackupList($volumeInstanceId: String!) {
            volumeInstanceBackupList(volumeInstanceId: $volumeInstanceId) {
                id
                name
                createdAt
                expiresAt
            }
        }
    `,
    WorkflowStatus: /* GraphQL */ `
        query WorkflowStatus($workflowId: String!) {
            workflowStatus(workflowId: $workflowId) {
                status
                error
            }
        }
    `,
    Deployments: /* GraphQL */ `
        query Deployments($input: DeploymentListInput!, $first: Int, $after: String) {
            deployments(input: $input, first: $first, after: $after) {
                edges {
                    node {
                        id
                        status
                        createdAt
                        canRollback
                        serviceId
                        environmentId
                        staticUrl
                        meta
                    }
                }
                pageInfo {
                    hasNextPage
                    endCursor
                }
            }
        }
    `,
    Deployment: /* GraphQL */ `
        query Deployment($id: String!) {
            deployment(id: $id) {
                id
                status
                createdAt
                canRollback
                serviceId
                environmentId
                meta
            }
        }
    `,
    // ---- Railway's own signals (the health gate's Railway-side figures, failure reports) ----
    ResourceMetrics: /* GraphQL */ `
        query ResourceMetrics(
            $serviceId: String!
            $environmentId: String!
            $startDate: DateTime!
            $endDate: DateTime
            $measurements: [MetricMeasurement!]!
        ) {
            metrics(
                serviceId: $serviceId
                environmentId: $environmentId
                startDate: $startDate
                endDate: $endDate
                measurements: $measurements
            ) {
                measurement
                values {
                    ts
                    value
                }
            }
        }
    `,
    // The gate's whole end-of-window reading in one request (Railway counts requests, not fields):
    // traffic, request durations and resources over the window, and the previous deployment's
    // durations just before it. The caller splits the samples into the window's parts.
    GateWindow: /* GraphQL */ `
        query GateWindow(
            $serviceId: String!
            $environmentId: String!
            $startDate: DateTime!
            $endDate: DateTime!
            $trafficStepSeconds: Int
            $durationStepSeconds: Int
            $measurements: [MetricMeasurement!]!
            $withBaseline: Boolean!
            $baselineStartDate: DateTime!
            $baselineEndDate: DateTime!
            $baselineStepSeconds: Int
        ) {
            traffic: httpMetricsGroupedByStatus(
                serviceId: $serviceId
                environmentId: $environmentId
                startDate: $startDate
                endDate: $endDate
                stepSeconds: $trafficStepSeconds
            ) {
                statusCode
                samples {
                    ts
                    value
                }
            }
            durations: httpDurationMetrics(
                serviceId: $serviceId
                environmentId: $environmentId
                startDate: $startDate
                endDate: $endDate
                stepSeconds: $durationStepSeconds
            ) {
                samples {
                    ts
                    p95
                }
            }
            resources: metrics(
                serviceId: $serviceId
                environmentId: $environmentId
                startDate: $startDate
                endDate: $endDate
                measurements: $measurements
            ) {
                measurement
                values {
                    ts
                    value
                }
            }
            baseline: httpDurationMetrics(
                serviceId: $serviceId
                environmentId: $environmentId
                startDate: $baselineStartDate
                endDate: $baselineEndDate
                stepSeconds: $baselineStepSeconds
            ) @include(if: $withBaseline) {
                samples {
                    ts
                    p95
                }
            }
        }
    `,
    BuildLogs: /* GraphQL */ `
        query BuildLogs($deploymentId: String!, $limit: Int) {
            buildLogs(deploymentId: $deploymentId, limit: $limit) {
                message
                severity
                timestamp
            }
        }
    `,
    DeploymentLogs: /* GraphQL */ `
        query DeploymentLogs($deploymentId: String!, $limit: Int) {
            deploymentLogs(deploymentId: $deploymentId, limit: $limit) {
                message
                severity
                timestamp
            }
        }
    `,
    DeploymentRollback: /* GraphQL */ `
        mutation DeploymentRollback($id: String!) {
            deploymentRollback(id: $id)
        }
    `,
    ServiceInstanceDeploy: /* GraphQL */ `
        mutation ServiceInstanceDeploy($serviceId: String!, $environmentId: String!, $commitSha: String) {
            serviceInstanceDeployV2(serviceId: $serviceId, environmentId: $environmentId, commitSha: $commitSha)
        }
    `,
    ProjectTokens: /* GraphQL */ `
        query ProjectTokens($projectId: String!, $after: String) {
            projectTokens(projectId: $projectId, after: $after) {
                edges {
                    node {
                        id
                        name
                        environmentId
                        createdAt
                    }
                }
                pageInfo {
                    hasNextPage
                    endCursor
                }
            }
        }
    `,
    ProjectTokenCreate: /* GraphQL */ `
        mutation ProjectTokenCreate($input: ProjectTokenCreateInput!) {
            projectTokenCreate(input: $input)
        }
    `,
    ProjectTokenDelete: /* GraphQL */ `
        mutation ProjectTokenDelete($id: String!) {
            projectTokenDelete(id: $id)
        }
    `,
    /** What a project token reaches (asked with that token, as `Project-Access-Token`). */
    ProjectTokenScope: /* GraphQL */ `
        query ProjectTokenScope {
            projectToken {
                id
                name
                projectId
                environmentId
            }
        }
    `,
} as const;

export type OperationName = keyof typeof DOCUMENTS;

/** Whether an operation may change state on Railway (decides how it may be retried). */
export function isMutation(op: OperationName): boolean {
    return DOCUMENTS[op].trimStart().startsWith("mutation");
}

/**
 * Mutations that leave Railway in the same state however often they are applied (a settings write,
 * a whole-set replace, a rename, a delete that treats "not found" as done): safe to send again after
 * a lost answer, like a query. Creates, deploys and rollbacks are not: they go through
 * `createOrAdopt`, which looks before it sends again. (A variable upsert without `skipDeploys`
 * also starts a deployment each time; RailwayApp always sets it.) An array, not a Set: this is
 * serialized with the providers' code, and a captured Set does not survive that.
 */
export const IDEMPOTENT_MUTATIONS: readonly OperationName[] = [
    "ProjectUpdate",
    "ProjectDelete",
    "EnvironmentRename",
    "EnvironmentDelete",
    "EnvironmentPatchCommit",
    "ServiceUpdate",
    "ServiceDelete",
    "ServiceInstanceUpdate",
    "DeploymentTriggerUpdate",
    "VariableCollectionUpsert",
    "VariableDelete",
    "ServiceDomainUpdate",
    "ServiceDomainDelete",
    "CustomDomainUpdate",
    "CustomDomainDelete",
    "VolumeInstanceUpdate",
    "VolumeDelete",
];

/** Whether a failed call may simply be sent again. */
export function isRetrySafe(op: OperationName): boolean {
    return !isMutation(op) || IDEMPOTENT_MUTATIONS.includes(op);
}
