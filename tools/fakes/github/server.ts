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
import { createHash } from "crypto";
import { LocalReply, LocalRequest, LocalServer, startLocalServer } from "../../http/local-server";
import { checkRequest } from "./contract";
import { ACTIONS_HANDLERS } from "./actions";
import { ISSUE_HANDLERS } from "./issues";
import { answerGraphql } from "./graphql";
import { sealedBoxes, SealedBoxes } from "./sealed";
import { READ_HANDLERS } from "./reads";
import { STATUS_HANDLERS } from "./statuses";
import { SETTINGS_HANDLERS } from "./settings";
import {
    Answer,
    Ctx,
    DOCS,
    FakeComment,
    FakeDeployment,
    FakeRelease,
    FakeRepo,
    FakeTeam,
    FakeWorkflow,
    Fault,
    FakeUser,
    Handler,
    LoggedRequest,
} from "./state";

export type {
    FakeComment,
    FakeDeployment,
    FakeDeploymentStatus,
    FakeEnvironment,
    FakeIssue,
    FakeRepo,
    FakeRule,
    FakeTeam,
    FakeUser,
    Fault,
    LoggedRequest,
} from "./state";

const HANDLERS: Record<string, Handler> = {
    ...ACTIONS_HANDLERS,
    ...ISSUE_HANDLERS,
    ...SETTINGS_HANDLERS,
    ...READ_HANDLERS,
    ...STATUS_HANDLERS,
};

export class FakeGitHub {
    readonly repos = new Map<string, FakeRepo>();
    readonly requests: LoggedRequest[] = [];
    /** How many conditional requests were answered 304 Not Modified. */
    notModified = 0;
    readonly faults: Fault[] = [];
    /** Organisations by login, with their teams by slug. */
    readonly orgs = new Map<string, { id: number; login: string; teams: Map<string, FakeTeam> }>();
    /** Users by login (reviewers, team members). */
    readonly users = new Map<string, FakeUser>();
    /** The key pair environment secrets are sealed to (made at start). */
    boxes!: SealedBoxes;
    private readonly tokens = new Map<string, { user: FakeUser; kind: "user" | "installation" }>();
    private nextId = 1000;
    private server?: LocalServer;
    /**
     * The REST API's base as the current request reached it: the root, or `/api/v3` (GitHub
     * Enterprise Server's paths), so that the `url` fields of an answer point where the client is.
     */
    apiBase = "";
    /** Base URL of the REST API (root paths), e.g. http://127.0.0.1:1234. */
    url = "";

    /** A token for `login`; `installation` is an Actions GITHUB_TOKEN (acts as github-actions[bot]). */
    addToken(token: string, login: string, kind: "user" | "installation" = "user"): void {
        const user: FakeUser =
            kind === "installation"
                ? { login: "github-actions[bot]", id: 41898282, type: "Bot" }
                : { login, id: this.nextId++, type: "User" };
        this.tokens.set(token, { user, kind });
    }

    repo(owner: string, name: string): FakeRepo {
        const key = `${owner}/${name}`.toLowerCase();
        let r = this.repos.get(key);
        if (!r) {
            const id = this.nextId++;
            r = {
                owner,
                name,
                id,
                nodeId: `R_kgDO${id}`,
                issues: [],
                labels: new Set(),
                deployments: [],
                environments: new Map(),
                rules: [],
                workflows: [],
                workflowRuns: [],
                releases: [],
                branches: new Map(),
                commits: new Map(),
                statuses: [],
            };
            this.repos.set(key, r);
        }
        return r;
    }

    /** An organisation (repositories under it are the org's; `GET /orgs/<login>` answers). */
    addOrg(login: string): void {
        if (!this.orgs.has(login.toLowerCase()))
            this.orgs.set(login.toLowerCase(), { id: this.nextId++, login, teams: new Map() });
    }

    addUser(login: string): FakeUser {
        let u = this.users.get(login.toLowerCase());
        if (!u) {
            u = { login, id: this.nextId++, type: "User" };
            this.users.set(login.toLowerCase(), u);
        }
        return u;
    }

    addTeam(org: string, slug: string, members: string[] = []): FakeTeam {
        this.addOrg(org);
        members.forEach((m) => this.addUser(m));
        const team: FakeTeam = { id: this.nextId++, slug, name: slug, members };
        this.orgs.get(org.toLowerCase())!.teams.set(slug, team);
        return team;
    }

    /** An environment someone made by hand (no reviewers, no branch policy): what the stack does not own. */
    addEnvironment(owner: string, name: string, environment: string, id = this.nextId++): void {
        this.repo(owner, name).environments.set(environment, {
            id,
            name: environment,
            waitTimer: 0,
            reviewers: [],
            preventSelfReview: false,
            canAdminsBypass: true,
            deploymentBranchPolicy: null,
            branchPolicies: [],
            secrets: new Map(),
            created_at: "2026-01-01T00:00:00Z",
            updated_at: "2026-01-01T00:00:00Z",
        });
    }

