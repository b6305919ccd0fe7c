/**
 * github-branch-protection
 *
 * What: the protected branch requires `minApprovingReviews` approving reviews (production's
 * config asks for 2), strict status checks that include `requiredChecks` (tests and policy), no
 * force pushes, no deletion, and the rules apply to admins too.
 * Why: "no validation before push" is seed fragility point 1; anything that can bypass review
 * or checks reaches production unchecked.
 * How to fix: set `github.requiredApprovingReviews` and `github.requiredStatusChecks` in the stack
 * file; the other settings are fixed by the RepositoryProtection component.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES } from "../lib/resources";

export const githubBranchProtection: ResourceValidationPolicy = {
    name: "github-branch-protection",
    description:
        "Branch protection requires reviews and the test and policy checks, and forbids force pushes and deletion, for admins too.",
    configSchema: {
        properties: {
            minApprovingReviews: {
                type: "integer",
                minimum: 0,
                maximum: 6,
                default: 1,
                description: "Fewest approving reviews required.",
            },
            requiredChecks: {
                type: "array",
                items: { type: "string" },
                default: ["test", "policy"],
                description: "Status checks that must be required.",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        if (args.type !== TYPES.branchProtection) return;
        const config = args.getConfig<{ minApprovingReviews?: number; requiredChecks?: string[] }>();
        const min = config.minApprovingReviews ?? 1;
        const p = args.props;
        const reviews = (p.requiredPullRequestReviews ?? [])[0];
        const count = reviews?.requiredApprovingReviewCount ?? 0;
        if (count < min)
            reportViolation(
                `branch '${p.pattern}' requires ${count} approving review(s); at least ${min} are required. Set github.requiredApprovingReviews.`,
            );
        const checks = (p.requiredStatusChecks ?? [])[0];
        const contexts: string[] = checks?.contexts ?? [];
        const missing = (config.requiredChecks ?? ["test", "policy"]).filter((c) => !contexts.includes(c));
        if (missing.length)
            reportViolation(
                `branch '${p.pattern}' does not require the status check(s) ${missing.join(", ")}. Add them to github.requiredStatusChecks.`,
            );
        if (checks && checks.strict !== true)
            reportViolation(
                `branch '${p.pattern}' does not require branches to be up to date before merging (strict status checks).`,
            );
        if (p.allowsForcePushes !== false) reportViolation(`branch '${p.pattern}' allows force pushes.`);
        if (p.allowsDeletions !== false) reportViolation(`branch '${p.pattern}' can be deleted.`);
        if (p.enforceAdmins !== true)
            reportViolation(`branch '${p.pattern}' lets admins bypass the rules (enforceAdmins is off).`);
    },
};
