/**
 * The objects the fake GitHub's GraphQL API answers with, built from its state: repositories,
 * issues, pull requests, users, branch protection rules. graphql-js resolves a field that is a
 * function by calling it with the field's arguments, so connections page and filter lazily. What
 * GitHub answers with an error (a number that is no pull request) is GitHub's NOT_FOUND here too.
 */
import { GraphQLError } from "graphql";
import { newestCommit } from "./issues";
import type { FakeGitHub } from "./server";
import type { FakeComment, FakeCommitStatus, FakeIssue, FakeRelease, FakeRepo, FakeRule, FakeUser } from "./state";

export const notFound = (message: string) => new GraphQLError(message, { extensions: { type: "NOT_FOUND" } });

const EPOCH = "2026-01-01T00:00:00Z";

/** What a new rule holds before its input says otherwise (GitHub's defaults). */
export const RULE_DEFAULTS: Record<string, unknown> = {
    allowsDeletions: false,
    allowsForcePushes: false,
    blocksCreations: false,
    dismissesStaleReviews: false,
    isAdminEnforced: false,
    lockAllowsFetchAndMerge: false,
    lockBranch: false,
    requireLastPushApproval: false,
    requiredApprovingReviewCount: null,
    requiredDeploymentEnvironments: [],
    requiredStatusCheckContexts: [],
    requiresApprovingReviews: false,
    requiresCodeOwnerReviews: false,
    requiresCommitSignatures: false,
    requiresConversationResolution: false,
    requiresDeployments: false,
    requiresLinearHistory: false,
    requiresStatusChecks: false,
    requiresStrictStatusChecks: false,
    restrictsPushes: false,
    restrictsReviewDismissals: false,
};

interface PageArgs {
    first?: number;
    last?: number;
}

/** A connection as GitHub's are: nodes, edges, totalCount, pageInfo; `first`/`last` taken. */
export function connection<T>(items: T[], args: PageArgs = {}) {
    const page = args.first !== undefined ? items.slice(0, args.first) : args.last ? items.slice(-args.last) : items;
    const cursor = (i: number) => Buffer.from(`cursor:${i}`).toString("base64");
    const offset = args.last && args.first === undefined ? items.length - page.length : 0;
    return {
        nodes: page,
        edges: page.map((node, i) => ({ node, cursor: cursor(offset + i) })),
        totalCount: items.length,
        pageInfo: {
            hasNextPage: offset + page.length < items.length,
            hasPreviousPage: offset > 0,
            startCursor: page.length ? cursor(offset) : null,
            endCursor: page.length ? cursor(offset + page.length - 1) : null,
        },
    };
}

export function userNode(gh: FakeGitHub, u: Pick<FakeUser, "login" | "id"> & { type?: string }) {
    return {
        __typename: u.type === "Bot" ? "Bot" : "User",
        id: `U_${u.id}`,
        login: u.login,
        name: u.login,
        url: `${gh.url}/${u.login}`,
    };
}

function ownerNode(gh: FakeGitHub, login: string) {
    const org = gh.orgs.get(login.toLowerCase());
    return org
        ? {
              __typename: "Organization",
              id: `O_${org.id}`,
              login: org.login,
              name: org.login,
              url: `${gh.url}/${login}`,
          }
        : { __typename: "User", id: `U_${login}`, login, name: login, url: `${gh.url}/${login}` };
}

export const labelId = (repo: FakeRepo, name: string) => `LA_${repo.id}_${Buffer.from(name).toString("hex")}`;

const labelNode = (repo: FakeRepo, name: string) => ({
    __typename: "Label",
    id: labelId(repo, name),
    name,
    description: "",
    color: "ededed",
});

