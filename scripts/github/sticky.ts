/**
 * One comment, or one issue, per subject, found again by a hidden marker: the PR comment per
 * project/stack and the drift issue per stack. What the self-run anchors get wrong is what this
 * gets right: every page of comments is read (not the first 30), only the token's own comments are
 * candidates, duplicates left by earlier races are removed, and a create whose response was lost
 * is looked for before it is tried again, so a retry never makes a second comment.
 */
import { GitHubClient, mayHaveHappened, RepoRef, statusOf } from "./client";

/** The login of the token's user; an Actions `GITHUB_TOKEN` cannot read `/user`, and its comments are `github-actions[bot]`'s. */
export async function ownLogin(gh: GitHubClient): Promise<string> {
    try {
        return (await gh.rest.users.getAuthenticated()).data.login;
    } catch (e) {
        if (statusOf(e) === 403) return "github-actions[bot]";
        throw e;
    }
}

export interface Upserted {
    action: "created" | "updated" | "unchanged";
    id: number;
    url: string;
    /** Extra comments with the same marker that were deleted. */
    removedDuplicates: number;
}

/**
 * Whether a body is one this tool wrote for `marker`: the marker is its first line, where the tool
 * puts it. A marker quoted anywhere else (another stack's comment quoting stderr, a person's
 * comment) identifies nothing.
 */
export function carriesMarker(body: string | null | undefined, marker: string): boolean {
    return (body ?? "").split("\n", 1)[0].trim() === marker;
}

async function markedComments(
    gh: GitHubClient,
    where: RepoRef & { issue_number: number },
    marker: string,
    login: string,
) {
    const all = await gh.paginate(gh.rest.issues.listComments, { ...where, per_page: 100 });
    return all.filter((c) => c.user?.login === login && carriesMarker(c.body, marker)).sort((a, b) => a.id - b.id);
}

/** Creates or edits the one comment on `issue_number` (a PR or an issue) carrying `marker`. */
export async function upsertComment(
    gh: GitHubClient,
    where: RepoRef & { issue_number: number },
    marker: string,
    body: string,
): Promise<Upserted> {
    if (!carriesMarker(body, marker)) throw new Error("the comment body does not start with its marker");
    const login = await ownLogin(gh);
    let found = await markedComments(gh, where, marker, login);
    if (!found.length) {
        try {
            const created = await gh.rest.issues.createComment({ ...where, body });
            return { action: "created", id: created.data.id, url: created.data.html_url, removedDuplicates: 0 };
        } catch (e) {
            if (!mayHaveHappened(e)) throw e;
            // The create may have happened: look before trying again.
            found = await markedComments(gh, where, marker, login);
            if (!found.length) {
                const created = await gh.rest.issues.createComment({ ...where, body });
                return { action: "created", id: created.data.id, url: created.data.html_url, removedDuplicates: 0 };
            }
        }
    }
    const [keep, ...extra] = found;
    for (const dup of extra)
        await gh.rest.issues.deleteComment({ owner: where.owner, repo: where.repo, comment_id: dup.id });
    if (keep.body === body)
        return { action: "unchanged", id: keep.id, url: keep.html_url, removedDuplicates: extra.length };
    const updated = await gh.rest.issues.updateComment({
        owner: where.owner,
        repo: where.repo,
        comment_id: keep.id,
        body,
    });
    return { action: "updated", id: updated.data.id, url: updated.data.html_url, removedDuplicates: extra.length };
}

export interface MarkedIssue {
    number: number;
    url: string;
    body: string;
}

/** The open issues labelled `label` whose body carries `marker`, oldest first (pull requests excluded). */
export async function openMarkedIssues(
    gh: GitHubClient,
    repo: RepoRef,
    marker: string,
    label: string,
): Promise<MarkedIssue[]> {
    const all = await gh.paginate(gh.rest.issues.listForRepo, { ...repo, state: "open", labels: label, per_page: 100 });
    return all
        .filter((i) => !i.pull_request && carriesMarker(i.body, marker))
        .sort((a, b) => a.number - b.number)
        .map((i) => ({ number: i.number, url: i.html_url, body: i.body ?? "" }));
}

/** Creates the issue, unless a lost response hides that it was created: then returns that one. */
export async function createMarkedIssue(
    gh: GitHubClient,
    repo: RepoRef,
    marker: string,
    issue: { title: string; body: string; labels: string[] },
): Promise<MarkedIssue> {
    if (!carriesMarker(issue.body, marker)) throw new Error("the issue body does not start with its marker");
    const create = async () => {
        const r = await gh.rest.issues.create({ ...repo, ...issue });
        return { number: r.data.number, url: r.data.html_url, body: r.data.body ?? "" };
    };
    try {
        return await create();
    } catch (e) {
        if (!mayHaveHappened(e)) throw e;
        const found = await openMarkedIssues(gh, repo, marker, issue.labels[0]);
        return found[0] ?? (await create());
    }
}
