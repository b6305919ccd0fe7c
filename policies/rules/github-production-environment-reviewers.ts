/**
 * github-production-environment-reviewers
 *
 * What: the GitHub environment named `environmentName` (default `production`) requires at least
 * one reviewer (a team or a user) to approve each deployment.
 * Why: production deploys wait for a human decision (DESIGN.md §8: "GitHub environment approval").
 * How to fix: set `github.productionReviewers.teams` or `.users` in `Pulumi.production.yaml`.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES } from "../lib/resources";

export const githubProductionEnvironmentReviewers: ResourceValidationPolicy = {
    name: "github-production-environment-reviewers",
    description: "The production GitHub environment requires reviewers.",
    configSchema: {
        properties: {
            environmentName: {
                type: "string",
                default: "production",
                description: "Name of the GitHub environment that needs reviewers.",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        if (args.type !== TYPES.githubEnvironment) return;
        const name = args.getConfig<{ environmentName?: string }>().environmentName ?? "production";
        if (args.props.environment !== name) return;
        const reviewers: { teams?: unknown[]; users?: unknown[] }[] = args.props.reviewers ?? [];
        const count = reviewers.reduce((n, r) => n + (r.teams?.length ?? 0) + (r.users?.length ?? 0), 0);
        if (count === 0)
            reportViolation(
                `the '${name}' GitHub environment has no required reviewers; set github.productionReviewers.teams or .users.`,
            );
    },
};
