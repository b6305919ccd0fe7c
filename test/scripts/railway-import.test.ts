/**
 * What `npm run railway:import` makes of a live project (the e2e test runs it against the emulator
 * under the engine): which values are secret, each service's kind, the stack's region, the import
 * IDs, and the problems that stop it before anything is written.
 */
import { strict as assert } from "assert";
import { classify, describeLiveProject, looksSecret } from "../../scripts/railway-import/describe";
import type { LiveProject, LiveService } from "../../scripts/railway-import/live";

const service = (name: string, extra: Partial<LiveService> = {}): LiveService => ({
    id: `${name}-id`,
    name,
    instance: { source: { repo: "acme/app", branch: "main" }, replicas: { "us-west2": 1 } },
    variables: {},
    customDomains: [],
    running: true,
    ...extra,
});

const project = (services: LiveService[]): LiveProject => ({
    id: "p",
    name: "acme",
    workspaceId: "ws",
    environment: { id: "e", name: "production" },
    otherEnvironments: ["staging"],
    services,
});

describe("railway:import: describing a live project", () => {
    it("a value is secret by the schema, by its name or by its shape; a Railway reference is wiring", () => {
        assert.equal(looksSecret("AUTH_SECRET", "x".repeat(40)), true);
        assert.equal(looksSecret("STRIPE_API_KEY", "abc"), true);
        assert.equal(looksSecret("SOMETHING", "ghp_" + "a".repeat(36)), true);
        assert.equal(looksSecret("NODE_ENV", "production"), false);
        assert.equal(looksSecret("DATABASE_URL", "${{postgres.DATABASE_URL}}"), false);
        // The policies accept a reference to a secret in the plain half: it names the secret, it does not hold it.
        assert.equal(looksSecret("AUTH_SECRET", "${{web.AUTH_SECRET}}"), false);
        assert.equal(
            looksSecret("DATABASE_URL", "postgres://app:hunter2hunter2@${{postgres.RAILWAY_PRIVATE_DOMAIN}}/app"),
            true,
        );
    });

    it("plain is what is known to be plain: a value the tool cannot place is a secret, said to be unsure", () => {
        for (const [key, value] of [
            ["SMTP_LOGIN", "hunter2"],
            ["FOO", "line one\nline two"],
            ["WEBHOOK_ID", "Zq8-fL2p"],
        ])
            assert.deepEqual(classify(key, value), { secret: true, unsure: true }, `${key}=${value}`);
        for (const [key, value] of [
            ["NODE_ENV", "production"],
            ["WORKERS", "4"],
            ["FEATURE_X", "true"],
            ["API_BASE", "https://api.acme.dev/v1"],
            ["REDIS_HOST", "redis.railway.internal"],
            ["CACHE_DIR", "/tmp/cache"],
            ["LOG_FORMAT", "json"],
            ["DATABASE_URL", "${{postgres.DATABASE_URL}}"],
        ])
            assert.deepEqual(classify(key, value), { secret: false }, `${key}=${value}`);
        assert.deepEqual(
            classify("LOGIN_URL", "https://bob:pw1234@acme.dev/"),
            { secret: true },
            "a URL with a password",
        );
    });

    it("kinds, the stack's region (a datastore's volume decides), variables split, import IDs named as RailwayApp names its resources", () => {
        const d = describeLiveProject(
            project([
                service("web", {
                    serviceDomain: { id: "sd", targetPort: 3000 },
                    customDomains: [{ id: "cd", domain: "app.acme.test", targetPort: 3000 }],
                    variables: { NODE_ENV: "production", AUTH_SECRET: "s".repeat(40) },
                    instance: { source: { repo: "acme/app", branch: "main" }, replicas: { "us-east4-eqdc4a": 2 } },
                }),
                service("db", {
                    instance: { source: { image: "postgres:16" }, replicas: { "us-east4-eqdc4a": 1 } },
                    volume: { id: "v", mountPath: "/data", region: "us-east4-eqdc4a" },
                }),
                service("jobs", {
                    running: false,
                    instance: {
                        source: { image: "acme/jobs:1" },
                        replicas: { "us-east4-eqdc4a": 1 },
                        cronSchedule: "0 * * * *",
                    },
                }),
            ]),
        );
        assert.deepEqual(d.problems, []);
        assert.equal(d.section.region, "us-east4-eqdc4a");
        const services = d.section.services as Record<string, any>[];
        assert.deepEqual(
            services.map((s) => [s.name, s.kind]),
            [
                ["db", "datastore"],
                ["jobs", "cron"],
                ["web", "web"],
            ],
        );
        const web = services.find((s) => s.name === "web")!;
        assert.deepEqual(web.variables, { NODE_ENV: "production" });
        assert.deepEqual(web.secrets, ["AUTH_SECRET"]);
        assert.deepEqual(web.domains, { railway: true, custom: ["app.acme.test"], targetPort: 3000 });
        assert.equal(web.replicas, 2);
        assert.deepEqual(d.secrets, [{ service: "web", key: "AUTH_SECRET" }]);
        assert.ok(!JSON.stringify(d).includes("s".repeat(40)), "no secret value anywhere in what is written");
        const ids = Object.fromEntries(d.importFile.resources.map((r) => [`${r.type} ${r.logicalName}`, r.id ?? ""]));
        assert.equal(ids["railway:index:Volume platform-db"], "e:v");
        assert.equal(ids["railway:index:CustomDomain platform-web-app.acme.test"], "p:cd");
        assert.equal(ids["railway:index:ServiceDomain platform-web"], "p:e:web-id:sd");
        assert.equal(ids["railway:index:ServiceDeployment platform-web"], "web-id:e");
        assert.equal(ids["railway:index:ServiceDeployment platform-jobs"], undefined, "nothing running: up deploys it");
        assert.ok(d.importFile.resources.every((r) => r.component || r.parent === "app"));
    });

    it("what the stack file cannot say as it runs is a problem, all of them at once", () => {
        const d = describeLiveProject(
            project([
                service("Web", {
                    serviceDomain: { id: "sd", targetPort: 3000 },
                    customDomains: [{ id: "cd", domain: "app.acme.test", targetPort: 8080 }],
                }),
                service("api", { instance: { source: { repo: "acme/app" }, replicas: { "europe-west4-drams3a": 1 } } }),
            ]),
        );
        assert.deepEqual(
            d.problems.map((p) => p.replace(/:.*/, "")),
            ["service 'Web'", "service 'Web'", "service 'api'", "service 'api'"],
        );
        assert.match(d.problems.join("\n"), /domains route to different ports \(3000, 8080\)/);
        assert.match(d.problems.join("\n"), /runs in europe-west4-drams3a, not in the stack's region us-west2/);
    });
});
