/**
 * A fake GitHub REST API on 127.0.0.1 that is as strict as GitHub where the tools could go wrong:
 *
 * - every request is matched and validated against GitHub's OpenAPI description (contract.ts);
 *   one GitHub would reject gets GitHub's 422 "Invalid request" (or 404 for an unknown route);
 *   an operation GitHub has but this fake does not model answers 501, so a test cannot pass
 *   on something nobody checked;
 * - tokens are checked (401 "Bad credentials"); an Actions installation token cannot read
 *   `/user` (403), and its comments are `github-actions[bot]`'s;
 * - lists paginate at 30 per page (at most 100) with a `Link` header, as GitHub does;
 * - comment and issue bodies over 65,536 characters are refused with GitHub's 422;
 * - faults: any status (429 with `Retry-After`, 403 secondary rate limit, 5xx) for a number of
 *   matching requests, and "lost responses" (the change is made, then the connection dropped).
 *
 * Served both at the root (GITHUB_API_URL=<url>) and under `/api/v3` (GitHub Enterprise paths,
 * what the GitHub provider uses for any non-github.com base URL).
 */
import * as http from "http";
import { AddressInfo } from "net";
import { checkRequest } from "./contract";

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

export interface FakeRepo {
    owner: string;
    name: string;
    id: number;
    issues: FakeIssue[];
    labels: Set<string>;
    deployments: FakeDeployment[];
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

interface Answer {
    status: number;
    body?: unknown;
    headers?: Record<string, string>;
}

interface Ctx {
    params: Record<string, string>;
    query: Record<string, string>;
    body: any;
    user: FakeUser;
    tokenKind: "user" | "installation";
    /** The request URL's path as received, for Link headers. */
    fullPath: string;
}

const DOCS = "https://docs.github.com/rest";
const MAX_BODY = 65_536;

export class FakeGitHub {
    readonly repos = new Map<string, FakeRepo>();
    readonly requests: LoggedRequest[] = [];
    readonly faults: Fault[] = [];
    private readonly tokens = new Map<string, { user: FakeUser; kind: "user" | "installation" }>();
    private nextId = 1000;
    private server?: http.Server;
    /** Base URL of the REST API (root paths), e.g. http://127.0.0.1:1234. */
    url = "";

    /** A token for `login`; `installation` is an Actions GITHUB_TOKEN (acts as github-actions[bot]). */
    addToken(token: string, login: string, kind: "user" | "installation" = "user"): void {
        const user: FakeUser = kind === "installation" ? { login: "github-actions[bot]", id: 41898282, type: "Bot" } : { login, id: this.nextId++, type: "User" };
        this.tokens.set(token, { user, kind });
    }

    repo(owner: string, name: string): FakeRepo {
        const key = `${owner}/${name}`.toLowerCase();
        let r = this.repos.get(key);
        if (!r) {
            r = { owner, name, id: this.nextId++, issues: [], labels: new Set(), deployments: [] };
            this.repos.set(key, r);
        }
        return r;
    }

    /** Adds a pull request (an issue with `pull_request`), returning its number. */
    addPullRequest(owner: string, name: string, title = "A change"): number {
        const r = this.repo(owner, name);
        const now = new Date().toISOString();
        const n = r.issues.length + 1;
        r.issues.push({
            number: n,
            title,
            body: "",
            state: "open",
            state_reason: null,
            labels: [],
            user: { login: "author", id: 1, type: "User" },
            pull_request: true,
            comments: [],
            created_at: now,
            updated_at: now,
            closed_at: null,
        });
        return n;
    }

    /** Adds a deployment (as the deploy workflow would have made it), returning it. */
    addDeployment(owner: string, name: string, d: { sha?: string; ref?: string; environment: string; createdAt?: string }): FakeDeployment {
        const r = this.repo(owner, name);
        const dep: FakeDeployment = {
            id: this.nextId++,
            sha: d.sha ?? "0123456789abcdef0123456789abcdef01234567",
            ref: d.ref ?? "main",
            task: "deploy",
            environment: d.environment,
            description: null,
            payload: {},
            production_environment: d.environment === "production",
            creator: { login: "deploy-bot", id: 3, type: "User" },
            created_at: d.createdAt ?? new Date().toISOString(),
            statuses: [],
        };
        r.deployments.push(dep);
        return dep;
    }

    /** Adds a comment as `login` (someone else's, or ours from an earlier run). */
    addComment(owner: string, name: string, number: number, login: string, body: string): FakeComment {
        const issue = this.repo(owner, name).issues.find((i) => i.number === number)!;
        const now = new Date().toISOString();
        const c: FakeComment = { id: this.nextId++, body, user: { login, id: 2, type: login.endsWith("[bot]") ? "Bot" : "User" }, created_at: now, updated_at: now };
        issue.comments.push(c);
        return c;
    }

