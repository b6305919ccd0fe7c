/**
 * A review environment's program: staging's stack file plus `review` (what `npm run review` writes)
 * makes a stack in staging's project whose environment is `pr-<n>`, a duplicate of staging's and
 * ephemeral, deploying the pull request's head branch and commit with one replica, no custom domain,
 * nothing protected, and no GitHub, Sentry or PagerDuty resources.
 */
import { strict as assert } from "assert";
import { asDerivedEnvironment, REVIEW_STACK, reviewEnvironmentName } from "../../config/derived-environment";
import type { ParsedStackConfig } from "../../config/stack.schema";
import { validateStackConfig } from "../../config/validate";
import { CapturedResource, inputValue, runStack } from "../support/mocks";

const REVIEW = {
    pullRequest: 42,
    branch: "feature/checkout",
    repository: "ainative/platform",
    base: "staging",
    commit: "0123456789abcdef0123456789abcdef01234567",
};

describe("review environments: the program derived from staging's stack file", function () {
    this.timeout(60_000);
    let captured: CapturedResource[];
    before(async () => {
        ({ captured } = await runStack("staging", (c) => {
            c["ainative-platform:review"] = REVIEW;
        }));
    });
    const ofType = (t: string) => captured.filter((r) => r.type === t);

    it("its own environment, pr-42, created as an ephemeral duplicate of staging's in staging's project", () => {
        const [env] = ofType("railway:index:Environment");
        assert.equal(env.inputs.name, "pr-42");
        assert.equal(env.inputs.duplicateFrom, "staging");
        assert.equal(env.inputs.ephemeral, true);
        assert.equal(ofType("railway:index:Project").length, 0, "the project is staging's, found by name");
        assert.equal(env.protect, false);
    });

    it("services from the pull request's repository deploy its head branch and commit; one replica, no custom domain", () => {
        const web = ofType("railway:index:ServiceInstance").find((r) => r.name === "platform-web")!;
        assert.equal(web.inputs.source.branch, "feature/checkout");
        assert.deepEqual(web.inputs.replicas, { "us-west2": 1 });
        const deployment = ofType("railway:index:ServiceDeployment").find((r) => r.name === "platform-web")!;
        assert.equal(inputValue(deployment.inputs.commitSha).value, REVIEW.commit);
        assert.equal(ofType("railway:index:CustomDomain").length, 0);
        assert.ok(
            ofType("railway:index:ServiceDomain").some((r) => r.name === "platform-web"),
            "a Railway domain instead",
        );
        const postgres = ofType("railway:index:ServiceDeployment").find((r) => r.name === "platform-postgres")!;
        assert.equal(postgres.inputs.commitSha, undefined, "an image is not a commit");
    });

    it("no GitHub, Sentry or PagerDuty resources; errors go to staging's Sentry project; the health gate still judges web", () => {
        for (const r of captured) assert.doesNotMatch(r.type, /^(github|sentry|pagerduty):/, r.type);
        // The mocked reference answers with a DSN naming the stack it was asked for.
        const web = ofType("railway:index:Variables").find((r) => r.name === "platform-web")!;
        const dsn = inputValue((web.wire.secretVariables as Record<string, unknown>).SENTRY_DSN);
        assert.equal(dsn.value, "https://key-of-web@o1.ingest.sentry.example/organization/ainative-platform/staging");
        assert.equal(dsn.secret, true);
        assert.ok(captured.some((r) => r.type === "ainative:gate:DeploymentGate"));
    });

    it("staging itself is unchanged by the review settings it carries", async () => {
        const { captured: staging } = await runStack("staging");
        const env = staging.find((r) => r.type === "railway:index:Environment")!;
        assert.equal(env.inputs.name, "staging");
        assert.equal(env.inputs.ephemeral, undefined);
    });
});