export function commentNode(gh: FakeGitHub, repo: FakeRepo, issue: FakeIssue, c: FakeComment) {
    return {
        __typename: "IssueComment",
        id: `IC_${c.id}`,
        databaseId: c.id,
        author: userNode(gh, c.user),
        authorAssociation: "MEMBER",
        body: c.body,
        createdAt: c.created_at,
        updatedAt: c.updated_at,
        includesCreatedEdit: c.created_at !== c.updated_at,
        isMinimized: false,
        minimizedReason: null,
        reactionGroups: [],
        url: `${issueUrl(gh, repo, issue)}#issuecomment-${c.id}`,
        viewerDidAuthor: false,
    };
}

const issueUrl = (gh: FakeGitHub, repo: FakeRepo, i: FakeIssue) =>
    `${gh.url}/${repo.owner}/${repo.name}/${i.pull_request ? "pull" : "issues"}/${i.number}`;

/** What issues and pull requests share. */
function issueLike(gh: FakeGitHub, repo: FakeRepo, i: FakeIssue) {
    return {
        id: `${i.pull_request ? "PR" : "I"}_${repo.id}_${i.number}`,
        number: i.number,
        title: i.title,
        body: i.body,
        url: issueUrl(gh, repo, i),
        state: i.state === "open" ? "OPEN" : "CLOSED",
        closed: i.state === "closed",
        author: userNode(gh, i.user),
        createdAt: i.created_at,
        updatedAt: i.updated_at,
        closedAt: i.closed_at,
        locked: false,
        milestone: null,
        reactionGroups: [],
        repository: () => repositoryNode(gh, repo),
        labels: (args: PageArgs) =>
            connection(
                i.labels.map((l) => labelNode(repo, l)),
                args,
            ),
        assignees: (args: PageArgs) => connection([], args),
        comments: (args: PageArgs) =>
            connection(
                i.comments.map((c) => commentNode(gh, repo, i, c)),
                args,
            ),
        projectCards: (args: PageArgs) => connection([], args),
        projectItems: (args: PageArgs) => connection([], args),
    };
}

export function issueNode(gh: FakeGitHub, repo: FakeRepo, i: FakeIssue) {
    return { __typename: "Issue", ...issueLike(gh, repo, i), stateReason: i.state_reason?.toUpperCase() ?? null };
}

/** The state GitHub rolls a commit's checks up to: failing beats pending beats passing. */
function rollupState(states: string[]): string {
    if (states.some((s) => ["FAILURE", "ERROR", "CANCELLED", "TIMED_OUT", "ACTION_REQUIRED"].includes(s)))
        return "FAILURE";
    if (states.some((s) => ["PENDING", "EXPECTED", "IN_PROGRESS", "QUEUED"].includes(s))) return "PENDING";
    return "SUCCESS";
}

/**
 * A commit as a pull request shows it, with its checks rolled up: the newest status of each context
 * (commit statuses) and each job of the workflow runs on it (check runs). No check at all: null.
 */
export function commitNode(repo: FakeRepo, sha: string) {
    const latest = new Map<string, FakeCommitStatus>();
    for (const s of repo.statuses.filter((x) => x.sha === sha)) latest.set(s.context.toLowerCase(), s);
    const statuses = [...latest.values()].map((s) => ({
        __typename: "StatusContext",
        id: `SC_${s.id}`,
        context: s.context,
        state: s.state.toUpperCase(),
        description: s.description,
        targetUrl: s.target_url,
        createdAt: s.created_at,
        isRequired: () => false,
    }));
    const checks = repo.workflowRuns
        .filter((run) => run.headSha === sha)
        .flatMap((run) =>
            run.jobs.map((j, n) => ({
                __typename: "CheckRun",
                id: `CR_${run.id}_${n}`,
                name: j.name,
                status: j.conclusion === null ? "IN_PROGRESS" : "COMPLETED",
                conclusion: j.conclusion === null ? null : j.conclusion.toUpperCase(),
                startedAt: run.createdAt,
                completedAt: j.conclusion === null ? null : run.createdAt,
                detailsUrl: `https://github.com/${repo.owner}/${repo.name}/actions/runs/${run.id}`,
                isRequired: () => false,
                checkSuite: {
                    __typename: "CheckSuite",
                    id: `CS_${run.id}`,
                    workflowRun: {
                        __typename: "WorkflowRun",
                        id: `WFR_${run.id}`,
                        event: run.event ?? "pull_request",
                        workflow: {
                            __typename: "Workflow",
                            id: `W_${run.workflowFile}`,
                            name: run.workflowFile.replace(/\.ya?ml$/, ""),
                        },
                    },
                },
            })),
        );
    const contexts = [...statuses, ...checks];
    const states = [...statuses.map((s) => s.state), ...checks.map((c) => (c.conclusion ?? c.status) as string)];
    return {
        __typename: "Commit",
        id: `C_${sha}`,
        oid: sha,
        statusCheckRollup: contexts.length
            ? {
                  __typename: "StatusCheckRollup",
                  id: `SCR_${sha}`,
                  state: rollupState(states),
                  contexts: (args: PageArgs) => ({
                      ...connection(contexts, args),
                      checkRunCount: checks.length,
                      statusContextCount: statuses.length,
                      checkRunCountsByState: [],
                      statusContextCountsByState: [],
                  }),
              }
            : null,
    };
}

