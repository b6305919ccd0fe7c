/**
 * The fake GitHub is a contract check: what GitHub would refuse, it refuses the same way, so a
 * tool that sends a wrong request fails its test instead of passing against a lenient fake.
 */
import * as assert from "assert";
import { FakeGitHub, seedLocalOrganisation, startFakeGitHub } from "../../tools/fakes/github/server";

describe("fake GitHub: as strict as GitHub", function () {
    this.timeout(30_000);
    let gh: FakeGitHub;
    const TOKEN = "ghs_contracttoken000000000000000000000";
    before(async () => {
        gh = await startFakeGitHub();
        gh.addToken(TOKEN, "deploy-bot");
        seedLocalOrganisation(gh);
        gh.addPullRequest("ainative", "platform");
    });
    after(() => gh.close());

    const call = async (method: string, path: string, body?: unknown, token: string | null = TOKEN) => {
        const res = await fetch(`${gh.url}${path}`, {
            method,
            headers: { "content-type": "application/json", ...(token ? { authorization: `token ${token}` } : {}) },
            body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
        });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : undefined, link: res.headers.get("link") };
    };

    it("refuses a body GitHub's OpenAPI description refuses, with GitHub's 422", async () => {
        const r = await call("POST", "/repos/ainative/platform/issues/1/comments", {
            text: "the field is called body",
        });
        assert.strictEqual(r.status, 422);
        assert.match(r.body.message, /^Invalid request\.\n\n.*must have required property 'body'/s);
        assert.strictEqual(gh.repo("ainative", "platform").issues[0].comments.length, 0, "nothing was created");
    });

    it("refuses a query parameter outside its enum", async () => {
        const r = await call("GET", "/repos/ainative/platform/issues?state=opened");
        assert.strictEqual(r.status, 422);
        assert.match(r.body.message, /state/);
    });

    it("refuses a wrongly typed field", async () => {
        const r = await call("POST", "/repos/ainative/platform/issues", { title: "t", labels: "drift" });
        assert.strictEqual(r.status, 422);
        assert.match(r.body.message, /labels/);
    });

    it("answers 404 for a route GitHub does not have, 400 for JSON it cannot parse", async () => {
        assert.strictEqual((await call("GET", "/repos/ainative/platform/commentz")).status, 404);
        assert.strictEqual((await call("POST", "/repos/ainative/platform/issues/1/comments", "{not json")).status, 400);
    });

    it("checks the token: none is 401, a wrong one is 401 Bad credentials", async () => {
        assert.strictEqual((await call("GET", "/user", undefined, null)).status, 401);
        const bad = await call("GET", "/user", undefined, "ghp_wrong");
        assert.strictEqual(bad.status, 401);
        assert.strictEqual(bad.body.message, "Bad credentials");
        assert.strictEqual((await call("GET", "/user")).body.login, "deploy-bot");
    });

    it("refuses a comment body over 65,536 characters as GitHub does", async () => {
        const r = await call("POST", "/repos/ainative/platform/issues/1/comments", { body: "x".repeat(65_537) });
        assert.strictEqual(r.status, 422);
        assert.match(r.body.errors[0].message, /body is too long \(maximum is 65536 characters\)/);
        assert.strictEqual(
            (await call("POST", "/repos/ainative/platform/issues/1/comments", { body: "x".repeat(65_536) })).status,
            201,
        );
    });

    it("paginates at 30 per page by default, 100 at most, with a Link header", async () => {
        for (let i = 0; i < 150; i++) gh.addComment("ainative", "platform", 1, "someone", `c${i}`);
        const first = await call("GET", "/repos/ainative/platform/issues/1/comments");
        assert.strictEqual(first.body.length, 30);
        assert.match(first.link!, /page=2&per_page=30>; rel="next"/);
        const big = await call("GET", "/repos/ainative/platform/issues/1/comments?per_page=500");
        assert.strictEqual(big.body.length, 100, "GitHub caps per_page at 100");
    });

    it("answers 501 for an operation GitHub has but the fake does not model, so no test passes unchecked", async () => {
        const r = await call("GET", "/repos/ainative/platform/pulls");
        assert.strictEqual(r.status, 501);
        assert.match(r.body.message, /does not model pulls\/list/);
    });

    it("serves the GitHub Enterprise paths under /api/v3 too", async () => {
        assert.strictEqual((await call("GET", "/api/v3/user")).body.login, "deploy-bot");
    });

    const graphql = async (query: string, variables: Record<string, unknown> = {}) => {
        const res = await fetch(`${gh.url}/api/graphql`, {
            method: "POST",
            headers: { authorization: `bearer ${TOKEN}` },
            body: JSON.stringify({ query, variables }),
        });
        return { status: res.status, body: (await res.json()) as any };
    };

    it("GraphQL: a document GitHub's schema refuses is refused with errors (HTTP 200, as GitHub answers)", async () => {
        const unknownField = await graphql('query { repository(owner: "ainative", name: "platform") { id nonsense } }');
        assert.strictEqual(unknownField.status, 200);
        assert.match(unknownField.body.errors[0].message, /Cannot query field "nonsense" on type "Repository"/);
        const wrongInput = await graphql(
            "mutation($i: CreateBranchProtectionRuleInput!) { createBranchProtectionRule(input: $i) { branchProtectionRule { id } } }",
            {
                i: { pattern: "main" },
            },
        );
        assert.match(wrongInput.body.errors[0].message, /repositoryId/);
        assert.strictEqual(gh.repo("ainative", "platform").rules.length, 0, "nothing was created");
    });

    it("GraphQL: an unknown node is GitHub's NOT_FOUND error, never a bare null", async () => {
        const r = await graphql("query($id: ID!) { node(id: $id) { id } }", { id: "platform" });
        assert.strictEqual(r.body.data.node, null);
        assert.deepStrictEqual(
            [r.body.errors[0].type, r.body.errors[0].message],
            ["NOT_FOUND", "Could not resolve to a node with the global id of 'platform'"],
        );
    });

    it("GraphQL: creates, reads and deletes a branch protection rule", async () => {
        const repoId = gh.repo("ainative", "platform").nodeId;
        const created = await graphql(
            "mutation($i: CreateBranchProtectionRuleInput!) { createBranchProtectionRule(input: $i) { branchProtectionRule { id pattern isAdminEnforced requiredApprovingReviewCount } } }",
            {
                i: {
                    repositoryId: repoId,
                    pattern: "main",
                    isAdminEnforced: true,
                    requiresApprovingReviews: true,
                    requiredApprovingReviewCount: 2,
                },
            },
        );
        const rule = created.body.data.createBranchProtectionRule.branchProtectionRule;
        assert.deepStrictEqual(
            [rule.pattern, rule.isAdminEnforced, rule.requiredApprovingReviewCount],
            ["main", true, 2],
        );
        const again = await graphql(
            "mutation($i: CreateBranchProtectionRuleInput!) { createBranchProtectionRule(input: $i) { branchProtectionRule { id } } }",
            {
                i: { repositoryId: repoId, pattern: "main" },
            },
        );
        assert.match(again.body.errors[0].message, /Name already protected: main/);
        await graphql(
            "mutation($i: DeleteBranchProtectionRuleInput!) { deleteBranchProtectionRule(input: $i) { clientMutationId } }",
            { i: { branchProtectionRuleId: rule.id } },
        );
        assert.strictEqual(gh.repo("ainative", "platform").rules.length, 0);
    });

    it("environments: unknown reviewers and contradictory branch policies are refused; /repositories/{id} is the same repository", async () => {
        const team = gh.findTeam("ainative", "platform-leads")!;
        const bad = await call("PUT", "/api/v3/repos/ainative/platform/environments/staging", {
            reviewers: [{ type: "User", id: 999999 }],
        });
        assert.strictEqual(bad.status, 422);
        const contradictory = await call("PUT", "/api/v3/repos/ainative/platform/environments/staging", {
            deployment_branch_policy: { protected_branches: true, custom_branch_policies: true },
        });
        assert.strictEqual(contradictory.status, 422);
        const ok = await call("PUT", "/api/v3/repos/ainative/platform/environments/staging", {
            reviewers: [{ type: "Team", id: team.id }],
            can_admins_bypass: false,
        });
        assert.strictEqual(ok.status, 200);
        assert.strictEqual(ok.body.protection_rules[0].reviewers[0].reviewer.slug, "platform-leads");
        const id = gh.repo("ainative", "platform").id;
        const key = await call("GET", `/api/v3/repositories/${id}/environments/staging/secrets/public-key`);
        assert.strictEqual(key.status, 200);
        assert.strictEqual(Buffer.from(key.body.key, "base64").length, 32);
        assert.strictEqual(
            (await call("GET", "/api/v3/repositories/424242/environments/staging/secrets/public-key")).status,
            404,
        );
    });

    it("environment secrets: only a box sealed to the current key is accepted, and it opens to the value", async () => {
        const id = gh.repo("ainative", "platform").id;
        const { key, key_id } = (
            await call("GET", `/api/v3/repositories/${id}/environments/staging/secrets/public-key`)
        ).body;
        const sodium = require("libsodium-wrappers");
        await sodium.ready;
        const sealed = sodium.to_base64(
            sodium.crypto_box_seal(
                sodium.from_string("s3cret-value"),
                sodium.from_base64(key, sodium.base64_variants.ORIGINAL),
            ),
            sodium.base64_variants.ORIGINAL,
        );
        assert.strictEqual(
            (
                await call("PUT", `/api/v3/repositories/${id}/environments/staging/secrets/DEPLOY_KEY`, {
                    encrypted_value: sealed,
                    key_id: "wrong",
                })
            ).status,
            422,
        );
        assert.strictEqual(
            (
                await call("PUT", `/api/v3/repositories/${id}/environments/staging/secrets/DEPLOY_KEY`, {
                    encrypted_value: Buffer.from("plain").toString("base64"),
                    key_id,
                })
            ).status,
            400,
        );
        assert.strictEqual(
            (
                await call("PUT", `/api/v3/repositories/${id}/environments/staging/secrets/DEPLOY_KEY`, {
                    encrypted_value: sealed,
                    key_id,
                })
            ).status,
            201,
        );
        assert.strictEqual(gh.openSecret("ainative", "platform", "staging", "DEPLOY_KEY"), "s3cret-value");
    });
});
