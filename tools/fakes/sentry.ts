/**
 * A fake Sentry (the public API under `/api/0/`, Bearer token) for the Sentry provider, checked
 * against Sentry's published OpenAPI description (`../shared/sentry/openapi-derefed.json`) for
 * what it covers: teams, projects, project teams and client keys. Issue alert rules
 * (`…/rules/`) and metric alert rules (`…/alert-rules/`, read at the organization-level path) are
 * not in that description; they are modelled from the provider's observed calls
 * (`../shared/pulumi/sentry-provider/PROVENANCE.md`) and listed as undocumented routes.
 * Errors are Sentry's shape (`{"detail": …}`). State is kept for assertions and out-of-band edits.
 */
import { RestFake } from "./rest-fake";
import { referenceJson } from "./reference-data";

export interface SentryTeam {
    id: string;
    slug: string;
    name: string;
}
export interface SentryKey {
    id: string;
    name: string;
    public: string;
    secret: string;
    dsn: string;
}
export interface SentryRule {
    id: string;
    /** The rule as the client sent it (what Sentry stores and returns). */
    body: Record<string, any>;
}
export interface SentryProject {
    id: string;
    slug: string;
    name: string;
    platform: string | null;
    teams: string[];
    options: Record<string, unknown>;
    keys: SentryKey[];
    rules: SentryRule[];
    alertRules: SentryRule[];
}

let definition: unknown;

export class FakeSentry {
    readonly teams = new Map<string, SentryTeam>();
    readonly projects = new Map<string, SentryProject>();
    private nextId = 4500000;
    private readonly rest: RestFake;
    private readonly tokens = new Set<string>();

    constructor(readonly organization: string) {
        definition ??= referenceJson("sentry/openapi-derefed.json");
        this.rest = new RestFake({
            definition,
            authorize: (h) =>
                h && this.tokens.has(h.replace(/^Bearer\s+/i, ""))
                    ? undefined
                    : { status: 401, body: { detail: "Invalid token" } },
            invalid: (errors) => ({ status: 400, body: { detail: errors.join("; ") } }),
            notFound: () => ({ status: 404, body: { detail: "The requested resource does not exist" } }),
        });
        this.routes();
    }

    get url(): string {
        return this.rest.url;
    }
    get log() {
        return this.rest.log;
    }
    get faults() {
        return this.rest.faults;
    }
    /** See {@link RestFake.holds}. */
    get holds() {
        return this.rest.holds;
    }
    get held() {
        return this.rest.held;
    }

    addToken(token: string): void {
        this.tokens.add(token);
    }

    /** A team that exists already (made by another stack). */
    addTeam(slug: string): SentryTeam {
        const t = { id: String(this.nextId++), slug, name: slug };
        this.teams.set(slug, t);
        return t;
    }

    async start(port = 0): Promise<this> {
        await this.rest.start(port);
        return this;
    }

    close(): Promise<void> {
        return this.rest.close();
    }

    private orgOk(slug: string): boolean {
        return slug === this.organization;
    }

    private projectJson(p: SentryProject) {
        return {
            id: p.id,
            slug: p.slug,
            name: p.name,
            platform: p.platform,
            isPublic: false,
            isBookmarked: false,
            color: "#3f70bf",
            dateCreated: "2026-11-27T00:00:00Z",
            firstEvent: null,
            features: [],
            status: "active",
            isInternal: false,
            isMember: true,
            hasAccess: true,
            avatar: { avatarType: "letter_avatar", avatarUuid: null },
            organization: { id: "1", slug: this.organization, name: this.organization },
            team: p.teams[0] ? this.teamJson(this.teams.get(p.teams[0])!) : null,
            teams: p.teams.map((t) => this.teamJson(this.teams.get(t)!)),
            digestsMinDelay: 300,
            digestsMaxDelay: 1800,
            resolveAge: 0,
            subjectPrefix: "",
            allowedDomains: ["*"],
            options: p.options,
        };
    }