export function pullRequestNode(gh: FakeGitHub, repo: FakeRepo, i: FakeIssue) {
    const head = i.head ?? { ref: `pr-${i.number}`, sha: "0".repeat(40) };
    const commit = commitNode(repo, head.sha);
    return {
        __typename: "PullRequest",
        ...issueLike(gh, repo, i),
        isDraft: false,
        maintainerCanModify: false,
        mergeable: "UNKNOWN",
        // GitHub computes it in the background; until then it is UNKNOWN, as here.
        mergeStateStatus: "UNKNOWN",
        isInMergeQueue: false,
        isMergeQueueEnabled: false,
        autoMergeRequest: null,
        merged: false,
        mergedAt: null,
        additions: 0,
        deletions: 0,
        changedFiles: 0,
        baseRefName: i.base ?? "main",
        baseRef: {
            __typename: "Ref",
            id: `REF_${repo.id}_${i.base ?? "main"}`,
            name: i.base ?? "main",
            prefix: "refs/heads/",
            branchProtectionRule: null,
        },
        headRefName: head.ref,
        headRefOid: head.sha,
        headRepositoryOwner: ownerNode(gh, repo.owner),
        headRepository: { __typename: "Repository", id: repo.nodeId, name: repo.name },
        isCrossRepository: false,
        reviewDecision: null,
        commits: (args: PageArgs) =>
            connection([{ __typename: "PullRequestCommit", id: `PRC_${head.sha}`, commit }], args),
        reviewRequests: (args: PageArgs) => connection([], args),
        reviews: (args: PageArgs) => connection([], args),
        latestReviews: (args: PageArgs) => connection([], args),
        files: (args: PageArgs) => connection([], args),
    };
}

interface IssueFilter extends PageArgs {
    states?: string[];
    labels?: string[];
    filterBy?: { states?: string[]; labels?: string[]; createdBy?: string; assignee?: string; [k: string]: unknown };
    headRefName?: string;
    baseRefName?: string;
}

/** The filters an issue list may carry that the fake applies; any other is refused by name, never ignored. */
const FILTERS = new Set(["states", "labels", "createdBy", "assignee"]);

function matches(i: FakeIssue, args: IssueFilter): boolean {
    for (const [k, v] of Object.entries(args.filterBy ?? {}))
        if (v !== null && v !== undefined && v !== false && !FILTERS.has(k))
            throw new GraphQLError(`the fake GitHub does not model the issue filter ${k.slice(0, 40)}`);
    if (args.filterBy?.createdBy && i.user.login.toLowerCase() !== args.filterBy.createdBy.toLowerCase()) return false;
    // Nobody is assigned anything in the fake.
    if (args.filterBy?.assignee) return false;
    const states = args.states ?? args.filterBy?.states;
    if (states?.length && !states.includes(i.state === "open" ? "OPEN" : "CLOSED")) return false;
    const labels = args.labels ?? args.filterBy?.labels;
    if (labels?.length && !labels.some((l) => i.labels.includes(l))) return false;
    if (args.headRefName && (i.head?.ref ?? `pr-${i.number}`) !== args.headRefName) return false;
    if (args.baseRefName && (i.base ?? "main") !== args.baseRefName) return false;
    return true;
}

