/**
 * The type tokens of the resources this project declares, in one place: the policies recognise
 * resources by them, the plan and the PR comment describe them, the drift report classifies them.
 * (Component tokens are components/types.ts's.)
 */

/** What `pulumi.dynamic.Resource` makes of the Railway providers' `railway:<Name>`. */
const RAILWAY = "pulumi-nodejs:dynamic/railway:";

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
