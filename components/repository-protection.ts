/**
 * `RepositoryProtection`: what GitHub enforces so that nothing reaches a stack unreviewed.
 *
 * Each stack manages its own slice of the one repository: the branch it deploys from (production:
 * `main`, staging: `develop`) and its own deployment environment with the Actions secrets its
 * pipeline uses. Two stacks managing the same branch protection would fight over it.
 */
import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentProblem, argumentError, COMPONENT_TYPES, withTypeAliases } from "./types";

export interface RepositoryProtectionArgs {
    /** Repository name (the owner comes from the GitHub provider). */
    repository: pulumi.Input<string>;
    /** The branch this stack deploys from; it gets the protection rule. */
    protectedBranch: string;
    /** Status check contexts required before merging; must include the tests and the policy check. */
    requiredStatusChecks: string[];
    /** Approving reviews required on pull requests. */
    requiredApprovingReviews: number;
    /** The GitHub deployment environment of this stack (`staging`, `production`). */
    environment: string;
    /** Who must approve a deployment; required for `production`. Team slugs and user logins. */
    reviewers?: { teams?: string[]; users?: string[] };
    /** Actions secrets of the environment, by secret name; each value must be a secret. */
    environmentSecrets?: Record<string, pulumi.Input<string>>;
    /**
     * Actions secrets of other GitHub environments this stack's jobs run in but does not own (they
     * must exist): environment name → secret name → value (a secret). The deploy watcher's
     * `drift-<stack>` holds the stack's Railway project token this way.
     */
    otherEnvironmentSecrets?: Record<string, Record<string, pulumi.Input<string>>>;
}

function repositoryProtectionProblems(args: RepositoryProtectionArgs): ArgumentProblem[] {
    const problems: ArgumentProblem[] = [];
    if (!args.protectedBranch)
        problems.push({
            argument: "protectedBranch",
            problem: "is empty",
            fix: "name the branch this stack deploys from",
        });
    if (!args.requiredStatusChecks?.length)
        problems.push({
            argument: "requiredStatusChecks",
            problem: "is empty",
            fix: "require at least the test, policy and preview checks",
        });
    if (
        !Number.isInteger(args.requiredApprovingReviews) ||
        args.requiredApprovingReviews < 0 ||
        args.requiredApprovingReviews > 6
    ) {
        problems.push({
            argument: "requiredApprovingReviews",
            problem: `${args.requiredApprovingReviews} is not a whole number from 0 to 6`,
            fix: "use 0 to 6 (GitHub's limit)",
        });
    }
    const reviewers = (args.reviewers?.teams?.length ?? 0) + (args.reviewers?.users?.length ?? 0);
    if (args.environment === "production" && reviewers === 0) {
        problems.push({
            argument: "reviewers",
            problem: "the production environment has no required reviewers",
            fix: "set github.productionReviewers.teams or .users",
        });
    }
    return problems;
}

/** Branch protection, a deployment environment and its secrets for one stack. */
export class RepositoryProtection extends pulumi.ComponentResource {
    readonly branchProtectionId: pulumi.Output<string>;
    readonly environmentName: pulumi.Output<string>;

    constructor(name: string, args: RepositoryProtectionArgs, opts?: pulumi.ComponentResourceOptions) {
        const problems = repositoryProtectionProblems(args);
        if (problems.length) throw argumentError(COMPONENT_TYPES.RepositoryProtection, name, problems);
        super(
            COMPONENT_TYPES.RepositoryProtection.token,
            name,
            {},
            withTypeAliases(COMPONENT_TYPES.RepositoryProtection, opts),
        );
        const child = { parent: this };

        const protection = new github.BranchProtection(
            `${name}-${args.protectedBranch}`,
            {
                repositoryId: args.repository,
                pattern: args.protectedBranch,
                enforceAdmins: true,
                allowsDeletions: false,
                allowsForcePushes: false,
                requiredLinearHistory: true,
                requireConversationResolution: true,
                requiredStatusChecks: [{ strict: true, contexts: args.requiredStatusChecks }],
                requiredPullRequestReviews: [
                    {
                        requiredApprovingReviewCount: args.requiredApprovingReviews,
                        dismissStaleReviews: true,
                        requireCodeOwnerReviews: true,
                        requireLastPushApproval: true,
                    },
                ],
            },
            child,
        );

        // GitHub wants numeric ids for environment reviewers; config names them by slug and login.
        const teamIds = (args.reviewers?.teams ?? []).map((slug) =>
            github.getTeamOutput({ slug }, child).apply((t) => Number(t.id)),
        );
        const userIds = (args.reviewers?.users ?? []).map((username) =>
            github.getUserOutput({ username }, child).apply((u) => Number(u.id)),
        );
        const environment = new github.RepositoryEnvironment(
            `${name}-${args.environment}`,
            {
                repository: args.repository,
                environment: args.environment,
                preventSelfReview: teamIds.length + userIds.length > 0,
                canAdminsBypass: false,
                reviewers: teamIds.length + userIds.length > 0 ? [{ teams: teamIds, users: userIds }] : [],
                // Only the protected branch may deploy to this environment.
                deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
            },
            child,
        );
        new github.RepositoryEnvironmentDeploymentPolicy(
            `${name}-${args.environment}-${args.protectedBranch}`,
            { repository: args.repository, environment: environment.environment, branchPattern: args.protectedBranch },
            child,
        );
        for (const [secretName, value] of Object.entries(args.environmentSecrets ?? {})) {
            new github.ActionsEnvironmentSecret(
                `${name}-${args.environment}-${secretName}`,
                {
                    repository: args.repository,
                    environment: environment.environment,
                    secretName,
                    value: pulumi.secret(value),
                },
                child,
            );
        }

        for (const [other, secrets] of Object.entries(args.otherEnvironmentSecrets ?? {}))
            for (const [secretName, value] of Object.entries(secrets)) {
                new github.ActionsEnvironmentSecret(
                    `${name}-${other}-${secretName}`,
                    { repository: args.repository, environment: other, secretName, value: pulumi.secret(value) },
                    child,
                );
            }

        this.branchProtectionId = protection.id;
        this.environmentName = environment.environment;
        this.registerOutputs({ branchProtectionId: this.branchProtectionId, environmentName: this.environmentName });
    }
}
