/**
 * A fake PagerDuty REST API (`Authorization: Token token=…`) for the PagerDuty provider, checked
 * against PagerDuty's published description (`../shared/pagerduty/rest-openapiv3.json`): every
 * request must match an operation there and pass its schema (the `Accept` version header
 * included), else PagerDuty's error shape (`{"error": {"message", "code", "errors"}}`) with 400.
 * Users and schedules referenced by an escalation policy must exist; an integration key is a
 * 32-character hex string. One route is served though the description lacks it (deleting a
 * service integration: the provider does it, PagerDuty answers it).
 */
import { RestFake } from "./rest-fake";
import { referenceJson } from "./reference-data";

export interface PdPolicy {
    id: string;
    name: string;
    description: string;
    num_loops: number;
    escalation_rules: { id: string; escalation_delay_in_minutes: number; targets: { id: string; type: string }[] }[];
}
export interface PdService {
    id: string;
    body: Record<string, any>;
    integrations: { id: string; name: string; type: string; integration_key: string }[];
}

let definition: unknown;

export class FakePagerDutyRest {
    readonly users = new Set<string>();
    readonly schedules = new Set<string>();
    readonly policies = new Map<string, PdPolicy>();
    readonly services = new Map<string, PdService>();
    private nextId = 1;
    private readonly rest: RestFake;
    private readonly tokens = new Set<string>();

    constructor() {
        definition ??= referenceJson("pagerduty/rest-openapiv3.json");
        const error = (status: number, message: string, errors: string[] = []) => ({
            status,
            body: { error: { message, code: status === 404 ? 2100 : 2001, errors } },
        });
        this.rest = new RestFake({
            definition,
            authorize: (h) => {
                const token = /^Token token=(.+)$/.exec(h ?? "")?.[1];
                return token && this.tokens.has(token)
                    ? undefined
                    : { status: 401, body: { error: { message: "Authentication failed", code: 2006 } } };
            },
            invalid: (errors) => error(400, "Invalid Input Provided", errors),
            leniencies: (
                [
                    ["createEscalationPolicy", "escalation_policy"],
                    ["updateEscalationPolicy", "escalation_policy"],
                    ["createService", "service"],
                    ["updateService", "service"],
                    ["createServiceIntegration", "integration"],
                ] as const
            ).map(([operation, wrapper]) => ({
                operation,
                reason:
                    "PagerDuty accepts an object without its `type` (the URL says what it is) and `null` for a setting that is off " +
                    "(acknowledgement_timeout, alert_grouping, teams: its docs say null disables them); its description requires " +
                    "the one and omits `nullable` on the others. The PagerDuty provider relies on both.",
                adjust: (body: any) => {
                    const o = body?.[wrapper];
                    if (o && typeof o === "object") {
                        o.type ??= wrapper;
                        for (const [k, v] of Object.entries(o)) if (v === null) delete o[k];
                    }
                    return body;
                },
            })),
            notFound: () => error(404, "Not Found"),
        });
        this.routes(error);
    }

    get url(): string {
        return this.rest.url;
    }
    /** See {@link RestFake.holds}. */
    get holds() {
        return this.rest.holds;
    }
    get held() {
        return this.rest.held;
    }
    get log() {
        return this.rest.log;
    }

    addToken(token: string): void {
        this.tokens.add(token);
    }

    addUser(id: string): void {
        this.users.add(id);
    }

    addSchedule(id: string): void {
        this.schedules.add(id);
    }

    async start(port = 0): Promise<this> {
        await this.rest.start(port);
        return this;
    }

    close(): Promise<void> {
        return this.rest.close();
    }

    private id(prefix: string): string {
        return `${prefix}${String(this.nextId++).padStart(6, "0")}`;
    }

    private policyJson(p: PdPolicy) {
        return {
            id: p.id,
            type: "escalation_policy",
            summary: p.name,
            self: `${this.url}/escalation_policies/${p.id}`,
            html_url: `https://ainative.pagerduty.com/escalation_policies/${p.id}`,
            name: p.name,
            description: p.description,
            num_loops: p.num_loops,
            on_call_handoff_notifications: "if_has_services",
            escalation_rules: p.escalation_rules.map((r) => ({
                id: r.id,
                escalation_delay_in_minutes: r.escalation_delay_in_minutes,
                targets: r.targets.map((t) => ({
                    ...t,
                    summary: t.id,
                    self: `${this.url}/${t.type.startsWith("user") ? "users" : "schedules"}/${t.id}`,
                })),
            })),
            services: [...this.services.values()]
                .filter((s) => s.body.escalation_policy?.id === p.id)
                .map((s) => ({ id: s.id, type: "service_reference" })),
            teams: [],
        };
    }

