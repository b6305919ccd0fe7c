/** The fake GitHub's state and the shapes its handlers share. */
import type { FakeGitHub } from "./server";

export interface FakeUser {
    login: string;
    id: number;
    type: "User" | "Bot";
}

export interface FakeComment {
    id: number;
    body: string;
    user: FakeUser;
    created_at: string;
    updated_at: string;
}

export interface FakeIssue {
    number: number;
    title: string;
    body: string;
    state: "open" | "closed";
    state_reason: string | null;
    labels: string[];
    user: FakeUser;
    pull_request: boolean;
    /** A pull request's head branch and commit, and its base branch (default `pr-<n>`, zeros, main). */
    head?: { ref: string; sha: string };
    /** A pull request's changes as a unified diff (`gh pr diff`). */
    diff?: string;
    base?: string;
    comments: FakeComment[];
    created_at: string;
    updated_at: string;
    closed_at: string | null;
}

export interface FakeDeploymentStatus {
    id: number;
    state: string;
    description: string;
    environment: string;
    log_url?: string;
    environment_url?: string;
    creator: FakeUser;
    created_at: string;
}

/** A commit status (`POST /repos/{o}/{r}/statuses/{sha}`): one per call, newest last. */
export interface FakeCommitStatus {
    id: number;
    sha: string;
    state: "error" | "failure" | "pending" | "success";
    description: string | null;
    target_url: string | null;
    /** As given; GitHub compares contexts without regard to case. */
    context: string;
    creator: FakeUser;
    created_at: string;
}

export interface FakeDeployment {
    id: number;
    sha: string;
    ref: string;
    task: string;
    environment: string;
    description: string | null;
    payload: unknown;
    production_environment: boolean;
    creator: FakeUser;
    created_at: string;
    statuses: FakeDeploymentStatus[];
}

export interface FakeSecret {
    /** The sealed box as the client sent it (base64); only the fake's private key opens it. */
    encryptedValue: string;
    keyId: string;
    created_at: string;
    updated_at: string;
}

export interface FakeEnvironment {
    id: number;
    name: string;
    waitTimer: number;
    reviewers: { type: "Team" | "User"; id: number }[];
    preventSelfReview: boolean;
    canAdminsBypass: boolean;
    deploymentBranchPolicy: { protected_branches: boolean; custom_branch_policies: boolean } | null;
    branchPolicies: { id: number; node_id: string; name: string; type: "branch" | "tag" }[];
    secrets: Map<string, FakeSecret>;
    created_at: string;
    updated_at: string;
}

/** A branch protection rule (GraphQL's BranchProtectionRule): its settings as GitHub names them. */
export interface FakeRule {
    id: string;
    pattern: string;
    settings: Record<string, unknown>;
}

export interface FakeTeam {
    id: number;
    slug: string;
    name: string;
    members: string[];
}

/** A workflow file of the repository; `dispatchInputs` when it has `on: workflow_dispatch` (its inputs). */
export interface FakeWorkflow {
    id: number;
    name: string;
    path: string;
    dispatchInputs?: Record<string, { required?: boolean; default?: string }>;
}

export interface FakeWorkflowRun {
    id: number;
    workflowFile: string;
    headSha: string;
    createdAt: string;
    /** In progress while null. */
    conclusion: "success" | "failure" | "cancelled" | null;
    jobs: { name: string; conclusion: "success" | "failure" | "skipped" | null }[];
    /** What started it (pull_request unless said), its branch, attempt, inputs and actor. */
    event?: string;
    headBranch?: string;
    attempt?: number;
    inputs?: Record<string, string>;
    actor?: string;
}

/** A release, as `gh release list` reads it. */
export interface FakeRelease {
    id: number;
    tagName: string;
    name: string;
    createdAt: string;
    publishedAt: string | null;
    isDraft: boolean;
    isPrerelease: boolean;
}

export interface FakeRepo {
    owner: string;
    name: string;
    id: number;
    nodeId: string;
    issues: FakeIssue[];
    labels: Set<string>;
    deployments: FakeDeployment[];
    environments: Map<string, FakeEnvironment>;
    rules: FakeRule[];
    workflows: FakeWorkflow[];
    workflowRuns: FakeWorkflowRun[];
    releases: FakeRelease[];
    /** Branches other than main, to their head commit. */
    branches: Map<string, string>;
    /** Commit SHA → its committer date. */
    commits: Map<string, string>;
    statuses: FakeCommitStatus[];
}

export interface Fault {
    /** Which requests: an operation id (`issues/create-comment`) and/or an HTTP method. */
    operationId?: string;
    method?: string;
    /** The answer's status; ignored when `lose` is set. */
    status?: number;
    headers?: Record<string, string>;
    body?: unknown;
    /** Make the change, then drop the connection without answering (a lost response). */
    lose?: boolean;
    /** How many matching requests it applies to (default 1). */
    times?: number;
}

export interface LoggedRequest {
    method: string;
    path: string;
    operationId?: string;
    status: number;
    /** The request body as received (text). */
    body: string;
    /** The Authorization header's scheme only (never the token). */
    auth?: string;
}

export interface Answer {
    status: number;
    body?: unknown;
    /** An answer that is not JSON (a diff), sent as is with its own content-type header. */
    text?: string;
    headers?: Record<string, string>;
}

export interface Ctx {
    params: Record<string, string>;
    query: Record<string, string>;
    body: any;
    user: FakeUser;
    tokenKind: "user" | "installation";
    /** The request URL's path as received, for Link headers. */
    fullPath: string;
    /** The Accept header: GitHub answers some routes in another media type (a pull request as a diff). */
    accept: string;
}

export const DOCS = "https://docs.github.com/rest";
export const MAX_BODY = 65_536;

export type Handler = (this: FakeGitHub, ctx: Ctx) => Answer;

export const notFound = (): Answer => ({ status: 404, body: { message: "Not Found", documentation_url: DOCS } });

export function validationFailed(resource: string, field: string, message: string, code = "custom"): Answer {
    return {
        status: 422,
        body: { message: "Validation Failed", errors: [{ resource, code, field, message }], documentation_url: DOCS },
    };
}

export function userJson(u: FakeUser) {
    return {
        login: u.login,
        id: u.id,
        node_id: `U_${u.id}`,
        type: u.type,
        site_admin: false,
        url: `https://api.github.com/users/${u.login}`,
        html_url: `https://github.com/${u.login}`,
    };
}
