/**
 * The read-only REST calls GitHub's own CLI (`gh`) and the runbooks make: the API root, `meta`,
 * `rate_limit`, a branch's protection (from the repository's protection rules, as GitHub derives
 * it), the environments and their secrets' names, a pull request
 * and the README. Shapes follow GitHub's OpenAPI description.
 */
import { environmentJson } from "./settings";
import type { FakeGitHub } from "./server";
import { DOCS, FakeRepo, FakeRule, Handler, notFound, userJson } from "./state";

/** fnmatch as GitHub applies a rule's pattern to a branch name (`*` within a segment, `**` across). */
function patternMatches(pattern: string, branch: string): boolean {
    const re = pattern
        .split(/(\*\*|\*|\?)/)
        .map((part) =>
            part === "**"
                ? ".*"
                : part === "*"
                  ? "[^/]*"
                  : part === "?"
                    ? "[^/]"
                    : part.replace(/[.+^${}()|[\]\\]/g, "\\$&"),
        )
        .join("");
    return new RegExp(`^${re}$`).test(branch);
}

/** The protection of `branch` as `GET …/branches/{branch}/protection` answers it, from the rule that applies. */
function protectionJson(gh: FakeGitHub, r: FakeRepo, branch: string, rule: FakeRule) {
    const s = rule.settings;
    const url = `${gh.apiBase}/repos/${r.owner}/${r.name}/branches/${branch}/protection`;
    const on = (key: string) => s[key] === true;
    const contexts = (s.requiredStatusCheckContexts as string[] | undefined) ?? [];
    return {
        url,
        ...(on("requiresStatusChecks")
            ? {
                  required_status_checks: {
                      url: `${url}/required_status_checks`,
                      strict: on("requiresStrictStatusChecks"),
                      contexts,
                      contexts_url: `${url}/required_status_checks/contexts`,
                      checks: contexts.map((context) => ({ context, app_id: null })),
                  },
              }
            : {}),
        ...(on("requiresApprovingReviews")
            ? {
                  required_pull_request_reviews: {
                      url: `${url}/required_pull_request_reviews`,
                      dismiss_stale_reviews: on("dismissesStaleReviews"),
                      require_code_owner_reviews: on("requiresCodeOwnerReviews"),
                      required_approving_review_count: (s.requiredApprovingReviewCount as number | null) ?? 0,
                      require_last_push_approval: on("requireLastPushApproval"),
                  },
              }
            : {}),
        required_signatures: { url: `${url}/required_signatures`, enabled: on("requiresCommitSignatures") },
        enforce_admins: { url: `${url}/enforce_admins`, enabled: on("isAdminEnforced") },
        required_linear_history: { enabled: on("requiresLinearHistory") },
        allow_force_pushes: { enabled: on("allowsForcePushes") },
        allow_deletions: { enabled: on("allowsDeletions") },
        block_creations: { enabled: on("blocksCreations") },
        required_conversation_resolution: { enabled: on("requiresConversationResolution") },
        lock_branch: { enabled: on("lockBranch") },
        allow_fork_syncing: { enabled: on("lockAllowsFetchAndMerge") },
    };
}

const limits = () => {
    const reset = Math.floor(Date.now() / 1000) + 3600;
    const bucket = (limit: number) => ({ limit, used: 0, remaining: limit, reset });
    return {
        resources: {
            core: bucket(5000),
            search: bucket(30),
            graphql: bucket(5000),
            integration_manifest: bucket(5000),
        },
        rate: bucket(5000),
    };
};

export const READ_HANDLERS: Record<string, Handler> = {
    "meta/root"() {
        const base = this.apiBase;
        return {
            status: 200,
            body: {
                current_user_url: `${base}/user`,
                repository_url: `${base}/repos/{owner}/{repo}`,
                organization_url: `${base}/orgs/{org}`,
                rate_limit_url: `${base}/rate_limit`,
                user_url: `${base}/users/{user}`,
            },
        };
    },
    "meta/get"() {
        return {
            status: 200,
            body: {
                verifiable_password_authentication: false,
                installed_version: "3.15.0",
                hooks: [],
                web: [],
                api: [],
                git: [],
            },
        };
    },
    "rate-limit/get"() {
        return { status: 200, body: limits() };
    },
    "repos/get-branch-protection"(ctx) {
        const r = this.findRepo(ctx.params);
        if (!r) return notFound();
        const branch = decodeURIComponent(ctx.params.branch);
        const rule =
            r.rules.find((x) => x.pattern === branch) ?? r.rules.find((x) => patternMatches(x.pattern, branch));
        if (!rule) return { status: 404, body: { message: "Branch not protected", documentation_url: DOCS } };
        return { status: 200, body: protectionJson(this, r, branch, rule) };
    },
    "repos/get-all-environments"(ctx) {
        const r = this.findRepo(ctx.params);
        if (!r) return notFound();
        const all = [...r.environments.values()].map((e) => environmentJson(this, r, e));
        const page = this.page(all, ctx);
        return { ...page, body: { total_count: all.length, environments: page.body } };
    },
    "actions/list-environment-secrets"(ctx) {
        const e = this.findRepo(ctx.params)?.environments.get(decodeURIComponent(ctx.params.environment_name));
        if (!e) return notFound();
        const all = [...e.secrets.entries()]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([name, s]) => ({ name, created_at: s.created_at, updated_at: s.updated_at }));
        const page = this.page(all, ctx);
        return { ...page, body: { total_count: all.length, secrets: page.body } };
    },
    "pulls/get"(ctx) {
        const r = this.findRepo(ctx.params);
        const i = r?.issues.find((x) => x.pull_request && x.number === Number(ctx.params.pull_number));
        if (!r || !i) return notFound();
        const head = i.head ?? { ref: `pr-${i.number}`, sha: "0".repeat(40) };
        const repo = { id: r.id, name: r.name, full_name: `${r.owner}/${r.name}`, private: true };
        // GitHub's media types for a pull request's changes (`gh pr diff` asks for the diff).
        if (/application\/vnd\.github(\.v3)?\.(diff|patch)/.test(ctx.accept)) {
            if (i.diff === undefined)
                return { status: 501, body: { message: "the fake GitHub has no diff for this pull request" } };
            return {
                status: 200,
                text: i.diff,
                headers: { "content-type": "application/vnd.github.v3.diff; charset=utf-8" },
            };
        }
        return {
            status: 200,
            body: {
                id: r.id * 100_000 + i.number,
                node_id: `PR_${r.id}_${i.number}`,
                number: i.number,
                url: `${this.apiBase}/repos/${r.owner}/${r.name}/pulls/${i.number}`,
                html_url: `${this.url}/${r.owner}/${r.name}/pull/${i.number}`,
                state: i.state,
                title: i.title,
                body: i.body,
                user: userJson(i.user),
                draft: false,
                merged: false,
                head: { ref: head.ref, sha: head.sha, label: `${r.owner}:${head.ref}`, repo },
                base: { ref: i.base ?? "main", label: `${r.owner}:${i.base ?? "main"}`, repo },
                created_at: i.created_at,
                updated_at: i.updated_at,
                closed_at: i.closed_at,
                merged_at: null,
            },
        };
    },
    "repos/get-readme"(ctx) {
        return this.findRepo(ctx.params)
            ? { status: 404, body: { message: "Not Found", documentation_url: DOCS } }
            : notFound();
    },
};
