/**
 * Every policy through the engine-faithful path: compliant (the committed stacks), violating (one
 * change), unknown values (as in a preview of new resources) and config overrides.
 */
import { strict as assert } from "assert";
import { assertCompliant, assertUnknownSkipped, assertViolation, baseline, change, PolicyHarness, secret, UNKNOWN, without } from "./harness";

/** Shaped like a live Stripe key, assembled here so that no credential-shaped string is committed. */
const FAKE_LIVE_KEY = ["sk", "live", "PLANTED0123456789abcdef"].join("_");

describe("policy pack ainative-platform (over the Analyzer interface)", function () {
    this.timeout(60_000);
    let pack: PolicyHarness;
    before(async () => {
        pack = await PolicyHarness.start();
    });
    after(async () => pack?.close());

    describe("railway-production-replicas", () => {
        const P = "railway-production-replicas";
        it("passes production as committed", async () => assertCompliant(await pack.run("production", await baseline("production"), P)));
        it("fails production when a service runs one replica (mandatory, naming the service)", async () => {
            const r = change(await baseline("production"), "ServiceInstance", "platform-worker", (p) => (p.replicas = { "us-west2": 1 }));
            assertViolation(
                await pack.run("production", r, P),
                "mandatory",
                "platform-worker",
                /service 'worker' runs 1 replica\(s\) in production; production requires at least 2/,
            );
        });
        it("only advises on staging", async () => {
            const d = await pack.run("staging", await baseline("staging"), P);
            assert.deepEqual(d.map((x) => [x.enforcementLevel, x.urn?.split("::").pop()]).sort(), [
                ["advisory", "platform-web"],
                ["advisory", "platform-worker"],
            ]);
        });
        it("exempts cron jobs and services with a volume", async () => {
            let r = change(await baseline("production"), "ServiceInstance", "platform-worker", (p) => Object.assign(p, { replicas: { "us-west2": 1 }, cronSchedule: "0 * * * *" }));
            assertCompliant(await pack.run("production", r, P));
            r = without(await baseline("production"), (x) => x.type.endsWith("Volume") && x.name === "platform-postgres");
            r = change(r, "ServiceInstance", "platform-postgres", (p) => (p.source = { repo: "ainative/platform", branch: "main" }));
            assertViolation(await pack.run("production", r, P), "mandatory", "platform-postgres", /'postgres' runs 1/);
        });
        it("counts an unknown replica count as compliant rather than guessing", async () => {
            const r = change(await baseline("production"), "ServiceInstance", "platform-worker", (p) => (p.replicas = { "us-west2": UNKNOWN }));
            assertCompliant(await pack.run("production", r, P));
        });
        it("follows minReplicas and enforcement overrides", async () => {
            const d = await pack.run("production", await baseline("production"), P, { minReplicas: 3, enforcementLevel: "advisory" });
            assertViolation(d, "advisory", "platform-worker", /runs 2 replica\(s\) in production; production requires at least 3/);
        });
    });

    describe("railway-web-health-check", () => {
        const P = "railway-web-health-check";
        it("passes production as committed", async () => assertCompliant(await pack.run("production", await baseline("production"), P)));
        it("fails a web-facing service without a health check path", async () => {
            const r = change(await baseline("production"), "ServiceInstance", "platform-web", (p) => delete p.healthcheckPath);
            assertViolation(await pack.run("production", r, P), "mandatory", "platform-web", /web-facing service 'web' has no health check path/);
        });
        it("fails a timeout above 300 s", async () => {
            const r = change(await baseline("production"), "ServiceInstance", "platform-web", (p) => (p.healthcheckTimeout = 600));
            assertViolation(await pack.run("production", r, P), "mandatory", "platform-web", /waits 600 s for its health check; at most 300 s/);
        });
        it("cannot decide on an unknown path during preview", async () => {
            const r = change(await baseline("production"), "ServiceInstance", "platform-web", (p) => (p.healthcheckPath = UNKNOWN));
            assertUnknownSkipped(await pack.run("production", r, P));
        });
        it("follows maxTimeoutSeconds", async () => {
            assertViolation(await pack.run("production", await baseline("production"), P, { maxTimeoutSeconds: 60 }), "mandatory", "platform-web", /waits 120 s/);
        });
    });

    describe("railway-restart-policy", () => {
        const P = "railway-restart-policy";
        it("passes production as committed (ON_FAILURE with retries, ALWAYS for datastores)", async () =>
            assertCompliant(await pack.run("production", await baseline("production"), P)));
        it("fails NEVER", async () => {
            const r = change(await baseline("production"), "ServiceInstance", "platform-worker", (p) => (p.restartPolicyType = "NEVER"));
            assertViolation(await pack.run("production", r, P), "mandatory", "platform-worker", /restart policy is NEVER/);
        });
        it("fails ON_FAILURE without bounded retries", async () => {
            const r = change(await baseline("production"), "ServiceInstance", "platform-worker", (p) => delete p.restartPolicyMaxRetries);
            assertViolation(await pack.run("production", r, P), "mandatory", "platform-worker", /has no max retries/);
        });
        it("cannot decide on an unknown policy type during preview", async () => {
            const r = change(await baseline("production"), "ServiceInstance", "platform-worker", (p) => (p.restartPolicyType = UNKNOWN));
            assertUnknownSkipped(await pack.run("production", r, P));
        });
        it("follows maxRetries", async () => {
            assertViolation(
                await pack.run("production", await baseline("production"), P, { maxRetries: 8 }),
                "mandatory",
                "platform-worker",
                /10 max retries; set restartPolicy.maxRetries between 1 and 8/,
            );
        });
    });

    describe("railway-variables-schema", () => {
        const P = "railway-variables-schema";
        it("passes production and staging as committed", async () => {
            assertCompliant(await pack.run("production", await baseline("production"), P));
            assertCompliant(await pack.run("staging", await baseline("staging"), P));
        });
        it("fails a plain value that breaks the production rules", async () => {
            const r = change(await baseline("production"), "Variables", "platform-web", (p) => (p.variables.NEXT_PUBLIC_APP_URL = "http://app.ainative.studio"));
            assertViolation(await pack.run("production", r, P), "mandatory", "platform-web", /service 'web': NEXT_PUBLIC_APP_URL/);
        });
        it("checks known secret values too, without printing them", async () => {
            const r = change(await baseline("production"), "Variables", "platform-worker", (p) => (p.secretVariables.STRIPE_SECRET_KEY = secret("sk_test_PLANTEDvalue0123456789")));
            const d = await pack.run("production", r, P);
            assertViolation(d, "mandatory", "platform-worker", /STRIPE_SECRET_KEY/);
            assert.ok(!d[0].message.includes("PLANTEDvalue"));
        });
        it("checks nothing while a whole variable set is unknown", async () => {
            const r = change(await baseline("production"), "Variables", "platform-web", (p) => (p.secretVariables = UNKNOWN));
            assertCompliant(await pack.run("production", r, P));
        });
        it("counts an unknown value (a DSN not created yet) as present", async () => {
            const r = change(await baseline("production"), "Variables", "platform-web", (p) => (p.secretVariables.AUTH_SECRET = UNKNOWN));
            assertCompliant(await pack.run("production", r, P));
        });
        it("follows allowedExtras", async () => {
            const r = change(await baseline("production"), "Variables", "platform-web", (p) => (p.variables.FEATURE_FLAGS = "beta"));
            assertViolation(await pack.run("production", r, P), "mandatory", "platform-web", /FEATURE_FLAGS/);
            assertCompliant(await pack.run("production", r, P, { allowedExtras: ["FEATURE_FLAGS"] }));
        });
    });

    describe("railway-no-plaintext-secrets", () => {
        const P = "railway-no-plaintext-secrets";
        it("passes production as committed (references to secrets are fine)", async () => assertCompliant(await pack.run("production", await baseline("production"), P)));
        it("fails a schema-secret key in the plain half", async () => {
            const r = change(await baseline("production"), "Variables", "platform-web", (p) => (p.variables.AUTH_SECRET = "not-a-reference-0123456789abcdef0123"));
            assertViolation(await pack.run("production", r, P), "mandatory", "platform-web", /AUTH_SECRET is a secret by the environment schema but is a plain value/);
        });
        it("fails a value shaped like a credential under any name, naming the shape not the value", async () => {
            const r = change(await baseline("production"), "Variables", "platform-worker", (p) => (p.variables.LEGACY_KEY = FAKE_LIVE_KEY));
            const d = await pack.run("production", r, P);
            assertViolation(d, "mandatory", "platform-worker", /LEGACY_KEY holds what looks like a Stripe secret key/);
            assert.ok(!d[0].message.includes("PLANTED"));
        });
        it("fails when secretVariables is not a secret output", async () => {
            const r = change(await baseline("production"), "Variables", "platform-worker", (_p, res) => (res.additionalSecretOutputs = []));
            assertViolation(await pack.run("production", r, P), "mandatory", "platform-worker", /secretVariables is not declared a secret output/);
        });
        it("skips an unknown plain value", async () => {
            const r = change(await baseline("production"), "Variables", "platform-worker", (p) => (p.variables.AUTH_SECRET = UNKNOWN));
            assertCompliant(await pack.run("production", r, P));
        });
        it("follows allowPlain", async () => {
            const r = change(await baseline("production"), "Variables", "platform-worker", (p) => (p.variables.LEGACY_KEY = FAKE_LIVE_KEY));
            assertCompliant(await pack.run("production", r, P, { allowPlain: ["LEGACY_KEY"] }));
        });
    });

    describe("github-branch-protection", () => {
        const P = "github-branch-protection";
        it("passes production as committed", async () => assertCompliant(await pack.run("production", await baseline("production"), P)));
        it("fails one review where production's config asks for 2", async () => {
            const r = change(await baseline("production"), "BranchProtection", "repository-main", (p) => (p.requiredPullRequestReviews[0].requiredApprovingReviewCount = 1));
            assertViolation(await pack.run("production", r, P), "mandatory", "repository-main", /requires 1 approving review\(s\); at least 2/);
        });
        it("fails a missing policy check", async () => {
            const r = change(await baseline("production"), "BranchProtection", "repository-main", (p) => (p.requiredStatusChecks[0].contexts = ["test", "preview"]));
            assertViolation(await pack.run("production", r, P), "mandatory", "repository-main", /does not require the status check\(s\) policy/);
        });
        it("fails force pushes, deletion or admin bypass", async () => {
            for (const [key, value, message] of [
                ["allowsForcePushes", true, /allows force pushes/],
                ["allowsDeletions", true, /can be deleted/],
                ["enforceAdmins", false, /admins bypass/],
            ] as const) {
                const r = change(await baseline("production"), "BranchProtection", "repository-main", (p) => (p[key] = value));
                assertViolation(await pack.run("production", r, P), "mandatory", "repository-main", message);
            }
        });
        it("cannot decide on unknown reviews during preview", async () => {
            const r = change(await baseline("production"), "BranchProtection", "repository-main", (p) => (p.requiredPullRequestReviews = UNKNOWN));
            assertUnknownSkipped(await pack.run("production", r, P));
        });
        it("follows minApprovingReviews (staging's default is 1)", async () => {
            assertCompliant(await pack.run("staging", await baseline("staging"), P));
            assertViolation(await pack.run("staging", await baseline("staging"), P, { minApprovingReviews: 3 }), "advisory", "repository-develop", /at least 3/);
        });
    });

    describe("github-production-environment-reviewers", () => {
        const P = "github-production-environment-reviewers";
        it("passes production as committed (reviewer ids unknown offline still count)", async () => assertCompliant(await pack.run("production", await baseline("production"), P)));
        it("fails a production environment without reviewers", async () => {
            const r = change(await baseline("production"), "RepositoryEnvironment", "repository-production", (p) => (p.reviewers = []));
            assertViolation(await pack.run("production", r, P), "mandatory", "repository-production", /'production' GitHub environment has no required reviewers/);
        });
        it("cannot decide on unknown reviewers during preview", async () => {
            const r = change(await baseline("production"), "RepositoryEnvironment", "repository-production", (p) => (p.reviewers = UNKNOWN));
            assertUnknownSkipped(await pack.run("production", r, P));
        });
        it("follows environmentName", async () => {
            const r = change(await baseline("staging"), "RepositoryEnvironment", "repository-staging", (p) => (p.reviewers = []));
            assertCompliant(await pack.run("staging", r, P));
            assertViolation(await pack.run("staging", r, P, { environmentName: "staging" }), "advisory", "repository-staging", /'staging' GitHub environment/);
        });
    });

    describe("sentry-every-service", () => {
        const P = "sentry-every-service";
        it("passes production as committed (datastores exempt)", async () => assertCompliant(await pack.run("production", await baseline("production"), P)));
        it("fails a service without a Sentry project", async () => {
            const r = without(await baseline("production"), (x) => x.type.endsWith("SentryProject") && x.name === "errors-worker");
            assertViolation(await pack.run("production", r, P), "mandatory", "platform-worker", /'worker' has no Sentry project/);
        });
        it("fails a service without SENTRY_DSN", async () => {
            const r = change(await baseline("production"), "Variables", "platform-web", (p) => delete p.secretVariables.SENTRY_DSN);
            assertViolation(await pack.run("production", r, P), "mandatory", "platform-web", /'web' has no SENTRY_DSN variable/);
        });
        it("reports nothing while a whole variable set is unknown", async () => {
            const r = change(await baseline("production"), "Variables", "platform-web", (p) => (p.secretVariables = UNKNOWN));
            assertCompliant(await pack.run("production", r, P));
        });
        it("sees the name of a DSN whose value is unknown", async () => {
            const r = change(await baseline("production"), "Variables", "platform-web", (p) => (p.secretVariables.SENTRY_DSN = UNKNOWN));
            assertCompliant(await pack.run("production", r, P));
        });
        it("follows exempt", async () => {
            const r = without(await baseline("production"), (x) => x.type.endsWith("SentryProject") && x.name === "errors-worker");
            assertCompliant(await pack.run("production", r, P, { exempt: ["worker"] }));
        });
    });

    describe("pagerduty-production-escalation", () => {
        const P = "pagerduty-production-escalation";
        it("passes production as committed, and does not apply to staging", async () => {
            assertCompliant(await pack.run("production", await baseline("production"), P));
            assertCompliant(await pack.run("staging", await baseline("staging"), P));
        });
        it("fails a one-level escalation policy", async () => {
            const r = change(await baseline("production"), "EscalationPolicy", "incidents", (p) => (p.rules = p.rules.slice(0, 1)));
            const d = await pack.run("production", r, P);
            assert.deepEqual(d.map((x) => x.urn?.split("::").pop()).sort(), ["incidents-web", "incidents-worker"]);
            assert.match(d[0].message, /escalates through 1 level\(s\); at least 2/);
        });
        it("fails a production service without a PagerDuty service", async () => {
            const r = without(await baseline("production"), (x) => x.type === "pagerduty:index/service:Service" && x.name === "incidents-web");
            assertViolation(await pack.run("production", r, P), "mandatory", "platform-web", /'web' has no PagerDuty service/);
        });
        it("raises no false alarm while the rules are unknown", async () => {
            const r = change(await baseline("production"), "EscalationPolicy", "incidents", (p) => (p.rules = UNKNOWN));
            assertCompliant(await pack.run("production", r, P));
        });
        it("follows minLevels", async () => {
            const d = await pack.run("production", await baseline("production"), P, { minLevels: 3 });
            assert.equal(d.length, 2);
            assert.match(d[0].message, /at least 3/);
        });
    });

    describe("staging-isolation", () => {
        const P = "staging-isolation";
        it("passes staging as committed", async () => assertCompliant(await pack.run("staging", await baseline("staging"), P)));
        it("fails a staging variable pointing at a production host, naming the host, not the value", async () => {
            const r = change(
                await baseline("staging"),
                "Variables",
                "platform-worker",
                (p) => (p.secretVariables.DATABASE_URL = secret("postgresql://u:PLANTEDpw@db.ainative.studio:5432/app")),
            );
            const d = await pack.run("staging", r, P);
            assertViolation(d, "advisory", "platform-worker", /DATABASE_URL points at production host db\.ainative\.studio/);
            assert.ok(!d[0].message.includes("PLANTEDpw"));
        });
        it("fails a production custom domain on staging", async () => {
            const r = change(
                await baseline("staging"),
                "CustomDomain",
                (await baseline("staging")).find((x) => x.type.endsWith("CustomDomain"))!.name,
                (p) => (p.domain = "app.ainative.studio"),
            );
            assertViolation(await pack.run("staging", r, P), "advisory", undefined, /custom domain app\.ainative\.studio is a production host on staging/);
        });
        it("skips an unknown value", async () => {
            const r = change(await baseline("staging"), "Variables", "platform-worker", (p) => (p.variables.REDIS_URL = UNKNOWN));
            assertCompliant(await pack.run("staging", r, P));
        });
        it("follows productionHosts and applies only to staging", async () => {
            const r = change(await baseline("staging"), "Variables", "platform-worker", (p) => (p.variables.APP_API = "https://api.example.org"));
            assertCompliant(await pack.run("staging", r, P));
            assertViolation(
                await pack.run("staging", r, P, { productionHosts: ["example.org"] }),
                "advisory",
                "platform-worker",
                /APP_API points at production host api\.example\.org/,
            );
            assertCompliant(await pack.run("production", await baseline("production"), P, { productionHosts: ["ainative.studio"] }));
        });
    });

    describe("production-data-protection", () => {
        const P = "production-data-protection";
        it("passes production as committed", async () => assertCompliant(await pack.run("production", await baseline("production"), P)));
        it("fails an unprotected production datastore", async () => {
            const r = change(await baseline("production"), "railway:Service", "platform-postgres", (_p, res) => (res.protect = false));
            assertViolation(await pack.run("production", r, P), "mandatory", "platform-postgres", /production datastore 'postgres' \(Service\) is not protected/);
        });
        it("fails an unprotected production project", async () => {
            const r = change(await baseline("production"), "railway:Project", "platform", (_p, res) => (res.protect = false));
            assertViolation(await pack.run("production", r, P), "mandatory", "platform", /production Railway project 'platform' is not protected/);
        });
        it("recognises a datastore by its volume even when its image is unknown", async () => {
            let r = change(await baseline("production"), "ServiceInstance", "platform-redis", (p) => (p.source = UNKNOWN));
            r = change(r, "railway:Service", "platform-redis", (_p, res) => (res.protect = false));
            assertViolation(await pack.run("production", r, P), "mandatory", "platform-redis", /'redis' \(Service\) is not protected/);
        });
        it("does not apply to staging, unless configured as production", async () => {
            assertCompliant(await pack.run("staging", await baseline("staging"), P));
            const d = await pack.run("staging", await baseline("staging"), P, { environment: "production" });
            assert.ok(d.length >= 3, d.map((x) => x.message).join("\n"));
        });
    });
});
