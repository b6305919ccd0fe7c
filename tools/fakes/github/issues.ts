/** Issues, comments and deployments: what the PR comment, drift and the gate use. */
import type { FakeGitHub } from "./server";
import {
    Answer,
    DOCS,
    FakeComment,
    FakeDeployment,
    FakeDeploymentStatus,
    FakeIssue,
    FakeRepo,
    Handler,
    MAX_BODY,
    notFound,
    userJson,
} from "./state";

function commentJson(gh: FakeGitHub, r: FakeRepo, issue: FakeIssue, c: FakeComment) {
    return {
        id: c.id,
        node_id: `IC_${c.id}`,
        url: `${gh.apiBase}/repos/${r.owner}/${r.name}/issues/comments/${c.id}`,
        html_url: `https://github.com/${r.owner}/${r.name}/${issue.pull_request ? "pull" : "issues"}/${issue.number}#issuecomment-${c.id}`,
        issue_url: `${gh.apiBase}/repos/${r.owner}/${r.name}/issues/${issue.number}`,
        body: c.body,
        user: userJson(c.user),
        created_at: c.created_at,
        updated_at: c.updated_at,
        author_association: "MEMBER",
    };
}

export function issueJson(gh: FakeGitHub, r: FakeRepo, i: FakeIssue) {
    return {
        id: i.number + r.id * 100000,
        node_id: `I_${r.id}_${i.number}`,
        number: i.number,
        title: i.title,
        body: i.body,
        state: i.state,
        state_reason: i.state_reason,
        labels: i.labels.map((name) => ({
            name,
            id: name.length,
            node_id: `L_${name}`,
            color: "ededed",
            default: false,
        })),
        user: userJson(i.user),
        comments: i.comments.length,
        created_at: i.created_at,
        updated_at: i.updated_at,
        closed_at: i.closed_at,
        url: `${gh.apiBase}/repos/${r.owner}/${r.name}/issues/${i.number}`,
        html_url: `https://github.com/${r.owner}/${r.name}/${i.pull_request ? "pull" : "issues"}/${i.number}`,
        ...(i.pull_request
            ? { pull_request: { url: `${gh.apiBase}/repos/${r.owner}/${r.name}/pulls/${i.number}` } }
            : {}),
    };
}

function deploymentJson(gh: FakeGitHub, r: FakeRepo, d: FakeDeployment) {
    return {
        id: d.id,
        node_id: `DE_${d.id}`,
        url: `${gh.apiBase}/repos/${r.owner}/${r.name}/deployments/${d.id}`,
        statuses_url: `${gh.apiBase}/repos/${r.owner}/${r.name}/deployments/${d.id}/statuses`,
        repository_url: `${gh.apiBase}/repos/${r.owner}/${r.name}`,
        sha: d.sha,
        ref: d.ref,
        task: d.task,
        payload: d.payload,
        original_environment: d.environment,
        environment: d.environment,
        description: d.description,
        creator: userJson(d.creator),
        created_at: d.created_at,
        updated_at: d.statuses.at(-1)?.created_at ?? d.created_at,
        transient_environment: false,
        production_environment: d.production_environment,
    };
}

function deploymentStatusJson(gh: FakeGitHub, r: FakeRepo, d: FakeDeployment, s: FakeDeploymentStatus) {
    return {
        id: s.id,
        node_id: `DES_${s.id}`,
        url: `${gh.apiBase}/repos/${r.owner}/${r.name}/deployments/${d.id}/statuses/${s.id}`,
        deployment_url: `${gh.apiBase}/repos/${r.owner}/${r.name}/deployments/${d.id}`,
        repository_url: `${gh.apiBase}/repos/${r.owner}/${r.name}`,
        state: s.state,
        description: s.description,
        environment: s.environment,
        target_url: s.log_url ?? "",
        log_url: s.log_url ?? "",
        environment_url: s.environment_url ?? "",
        creator: userJson(s.creator),
        created_at: s.created_at,
        updated_at: s.created_at,
    };
}

function tooLong(resource: string, body: unknown): Answer | undefined {
    if (typeof body === "string" && body.length > MAX_BODY)
        return {
            status: 422,
            body: {
                message: "Validation Failed",
                errors: [
                    {
                        resource,
                        code: "custom",
                        field: "body",
                        message: `body is too long (maximum is ${MAX_BODY} characters)`,
                    },
                ],
                documentation_url: DOCS,
            },
        };
    return undefined;
}

function findComment(r: FakeRepo, id: number): { issue: FakeIssue; comment: FakeComment } | undefined {
    for (const issue of r.issues) {
        const comment = issue.comments.find((c) => c.id === id);
        if (comment) return { issue, comment };
    }
    return undefined;
}

/** The repository's newest commit by committer date (the tip of main), if it has any. */
export function newestCommit(r: FakeRepo): string | undefined {
    return [...r.commits.entries()].sort((a, b) => b[1].localeCompare(a[1]))[0]?.[0];
}