export function ruleNode(gh: FakeGitHub, repo: FakeRepo, r: FakeRule) {
    return {
        __typename: "BranchProtectionRule",
        ...RULE_DEFAULTS,
        ...r.settings,
        id: r.id,
        pattern: r.pattern,
        repository: () => repositoryNode(gh, repo),
        pushAllowances: (args: PageArgs) => connection([], args),
        reviewDismissalAllowances: (args: PageArgs) => connection([], args),
        bypassForcePushAllowances: (args: PageArgs) => connection([], args),
        bypassPullRequestAllowances: (args: PageArgs) => connection([], args),
        matchingRefs: (args: PageArgs) => connection([], args),
        requiredStatusChecks: ((r.settings.requiredStatusCheckContexts as string[] | undefined) ?? []).map(
            (context) => ({ context, app: null }),
        ),
    };
}

export function repositoryNode(gh: FakeGitHub, repo: FakeRepo) {
    const newest = newestCommit(repo) ?? "0".repeat(40);
    const issues = () => repo.issues.filter((i) => !i.pull_request);
    const pulls = () => repo.issues.filter((i) => i.pull_request);
    return {
        __typename: "Repository",
        id: repo.nodeId,
        databaseId: repo.id,
        name: repo.name,
        nameWithOwner: `${repo.owner}/${repo.name}`,
        url: `${gh.url}/${repo.owner}/${repo.name}`,
        owner: ownerNode(gh, repo.owner),
        description: "",
        homepageUrl: null,
        createdAt: EPOCH,
        updatedAt: EPOCH,
        pushedAt: EPOCH,
        hasIssuesEnabled: true,
        hasProjectsEnabled: true,
        hasWikiEnabled: false,
        hasDiscussionsEnabled: false,
        isPrivate: true,
        visibility: "PRIVATE",
        isArchived: false,
        isFork: false,
        isTemplate: false,
        isEmpty: false,
        isMirror: false,
        isLocked: false,
        viewerPermission: "ADMIN",
        mergeCommitAllowed: true,
        squashMergeAllowed: true,
        rebaseMergeAllowed: true,
        deleteBranchOnMerge: false,
        parent: null,
        defaultBranchRef: {
            __typename: "Ref",
            id: `REF_${repo.id}_main`,
            name: "main",
            prefix: "refs/heads/",
            target: { __typename: "Commit", id: `C_${newest}`, oid: newest },
        },
        issue: ({ number }: { number: number }) => {
            const i = issues().find((x) => x.number === number);
            if (!i) throw notFound(`Could not resolve to an Issue with the number of ${number}.`);
            return issueNode(gh, repo, i);
        },
        pullRequest: ({ number }: { number: number }) => {
            const i = pulls().find((x) => x.number === number);
            if (!i) throw notFound(`Could not resolve to a PullRequest with the number of ${number}.`);
            return pullRequestNode(gh, repo, i);
        },
        issueOrPullRequest: ({ number }: { number: number }) => {
            const i = repo.issues.find((x) => x.number === number);
            if (!i) throw notFound(`Could not resolve to an issue or pull request with the number of ${number}.`);
            return i.pull_request ? pullRequestNode(gh, repo, i) : issueNode(gh, repo, i);
        },
        issues: (args: IssueFilter) =>
            connection(
                issues()
                    .filter((i) => matches(i, args))
                    .reverse()
                    .map((i) => issueNode(gh, repo, i)),
                args,
            ),
        pullRequests: (args: IssueFilter) =>
            connection(
                pulls()
                    .filter((i) => matches(i, args))
                    .reverse()
                    .map((i) => pullRequestNode(gh, repo, i)),
                args,
            ),
        labels: (args: PageArgs) =>
            connection(
                [...repo.labels].map((l) => labelNode(repo, l)),
                args,
            ),
        label: ({ name }: { name: string }) =>
            [...repo.labels].some((l) => l.toLowerCase() === name.toLowerCase())
                ? labelNode(
                      repo,
                      [...repo.labels].find((l) => l.toLowerCase() === name.toLowerCase())!,
                  )
                : null,
        releases: (args: PageArgs) =>
            connection(
                [...repo.releases].reverse().map((r) => releaseNode(gh, repo, r)),
                args,
            ),
        latestRelease: (() => {
            const latest = [...repo.releases].reverse().find((r) => !r.isDraft && !r.isPrerelease);
            return latest ? releaseNode(gh, repo, latest) : null;
        })(),
        milestones: (args: PageArgs) => connection([], args),
        assignableUsers: (args: PageArgs) => connection([], args),
        branchProtectionRules: (args: PageArgs) =>
            connection(
                repo.rules.map((r) => ruleNode(gh, repo, r)),
                args,
            ),
    };
}

