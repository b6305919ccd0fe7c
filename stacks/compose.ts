/**
 * The composition of a stack: which components it gets and how they are wired. Every stack runs
 * this same composition; what differs between staging, production and local is their config
 * (integrations on or off, replicas, reviews, urgency, protection).
 *
 * Wiring: each Sentry DSN goes into its Railway service's `SENTRY_DSN`; each PagerDuty routing key
 * is exported (secret) for the health gate and drift alerts; the deploy pipeline's secrets become
 * the GitHub environment's Actions secrets.
 */
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config/load";
import { baseStackOf } from "../config/derived-environment";
import { ownsRailwayProject } from "../config/validate";
import { DeploymentGate, ErrorTracking, IncidentRouting, RailwayApp, RepositoryProtection } from "../components";
import type { IntegrationProviders } from "../providers/integrations";

export interface StackOutputs {
    railway?: {
        projectId: pulumi.Output<string>;
        environmentId: pulumi.Output<string>;
        serviceIds: Record<string, pulumi.Output<string>>;
        urls: Record<string, pulumi.Output<string[]>>;
    };
    /** Per service: Sentry DSN (secret). */
    sentryDsns?: Record<string, pulumi.Output<string>>;
    /** Per service: PagerDuty Events API v2 routing key (secret). */
    pagerdutyRoutingKeys?: Record<string, pulumi.Output<string>>;
    github?: { environment: pulumi.Output<string> };
}

/** Services that run our code (not datastores): they get Sentry projects and PagerDuty services. */
function appServiceNames(config: StackConfig): string[] {
    return config.railway.services.filter((s) => s.kind !== "datastore").map((s) => s.name);
}

/**
 * The prefix of the names this stack gives to Sentry projects and PagerDuty services: the Railway
 * project's name for the stack that owns it, and `<project>-<environment>` for a stack that shares
 * it, so that staging's names never collide with production's in the same organisation.
 */
function namePrefixOf(config: StackConfig): string {
    return ownsRailwayProject(config.railway)
        ? config.railway.project
        : `${config.railway.project}-${config.railway.environment}`;
}

/** The GitHub deployment environment a stack deploys through. */
function githubEnvironmentOf(config: StackConfig): string {
    return config.environment === "production" ? "production" : "staging";
}

