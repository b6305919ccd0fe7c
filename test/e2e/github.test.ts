/**
 * The stack's repository protection under the real engine: the real GitHub provider plugin
 * (pulumi-resource-github 6.15.0) against the contract-checked fake GitHub (REST requests checked
 * against GitHub's OpenAPI description, GraphQL documents against its schema), on the `local`
 * stack with the GitHub integration on.
 */
import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { parseDigest, parseEvents, resourceOutcomes } from "../../scripts/engine/output";
import { REPO_ROOT, runPlan } from "../../scripts/plan/plan";
import { LocalStack, startLocalStack } from "../support/e2e";
import { FakeGitHub, seedLocalOrganisation, startFakeGitHub } from "../../tools/fakes/github/server";

const GITHUB_TOKEN = `ghp_${randomBytes(18).toString("hex")}`;
const PLANTED = {
    RAILWAY_API_TOKEN: `planted-deploy-railway-token-${randomBytes(6).toString("hex")}`,
    PULUMI_CONFIG_PASSPHRASE: `planted-deploy-passphrase-${randomBytes(6).toString("hex")}`,
};
const PRODUCTION_PACK_CONFIG = path.join(REPO_ROOT, "policies", "config", "production.json");

describe("GitHub under the real engine: repository protection against the fake GitHub", function () {
    let s: LocalStack;
    let gh: FakeGitHub;
    const repo = () => gh.repo("ainative", "platform");
    const rule = () => repo().rules.find((r) => r.pattern === "main");
    const githubOn = (config: Record<string, any>) => {
        config["ainative-platform:integrations"].github = true;
        config["ainative-platform:github"].baseUrl = `${gh.url}/`;
    };

    before(async () => {
        gh = await startFakeGitHub();
        gh.addToken(GITHUB_TOKEN, "deployer");
        seedLocalOrganisation(gh);
        // What the stack does not own and must leave alone.
        repo().rules.push({ id: "BPR_unrelated", pattern: "release/*", settings: { isAdminEnforced: true } });
        gh.addEnvironment("ainative", "platform", "preview", 7);
        s = await startLocalStack({ mutate: githubOn, env: { GITHUB_TOKEN } });
        await s.ws.setSecret("secrets.services.web.AUTH_SECRET", "local-auth-secret-for-the-github-e2e");
        await s.ws.setSecret(
            "secrets.services.postgres.POSTGRES_PASSWORD",
            "local-postgres-password-for-the-github-e2e",
        );
        await s.ws.setSecret("secrets.deploy.railwayApiToken", PLANTED.RAILWAY_API_TOKEN);
        await s.ws.setSecret("secrets.deploy.pulumiConfigPassphrase", PLANTED.PULUMI_CONFIG_PASSPHRASE);
    });
    after(async () => {
        await s?.close();
        await gh?.close();
    });

    it("pulumi up creates the branch protection, the environment with its reviewers and branch policy, and the Actions secrets (sealed, opening to the planted values)", async () => {
        const up = await s.run(["up", "--yes", "--skip-preview"]);
        const refused = gh.requests.filter((q) => q.status >= 400 && q.status !== 404);
        assert.equal(up.code, 0, `${up.stdout}${up.stderr}\nrefused by the fake: ${JSON.stringify(refused)}`);
        assert.doesNotMatch(
            up.stdout + up.stderr,
            /plaintextValue|deprecated/i,
            "no deprecation warning from the provider",
        );
        const r = rule();
        assert.ok(r, "a rule for main");
        assert.deepEqual(
            {
                isAdminEnforced: r.settings.isAdminEnforced,
                allowsForcePushes: r.settings.allowsForcePushes,
                allowsDeletions: r.settings.allowsDeletions,
                requiresApprovingReviews: r.settings.requiresApprovingReviews,
                requiredApprovingReviewCount: r.settings.requiredApprovingReviewCount,
                requiresStatusChecks: r.settings.requiresStatusChecks,
                requiresStrictStatusChecks: r.settings.requiresStrictStatusChecks,
                contexts: [...(r.settings.requiredStatusCheckContexts as string[])].sort(),
            },
            {
                isAdminEnforced: true,
                allowsForcePushes: false,
                allowsDeletions: false,
                requiresApprovingReviews: true,
                requiredApprovingReviewCount: 2,
                requiresStatusChecks: true,
                requiresStrictStatusChecks: true,
                contexts: ["policy", "preview", "test"],
            },
        );
        const env = repo().environments.get("staging");
        assert.ok(env, "the stack's GitHub environment");
        const team = gh.findTeam("ainative", "platform-leads")!;
        const user = gh.users.get("ainative-oncall")!;
        assert.deepEqual(
            env.reviewers.map((x) => `${x.type}:${x.id}`).sort(),
            [`Team:${team.id}`, `User:${user.id}`].sort(),
        );
        assert.deepEqual(env.deploymentBranchPolicy, { protected_branches: false, custom_branch_policies: true });
        assert.deepEqual(
            env.branchPolicies.map((p) => p.name),
            ["main"],
        );
        assert.deepEqual([...env.secrets.keys()].sort(), ["PULUMI_CONFIG_PASSPHRASE", "RAILWAY_API_TOKEN"]);
        assert.equal(gh.openSecret("ainative", "platform", "staging", "RAILWAY_API_TOKEN"), PLANTED.RAILWAY_API_TOKEN);
        assert.equal(
            gh.openSecret("ainative", "platform", "staging", "PULUMI_CONFIG_PASSPHRASE"),
            PLANTED.PULUMI_CONFIG_PASSPHRASE,
        );
        assert.ok(
            gh.requests.every((q) => q.status !== 501 && q.status !== 422),
            `a request the fake refused: ${JSON.stringify(gh.requests.filter((q) => q.status === 501 || q.status === 422))}`,
        );
    });

    it("a second preview shows no changes; 2 → 3 required reviews is exactly one update", async () => {
        const same = await s.run(["preview", "--expect-no-changes"]);
        assert.equal(same.code, 0, same.stdout + same.stderr);
        s.ws.editStackFile((c) => (c["ainative-platform:github"].requiredApprovingReviews = 3));
        const preview = await s.run(["preview", "--json"]);
        const digest = parseDigest(preview.stdout);
        const changes = (digest.steps ?? [])
            .filter((x) => x.op !== "same")
            .map((x) => `${x.op} ${x.urn.split("::").pop()}`);
        assert.deepEqual(changes, ["update repository-main"]);
        const step = digest.steps!.find((x) => x.op === "update")!;
        assert.deepEqual(Object.keys(step.detailedDiff ?? {}), [
            "requiredPullRequestReviews[0].requiredApprovingReviewCount",
        ]);
        const up = await s.run(["up", "--yes", "--skip-preview"]);
        assert.equal(up.code, 0, up.stdout + up.stderr);
        assert.equal(rule()!.settings.requiredApprovingReviewCount, 3);
    });

    it("out-of-band changes on GitHub (admins no longer enforced, a reviewer removed) are found by refresh --preview-only and reported by npm run drift", async () => {
        rule()!.settings.isAdminEnforced = false;
        const env = repo().environments.get("staging")!;
        env.reviewers = env.reviewers.filter((x) => x.type !== "User");
        const log = path.join(s.ws.dir, "github-refresh.ndjson");
        const refresh = await s.run(["refresh", "--preview-only", "--json", "--event-log", log], {
            env: { PULUMI_DEBUG_COMMANDS: "true" },
        });
        assert.equal(refresh.code, 0, refresh.stderr);
        const drifted = resourceOutcomes(parseEvents(fs.readFileSync(log, "utf8")))
            .filter((o) => o.op === "update" || o.op === "delete")
            .map((o) => `${o.op} ${o.type}`)
            .sort();
        assert.deepEqual(drifted, [
            "update github:index/branchProtection:BranchProtection",
            "update github:index/repositoryEnvironment:RepositoryEnvironment",
        ]);

        const { code, io } = await s.drift();
        assert.equal(code, 7, io.all());
        const report = JSON.parse(io.stdout.join("\n"));
        const byType = Object.fromEntries(
            report.drifted.map((d: { type: string; paths: string[] }) => [d.type.split(":").pop(), d.paths]),
        );
        assert.ok(byType.BranchProtection.includes("enforceAdmins"), JSON.stringify(byType));
        assert.ok(
            byType.RepositoryEnvironment.some((p: string) => p.startsWith("reviewers")),
            JSON.stringify(byType),
        );
        // Put GitHub back as the code says, for what follows.
        const up = await s.run(["up", "--yes", "--skip-preview", "--refresh"]);
        assert.equal(up.code, 0, up.stdout + up.stderr);
        assert.equal(rule()!.settings.isAdminEnforced, true);
        assert.equal(repo().environments.get("staging")!.reviewers.length, 2);
    });

    it("with one approving review, preview --policy-pack fails github-branch-protection under production's pack config, with the plan's verdicts", async () => {
        s.ws.editStackFile((c) => (c["ainative-platform:github"].requiredApprovingReviews = 1));
        const log = path.join(s.ws.dir, "github-policy.ndjson");
        const preview = await s.run(
            [
                "preview",
                "--policy-pack",
                "policies",
                "--policy-pack-config",
                PRODUCTION_PACK_CONFIG,
                "--event-log",
                log,
            ],
            {
                env: { PULUMI_DEBUG_COMMANDS: "true" },
            },
        );
        assert.notEqual(preview.code, 0, "the preview fails");
        const engine = new Set(
            parseEvents(fs.readFileSync(log, "utf8"))
                .filter((e) => e.policyEvent)
                .map(
                    (e) =>
                        `${e.policyEvent.policyName} | ${e.policyEvent.resourceUrn ?? "(stack)"} | ${e.policyEvent.enforcementLevel}`,
                ),
        );
        assert.ok(
            [...engine].some((v) => v.startsWith("github-branch-protection |") && v.endsWith("| mandatory")),
            [...engine].join("\n"),
        );
        const plan = await runPlan({ stack: "local", file: s.ws.stackFile, policyConfigFile: PRODUCTION_PACK_CONFIG });
        assert.equal(plan.error, null);
        const offline = new Set(
            [...plan.policies!.mandatory, ...plan.policies!.advisory].map(
                (v) => `${v.policy} | ${v.resource?.urn ?? "(stack)"} | ${v.enforcementLevel}`,
            ),
        );
        assert.deepEqual([...engine].sort(), [...offline].sort());
        s.ws.editStackFile((c) => (c["ainative-platform:github"].requiredApprovingReviews = 3));
    });

    it("destroy removes what the stack created and nothing else; no token or secret in the state, any output or the fake's request log", async () => {
        const exported = await s.ws.exportState();
        const destroy = await s.run(["destroy", "--yes", "--skip-preview"]);
        assert.equal(destroy.code, 0, destroy.stdout + destroy.stderr);
        assert.deepEqual(
            repo().rules.map((r) => r.pattern),
            ["release/*"],
        );
        assert.deepEqual([...repo().environments.keys()], ["preview"]);
        const everything = [exported.text, ...s.outputs, ...gh.requests.map((q) => `${q.path} ${q.body}`)].join("\n");
        for (const [name, value] of Object.entries({ ...PLANTED, GITHUB_TOKEN }))
            assert.ok(!everything.includes(value), `${name} found in clear`);
        assert.ok(
            gh.requests.every((q) => q.auth === "Bearer" || q.auth === "token"),
            "every request authenticated",
        );
    });
});