    /** The plain value of an environment secret, opened with the fake's private key. */
    openSecret(owner: string, name: string, environment: string, secret: string): string | undefined {
        const sealed = this.repo(owner, name).environments.get(environment)?.secrets.get(secret);
        return sealed ? this.boxes.open(sealed.encryptedValue) : undefined;
    }

    /** Adds a pull request (an issue with `pull_request`), returning its number. */
    addPullRequest(
        owner: string,
        name: string,
        title = "A change",
        head?: { ref: string; sha: string },
        diff?: string,
    ): number {
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
            ...(head ? { head } : {}),
            ...(diff !== undefined ? { diff } : {}),
            comments: [],
            created_at: now,
            updated_at: now,
            closed_at: null,
        });
        return n;
    }

    /** Adds a deployment (as the deploy workflow would have made it), returning it. */
    addDeployment(
        owner: string,
        name: string,
        d: { sha?: string; ref?: string; environment: string; createdAt?: string },
    ): FakeDeployment {
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

    /** A workflow run (of `workflowFile`) with its jobs, as the Actions API lists them. */
    addWorkflowRun(
        owner: string,
        name: string,
        run: {
            workflowFile: string;
            headSha: string;
            createdAt: string;
            conclusion: "success" | "failure" | "cancelled" | null;
            jobs: { name: string; conclusion: "success" | "failure" | "skipped" | null }[];
        },
    ): number {
        const r = this.repo(owner, name);
        const id = this.nextId++;
        r.workflowRuns.push({ id, ...run });
        return id;
    }

    /** A workflow file of the repository (`.github/workflows/<file>`), with its dispatch inputs if it has any. */
    addWorkflow(owner: string, name: string, w: Omit<FakeWorkflow, "id">): FakeWorkflow {
        const made = { id: this.nextId++, ...w };
        this.repo(owner, name).workflows.push(made);
        return made;
    }

    /** A release (newest last). */
    addRelease(owner: string, name: string, r: Omit<FakeRelease, "id">): FakeRelease {
        const made = { id: this.nextId++, ...r };
        this.repo(owner, name).releases.push(made);
        return made;
    }

    /** A commit's time, as `GET /repos/{o}/{r}/commits/{sha}` answers it. */
    addCommit(owner: string, name: string, sha: string, at: string): void {
        this.repo(owner, name).commits.set(sha, at);
    }

    /** Adds a comment as `login` (someone else's, or ours from an earlier run). */
    addComment(owner: string, name: string, number: number, login: string, body: string): FakeComment {
        const issue = this.repo(owner, name).issues.find((i) => i.number === number)!;
        const now = new Date().toISOString();
        const c: FakeComment = {
            id: this.nextId++,
            body,
            user: { login, id: 2, type: login.endsWith("[bot]") ? "Bot" : "User" },
            created_at: now,
            updated_at: now,
        };
        issue.comments.push(c);
        return c;
    }

    /** Listens on 127.0.0.1 (`port` 0 picks one); with `tls`, over HTTPS as GitHub Enterprise Server is. */
    async start(port = 0, tls?: { key: string; cert: string }): Promise<this> {
        this.boxes = await sealedBoxes();
        this.server = await startLocalServer({
            port,
            tls,
            tooLarge: () => ({ status: 413, body: { message: "Payload too large", documentation_url: DOCS } }),
            crashed: (e) => ({ status: 500, body: { message: `fake GitHub crashed: ${e.message}` } }),
            handle: (req) => this.handle(req),
        });
        this.url = this.server.url;
        return this;
    }

    async close(): Promise<void> {
        await this.server?.close();
    }

    private takeFault(operationId: string | undefined, method: string): Fault | undefined {
        const i = this.faults.findIndex(
            (f) => (!f.operationId || f.operationId === operationId) && (!f.method || f.method === method),
        );
        if (i < 0) return undefined;
        const f = this.faults[i];
        f.times = (f.times ?? 1) - 1;
        if (f.times <= 0) this.faults.splice(i, 1);
        return f;
    }

    private async handle(req: LocalRequest): Promise<LocalReply> {
        const { url, method, text } = req;
        const enterprise = url.pathname === "/api/v3" || url.pathname.startsWith("/api/v3/");
        this.apiBase = enterprise ? `${this.url}/api/v3` : this.url;
        let apiPath = enterprise ? url.pathname.slice("/api/v3".length) || "/" : url.pathname;
        // GitHub serves every /repos/{owner}/{repo}/… route as /repositories/{id}/… too (go-github
        // uses it for environment secrets); the description documents only the first form.
        const alias = /^\/repositories\/(\d+)(\/.*)?$/.exec(apiPath);
        if (alias) {
            const r = [...this.repos.values()].find((x) => x.id === Number(alias[1]));
            apiPath = r
                ? `/repos/${r.owner}/${r.name}${alias[2] ?? ""}`
                : `/repos/-/-unknown-repository-${alias[1]}${alias[2] ?? ""}`;
        }
        const scheme = req.headers.authorization?.split(" ")[0];
        const log: LoggedRequest = { method, path: url.pathname + url.search, status: 0, body: text, auth: scheme };
        this.requests.push(log);
        const send = (a: Answer): LocalReply => {
            const text = a.text ?? (a.body === undefined ? "" : JSON.stringify(a.body));
            // Conditional requests, as GitHub answers them: a GET's ETag, and 304 with no body
            // (and no cost against the rate limit) when If-None-Match names the current one.
            if (method === "GET" && a.status === 200) {
                const etag = `W/"${createHash("sha1").update(text).digest("hex")}"`;
                if (req.headers["if-none-match"] === etag) {
                    log.status = 304;
                    this.notModified++;
                    return { status: 304, text: "", headers: { etag, ...a.headers } };
                }
                a = { ...a, headers: { ...a.headers, etag } };
            }
            log.status = a.status;
            return {
                status: a.status,
                text,
                headers: { "content-type": "application/json; charset=utf-8", ...a.headers },
            };
        };

        let body: unknown = undefined;
        if (text) {
            try {
                body = JSON.parse(text);
            } catch {
                return send({ status: 400, body: { message: "Problems parsing JSON", documentation_url: DOCS } });
            }
        }
        if (url.pathname === "/api/graphql" || apiPath === "/graphql") {
            const auth = req.headers.authorization?.match(/^(?:token|bearer)\s+(\S+)$/i)?.[1];
            const who = auth ? this.tokens.get(auth) : undefined;
            if (!who)
                return send({
                    status: 401,
                    body: {
                        message: "This endpoint requires you to be authenticated.",
                        documentation_url:
                            "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql",
                    },
                });
            const fault = this.takeFault("graphql", method);
            if (fault && !fault.lose)
                return send({
                    status: fault.status ?? 502,
                    headers: fault.headers,
                    body: fault.body ?? { message: "Server Error" },
                });
            const answer = await answerGraphql(this, body, who.user);
            log.operationId = `graphql:${answer.operation}`;
            return send({ status: 200, body: answer.body });
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
        if (!who)
            return send({
                status: 401,
                body: { message: auth ? "Bad credentials" : "Requires authentication", documentation_url: DOCS },
            });
        if (verdict.errors.length)
            return send({
                status: 422,
                body: {
                    message: `Invalid request.\n\n${verdict.errors.join("\n")}`,
                    documentation_url: DOCS,
                    status: "422",
                },
            });

        const fault = this.takeFault(verdict.operationId, method);
        if (fault && !fault.lose)
            return send({
                status: fault.status ?? 500,
                headers: fault.headers,
                body: fault.body ?? { message: "Server Error" },
            });

        const handler = HANDLERS[verdict.operationId];
        if (!handler)
            return send({ status: 501, body: { message: `the fake GitHub does not model ${verdict.operationId}` } });
        const answer = handler.call(this, {
            params: verdict.params,
            query,
            body,
            user: who.user,
            tokenKind: who.kind,
            fullPath: url.pathname,
            accept: String(req.headers.accept ?? ""),
        });
        if (fault?.lose) {
            log.status = -1;
            return { status: 0, drop: true };
        }
        return send(answer);
    }

    // --- helpers for handlers ---

    /** The repository a path names; the org or user must exist for GitHub to know it. */
    findRepo(params: Record<string, string>): FakeRepo | undefined {
        return this.repos.get(`${params.owner}/${params.repo}`.toLowerCase());
    }

    findTeam(org: string, slug: string): FakeTeam | undefined {
        return this.orgs.get(org.toLowerCase())?.teams.get(slug);
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
        return {
            status: 200,
            body: items.slice((page - 1) * perPage, page * perPage),
            headers: rels.length ? { link: rels.join(", ") } : {},
        };
    }
}

// --- JSON shapes as GitHub answers them (the fields the tools read, and the required ones) ---

export async function startFakeGitHub(port = 0): Promise<FakeGitHub> {
    return new FakeGitHub().start(port);
}

/**
 * The organisation the `local` stack's GitHub section names, as the fake serves it for the local
 * loop: org `ainative` with repository `platform`, team `platform-leads` and user `ainative-oncall`
 * (the stack's reviewers).
 */
export function seedLocalOrganisation(gh: FakeGitHub): void {
    gh.addOrg("ainative");
    gh.repo("ainative", "platform");
    gh.addUser("ainative-oncall");
    gh.addTeam("ainative", "platform-leads", ["alice", "bob"]);
}
