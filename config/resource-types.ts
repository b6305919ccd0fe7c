/**
 * The type tokens of the resources this project declares, in one place: the policies recognise
 * resources by them, the plan and the PR comment describe them, the drift report classifies them.
 * (Component tokens are components/types.ts's.)
 */

/** The `railway` provider package's resources (providers/railway/plugin). */
const RAILWAY = "railway:index:";
/**
 * What the same resources were while the project carried them as dynamic resources
 * (`pulumi.dynamic.Resource` of type `railway:<Name>`): the aliases that move a stack's existing
 * state to the package without replacing anything on Railway (docs/railway.md "The provider package").
 */
const DYNAMIC_RAILWAY = "pulumi-nodejs:dynamic/railway:";

/** The type a Railway resource of the package had as a dynamic resource. */
export const formerDynamicType = (type: string) =>
    type.startsWith(RAILWAY) ? `${DYNAMIC_RAILWAY}${type.slice(RAILWAY.length)}` : undefined;

export const RESOURCE_TYPES = {
    project: `${RAILWAY}Project`,
    projectLookup: `${RAILWAY}ProjectLookup`,
    environment: `${RAILWAY}Environment`,
    service: `${RAILWAY}Service`,
    instance: `${RAILWAY}ServiceInstance`,
    variables: `${RAILWAY}Variables`,
    volume: `${RAILWAY}Volume`,
    serviceDomain: `${RAILWAY}ServiceDomain`,
    customDomain: `${RAILWAY}CustomDomain`,
    deployment: `${RAILWAY}ServiceDeployment`,
    branchProtection: "github:index/branchProtection:BranchProtection",
    githubEnvironment: "github:index/repositoryEnvironment:RepositoryEnvironment",
    githubDeploymentPolicy: "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
    githubSecret: "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
    sentryTeam: "sentry:index/sentryTeam:SentryTeam",
    sentryProject: "sentry:index/sentryProject:SentryProject",
    sentryKey: "sentry:index/sentryKey:SentryKey",
    sentryIssueAlert: "sentry:index/sentryIssueAlert:SentryIssueAlert",
    sentryMetricAlert: "sentry:index/sentryMetricAlert:SentryMetricAlert",
    escalationPolicy: "pagerduty:index/escalationPolicy:EscalationPolicy",
    pagerdutyService: "pagerduty:index/service:Service",
    pagerdutyIntegration: "pagerduty:index/serviceIntegration:ServiceIntegration",
    command: "command:local:Command",
} as const;

/** Whether a type is one of the Railway provider's. */
export const isRailwayType = (type: string) => type.startsWith(RAILWAY);
