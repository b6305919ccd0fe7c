/**
 * The GraphQL mutations `gh` sends for comments and issue edits, on the same state as the REST
 * routes: `addComment` (an issue's or a pull request's), `createIssue` (labels by node id: a label
 * the repository does not have is not found, as GitHub answers), `updateIssue`, `closeIssue`,
 * `reopenIssue`, `addLabelsToLabelable` and `removeLabelsFromLabelable`.
 */
import { GraphQLError } from "graphql";
import { commentNode, issueNode, labelId, notFound, pullRequestNode } from "./graphql-nodes";
import type { FakeGitHub } from "./server";
import { FakeComment, FakeIssue, FakeRepo, FakeUser, MAX_BODY } from "./state";

type Input = Record<string, any>;

/** The issue or pull request a node id names (`I_<repo>_<n>`, `PR_<repo>_<n>`). */
function findSubject(gh: FakeGitHub, id: unknown): { repo: FakeRepo; issue: FakeIssue } {
    for (const repo of gh.repos.values())
        for (const issue of repo.issues)
            if (`${issue.pull_request ? "PR" : "I"}_${repo.id}_${issue.number}` === id) return { repo, issue };
    throw notFound(`Could not resolve to a node with the global id of '${String(id)}'`);
}

const subjectNode = (gh: FakeGitHub, repo: FakeRepo, issue: FakeIssue) =>
    issue.pull_request ? pullRequestNode(gh, repo, issue) : issueNode(gh, repo, issue);

function checkBody(body: unknown): void {
    if (typeof body === "string" && body.length > MAX_BODY)
        throw new GraphQLError(`Body is too long (maximum is ${MAX_BODY} characters)`, {
            extensions: { type: "UNPROCESSABLE" },
        });
}

/** Label names from their node ids; an id the repository does not have is NOT_FOUND. */
function labelsOf(repo: FakeRepo, ids: unknown): string[] {
    return ((ids ?? []) as string[]).map((id) => {
        const name = [...repo.labels].find((l) => labelId(repo, l) === id);
        if (!name) throw notFound(`Could not resolve to a node with the global id of '${id}'`);
        return name;
    });
}

export function issueMutations(gh: FakeGitHub, user: FakeUser) {
    const touch = (issue: FakeIssue) => (issue.updated_at = new Date().toISOString());
    const setState = (issue: FakeIssue, state: "open" | "closed", reason: string | null) => {
        issue.state = state;
        issue.state_reason = reason;
        issue.closed_at = state === "closed" ? new Date().toISOString() : null;
        touch(issue);
    };
    return {
        addComment: ({ input }: { input: Input }) => {
            const { repo, issue } = findSubject(gh, input.subjectId);
            checkBody(input.body);
            if (!String(input.body ?? "").trim())
                throw new GraphQLError("Body can't be blank", { extensions: { type: "UNPROCESSABLE" } });
            const now = new Date().toISOString();
            const c: FakeComment = { id: gh.newId(), body: input.body, user, created_at: now, updated_at: now };
            issue.comments.push(c);
            touch(issue);
            const node = commentNode(gh, repo, issue, c);
            return {
                clientMutationId: input.clientMutationId ?? null,
                commentEdge: { cursor: Buffer.from(`cursor:${c.id}`).toString("base64"), node },
                subject: subjectNode(gh, repo, issue),
                timelineEdge: { cursor: Buffer.from(`cursor:${c.id}`).toString("base64"), node },
            };
        },
        createIssue: ({ input }: { input: Input }) => {
            const repo = [...gh.repos.values()].find((r) => r.nodeId === input.repositoryId);
            if (!repo) throw notFound(`Could not resolve to a node with the global id of '${input.repositoryId}'`);
            if (!String(input.title ?? "").trim())
                throw new GraphQLError("Title can't be blank", { extensions: { type: "UNPROCESSABLE" } });
            checkBody(input.body);
            const labels = labelsOf(repo, input.labelIds);
            const now = new Date().toISOString();
            const issue: FakeIssue = {
                number: repo.issues.length + 1,
                title: input.title,
                body: input.body ?? "",
                state: "open",
                state_reason: null,
                labels,
                user,
                pull_request: false,
                comments: [],
                created_at: now,
                updated_at: now,
                closed_at: null,
            };
            repo.issues.push(issue);
            return { clientMutationId: input.clientMutationId ?? null, issue: issueNode(gh, repo, issue) };
        },
        updateIssue: ({ input }: { input: Input }) => {
            const { repo, issue } = findSubject(gh, input.id);
            checkBody(input.body);
            if (typeof input.title === "string") issue.title = input.title;
            if (typeof input.body === "string") issue.body = input.body;
            if (Array.isArray(input.labelIds)) issue.labels = labelsOf(repo, input.labelIds);
            if (input.state === "CLOSED" && issue.state === "open") setState(issue, "closed", "completed");
            if (input.state === "OPEN" && issue.state === "closed") setState(issue, "open", "reopened");
            touch(issue);
            return { clientMutationId: input.clientMutationId ?? null, issue: issueNode(gh, repo, issue) };
        },
        closeIssue: ({ input }: { input: Input }) => {
            const { repo, issue } = findSubject(gh, input.issueId);
            if (issue.pull_request)
                throw notFound(`Could not resolve to an Issue with the global id of '${input.issueId}'`);
            setState(issue, "closed", String(input.stateReason ?? "COMPLETED").toLowerCase());
            return { clientMutationId: input.clientMutationId ?? null, issue: issueNode(gh, repo, issue) };
        },
        reopenIssue: ({ input }: { input: Input }) => {
            const { repo, issue } = findSubject(gh, input.issueId);
            setState(issue, "open", "reopened");
            return { clientMutationId: input.clientMutationId ?? null, issue: issueNode(gh, repo, issue) };
        },
        addLabelsToLabelable: ({ input }: { input: Input }) => {
            const { repo, issue } = findSubject(gh, input.labelableId);
            for (const l of labelsOf(repo, input.labelIds)) if (!issue.labels.includes(l)) issue.labels.push(l);
            touch(issue);
            return { clientMutationId: input.clientMutationId ?? null, labelable: subjectNode(gh, repo, issue) };
        },
        removeLabelsFromLabelable: ({ input }: { input: Input }) => {
            const { repo, issue } = findSubject(gh, input.labelableId);
            const gone = labelsOf(repo, input.labelIds);
            issue.labels = issue.labels.filter((l) => !gone.includes(l));
            touch(issue);
            return { clientMutationId: input.clientMutationId ?? null, labelable: subjectNode(gh, repo, issue) };
        },
    };
}

export const ISSUE_MUTATIONS = [
    "addComment",
    "createIssue",
    "updateIssue",
    "closeIssue",
    "reopenIssue",
    "addLabelsToLabelable",
    "removeLabelsFromLabelable",
] as const;