    private teamJson(t: SentryTeam) {
        return {
            id: t.id,
            slug: t.slug,
            name: t.name,
            dateCreated: "2026-11-27T00:00:00Z",
            isMember: true,
            hasAccess: true,
            isPending: false,
            memberCount: 1,
            avatar: { avatarType: "letter_avatar", avatarUuid: null },
        };
    }

    private keyJson(p: SentryProject, k: SentryKey) {
        return {
            id: k.id,
            name: k.name,
            label: k.name,
            public: k.public,
            secret: k.secret,
            projectId: Number(p.id),
            isActive: true,
            rateLimit: null,
            dsn: {
                public: k.dsn,
                secret: `${k.dsn.replace("@", `:${k.secret}@`)}`,
                csp: `${this.url}/api/${p.id}/csp-report/?sentry_key=${k.public}`,
            },
            dateCreated: "2026-11-27T00:00:00Z",
        };
    }

    private hex(n: number): string {
        let s = "";
        while (s.length < n) s += (this.nextId++).toString(16).padStart(8, "0");
        return s.slice(-n);
    }

    private routes(): void {
        const r = this.rest;
        const project = (org: string, slug: string) => (this.orgOk(org) ? this.projects.get(slug) : undefined);
        const notFound = { status: 404, body: { detail: "The requested resource does not exist" } };

        r.on("createOrganizationTeam", ({ params, body }) => {
            if (!this.orgOk(params.organization_id_or_slug)) return notFound;
            const slug = body.slug ?? body.name;
            if (this.teams.has(slug)) return { status: 409, body: { detail: "A team with this slug already exists." } };
            const t = { id: String(this.nextId++), slug, name: body.name ?? slug };
            this.teams.set(slug, t);
            return { status: 201, body: this.teamJson(t) };
        });
        r.on("getTeam", ({ params }) => {
            const t = this.orgOk(params.organization_id_or_slug) ? this.teams.get(params.team_id_or_slug) : undefined;
            return t ? { status: 200, body: this.teamJson(t) } : notFound;
        });
        r.on("updateTeam", ({ params, body }) => {
            const t = this.orgOk(params.organization_id_or_slug) ? this.teams.get(params.team_id_or_slug) : undefined;
            if (!t) return notFound;
            if (body.slug && body.slug !== t.slug) {
                this.teams.delete(t.slug);
                t.slug = body.slug;
                this.teams.set(t.slug, t);
            }
            if (body.name) t.name = body.name;
            return { status: 200, body: this.teamJson(t) };
        });
        r.on("deleteTeam", ({ params }) => {
            if (!this.orgOk(params.organization_id_or_slug) || !this.teams.delete(params.team_id_or_slug))
                return notFound;
            for (const p of this.projects.values()) p.teams = p.teams.filter((t) => t !== params.team_id_or_slug);
            return { status: 204 };
        });
        r.on("createTeamProject", ({ params, body }) => {
            if (!this.orgOk(params.organization_id_or_slug) || !this.teams.has(params.team_id_or_slug)) return notFound;
            const slug = body.slug ?? body.name;
            if (this.projects.has(slug))
                return { status: 409, body: { detail: "A project with this slug already exists." } };
            const p: SentryProject = {
                id: String(this.nextId++),
                slug,
                name: body.name,
                platform: body.platform ?? null,
                teams: [params.team_id_or_slug],
                options: {},
                keys: [],
                rules: [],
                alertRules: [],
            };
            this.projects.set(slug, p);
            return { status: 201, body: this.projectJson(p) };
        });
        r.on("getProject", ({ params }) => {
            const p = project(params.organization_id_or_slug, params.project_id_or_slug);
            return p ? { status: 200, body: this.projectJson(p) } : notFound;
        });
        r.on("updateProject", ({ params, body }) => {
            const p = project(params.organization_id_or_slug, params.project_id_or_slug);
            if (!p) return notFound;
            if (body.slug && body.slug !== p.slug) {
                this.projects.delete(p.slug);
                p.slug = body.slug;
                this.projects.set(p.slug, p);
            }
            if (body.name) p.name = body.name;
            if ("platform" in body) p.platform = body.platform;
            return { status: 200, body: this.projectJson(p) };
        });
        r.on("deleteProject", ({ params }) => {
            const p = project(params.organization_id_or_slug, params.project_id_or_slug);
            if (!p) return notFound;
            this.projects.delete(p.slug);
            return { status: 204 };
        });
        r.on("addProjectTeam", ({ params }) => {
            const p = project(params.organization_id_or_slug, params.project_id_or_slug);
            if (!p || !this.teams.has(params.team_id_or_slug)) return notFound;
            if (!p.teams.includes(params.team_id_or_slug)) p.teams.push(params.team_id_or_slug);
            return { status: 201, body: this.projectJson(p) };
        });
        r.on("deleteProjectTeam", ({ params }) => {
            const p = project(params.organization_id_or_slug, params.project_id_or_slug);
            if (!p) return notFound;
            p.teams = p.teams.filter((t) => t !== params.team_id_or_slug);
            return { status: 200, body: this.projectJson(p) };
        });
        r.on("listProjectKeys", ({ params }) => {
            const p = project(params.organization_id_or_slug, params.project_id_or_slug);
            return p
                ? {
                      status: 200,
                      body: p.keys.map((k) => this.keyJson(p, k)),
                      headers: {
                          link: '<x>; rel="previous"; results="false"; cursor="0:0:1", <x>; rel="next"; results="false"; cursor="0:100:0"',
                      },
                  }
                : notFound;
        });
        r.on("createProjectKey", ({ params, body }) => {
            const p = project(params.organization_id_or_slug, params.project_id_or_slug);
            if (!p) return notFound;
            const pub = this.hex(32);
            const k: SentryKey = {
                id: pub,
                name: body?.name ?? "Default",
                public: pub,
                secret: this.hex(32),
                dsn: `${this.url.replace("http://", "http://" + pub + "@")}/${p.id}`,
            };
            p.keys.push(k);
            return { status: 201, body: this.keyJson(p, k) };
        });
        r.on("getProjectKey", ({ params }) => {
            const p = project(params.organization_id_or_slug, params.project_id_or_slug);
            const k = p?.keys.find((x) => x.id === params.key_id);
            return p && k ? { status: 200, body: this.keyJson(p, k) } : notFound;
        });
        r.on("updateProjectKey", ({ params, body }) => {
            const p = project(params.organization_id_or_slug, params.project_id_or_slug);
            const k = p?.keys.find((x) => x.id === params.key_id);
            if (!p || !k) return notFound;
            if (body?.name) k.name = body.name;
            return { status: 200, body: this.keyJson(p, k) };
        });
        r.on("deleteProjectKey", ({ params }) => {
            const p = project(params.organization_id_or_slug, params.project_id_or_slug);
            if (!p || !p.keys.some((x) => x.id === params.key_id)) return notFound;
            p.keys = p.keys.filter((x) => x.id !== params.key_id);
            return { status: 204 };
        });

        // --- alert rules: not in Sentry's public description (see the header) ---
        const ruleRoutes = (kind: "rules" | "alertRules", segment: string) => {
            const reason = `Sentry's public description leaves out ${segment}; modelled from the provider's observed calls`;
            const checkRule = (body: any): string | undefined => {
                if (typeof body?.name !== "string" || !body.name) return "name: This field is required.";
                if (kind === "rules") {
                    if (!["all", "any", "none"].includes(body.actionMatch))
                        return "actionMatch: must be all, any or none";
                    if (!Array.isArray(body.conditions) || !Array.isArray(body.actions))
                        return "conditions and actions are required";
                    if (typeof body.frequency !== "number" || body.frequency < 5 || body.frequency > 43200)
                        return "frequency: must be between 5 and 43200 minutes";
                } else {
                    if (!["events", "transactions", "generic_metrics", "metrics", "sessions"].includes(body.dataset))
                        return "dataset: unknown";
                    if (typeof body.aggregate !== "string" || !body.aggregate)
                        return "aggregate: This field is required.";
                    if (![1, 5, 10, 15, 30, 60, 120, 240, 1440].includes(body.timeWindow))
                        return "timeWindow: invalid time window";
                    if (!Array.isArray(body.triggers) || !body.triggers.length)
                        return "triggers: at least one trigger is required";
                    for (const t of body.triggers)
                        if (typeof t.alertThreshold !== "number" || !Array.isArray(t.actions))
                            return "triggers: each needs alertThreshold and actions";
                }
                return undefined;
            };
            const json = (p: SentryProject, rule: SentryRule) => {
                const base = {
                    ...rule.body,
                    id: rule.id,
                    projects: [p.slug],
                    dateCreated: "2026-11-27T00:00:00Z",
                    owner: null,
                };
                if (kind === "rules")
                    return { ...base, createdBy: { id: 1, name: "deployer", email: "deployer@ainative.dev" } };
                return {
                    ...base,
                    triggers: (rule.body.triggers ?? []).map((t: any, i: number) => ({
                        ...t,
                        id: t.id ?? `${rule.id}${i}`,
                        alertRuleId: rule.id,
                        actions: t.actions ?? [],
                    })),
                };
            };
            const find = (org: string, id: string) => {
                if (!this.orgOk(org)) return undefined;
                for (const p of this.projects.values()) {
                    const rule = p[kind].find((x) => x.id === id);
                    if (rule) return { p, rule };
                }
                return undefined;
            };
            const P = "^/api/0/projects/(?<org>[^/]+)/(?<project>[^/]+)/" + segment + "/";
            r.undocumentedRoute({
                method: "POST",
                pattern: new RegExp(P + "$"),
                reason,
                handler: ({ params, body }) => {
                    const p = project(params.org, params.project);
                    if (!p) return notFound;
                    const problem = checkRule(body);
                    if (problem) return { status: 400, body: { detail: problem } };
                    const rule = { id: String(this.nextId++), body: { ...body } };
                    p[kind].push(rule);
                    return { status: 201, body: json(p, rule) };
                },
            });
            const one = (m: "GET" | "PUT" | "DELETE", path: string) =>
                r.undocumentedRoute({
                    method: m,
                    pattern: new RegExp(path),
                    reason,
                    handler: ({ params, body }) => {
                        const found = find(params.org, params.id);
                        if (!found || (params.project && found.p.slug !== params.project)) return notFound;
                        if (m === "GET") return { status: 200, body: json(found.p, found.rule) };
                        if (m === "DELETE") {
                            found.p[kind] = found.p[kind].filter((x) => x !== found.rule);
                            return { status: 204 };
                        }
                        const problem = checkRule(body);
                        if (problem) return { status: 400, body: { detail: problem } };
                        found.rule.body = { ...body };
                        delete found.rule.body.id;
                        return { status: 200, body: json(found.p, found.rule) };
                    },
                });
            r.undocumentedRoute({
                method: "GET",
                pattern: new RegExp(P + "$"),
                reason,
                handler: ({ params }) => {
                    const p = project(params.org, params.project);
                    return p ? { status: 200, body: p[kind].map((rule) => json(p, rule)) } : notFound;
                },
            });
            for (const m of ["GET", "PUT", "DELETE"] as const) one(m, P + "(?<id>\\d+)/$");
            // Metric alerts are read at the organization-level path.
            if (kind === "alertRules") one("GET", "^/api/0/organizations/(?<org>[^/]+)/alert-rules/(?<id>\\d+)/$");
        };
        ruleRoutes("rules", "rules");
        ruleRoutes("alertRules", "alert-rules");
    }
}

export async function startFakeSentry(organization = "ainative"): Promise<FakeSentry> {
    return new FakeSentry(organization).start();
}