    async start(): Promise<this> {
        this.server = http.createServer((req, res) => {
            const chunks: Buffer[] = [];
            req.on("data", (c: Buffer) => chunks.push(c));
            req.on("end", () => {
                this.handle(req, Buffer.concat(chunks).toString("utf8"), res).catch((e: Error) => {
                    res.writeHead(500, { "content-type": "application/json" });
                    res.end(JSON.stringify({ message: `fake GitHub crashed: ${e.message}` }));
                });
            });
        });
        await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
        this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
        return this;
    }

    async close(): Promise<void> {
        const s = this.server;
        if (!s) return;
        this.server = undefined;
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
    }

    private takeFault(operationId: string | undefined, method: string): Fault | undefined {
        const i = this.faults.findIndex((f) => (!f.operationId || f.operationId === operationId) && (!f.method || f.method === method));
        if (i < 0) return undefined;
        const f = this.faults[i];
        f.times = (f.times ?? 1) - 1;
        if (f.times <= 0) this.faults.splice(i, 1);
        return f;
    }

    private async handle(req: http.IncomingMessage, text: string, res: http.ServerResponse): Promise<void> {
        const url = new URL(req.url ?? "/", "http://fake");
        const method = (req.method ?? "GET").toUpperCase();
        const apiPath = url.pathname.startsWith("/api/v3/") ? url.pathname.slice("/api/v3".length) : url.pathname;
        const scheme = req.headers.authorization?.split(" ")[0];
        const log: LoggedRequest = { method, path: url.pathname + url.search, status: 0, body: text, auth: scheme };
        this.requests.push(log);
        const send = (a: Answer) => {
            log.status = a.status;
            res.writeHead(a.status, { "content-type": "application/json; charset=utf-8", ...a.headers });
            res.end(a.body === undefined ? "" : JSON.stringify(a.body));
        };

        let body: unknown = undefined;
        if (text) {
            try {
                body = JSON.parse(text);
            } catch {
                return send({ status: 400, body: { message: "Problems parsing JSON", documentation_url: DOCS } });
            }
        }
        const query: Record<string, string> = {};
        url.searchParams.forEach((v, k) => (query[k] = v));
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
        const verdict = await checkRequest({ method, path: apiPath, query, headers, body });
        log.operationId = verdict.operationId;
        if (!verdict.operationId) return send({ status: 404, body: { message: "Not Found", documentation_url: DOCS } });

        const auth = req.headers.authorization?.match(/^(?:token|bearer)\s+(\S+)$/i)?.[1];
        const who = auth ? this.tokens.get(auth) : undefined;
        if (!who) return send({ status: 401, body: { message: auth ? "Bad credentials" : "Requires authentication", documentation_url: DOCS } });
        if (verdict.errors.length) return send({ status: 422, body: { message: `Invalid request.\n\n${verdict.errors.join("\n")}`, documentation_url: DOCS, status: "422" } });

        const fault = this.takeFault(verdict.operationId, method);
        if (fault && !fault.lose) return send({ status: fault.status ?? 500, headers: fault.headers, body: fault.body ?? { message: "Server Error" } });

        const handler = HANDLERS[verdict.operationId];
        if (!handler) return send({ status: 501, body: { message: `the fake GitHub does not model ${verdict.operationId}` } });
        const answer = handler.call(this, { params: verdict.params, query, body, user: who.user, tokenKind: who.kind, fullPath: url.pathname });
        if (fault?.lose) {
            log.status = -1;
            res.socket?.destroy();
            return;
        }
        send(answer);
    }

    // --- helpers for handlers ---

    findRepo(params: Record<string, string>): FakeRepo | undefined {
        return this.repos.get(`${params.owner}/${params.repo}`.toLowerCase());
    }

    newId(): number {
        return this.nextId++;
    }

