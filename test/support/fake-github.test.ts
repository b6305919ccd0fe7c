/**
 * The fake GitHub is a contract check: what GitHub would refuse, it refuses the same way, so a
 * tool that sends a wrong request fails its test instead of passing against a lenient fake.
 */
import * as assert from "assert";
import { FakeGitHub, startFakeGitHub } from "./fake-github/server";

describe("fake GitHub: as strict as GitHub", function () {
    this.timeout(30_000);
    let gh: FakeGitHub;
    const TOKEN = "ghp_contracttoken000000000000000000000";
    before(async () => {
        gh = await startFakeGitHub();
        gh.addToken(TOKEN, "deploy-bot");
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
        const r = await call("POST", "/repos/ainative/platform/issues/1/comments", { text: "the field is called body" });
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
        assert.strictEqual((await call("POST", "/repos/ainative/platform/issues/1/comments", { body: "x".repeat(65_536) })).status, 201);
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
});