function releaseNode(gh: FakeGitHub, repo: FakeRepo, r: FakeRelease) {
    const latest = [...repo.releases].reverse().find((x) => !x.isDraft && !x.isPrerelease);
    return {
        __typename: "Release",
        id: `RE_${r.id}`,
        databaseId: r.id,
        name: r.name,
        tagName: r.tagName,
        isDraft: r.isDraft,
        isPrerelease: r.isPrerelease,
        isLatest: latest?.id === r.id,
        createdAt: r.createdAt,
        publishedAt: r.publishedAt,
        url: `${gh.url}/${repo.owner}/${repo.name}/releases/tag/${r.tagName}`,
    };
}

/**
 * GitHub's issue search (`search(type: ISSUE)`) for the qualifiers `gh` sends: repo, is and type, state,
 * label, author (`@me` is the viewer), review-requested (the fake has no review requests), sort
 * and archived (they change nothing here), and words. Any other qualifier is refused by name:
 * ignoring it would answer a narrower question with a wider result.
 */
export function searchIssues(gh: FakeGitHub, viewer: FakeUser, args: PageArgs & { query: string; type: string }) {
    const terms = args.query.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
    const unquote = (v: string) => v.replace(/"/g, "");
    let repos = [...gh.repos.values()];
    const keep: ((i: FakeIssue) => boolean)[] = [];
    for (const term of terms) {
        const [key, ...rest] = term.split(":");
        const value = unquote(rest.join(":")).toLowerCase();
        if (!rest.length) keep.push((i) => `${i.title} ${i.body}`.toLowerCase().includes(unquote(term).toLowerCase()));
        else if (key === "repo") repos = repos.filter((r) => `${r.owner}/${r.name}`.toLowerCase() === value);
        else if ((key === "is" || key === "type") && (value === "issue" || value === "pr"))
            keep.push((i) => i.pull_request === (value === "pr"));
        else if ((key === "is" || key === "state") && (value === "open" || value === "closed"))
            keep.push((i) => i.state === value);
        else if (key === "label") keep.push((i) => i.labels.some((l) => l.toLowerCase() === value));
        else if (key === "author") {
            const login = value === "@me" ? viewer.login.toLowerCase() : value;
            keep.push((i) => i.user.login.toLowerCase() === login);
        } else if (key === "review-requested") keep.push(() => false);
        else if (key === "sort" || key === "archived") continue;
        else throw new GraphQLError(`the fake GitHub does not model the search qualifier ${key.slice(0, 40)}:`);
    }
    const found =
        args.type === "ISSUE"
            ? repos.flatMap((r) =>
                  r.issues
                      .filter((i) => keep.every((k) => k(i)))
                      .reverse()
                      .map((i) => (i.pull_request ? pullRequestNode(gh, r, i) : issueNode(gh, r, i))),
              )
            : [];
    return { ...connection(found, args), issueCount: found.length, repositoryCount: 0, userCount: 0, codeCount: 0 };
}