describe("review environments: the derivation", () => {
    /** What the derivation reads of a parsed config (the rest passes through untouched). */
    const base = () =>
        ({
            environment: "staging",
            integrations: { railway: true, github: true, sentry: true, pagerduty: true },
            gate: { enabled: true, pageOnFailedDeployment: true },
            reviewEnvironments: { max: 5, idleDays: 7 },
            railway: {
                project: "p",
                ownsProject: true,
                environment: "staging",
                protect: true,
                region: "us-west2",
                services: [
                    {
                        name: "web",
                        kind: "web",
                        source: { repo: "ainative/platform", branch: "develop" },
                        replicas: 4,
                        regions: { "europe-west4-drams3a": 2 },
                        protect: true,
                        adopt: { service: "svc-1" },
                        domains: { railway: false, custom: ["staging.example.com"] },
                    },
                    { name: "docs", kind: "web", source: { repo: "ainative/docs", branch: "main" }, replicas: 1 },
                ],
            },
        }) as unknown as ParsedStackConfig;

    it("leaves a config without `review` as it is", () => {
        const config = base();
        assert.equal(asDerivedEnvironment(config), config);
    });

    it("shares the base's project (never owns it), protects nothing, and changes only the pull request's repository's services", () => {
        const r = asDerivedEnvironment({ ...base(), review: { ...REVIEW, repository: "AINative/Platform" } });
        assert.equal(r.railway.ownsProject, false);
        assert.equal(r.railway.environment, "pr-42");
        assert.equal(r.railway.duplicateFrom, "staging");
        assert.equal(r.railway.ephemeral, true);
        assert.deepEqual(r.integrations, { railway: true, github: false, sentry: false, pagerduty: false });
        assert.equal(r.gate.pageOnFailedDeployment, false, "a review environment pages no one");
        assert.equal(r.reviewEnvironments, undefined);
        assert.equal(r.railway.services[0].adopt, undefined);
        assert.equal(r.railway.protect, false);
        const [web, docs] = r.railway.services;
        assert.deepEqual(web.source, { repo: "ainative/platform", branch: "feature/checkout" });
        assert.equal(web.commit, REVIEW.commit);
        assert.equal(web.replicas, 1);
        assert.equal(web.regions, undefined);
        assert.equal(web.protect, false);
        assert.deepEqual(web.domains, { railway: true, custom: [], targetPort: undefined });
        assert.deepEqual(docs.source, { repo: "ainative/docs", branch: "main" }, "another repository's branch is kept");
        assert.equal(docs.commit, undefined);
    });

    it("names review stacks pr-<number> and nothing else", () => {
        assert.equal(reviewEnvironmentName(7), "pr-7");
        for (const yes of ["pr-1", "pr-42"]) assert.match(yes, REVIEW_STACK);
        for (const no of ["pr-0", "pr-", "pr-01", "staging", "pr-1-x", "xpr-1"]) assert.doesNotMatch(no, REVIEW_STACK);
    });
});

describe("the canary: the program derived from production's stack file", function () {
    this.timeout(60_000);
    const CANARY = {
        base: "production",
        repository: "ainative/platform",
        commit: "89abcdef0123456789abcdef0123456789abcdef",
    };
    let captured: CapturedResource[];
    before(async () => {
        ({ captured } = await runStack("production", (c) => {
            c["ainative-platform:canary"] = CANARY;
        }));
    });
    const ofType = (t: string) => captured.filter((r) => r.type === t);

    it("its own environment `canary` in production's project, a duplicate of production's, kept (not ephemeral), nothing protected", () => {
        const [env] = ofType("railway:index:Environment");
        assert.equal(env.inputs.name, "canary");
        assert.equal(env.inputs.duplicateFrom, "production");
        assert.equal(env.inputs.ephemeral, false);
        assert.equal(ofType("railway:index:Project").length, 0);
        for (const r of captured) assert.equal(r.protect, false, `${r.type} ${r.name}`);
    });

    it("the commit on production's branch and settings, one replica, its own Railway domain, errors to production's Sentry", () => {
        const web = ofType("railway:index:ServiceInstance").find((r) => r.name === "platform-web")!;
        assert.equal(web.inputs.source.branch, "main", "production's branch");
        assert.deepEqual(Object.values(web.inputs.replicas), [1]);
        const deployment = ofType("railway:index:ServiceDeployment").find((r) => r.name === "platform-web")!;
        assert.equal(inputValue(deployment.inputs.commitSha).value, CANARY.commit);
        assert.equal(ofType("railway:index:CustomDomain").length, 0);
        const vars = ofType("railway:index:Variables").find((r) => r.name === "platform-web")!;
        assert.equal(
            inputValue((vars.wire.secretVariables as Record<string, unknown>).SENTRY_DSN).value,
            "https://key-of-web@o1.ingest.sentry.example/organization/ainative-platform/production",
        );
        for (const r of captured) assert.doesNotMatch(r.type, /^(github|sentry|pagerduty):/, r.type);
    });

    it("a stack file that is both a review environment's and the canary's is refused, naming the key", () => {
        const r = validateStackConfig({ canary: CANARY, review: REVIEW });
        assert.equal(r.ok, false);
        assert.ok(!r.ok && r.issues.some((i) => i.path === "ainative-platform:canary" && /not both/.test(i.problem)));
    });
});
