/**
 * Environments derived from another stack's configuration: a pull request's review environment
 * (from staging's) and the canary (from production's, below).
 *
 * The review stack's file is its base's file plus a `review` key (`npm run review` writes both), so
 * the program sees the base's services, variables and secrets and turns them here into what a
 * review environment is: its own Railway environment in the base's project, created as a duplicate
 * of the base's environment and marked ephemeral; the pull request's head branch (and its head
 * commit: each push deploys, and the health gate judges, exactly that commit) for every service
 * built from the pull request's repository; one replica in one region; no custom domain (a Railway
 * domain instead, where the base had any domain); nothing protected, nothing adopted; and no
 * GitHub, Sentry or PagerDuty resources (a review environment neither guards a branch, nor opens
 * Sentry projects per pull request, nor pages anyone): its errors go to the base's Sentry projects,
 * whose DSNs the program reads from the base stack's outputs (stacks/compose.ts).
 */
import type { ParsedStackConfig, ServiceConfig } from "./stack.schema";

/** The Railway environment (and the stack) of pull request `n`. */
export const reviewEnvironmentName = (pullRequest: number): string => `pr-${pullRequest}`;

/** The stack names review environments have: only these are counted by the cap and swept. */
export const REVIEW_STACK = /^pr-([1-9][0-9]{0,9})$/;

/** The Railway environment (and the stack) of the canary: one per project, production's. */
export const CANARY_ENVIRONMENT = "canary";

interface Derivation {
    environment: string;
    /** Services built from this repository take `branch` (when given) and `commit`. */
    repository: string;
    branch?: string;
    commit?: string;
    ephemeral: boolean;
}

function withoutChecks(source: ServiceConfig["source"]): ServiceConfig["source"] {
    if (!("repo" in source)) return source;
    const { waitForChecks: _checks, ...rest } = source;
    return rest;
}

function derivedService(svc: ServiceConfig, d: Derivation): ServiceConfig {
    const ours = "repo" in svc.source && svc.source.repo.toLowerCase() === d.repository.toLowerCase();
    // A push deploys a derived environment at once: its checks are the base's business.
    const source = withoutChecks(svc.source);
    return {
        ...svc,
        source: ours && d.branch && "repo" in source ? { ...source, branch: d.branch } : source,
        commit: ours ? (d.commit ?? svc.commit) : svc.commit,
        replicas: 1,
        regions: undefined,
        protect: false,
        adopt: undefined,
        domains: svc.domains ? { railway: true, custom: [], targetPort: svc.domains.targetPort } : undefined,
    };
}

function derive(config: ParsedStackConfig, d: Derivation): ParsedStackConfig {
    return {
        ...config,
        integrations: { ...config.integrations, github: false, sentry: false, pagerduty: false },
        railway: {
            ...config.railway,
            ownsProject: false,
            environment: d.environment,
            duplicateFrom: config.railway.environment,
            ephemeral: d.ephemeral,
            protect: false,
            services: config.railway.services.map((svc) => derivedService(svc, d)),
        },
        gate: { ...config.gate, pageOnFailedDeployment: false },
        reviewEnvironments: undefined,
        // The base's on-call list hears of the base, not of every pull request's copy of it.
        alerts: undefined,
    };
}

/**
 * The configuration of the environment `config.review` (a pull request's) or `config.canary`
 * describes; other configs unchanged. The canary is the same derivation from production: the new
 * commit on production's services, settings, variables and secrets, in its own environment of
 * production's project, on its own Railway domain, judged by the gate before production is updated.
 */
export function asDerivedEnvironment(config: ParsedStackConfig): ParsedStackConfig {
    if (config.review)
        return derive(config, {
            environment: reviewEnvironmentName(config.review.pullRequest),
            repository: config.review.repository,
            branch: config.review.branch,
            commit: config.review.commit,
            ephemeral: true,
        });
    if (config.canary)
        return derive(config, {
            environment: CANARY_ENVIRONMENT,
            repository: config.canary.repository,
            commit: config.canary.commit,
            ephemeral: false,
        });
    return config;
}

/** The stack a derived environment was made from (whose Sentry projects it reports to). */
export function baseStackOf(config: Pick<ParsedStackConfig, "review" | "canary">): string | undefined {
    return config.review?.base ?? config.canary?.base;
}