    page<T>(items: T[], ctx: Ctx): Answer & { body: T[] } {
        const perPage = Math.min(100, Math.max(1, Number(ctx.query.per_page ?? 30) || 30));
        const page = Math.max(1, Number(ctx.query.page ?? 1) || 1);
        const last = Math.max(1, Math.ceil(items.length / perPage));
        const link = (p: number) => {
            const q = new URLSearchParams({ ...ctx.query, page: String(p), per_page: String(perPage) });
            return `<${this.url}${ctx.fullPath}?${q}>`;
        };
        const rels: string[] = [];
        if (page < last) rels.push(`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`);
        if (page > 1) rels.push(`${link(1)}; rel="first"`, `${link(page - 1)}; rel="prev"`);
        return { status: 200, body: items.slice((page - 1) * perPage, page * perPage), headers: rels.length ? { link: rels.join(", ") } : {} };
    }
}

// --- JSON shapes as GitHub answers them (the fields the tools read, and the required ones) ---

function userJson(u: FakeUser) {
    return { login: u.login, id: u.id, node_id: `U_${u.id}`, type: u.type, site_admin: false };
}

function commentJson(gh: FakeGitHub, r: FakeRepo, issue: FakeIssue, c: FakeComment) {
    return {
        id: c.id,
        node_id: `IC_${c.id}`,
        url: `${gh.url}/repos/${r.owner}/${r.name}/issues/comments/${c.id}`,
        html_url: `https://github.com/${r.owner}/${r.name}/${issue.pull_request ? "pull" : "issues"}/${issue.number}#issuecomment-${c.id}`,
        issue_url: `${gh.url}/repos/${r.owner}/${r.name}/issues/${issue.number}`,
        body: c.body,
        user: userJson(c.user),
        created_at: c.created_at,
        updated_at: c.updated_at,
        author_association: "MEMBER",
    };
}

function issueJson(gh: FakeGitHub, r: FakeRepo, i: FakeIssue) {
    return {
        id: i.number + r.id * 100000,
        node_id: `I_${r.id}_${i.number}`,
        number: i.number,
        title: i.title,
        body: i.body,
        state: i.state,
        state_reason: i.state_reason,
        labels: i.labels.map((name) => ({ name, id: name.length, node_id: `L_${name}`, color: "ededed", default: false })),
        user: userJson(i.user),
        comments: i.comments.length,
        created_at: i.created_at,
        updated_at: i.updated_at,
        closed_at: i.closed_at,
        url: `${gh.url}/repos/${r.owner}/${r.name}/issues/${i.number}`,
        html_url: `https://github.com/${r.owner}/${r.name}/${i.pull_request ? "pull" : "issues"}/${i.number}`,
        ...(i.pull_request ? { pull_request: { url: `${gh.url}/repos/${r.owner}/${r.name}/pulls/${i.number}` } } : {}),
    };
}

function deploymentJson(gh: FakeGitHub, r: FakeRepo, d: FakeDeployment) {
    return {
        id: d.id,
        node_id: `DE_${d.id}`,
        url: `${gh.url}/repos/${r.owner}/${r.name}/deployments/${d.id}`,
        statuses_url: `${gh.url}/repos/${r.owner}/${r.name}/deployments/${d.id}/statuses`,
        repository_url: `${gh.url}/repos/${r.owner}/${r.name}`,
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
        url: `${gh.url}/repos/${r.owner}/${r.name}/deployments/${d.id}/statuses/${s.id}`,
        deployment_url: `${gh.url}/repos/${r.owner}/${r.name}/deployments/${d.id}`,
        repository_url: `${gh.url}/repos/${r.owner}/${r.name}`,
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

const notFound = (): Answer => ({ status: 404, body: { message: "Not Found", documentation_url: DOCS } });

function tooLong(resource: string, body: unknown): Answer | undefined {
    if (typeof body === "string" && body.length > MAX_BODY)
        return {
            status: 422,
            body: {
                message: "Validation Failed",
                errors: [{ resource, code: "custom", field: "body", message: `body is too long (maximum is ${MAX_BODY} characters)` }],
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

type Handler = (this: FakeGitHub, ctx: Ctx) => Answer;

const HANDLERS: Record<string, Handler> = {
    "repos/create-deployment"(ctx) {
        const r = this.findRepo(ctx.params);
        if (!r) return notFound();
        const d = this.addDeployment(r.owner, r.name, { ref: ctx.body.ref, environment: ctx.body.environment ?? "production" });
        d.creator = ctx.user;
        d.description = ctx.body.description ?? null;
        d.payload = ctx.body.payload ?? {};
        if (typeof ctx.body.production_environment === "boolean") d.production_environment = ctx.body.production_environment;
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
                    errors: [{ resource: "DeploymentStatus", code: "custom", field: "description", message: "description is too long (maximum is 140 characters)" }],
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
        if (ctx.tokenKind === "installation") return { status: 403, body: { message: "Resource not accessible by integration", documentation_url: DOCS } };
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
        const c: FakeComment = { id: this.newId(), body: ctx.body.body, user: ctx.user, created_at: now, updated_at: now };
        issue.comments.push(c);
        return { status: 201, body: commentJson(this, r, issue, c) };
    },
    "issues/update-comment"(ctx) {
        const r = this.findRepo(ctx.params);
        const found = r && findComment(r, Number(ctx.params.comment_id));
        if (!r || !found) return notFound();
        if (found.comment.user.login !== ctx.user.login) return { status: 403, body: { message: "Must have admin rights to Repository.", documentation_url: DOCS } };
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
        if (found.comment.user.login !== ctx.user.login) return { status: 403, body: { message: "Must have admin rights to Repository.", documentation_url: DOCS } };
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
            return { status: 422, body: { message: "Validation Failed", errors: [{ resource: "Issue", code: "missing_field", field: "title" }], documentation_url: DOCS } };
        const refused = tooLong("Issue", ctx.body.body);
        if (refused) return refused;
        const labels = ((ctx.body.labels ?? []) as (string | { name: string })[]).map((l) => (typeof l === "string" ? l : l.name));
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
        if (Array.isArray(ctx.body.labels)) issue.labels = ctx.body.labels.map((l: string | { name: string }) => (typeof l === "string" ? l : l.name));
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

export async function startFakeGitHub(): Promise<FakeGitHub> {
    return new FakeGitHub().start();
}