    private serviceJson(s: PdService) {
        return {
            ...s.body,
            id: s.id,
            type: "service",
            summary: s.body.name,
            self: `${this.url}/services/${s.id}`,
            html_url: `https://ainative.pagerduty.com/service-directory/${s.id}`,
            status: "active",
            created_at: "2026-11-27T00:00:00Z",
            last_incident_timestamp: null,
            teams: [],
            integrations: s.integrations.map((i) => ({ id: i.id, type: `${i.type}_reference`, summary: i.name })),
            escalation_policy: {
                id: s.body.escalation_policy.id,
                type: "escalation_policy_reference",
                summary: this.policies.get(s.body.escalation_policy.id)?.name,
            },
        };
    }

    private integrationJson(s: PdService, i: PdService["integrations"][number]) {
        return {
            id: i.id,
            type: i.type,
            summary: i.name,
            name: i.name,
            self: `${this.url}/services/${s.id}/integrations/${i.id}`,
            html_url: `https://ainative.pagerduty.com/services/${s.id}/integrations/${i.id}`,
            service: { id: s.id, type: "service_reference", summary: s.body.name },
            integration_key: i.integration_key,
            created_at: "2026-11-27T00:00:00Z",
            vendor: null,
        };
    }

    private routes(
        error: (status: number, message: string, errors?: string[]) => { status: number; body: unknown },
    ): void {
        const r = this.rest;
        r.on("listAbilities", () => ({ status: 200, body: { abilities: ["teams", "urgencies", "read_only_users"] } }));
        const checkTargets = (rules: PdPolicy["escalation_rules"]): string | undefined => {
            for (const rule of rules)
                for (const t of rule.targets) {
                    const known = t.type.startsWith("user")
                        ? this.users.has(t.id)
                        : t.type.startsWith("schedule")
                          ? this.schedules.has(t.id)
                          : false;
                    if (!known) return `Escalation Policy Target ${t.type} ${t.id} not found`;
                }
            return undefined;
        };
        const policyFrom = (id: string, body: any): PdPolicy => ({
            id,
            name: body.name,
            description: body.description ?? "Managed by Pulumi",
            num_loops: body.num_loops ?? 0,
            escalation_rules: (body.escalation_rules ?? []).map((rule: any) => ({
                id: rule.id ?? this.id("PR"),
                escalation_delay_in_minutes: rule.escalation_delay_in_minutes,
                targets: rule.targets.map((t: any) => ({ id: t.id, type: t.type })),
            })),
        });
        r.on("createEscalationPolicy", ({ body }) => {
            const p = policyFrom(this.id("PEP"), body.escalation_policy);
            const bad = checkTargets(p.escalation_rules);
            if (bad) return error(400, "Invalid Input Provided", [bad]);
            if ([...this.policies.values()].some((x) => x.name === p.name))
                return error(400, "Invalid Input Provided", ["Name has already been taken"]);
            this.policies.set(p.id, p);
            return { status: 201, body: { escalation_policy: this.policyJson(p) } };
        });
        r.on("getEscalationPolicy", ({ params }) => {
            const p = this.policies.get(params.id);
            return p ? { status: 200, body: { escalation_policy: this.policyJson(p) } } : error(404, "Not Found");
        });
        r.on("updateEscalationPolicy", ({ params, body }) => {
            if (!this.policies.has(params.id)) return error(404, "Not Found");
            const p = policyFrom(params.id, body.escalation_policy);
            const bad = checkTargets(p.escalation_rules);
            if (bad) return error(400, "Invalid Input Provided", [bad]);
            this.policies.set(p.id, p);
            return { status: 200, body: { escalation_policy: this.policyJson(p) } };
        });
        r.on("deleteEscalationPolicy", ({ params }) => {
            if (!this.policies.has(params.id)) return error(404, "Not Found");
            if ([...this.services.values()].some((s) => s.body.escalation_policy?.id === params.id))
                return error(400, "Escalation Policy is in use by one or more services");
            this.policies.delete(params.id);
            return { status: 204 };
        });
        /** PagerDuty's list: `query` matches names case-insensitively, paged by limit/offset with `more`. */
        const page = <T>(items: T[], name: (x: T) => string, query: Record<string, string>) => {
            const q = (query.query ?? "").toLowerCase();
            const matching = items.filter((x) => name(x).toLowerCase().includes(q));
            const limit = Math.min(Number(query.limit ?? 25), 100);
            const offset = Number(query.offset ?? 0);
            return {
                items: matching.slice(offset, offset + limit),
                meta: { limit, offset, more: offset + limit < matching.length, total: null },
            };
        };
        r.on("listEscalationPolicies", ({ query }) => {
            const { items, meta } = page([...this.policies.values()], (p) => p.name, query);
            return { status: 200, body: { escalation_policies: items.map((p) => this.policyJson(p)), ...meta } };
        });
        r.on("listServices", ({ query }) => {
            const { items, meta } = page([...this.services.values()], (s) => String(s.body.name), query);
            return { status: 200, body: { services: items.map((s) => this.serviceJson(s)), ...meta } };
        });
        r.on("createService", ({ body }) => {
            const s = body.service;
            if (!this.policies.has(s.escalation_policy?.id))
                return error(400, "Invalid Input Provided", ["Escalation Policy not found"]);
            if ([...this.services.values()].some((x) => x.body.name === s.name))
                return error(400, "Invalid Input Provided", ["Name has already been taken"]);
            const svc: PdService = { id: this.id("PSV"), body: { ...s }, integrations: [] };
            this.services.set(svc.id, svc);
            return { status: 201, body: { service: this.serviceJson(svc) } };
        });
        r.on("getService", ({ params }) => {
            const s = this.services.get(params.id);
            return s ? { status: 200, body: { service: this.serviceJson(s) } } : error(404, "Not Found");
        });
        r.on("updateService", ({ params, body }) => {
            const s = this.services.get(params.id);
            if (!s) return error(404, "Not Found");
            if (body.service.escalation_policy && !this.policies.has(body.service.escalation_policy.id))
                return error(400, "Invalid Input Provided", ["Escalation Policy not found"]);
            s.body = { ...s.body, ...body.service };
            return { status: 200, body: { service: this.serviceJson(s) } };
        });
        r.on("deleteService", ({ params }) => {
            if (!this.services.delete(params.id)) return error(404, "Not Found");
            return { status: 204 };
        });
        r.on("createServiceIntegration", ({ params, body }) => {
            const s = this.services.get(params.id);
            if (!s) return error(404, "Not Found");
            const i = {
                id: this.id("PIN"),
                name: body.integration.name,
                type: body.integration.type,
                integration_key: [...Array(32)].map((_, n) => ((this.nextId * 7 + n * 13) % 16).toString(16)).join(""),
            };
            s.integrations.push(i);
            return { status: 201, body: { integration: this.integrationJson(s, i) } };
        });
        r.on("getServiceIntegration", ({ params }) => {
            const s = this.services.get(params.id);
            const i = s?.integrations.find((x) => x.id === params.integration_id);
            return s && i
                ? { status: 200, body: { integration: this.integrationJson(s, i) } }
                : error(404, "Not Found");
        });
        r.undocumentedRoute({
            method: "DELETE",
            pattern: /^\/services\/(?<id>[A-Z0-9]+)\/integrations\/(?<integration_id>[A-Z0-9]+)$/,
            reason: "PagerDuty's description has no DELETE for a service integration; the provider sends one and PagerDuty answers it",
            handler: ({ params }) => {
                const s = this.services.get(params.id);
                if (!s || !s.integrations.some((x) => x.id === params.integration_id)) return error(404, "Not Found");
                s.integrations = s.integrations.filter((x) => x.id !== params.integration_id);
                return { status: 204 };
            },
        });
    }
}

export async function startFakePagerDutyRest(): Promise<FakePagerDutyRest> {
    return new FakePagerDutyRest().start();
}
