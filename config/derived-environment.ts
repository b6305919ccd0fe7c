/**
 * A pull request's review environment, derived from its base stack's configuration (staging's).
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

function reviewService(svc: ServiceConfig, review: NonNullable<ParsedStackConfig["review"]>): ServiceConfig {
    const source =
        "repo" in svc.source && svc.source.repo.toLowerCase() === review.repository.toLowerCase()
            ? { ...svc.source, branch: review.branch }
            : svc.source;
    return {
        ...svc,
        source,
        commit: source === svc.source ? svc.commit : (review.commit ?? svc.commit),
        replicas: 1,
        regions: undefined,
        protect: false,
        adopt: undefined,
        domains: svc.domains ? { railway: true, custom: [], targetPort: svc.domains.targetPort } : undefined,
    };
}

/** The configuration of the review environment `config.review` describes; other configs unchanged. */
export function asReviewEnvironment(config: ParsedStackConfig): ParsedStackConfig {
    const review = config.review;
    if (!review) return config;
    return {
        ...config,
        integrations: { ...config.integrations, github: false, sentry: false, pagerduty: false },
        railway: {
            ...config.railway,
            ownsProject: false,
            environment: reviewEnvironmentName(review.pullRequest),
            duplicateFrom: config.railway.environment,
            ephemeral: true,
            protect: false,
            services: config.railway.services.map((svc) => reviewService(svc, review)),
        },
        gate: { ...config.gate, pageOnFailedDeployment: false },
        reviewEnvironments: undefined,
    };
}