/** An object's own property only: a service named `constructor` must not find `Object.prototype.constructor`. */
function own<T>(record: Record<string, T> | undefined, key: string): T | undefined {
    return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

export function composeStack(config: StackConfig, providers: IntegrationProviders = {}): StackOutputs {
    const on = config.integrations;
    const apps = appServiceNames(config);
    const outputs: StackOutputs = {};

    let errors: ErrorTracking | undefined;
    // A stack of datastores only has nothing for Sentry or PagerDuty to watch.
    if (on.sentry && config.sentry && apps.length > 0) {
        errors = new ErrorTracking(
            "errors",
            {
                organization: config.sentry.organization,
                team: config.sentry.team,
                manageTeam: config.sentry.manageTeam,
                platform: config.sentry.platform,
                projectPrefix: namePrefixOf(config),
                services: apps,
                environment: config.environment,
                alerts: config.sentry.alerts,
            },
            { providers: providers.sentry ? { sentry: providers.sentry } : undefined },
        );
        outputs.sentryDsns = Object.fromEntries(Object.entries(errors.projects).map(([svc, p]) => [svc, p.dsn]));
    }

    // A review environment or the canary reports to its base's Sentry projects rather than making its
    // own: their DSNs come from the base stack's outputs (an empty DSN, which turns Sentry off, if it has none).
    const base = baseStackOf(config);
    const baseDsns =
        base && config.sentry && !on.sentry && apps.length > 0
            ? new pulumi.StackReference(`${pulumi.getOrganization()}/${pulumi.getProject()}/${base}`).getOutput(
                  "sentryDsns",
              )
            : undefined;
    const sentryDsnOf = (svc: string): pulumi.Input<string> | undefined =>
        own(errors?.projects, svc)?.dsn ??
        (baseDsns && apps.includes(svc)
            ? baseDsns.apply((d) => own(d as Record<string, string> | undefined, svc) ?? "")
            : undefined);

    if (on.railway) {
        const app = new RailwayApp("platform", {
            appEnvironment: config.environment,
            project: { name: config.railway.project, workspaceId: config.railway.workspaceId },
            projectId: config.railway.projectId,
            ownsProject: config.railway.ownsProject,
            environmentName: config.railway.environment,
            duplicateFrom: config.railway.duplicateFrom,
            ephemeral: config.railway.ephemeral,
            region: config.railway.region,
            productionHosts: config.productionHosts,
            apiUrl: config.railway.apiUrl,
            protect: config.railway.protect,
            secretRotations: config.rotations,
            secretsBackup: config.vault ? "vault" : "none",
            services: config.railway.services.map((svc) => {
                const dsn = sentryDsnOf(svc.name);
                return {
                    ...svc,
                    secretValues: own(config.secrets.services, svc.name) ?? {},
                    providedVariables: dsn ? { SENTRY_DSN: dsn } : undefined,
                };
            }),
        });
        if (config.gate.enabled) {
            // The gate probes HTTP: it watches the services that have a health check.
            for (const svc of config.railway.services.filter((s) => s.healthcheck)) {
                new DeploymentGate(
                    `gate-${svc.name}`,
                    {
                        stack: config.stack,
                        service: svc.name,
                        projectId: app.projectId,
                        url:
                            own(config.gate.baseUrls, svc.name) ??
                            app.services[svc.name].urls.apply((urls) => urls[0] ?? ""),
                        deploymentId: app.services[svc.name].deploymentId,
                        // Every secret value of the stack, so none leaks through a failed build's log.
                        redact: [
                            ...Object.values(config.secrets.services ?? {}).flatMap((values) =>
                                Object.values(values ?? {}),
                            ),
                            ...Object.values(config.secrets.deploy ?? {}).filter((v) => v !== undefined),
                        ],
                    },
                    { dependsOn: [app] },
                );
            }
        }
        outputs.railway = {
            projectId: app.projectId,
            environmentId: app.environmentId,
            serviceIds: Object.fromEntries(Object.entries(app.services).map(([svc, s]) => [svc, s.serviceId])),
            urls: Object.fromEntries(Object.entries(app.services).map(([svc, s]) => [svc, s.urls])),
        };
    }

    if (on.pagerduty && config.pagerduty && apps.length > 0) {
        const incidents = new IncidentRouting(
            "incidents",
            {
                prefix: namePrefixOf(config),
                environment: config.environment,
                escalationLevels: config.pagerduty.escalationLevels,
                urgency: config.pagerduty.urgency,
                services: apps,
            },
            { providers: providers.pagerduty ? { pagerduty: providers.pagerduty } : undefined },
        );
        outputs.pagerdutyRoutingKeys = Object.fromEntries(
            Object.entries(incidents.services).map(([svc, s]) => [svc, s.routingKey]),
        );
    }

    if (on.github && config.github) {
        const deploy = config.secrets.deploy;
        const environmentSecrets: Record<string, pulumi.Input<string>> = {};
        if (deploy.railwayApiToken) environmentSecrets.RAILWAY_API_TOKEN = deploy.railwayApiToken;
        if (deploy.pulumiConfigPassphrase) environmentSecrets.PULUMI_CONFIG_PASSPHRASE = deploy.pulumiConfigPassphrase;
        const repo = new RepositoryProtection(
            "repository",
            {
                repository: config.github.repository,
                protectedBranch: config.github.protectedBranch,
                requiredStatusChecks: config.github.requiredStatusChecks,
                requiredApprovingReviews: config.github.requiredApprovingReviews,
                environment: githubEnvironmentOf(config),
                reviewers: config.github.productionReviewers,
                environmentSecrets,
                otherEnvironmentSecrets: deploy.railwayProjectToken
                    ? { [`drift-${config.stack}`]: { RAILWAY_TOKEN: deploy.railwayProjectToken } }
                    : undefined,
            },
            { providers: providers.github ? { github: providers.github } : undefined },
        );
        outputs.github = { environment: repo.environmentName };
    }
    return outputs;
}
