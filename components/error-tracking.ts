/**
 * `ErrorTracking`: Sentry for the app's services. One Sentry project per Railway service that runs
 * our code, a client key per project whose DSN is a secret output (wired into that service's
 * `SENTRY_DSN`), an issue alert on new issues in this environment, and metric alerts on error rate
 * and p95 latency with the seed's thresholds (from config).
 */
import * as pulumi from "@pulumi/pulumi";
import * as sentry from "@pulumiverse/sentry";
import { ArgumentProblem, argumentError, COMPONENT_TYPES, serviceListProblems, withTypeAliases } from "./types";

export interface ErrorTrackingArgs {
    /** Sentry organization slug. */
    organization: pulumi.Input<string>;
    /** The owning team's slug. */
    team: string;
    /**
     * Create the team here (true) or use an existing one (false). The team is organization-wide, so
     * exactly one stack (production) creates it and the others reference it.
     */
    manageTeam: boolean;
    /** Sentry platform of the projects, e.g. `javascript-nextjs`. */
    platform: pulumi.Input<string>;
    /** Project slug prefix; unique per stack, since projects are organization-wide (the Railway project name). */
    projectPrefix: string;
    /** The Railway services that get a project, by name. */
    services: string[];
    /** The Sentry environment the alerts watch (`production`, `staging`). */
    environment: string;
    alerts: {
        /** Metric alert when failed transactions exceed this percentage (seed: 5). */
        errorRatePercent: number;
        /** Metric alert when p95 exceeds `baselineP95Ms` times this (seed: 2). */
        p95LatencyMultiplier: number;
        baselineP95Ms: number;
    };
}

export interface ErrorTrackingProject {
    slug: pulumi.Output<string>;
    /** The client DSN (a secret output). */
    dsn: pulumi.Output<string>;
}

function errorTrackingProblems(args: ErrorTrackingArgs): ArgumentProblem[] {
    const problems = serviceListProblems(args.services, "a Sentry project");
    if (!(args.alerts.errorRatePercent > 0 && args.alerts.errorRatePercent <= 100))
        problems.push({
            argument: "alerts.errorRatePercent",
            problem: `${args.alerts.errorRatePercent} is not in (0, 100]`,
            fix: "use a percentage such as 5",
        });
    if (!(args.alerts.p95LatencyMultiplier >= 1))
        problems.push({
            argument: "alerts.p95LatencyMultiplier",
            problem: `${args.alerts.p95LatencyMultiplier} is below 1`,
            fix: "use a multiple of the baseline such as 2",
        });
    if (!(args.alerts.baselineP95Ms > 0))
        problems.push({
            argument: "alerts.baselineP95Ms",
            problem: `${args.alerts.baselineP95Ms} is not positive`,
            fix: "use the previous release's p95 in milliseconds",
        });
    return problems;
}

/** Sentry team, projects, DSNs and alerts for one stack's services. */
export class ErrorTracking extends pulumi.ComponentResource {
    /** Per service name: its project slug and DSN. */
    readonly projects: Record<string, ErrorTrackingProject>;

    constructor(name: string, args: ErrorTrackingArgs, opts?: pulumi.ComponentResourceOptions) {
        const problems = errorTrackingProblems(args);
        if (problems.length) throw argumentError(COMPONENT_TYPES.ErrorTracking, name, problems);
        super(COMPONENT_TYPES.ErrorTracking.token, name, {}, withTypeAliases(COMPONENT_TYPES.ErrorTracking, opts));
        const child = { parent: this };

        const teamSlug: pulumi.Output<string> = args.manageTeam
            ? new sentry.SentryTeam(
                  `${name}-${args.team}`,
                  { organization: args.organization, name: args.team, slug: args.team },
                  child,
              ).slug
            : pulumi.output(args.team);

        this.projects = {};
        for (const service of args.services) {
            const base = `${name}-${service}`;
            const project = new sentry.SentryProject(
                base,
                {
                    organization: args.organization,
                    name: `${args.projectPrefix}-${service}`,
                    slug: `${args.projectPrefix}-${service}`,
                    teams: [teamSlug],
                    platform: args.platform,
                },
                child,
            );
            const key = new sentry.SentryKey(
                base,
                { organization: args.organization, project: project.slug, name: `${service} (Railway)` },
                // The SDK marks the secret key; the public key is in the DSN, which this project
                // keeps secret too, so every output that carries it is one.
                { ...child, additionalSecretOutputs: ["dsnPublic", "dsnCsp", "public"] },
            );
            this.projects[service] = { slug: project.slug, dsn: pulumi.secret(key.dsnPublic) };

            new sentry.SentryIssueAlert(
                `${base}-new-issue`,
                {
                    organization: args.organization,
                    project: project.slug,
                    name: `New ${args.environment} issue in ${service}`,
                    environment: args.environment,
                    actionMatch: "any",
                    filterMatch: "all",
                    frequency: 30,
                    conditions: [
                        {
                            id: "sentry.rules.conditions.first_seen_event.FirstSeenEventCondition",
                            name: "A new issue is created",
                        },
                    ],
                    actions: [
                        {
                            id: "sentry.mail.actions.NotifyEmailAction",
                            targetType: "IssueOwners",
                            fallthroughType: "ActiveMembers",
                        },
                    ],
                },
                child,
            );
            const metric = (suffix: string, title: string, aggregate: string, threshold: number) =>
                new sentry.SentryMetricAlert(
                    `${base}-${suffix}`,
                    {
                        organization: args.organization,
                        project: project.slug,
                        name: `${title} (${service}, ${args.environment})`,
                        environment: args.environment,
                        dataset: "transactions",
                        query: "",
                        aggregate,
                        timeWindow: 10,
                        thresholdType: 0,
                        triggers: [{ label: "critical", thresholdType: 0, alertThreshold: threshold, actions: [] }],
                    },
                    child,
                );
            // failure_rate() is a ratio: 5% is 0.05.
            metric(
                "error-rate",
                `Error rate above ${args.alerts.errorRatePercent}%`,
                "failure_rate()",
                args.alerts.errorRatePercent / 100,
            );
            metric(
                "p95-latency",
                `p95 above ${args.alerts.p95LatencyMultiplier}x baseline`,
                "p95(transaction.duration)",
                args.alerts.baselineP95Ms * args.alerts.p95LatencyMultiplier,
            );
        }
        this.registerOutputs({ projects: this.projects });
    }
}
