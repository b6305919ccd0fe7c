/**
 * Repository settings the GitHub provider manages (REST, GHES paths): organisations, repositories,
 * deployment environments with reviewers and branch policies, environment secrets (sealed boxes),
 * teams and users. GitHub's rules the description does not carry are kept here: a reviewer must
 * exist, at most 6 reviewers, a secret must be sealed to the current key, a secret name is
 * upper-case letters, digits and underscores not starting with GITHUB_.
 */
import type { FakeGitHub } from "./server";
import { Answer, DOCS, FakeEnvironment, FakeRepo, Handler, notFound, userJson, validationFailed } from "./state";

function repoJson(gh: FakeGitHub, r: FakeRepo) {
    const org = gh.orgs.get(r.owner.toLowerCase());
    return {
        id: r.id,
        node_id: r.nodeId,
        name: r.name,
        full_name: `${r.owner}/${r.name}`,
        owner: org
            ? { login: org.login, id: org.id, node_id: `O_${org.id}`, type: "Organization", site_admin: false }
            : { login: r.owner, id: 1, node_id: "U_1", type: "User", site_admin: false },
        private: true,
        visibility: "private",
        default_branch: "main",
        archived: false,
        disabled: false,
        html_url: `https://github.com/${r.owner}/${r.name}`,
        url: `${gh.apiBase}/repos/${r.owner}/${r.name}`,
        permissions: { admin: true, maintain: true, push: true, triage: true, pull: true },
    };
}

function teamJson(gh: FakeGitHub, org: string, t: { id: number; slug: string; name: string }) {
    return {
        id: t.id,
        node_id: `T_${t.id}`,
        slug: t.slug,
        name: t.name,
        description: null,
        privacy: "closed",
        notification_setting: "notifications_enabled",
        permission: "pull",
        url: `${gh.apiBase}/orgs/${org}/teams/${t.slug}`,
        html_url: `https://github.com/orgs/${org}/teams/${t.slug}`,
        members_url: `${gh.apiBase}/orgs/${org}/teams/${t.slug}/members{/member}`,
        repositories_url: `${gh.apiBase}/orgs/${org}/teams/${t.slug}/repos`,
        parent: null,
    };
}

export function environmentJson(gh: FakeGitHub, r: FakeRepo, e: FakeEnvironment) {
    const rules: Record<string, unknown>[] = [];
    if (e.waitTimer)
        rules.push({ id: e.id * 10 + 1, node_id: `GA_${e.id}_w`, type: "wait_timer", wait_timer: e.waitTimer });
    if (e.reviewers.length)
        rules.push({
            id: e.id * 10 + 2,
            node_id: `GA_${e.id}_r`,
            type: "required_reviewers",
            prevent_self_review: e.preventSelfReview,
            reviewers: e.reviewers.map((rv) => {
                if (rv.type === "User")
                    return { type: "User", reviewer: userJson([...gh.users.values()].find((u) => u.id === rv.id)!) };
                const [org, team] = [...gh.orgs.values()]
                    .flatMap((o) => [...o.teams.values()].map((t) => [o.login, t] as const))
                    .find(([, t]) => t.id === rv.id)!;
                return { type: "Team", reviewer: teamJson(gh, org, team) };
            }),
        });
    if (e.deploymentBranchPolicy) rules.push({ id: e.id * 10 + 3, node_id: `GA_${e.id}_b`, type: "branch_policy" });
    return {
        id: e.id,
        node_id: `EN_${e.id}`,
        name: e.name,
        url: `${gh.apiBase}/repos/${r.owner}/${r.name}/environments/${encodeURIComponent(e.name)}`,
        html_url: `https://github.com/${r.owner}/${r.name}/deployments/activity_log?environments_filter=${encodeURIComponent(e.name)}`,
        created_at: e.created_at,
        updated_at: e.updated_at,
        can_admins_bypass: e.canAdminsBypass,
        protection_rules: rules,
        deployment_branch_policy: e.deploymentBranchPolicy,
    };
}

function environmentOf(
    gh: FakeGitHub,
    params: Record<string, string>,
): { r: FakeRepo; e: FakeEnvironment } | undefined {
    const r = gh.findRepo(params);
    const e = r?.environments.get(decodeURIComponent(params.environment_name));
    return r && e ? { r, e } : undefined;
}