export const ISSUE_HANDLERS: Record<string, Handler> = {
    "repos/get-commit"(ctx) {
        const r = this.findRepo(ctx.params);
        // GitHub takes a SHA or a branch name here; the fake's one branch, main, is the newest commit.
        const sha = r && ctx.params.ref === "main" ? newestCommit(r) : ctx.params.ref;
        const at = sha ? r?.commits.get(sha) : undefined;
        if (!r || !at)
            return {
                status: 422,
                body: { message: `No commit found for SHA: ${ctx.params.ref}`, documentation_url: DOCS },
            };
        return {
            status: 200,
            body: {
                sha,
                node_id: `C_${sha}`,
                commit: {
                    author: { name: "dev", email: "dev@ainative.dev", date: at },
                    committer: { name: "dev", email: "dev@ainative.dev", date: at },
                    message: "a change",
                },
                files: [],
                stats: { total: 1, additions: 1, deletions: 0 },
            },
        };
    },
    "repos/create-deployment"(ctx) {
        const r = this.findRepo(ctx.params);
        if (!r) return notFound();
        const d = this.addDeployment(r.owner, r.name, {
            ref: ctx.body.ref,
            environment: ctx.body.environment ?? "production",
        });
        d.creator = ctx.user;
        d.task = ctx.body.task ?? "deploy";
        if (typeof ctx.body.ref === "string" && /^[0-9a-f]{40}$/.test(ctx.body.ref)) d.sha = ctx.body.ref;
        d.description = ctx.body.description ?? null;
        d.payload = ctx.body.payload ?? {};
        if (typeof ctx.body.production_environment === "boolean")
            d.production_environment = ctx.body.production_environment;
        return { status: 201, body: deploymentJson(this, r, d) };
    },
    "repos/list-deployments"(ctx) {
        const r = this.findRepo(ctx.params);
        if (!r) return notFound();
        const items = r.deployments
            .filter((d) => !ctx.query.environment || d.environment === ctx.query.environment)
            .filter((d) => !ctx.query.sha || d.sha === ctx.query.sha)
            .filter((d) => !ctx.query.ref || d.ref === ctx.query.ref)
            .sort((a, b) => b.id - a.id);
        return this.page(
            items.map((d) => deploymentJson(this, r, d)),
            ctx,
        );
    },
    "repos/get-deployment"(ctx) {
        const r = this.findRepo(ctx.params);
        const d = r?.deployments.find((x) => x.id === Number(ctx.params.deployment_id));
        if (!r || !d) return notFound();
        return { status: 200, body: deploymentJson(this, r, d) };
    },
    "repos/create-deployment-status"(ctx) {
        const r = this.findRepo(ctx.params);
        const d = r?.deployments.find((x) => x.id === Number(ctx.params.deployment_id));
        if (!r || !d) return notFound();
        if (typeof ctx.body.description === "string" && ctx.body.description.length > 140)
            return {
                status: 422,
                body: {
                    message: "Validation Failed",
                    errors: [
                        {
                            resource: "DeploymentStatus",
                            code: "custom",
                            field: "description",
                            message: "description is too long (maximum is 140 characters)",
                        },
                    ],
                    documentation_url: DOCS,
                },
            };
        const st: FakeDeploymentStatus = {
            id: this.newId(),
            state: ctx.body.state,
            description: ctx.body.description ?? "",
            environment: ctx.body.environment ?? d.environment,
            log_url: ctx.body.log_url ?? ctx.body.target_url,
            environment_url: ctx.body.environment_url,
            creator: ctx.user,
            created_at: new Date().toISOString(),
        };
        d.statuses.push(st);
        // GitHub's auto_inactive (default true): earlier successful deployments of the environment
        // that are not production's get an `inactive` status.
        if (st.state === "success" && ctx.body.auto_inactive !== false)
            for (const other of r.deployments)
                if (
                    other !== d &&
                    other.environment === d.environment &&
                    !other.production_environment &&
                    other.statuses.at(-1)?.state === "success"
                )
                    other.statuses.push({ ...st, id: this.newId(), state: "inactive", description: "" });
        return { status: 201, body: deploymentStatusJson(this, r, d, st) };
    },
    "repos/list-deployment-statuses"(ctx) {
        const r = this.findRepo(ctx.params);
        const d = r?.deployments.find((x) => x.id === Number(ctx.params.deployment_id));
        if (!r || !d) return notFound();
        return this.page(
            [...d.statuses].reverse().map((st) => deploymentStatusJson(this, r, d, st)),
            ctx,
        );
    },
    "users/get-authenticated"(ctx) {
        if (ctx.tokenKind === "installation")
            return {
                status: 403,
                body: { message: "Resource not accessible by integration", documentation_url: DOCS },
            };
        return { status: 200, body: userJson(ctx.user) };
    },
    "issues/list-comments"(ctx) {
        const r = this.findRepo(ctx.params);
        const issue = r?.issues.find((i) => i.number === Number(ctx.params.issue_number));
        if (!r || !issue) return notFound();
        return this.page(
            issue.comments.map((c) => commentJson(this, r, issue, c)),
            ctx,
        );
    },
    "issues/create-comment"(ctx) {
        const r = this.findRepo(ctx.params);
        const issue = r?.issues.find((i) => i.number === Number(ctx.params.issue_number));
        if (!r || !issue) return notFound();
        const refused = tooLong("IssueComment", ctx.body.body);
        if (refused) return refused;
        const now = new Date().toISOString();
        const c: FakeComment = {
            id: this.newId(),
            body: ctx.body.body,
            user: ctx.user,
            created_at: now,
            updated_at: now,
        };
        issue.comments.push(c);
        return { status: 201, body: commentJson(this, r, issue, c) };
    },
    "issues/update-comment"(ctx) {
        const r = this.findRepo(ctx.params);
        const found = r && findComment(r, Number(ctx.params.comment_id));
        if (!r || !found) return notFound();
        if (found.comment.user.login !== ctx.user.login)
            return { status: 403, body: { message: "Must have admin rights to Repository.", documentation_url: DOCS } };
        const refused = tooLong("IssueComment", ctx.body.body);
        if (refused) return refused;
        found.comment.body = ctx.body.body;
        found.comment.updated_at = new Date().toISOString();
        return { status: 200, body: commentJson(this, r, found.issue, found.comment) };
    },
    "issues/delete-comment"(ctx) {
        const r = this.findRepo(ctx.params);
        const found = r && findComment(r, Number(ctx.params.comment_id));
        if (!r || !found) return notFound();
        if (found.comment.user.login !== ctx.user.login)
            return { status: 403, body: { message: "Must have admin rights to Repository.", documentation_url: DOCS } };
        found.issue.comments = found.issue.comments.filter((c) => c !== found.comment);
        return { status: 204 };
    },
    "issues/list-for-repo"(ctx) {
        const r = this.findRepo(ctx.params);
        if (!r) return notFound();
        const state = ctx.query.state ?? "open";
        const labels = (ctx.query.labels ?? "")
            .split(",")
            .map((l) => l.trim())
            .filter(Boolean);
        const items = r.issues
            .filter((i) => state === "all" || i.state === state)
            .filter((i) => labels.every((l) => i.labels.some((x) => x.toLowerCase() === l.toLowerCase())))
            .filter((i) => !ctx.query.creator || i.user.login === ctx.query.creator)
            // GitHub's default order: newest first.
            .sort((a, b) => (ctx.query.direction === "asc" ? a.number - b.number : b.number - a.number));
        return this.page(
            items.map((i) => issueJson(this, r, i)),
            ctx,
        );
    },
    "issues/get"(ctx) {
        const r = this.findRepo(ctx.params);
        const issue = r?.issues.find((i) => i.number === Number(ctx.params.issue_number));
        if (!r || !issue) return notFound();
        return { status: 200, body: issueJson(this, r, issue) };
    },
    "issues/create"(ctx) {
        const r = this.findRepo(ctx.params);
        if (!r) return notFound();
        const title = String(ctx.body.title ?? "");
        if (!title.trim())
            return {
                status: 422,
                body: {
                    message: "Validation Failed",
                    errors: [{ resource: "Issue", code: "missing_field", field: "title" }],
                    documentation_url: DOCS,
                },
            };
        const refused = tooLong("Issue", ctx.body.body);
        if (refused) return refused;
        const labels = ((ctx.body.labels ?? []) as (string | { name: string })[]).map((l) =>
            typeof l === "string" ? l : l.name,
        );
        labels.forEach((l) => r.labels.add(l));
        const now = new Date().toISOString();
        const issue: FakeIssue = {
            number: r.issues.length + 1,
            title,
            body: ctx.body.body ?? "",
            state: "open",
            state_reason: null,
            labels,
            user: ctx.user,
            pull_request: false,
            comments: [],
            created_at: now,
            updated_at: now,
            closed_at: null,
        };
        r.issues.push(issue);
        return { status: 201, body: issueJson(this, r, issue) };
    },
    "issues/update"(ctx) {
        const r = this.findRepo(ctx.params);
        const issue = r?.issues.find((i) => i.number === Number(ctx.params.issue_number));
        if (!r || !issue) return notFound();
        const refused = tooLong("Issue", ctx.body.body);
        if (refused) return refused;
        if (typeof ctx.body.title === "string") issue.title = ctx.body.title;
        if (typeof ctx.body.body === "string") issue.body = ctx.body.body;
        if (Array.isArray(ctx.body.labels))
            issue.labels = ctx.body.labels.map((l: string | { name: string }) => (typeof l === "string" ? l : l.name));
        if (ctx.body.state === "closed" && issue.state === "open") {
            issue.state = "closed";
            issue.state_reason = ctx.body.state_reason ?? "completed";
            issue.closed_at = new Date().toISOString();
        } else if (ctx.body.state === "open" && issue.state === "closed") {
            issue.state = "open";
            issue.state_reason = "reopened";
            issue.closed_at = null;
        }
        issue.updated_at = new Date().toISOString();
        return { status: 200, body: issueJson(this, r, issue) };
    },
};
