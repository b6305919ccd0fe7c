/**
 * The Sentry and PagerDuty fakes refuse what the real services refuse, in their error shapes: a
 * provider that sends a wrong request fails its test here instead of passing a lenient fake.
 */
import * as assert from "assert";
import { FakePagerDutyRest, startFakePagerDutyRest } from "../../tools/fakes/pagerduty";
import { FakeSentry, startFakeSentry } from "../../tools/fakes/sentry";

describe("fake Sentry: as strict as Sentry", function () {
    this.timeout(30_000);
    let sentry: FakeSentry;
    before(async () => {
        sentry = await startFakeSentry("ainative");
        sentry.addToken("sntrys_test");
    });
    after(() => sentry.close());
    const call = async (method: string, path: string, body?: unknown, token = "sntrys_test") => {
        const res = await fetch(`${sentry.url}${path}`, {
            method,
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };

    it("refuses a team slug Sentry's description refuses, with Sentry's {detail}", async () => {
        const r = await call("POST", "/api/0/organizations/ainative/teams/", { slug: "Not A Slug" });
        assert.strictEqual(r.status, 400);
        assert.match(r.body.detail, /slug must match pattern/);
        assert.strictEqual(sentry.teams.size, 0);
    });

    it("checks the token, the organisation and Sentry's trailing slash", async () => {
        assert.strictEqual((await call("GET", "/api/0/teams/ainative/platform/", undefined, "wrong")).status, 401);
        assert.strictEqual(
            (await call("POST", "/api/0/organizations/other-org/teams/", { slug: "platform" })).status,
            404,
        );
        assert.strictEqual(
            (await call("POST", "/api/0/organizations/ainative/teams", { slug: "platform" })).status,
            404,
            "no trailing slash: no route",
        );
    });

    it("makes a team, a project and a key whose DSN names the project", async () => {
        assert.strictEqual(
            (await call("POST", "/api/0/organizations/ainative/teams/", { slug: "platform", name: "platform" })).status,
            201,
        );
        const project = await call("POST", "/api/0/teams/ainative/platform/projects/", { name: "web", slug: "web" });
        assert.strictEqual(project.status, 201);
        const key = await call("POST", "/api/0/projects/ainative/web/keys/", { name: "web" });
        assert.strictEqual(key.status, 201);
        assert.ok(key.body.dsn.public.endsWith(`/${project.body.id}`));
        assert.strictEqual(
            (await call("POST", "/api/0/teams/ainative/platform/projects/", { name: "web", slug: "web" })).status,
            409,
        );
    });

    it("alert rules (outside the description) are checked by their own rules: a wrong time window is refused", async () => {
        const base = {
            name: "Error rate",
            dataset: "transactions",
            query: "",
            aggregate: "failure_rate()",
            thresholdType: 0,
            triggers: [{ label: "critical", alertThreshold: 0.05, actions: [] }],
        };
        assert.strictEqual(
            (await call("POST", "/api/0/projects/ainative/web/alert-rules/", { ...base, timeWindow: 7 })).status,
            400,
        );
        const ok = await call("POST", "/api/0/projects/ainative/web/alert-rules/", { ...base, timeWindow: 10 });
        assert.strictEqual(ok.status, 201);
        assert.strictEqual(
            (await call("GET", `/api/0/organizations/ainative/alert-rules/${ok.body.id}/`)).body.aggregate,
            "failure_rate()",
            "read at the organisation-level path",
        );
        assert.strictEqual(
            (
                await call("POST", "/api/0/projects/ainative/web/rules/", {
                    name: "x",
                    actionMatch: "some",
                    conditions: [],
                    actions: [],
                    frequency: 30,
                })
            ).status,
            400,
        );
    });
});

describe("fake PagerDuty: as strict as PagerDuty", function () {
    this.timeout(30_000);
    let pd: FakePagerDutyRest;
    before(async () => {
        pd = await startFakePagerDutyRest();
        pd.addToken("pd_test");
        pd.addUser("PUSER01");
    });
    after(() => pd.close());
    const HEADERS = {
        authorization: "Token token=pd_test",
        accept: "application/vnd.pagerduty+json;version=2",
        "content-type": "application/json",
    };
    const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = HEADERS) => {
        const res = await fetch(`${pd.url}${path}`, {
            method,
            headers,
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };
    const policy = (targets: { id: string; type: string }[]) => ({
        escalation_policy: {
            type: "escalation_policy",
            name: `p-${targets[0].id}`,
            escalation_rules: [{ escalation_delay_in_minutes: 10, targets }],
        },
    });

    it("refuses a body the description refuses, with PagerDuty's error object", async () => {
        const r = await call("POST", "/escalation_policies", { policy: {} });
        assert.strictEqual(r.status, 400);
        assert.deepStrictEqual([r.body.error.message, r.body.error.code], ["Invalid Input Provided", 2001]);
        assert.match(r.body.error.errors.join(" "), /escalation_policy/);
    });

    it("checks the token scheme and the headers its description requires", async () => {
        assert.strictEqual(
            (await call("GET", "/abilities", undefined, { ...HEADERS, authorization: "Bearer pd_test" })).status,
            401,
        );
        const bare = await call("GET", "/abilities", undefined, {
            authorization: HEADERS.authorization,
            accept: HEADERS.accept,
        });
        assert.strictEqual(bare.status, 400);
        assert.match(bare.body.error.errors.join(" "), /content-type/i);
        assert.strictEqual((await call("GET", "/abilities")).status, 200);
    });

    it("escalation targets must exist; a valid policy, service and Events API v2 integration are made", async () => {
        const unknown = await call("POST", "/escalation_policies", policy([{ id: "PNOBODY", type: "user_reference" }]));
        assert.strictEqual(unknown.status, 400);
        assert.match(unknown.body.error.errors[0], /not found/);
        const created = await call("POST", "/escalation_policies", policy([{ id: "PUSER01", type: "user_reference" }]));
        assert.strictEqual(created.status, 201);
        const service = await call("POST", "/services", {
            service: {
                type: "service",
                name: "web",
                escalation_policy: { id: created.body.escalation_policy.id, type: "escalation_policy_reference" },
            },
        });
        assert.strictEqual(service.status, 201);
        const integration = await call("POST", `/services/${service.body.service.id}/integrations`, {
            integration: {
                type: "events_api_v2_inbound_integration",
                name: "events",
                service: { id: service.body.service.id, type: "service_reference" },
            },
        });
        assert.strictEqual(integration.status, 201);
        assert.match(integration.body.integration.integration_key, /^[0-9a-f]{32}$/);
        assert.strictEqual(
            (await call("DELETE", `/escalation_policies/${created.body.escalation_policy.id}`)).status,
            400,
            "in use by a service",
        );
    });
});