const SECRET_NAME = /^[A-Z_][A-Z0-9_]*$/;

export const SETTINGS_HANDLERS: Record<string, Handler> = {
    "orgs/get"(ctx) {
        const org = this.orgs.get(ctx.params.org.toLowerCase());
        if (!org) return notFound();
        return {
            status: 200,
            body: {
                login: org.login,
                id: org.id,
                node_id: `O_${org.id}`,
                url: `${this.apiBase}/orgs/${org.login}`,
                description: null,
                type: "Organization",
            },
        };
    },
    "repos/get"(ctx) {
        const r = this.findRepo(ctx.params);
        return r ? { status: 200, body: repoJson(this, r) } : notFound();
    },
    "repos/get-environment"(ctx) {
        const found = environmentOf(this, ctx.params);
        return found ? { status: 200, body: environmentJson(this, found.r, found.e) } : notFound();
    },
    "repos/create-or-update-environment"(ctx) {
        const r = this.findRepo(ctx.params);
        if (!r) return notFound();
        const body = (ctx.body ?? {}) as Record<string, any>;
        const reviewers = (body.reviewers ?? []) as { type: "User" | "Team"; id: number }[];
        if (reviewers.length > 6)
            return validationFailed("Environment", "reviewers", "reviewers can have at most 6 entries");
        for (const rv of reviewers) {
            const known =
                rv.type === "User"
                    ? [...this.users.values()].some((u) => u.id === rv.id)
                    : [...this.orgs.values()].some((o) => [...o.teams.values()].some((t) => t.id === rv.id));
            if (!known)
                return validationFailed(
                    "Environment",
                    "reviewers",
                    `${rv.type} ${rv.id} does not exist or has no access to this repository`,
                );
        }
        const policy = body.deployment_branch_policy ?? null;
        if (policy && policy.protected_branches === policy.custom_branch_policies)
            return validationFailed(
                "Environment",
                "deployment_branch_policy",
                "exactly one of protected_branches and custom_branch_policies must be true",
            );
        const name = decodeURIComponent(ctx.params.environment_name);
        const now = new Date().toISOString();
        const existing = r.environments.get(name);
        const e: FakeEnvironment = {
            id: existing?.id ?? this.newId(),
            name,
            waitTimer: body.wait_timer ?? 0,
            reviewers,
            preventSelfReview: Boolean(body.prevent_self_review),
            canAdminsBypass: body.can_admins_bypass ?? true,
            deploymentBranchPolicy: policy,
            // Turning custom branch policies off drops the policies, as GitHub does.
            branchPolicies: policy?.custom_branch_policies ? (existing?.branchPolicies ?? []) : [],
            secrets: existing?.secrets ?? new Map(),
            created_at: existing?.created_at ?? now,
            updated_at: now,
        };
        r.environments.set(name, e);
        return { status: 200, body: environmentJson(this, r, e) };
    },
    "repos/delete-an-environment"(ctx) {
        const found = environmentOf(this, ctx.params);
        if (!found) return notFound();
        found.r.environments.delete(found.e.name);
        return { status: 204 };
    },
    "repos/create-deployment-branch-policy"(ctx) {
        const found = environmentOf(this, ctx.params);
        if (!found) return notFound();
        if (!found.e.deploymentBranchPolicy?.custom_branch_policies)
            return { status: 404, body: { message: "Not Found", documentation_url: DOCS } };
        const name = String(ctx.body.name);
        const type = (ctx.body.type ?? "branch") as "branch" | "tag";
        if (found.e.branchPolicies.some((p) => p.name === name && p.type === type))
            return { status: 303, headers: { location: `${this.apiBase}/` }, body: { message: "already exists" } };
        const p = { id: this.newId(), node_id: `MDE2OkdhdGVCcmFuY2hQb2xpY3k${this.newId()}`, name, type };
        found.e.branchPolicies.push(p);
        return { status: 200, body: p };
    },
    "repos/get-deployment-branch-policy"(ctx) {
        const found = environmentOf(this, ctx.params);
        const p = found?.e.branchPolicies.find((x) => x.id === Number(ctx.params.branch_policy_id));
        return p ? { status: 200, body: p } : notFound();
    },
    "repos/list-deployment-branch-policies"(ctx) {
        const found = environmentOf(this, ctx.params);
        if (!found) return notFound();
        return {
            status: 200,
            body: { total_count: found.e.branchPolicies.length, branch_policies: found.e.branchPolicies },
        };
    },
    "repos/delete-deployment-branch-policy"(ctx) {
        const found = environmentOf(this, ctx.params);
        const p = found?.e.branchPolicies.find((x) => x.id === Number(ctx.params.branch_policy_id));
        if (!found || !p) return notFound();
        found.e.branchPolicies = found.e.branchPolicies.filter((x) => x !== p);
        return { status: 204 };
    },
    "actions/get-environment-public-key"(ctx) {
        if (!environmentOf(this, ctx.params)) return notFound();
        return { status: 200, body: { key_id: this.boxes.keyId, key: this.boxes.publicKey } };
    },
    "actions/create-or-update-environment-secret"(ctx) {
        const found = environmentOf(this, ctx.params);
        if (!found) return notFound();
        const name = ctx.params.secret_name;
        if (!SECRET_NAME.test(name) || name.startsWith("GITHUB_"))
            return validationFailed(
                "Secret",
                "name",
                "Secret names can only contain alphanumeric characters ([A-Z], [0-9]) or underscores (_), and must not start with GITHUB_",
            );
        if (ctx.body.key_id !== this.boxes.keyId)
            return validationFailed("Secret", "key_id", "key_id does not match the environment's current public key");
        if (this.boxes.open(String(ctx.body.encrypted_value)) === undefined)
            return {
                status: 400,
                body: {
                    message: "Bad request: the encrypted value is not sealed to the public key",
                    documentation_url: DOCS,
                },
            };
        const now = new Date().toISOString();
        const existing = found.e.secrets.get(name);
        found.e.secrets.set(name, {
            encryptedValue: String(ctx.body.encrypted_value),
            keyId: ctx.body.key_id,
            created_at: existing?.created_at ?? now,
            updated_at: now,
        });
        return existing ? { status: 204 } : { status: 201, body: {} };
    },
    "actions/get-environment-secret"(ctx) {
        const s = environmentOf(this, ctx.params)?.e.secrets.get(ctx.params.secret_name);
        return s
            ? {
                  status: 200,
                  body: { name: ctx.params.secret_name, created_at: s.created_at, updated_at: s.updated_at },
              }
            : notFound();
    },
    "actions/delete-environment-secret"(ctx) {
        const found = environmentOf(this, ctx.params);
        if (!found || !found.e.secrets.delete(ctx.params.secret_name)) return notFound();
        return { status: 204 };
    },
    "teams/get-by-name"(ctx) {
        const t = this.findTeam(ctx.params.org, ctx.params.team_slug);
        return t ? { status: 200, body: teamJson(this, ctx.params.org, t) } : notFound();
    },
    "teams/list-members-in-org"(ctx) {
        const t = this.findTeam(ctx.params.org, ctx.params.team_slug);
        if (!t) return notFound();
        return this.page(
            t.members.map((m) => userJson(this.addUser(m))),
            ctx,
        );
    },
    "teams/list-repos-in-org"(ctx): Answer {
        const t = this.findTeam(ctx.params.org, ctx.params.team_slug);
        if (!t) return notFound();
        return this.page([], ctx);
    },
    "users/get-by-username"(ctx) {
        const u = this.users.get(ctx.params.username.toLowerCase());
        return u
            ? {
                  status: 200,
                  body: {
                      ...userJson(u),
                      name: u.login,
                      email: null,
                      created_at: "2020-01-01T00:00:00Z",
                      updated_at: "2020-01-01T00:00:00Z",
                  },
              }
            : notFound();
    },
    "users/list-gpg-keys-for-user"(ctx) {
        return this.users.has(ctx.params.username.toLowerCase()) ? this.page([], ctx) : notFound();
    },
    "users/list-public-keys-for-user"(ctx) {
        return this.users.has(ctx.params.username.toLowerCase()) ? this.page([], ctx) : notFound();
    },
};
