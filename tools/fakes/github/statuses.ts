/**
 * Commit statuses, as GitHub keeps them: one record per call (a later one for the same context
 * wins in the UI), on a commit the repository has, with GitHub's own refusals (an unknown SHA, a
 * description over 140 characters, more than 1000 statuses for one SHA and context).
 */
import type { FakeGitHub } from "./server";
import { DOCS, FakeCommitStatus, FakeRepo, Handler, notFound, userJson, validationFailed } from "./state";

const MAX_DESCRIPTION = 140;
const MAX_PER_CONTEXT = 1000;

function statusJson(gh: FakeGitHub, r: FakeRepo, s: FakeCommitStatus) {
    return {
        url: `${gh.apiBase}/repos/${r.owner}/${r.name}/statuses/${s.sha}`,
        avatar_url: null,
        id: s.id,
        node_id: `SC_${s.id}`,
        state: s.state,
        description: s.description,
        target_url: s.target_url,
        context: s.context,
        created_at: s.created_at,
        updated_at: s.created_at,
        creator: userJson(s.creator),
    };
}

export const STATUS_HANDLERS: Record<string, Handler> = {
    "repos/create-commit-status"(ctx) {
        const r = this.findRepo(ctx.params);
        if (!r) return notFound();
        const sha = ctx.params.sha;
        if (!r.commits.has(sha))
            return { status: 422, body: { message: `No commit found for SHA: ${sha}`, documentation_url: DOCS } };
        const description = typeof ctx.body.description === "string" ? ctx.body.description : null;
        if (description && description.length > MAX_DESCRIPTION)
            return validationFailed(
                "Status",
                "description",
                `description is too long (maximum is ${MAX_DESCRIPTION} characters)`,
            );
        const context = typeof ctx.body.context === "string" ? ctx.body.context : "default";
        const same = r.statuses.filter((s) => s.sha === sha && s.context.toLowerCase() === context.toLowerCase());
        if (same.length >= MAX_PER_CONTEXT)
            return validationFailed(
                "Status",
                "context",
                `This SHA and context has reached the maximum number of statuses.`,
            );
        const s: FakeCommitStatus = {
            id: this.newId(),
            sha,
            state: ctx.body.state,
            description,
            target_url: typeof ctx.body.target_url === "string" ? ctx.body.target_url : null,
            context,
            creator: ctx.user,
            created_at: new Date().toISOString(),
        };
        r.statuses.push(s);
        return {
            status: 201,
            body: statusJson(this, r, s),
            headers: { Location: `${this.apiBase}/repos/${r.owner}/${r.name}/statuses/${sha}` },
        };
    },
    "repos/list-commit-statuses-for-ref"(ctx) {
        const r = this.findRepo(ctx.params);
        if (!r) return notFound();
        const items = r.statuses
            .filter((s) => s.sha === ctx.params.ref)
            .reverse()
            .map((s) => statusJson(this, r, s));
        return this.page(items, ctx);
    },
};
