/**
 * GitHub's own CLI (`gh`, Debian's package, installed by scripts/provision-services.sh) against the
 * fake GitHub in GitHub Enterprise Server mode: HTTPS on 127.0.0.1 with a certificate made here,
 * `/api/v3` and `/api/graphql`. These are calls we did not write: what `gh` sends is what the fake
 * must answer as GitHub does, for the calls the workflows and runbooks use and for `gh pr view`,
 * `gh issue list` and `gh api` on branch protection and environments.
 */
import * as assert from "assert";
import { FakeGitHub } from "../../tools/fakes/github/server";
import { GhCli, startGhCli } from "../support/gh-cli";

const OWNER = "ainative";
const NAME = "platform";
const HEAD = "a".repeat(40);
const MAIN = "b".repeat(40);

describe("GitHub's CLI against the fake GitHub (GHES mode)", function () {
    this.timeout(120_000);
    let cli: GhCli;
    let gh: FakeGitHub;
    let env: NodeJS.ProcessEnv;
    const run = (...args: string[]) => cli.run(...args);
    const ok = (...args: string[]) => cli.ok(...args);

    before(async () => {
        cli = await startGhCli(OWNER, NAME);
        ({ gh, env } = cli);
        const repo = gh.repo(OWNER, NAME);
        gh.addCommit(OWNER, NAME, MAIN, "2026-12-01T00:00:00Z");
        gh.addPullRequest(OWNER, NAME, "Fix the gate", { ref: "fix-gate", sha: HEAD });
        repo.labels.add("drift");
        repo.issues.push({
            number: 2,
            title: "Drift on staging",
            body: "Two resources drifted.",
            state: "open",
            state_reason: null,
            labels: ["drift"],
            user: { login: "drift-bot", id: 9, type: "Bot" },
            pull_request: false,
            comments: [],
            created_at: "2026-12-01T00:00:00Z",
            updated_at: "2026-12-01T00:00:00Z",
            closed_at: null,
        });
        repo.rules.push({
            id: "BPR_main",
            pattern: "main",
            settings: {
                requiresApprovingReviews: true,
                requiredApprovingReviewCount: 2,
                requiresStatusChecks: true,
                requiredStatusCheckContexts: ["plan (staging)"],
                isAdminEnforced: true,
            },
        });
    });

    after(async () => cli?.close());

    it("gh pr view shows the pull request, and a missing one is an error (exit 1), never an empty PR", async () => {
        const pr = JSON.parse(
            await ok("pr", "view", "1", "--json", "number,title,state,headRefName,headRefOid,baseRefName"),
        );
        assert.deepStrictEqual(pr, {
            number: 1,
            title: "Fix the gate",
            state: "OPEN",
            headRefName: "fix-gate",
            headRefOid: HEAD,
            baseRefName: "main",
        });
        const human = await ok("pr", "view", "1");
        assert.match(human, /title:\s+Fix the gate/);
        const missing = await run("pr", "view", "7");
        assert.strictEqual(missing.code, 1);
        assert.match(missing.stderr, /Could not resolve to a PullRequest with the number of 7/);
    });

    it("gh issue list and view: the drift issue, by label too; a missing issue is an error", async () => {
        assert.match(await ok("issue", "list"), /^2\tOPEN\tDrift on staging\tdrift/);
        assert.match(await ok("issue", "list", "--state", "all", "--label", "drift"), /Drift on staging/);
        assert.strictEqual(await ok("issue", "list", "--label", "no-such-label"), "");
        assert.match(await ok("issue", "view", "2"), /Two resources drifted\./);
        const missing = await run("issue", "view", "99");
        assert.strictEqual(missing.code, 1);
        assert.match(missing.stderr, /Could not resolve to an issue or pull request with the number of 99/);
    });

    it("gh repo view: owner, issues enabled, and main as the default branch, as REST says", async () => {
        const repo = JSON.parse(
            await ok("repo", "view", env.GH_REPO!, "--json", "name,owner,hasIssuesEnabled,defaultBranchRef"),
        );
        assert.deepStrictEqual(
            [repo.name, repo.owner.login, repo.hasIssuesEnabled, repo.defaultBranchRef.name],
            [NAME, OWNER, true, "main"],
        );
        assert.strictEqual(await ok("api", `repos/${OWNER}/${NAME}/commits/main`, "--jq", ".sha"), MAIN);
    });

    it("gh api: branch protection as GitHub derives it from the rule; an unprotected branch is a 404", async () => {
        const p = JSON.parse(await ok("api", `repos/${OWNER}/${NAME}/branches/main/protection`));
        assert.strictEqual(p.required_pull_request_reviews.required_approving_review_count, 2);
        assert.deepStrictEqual(p.required_status_checks.contexts, ["plan (staging)"]);
        assert.strictEqual(p.enforce_admins.enabled, true);
        assert.match(p.url, /\/api\/v3\/repos\/ainative\/platform\/branches\/main\/protection$/);
        const dev = await run("api", `repos/${OWNER}/${NAME}/branches/dev/protection`);
        assert.strictEqual(dev.code, 1);
        assert.match(dev.stdout + dev.stderr, /Branch not protected/);
    });

    it("gh api and gh secret: environments and their secrets, sealed by gh itself and opened by the fake", async () => {
        await ok("api", "-X", "PUT", `repos/${OWNER}/${NAME}/environments/staging`);
        await ok("secret", "set", "RAILWAY_TOKEN", "--env", "staging", "--body", "s3cret-value");
        assert.strictEqual(gh.openSecret(OWNER, NAME, "staging", "RAILWAY_TOKEN"), "s3cret-value");
        const envs = JSON.parse(await ok("api", `repos/${OWNER}/${NAME}/environments`));
        assert.deepStrictEqual(
            envs.environments.map((e: { name: string }) => e.name),
            ["staging"],
        );
        assert.match(envs.environments[0].url, /^https:\/\/127\.0\.0\.1:\d+\/api\/v3\/repos\//);
        assert.match(await ok("secret", "list", "--env", "staging"), /^RAILWAY_TOKEN\t/);
        const listed = JSON.parse(await ok("api", `repos/${OWNER}/${NAME}/environments/staging/secrets`));
        assert.deepStrictEqual(
            listed.secrets.map((s: { name: string }) => s.name),
            ["RAILWAY_TOKEN"],
        );
        assert.doesNotMatch(JSON.stringify(listed), /s3cret-value/);
    });

    it("the fork-comment workflow's own call: the pull request's head commit", async () => {
        // .github/workflows/pr-fork-comment.yml: gh api "repos/$GITHUB_REPOSITORY/pulls/$pr" --jq .head.sha
        assert.strictEqual(await ok("api", `repos/${OWNER}/${NAME}/pulls/1`, "--jq", ".head.sha"), HEAD);
        assert.strictEqual((await run("api", `repos/${OWNER}/${NAME}/pulls/5`)).code, 1);
    });

    it("comments, issue edits and labels through GitHub's GraphQL mutations, read back", async () => {
        const repo = gh.repo(OWNER, NAME);
        assert.match(await ok("pr", "comment", "1", "--body", "Preview is green"), /#issuecomment-\d+$/);
        assert.strictEqual(repo.issues[0].comments.at(-1)!.body, "Preview is green");
        const url = await ok(
            "issue",
            "create",
            "--title",
            "Drift on production",
            "--body",
            "One resource.",
            "--label",
            "drift",
        );
        const number = Number(url.split("/").pop());
        const made = repo.issues.find((i) => i.number === number)!;
        assert.deepStrictEqual([made.title, made.labels], ["Drift on production", ["drift"]]);
        const refused = await run("issue", "create", "--title", "x", "--body", "y", "--label", "no-such-label");
        assert.strictEqual(refused.code, 1);
        assert.match(refused.stderr, /'no-such-label' not found/);
        await ok(
            "issue",
            "edit",
            String(number),
            "--title",
            "Drift on production (2 resources)",
            "--remove-label",
            "drift",
        );
        assert.deepStrictEqual([made.title, made.labels], ["Drift on production (2 resources)", []]);
        await ok("issue", "close", String(number));
        assert.strictEqual(made.state, "closed");
        await ok("issue", "reopen", String(number));
        assert.deepStrictEqual([made.state, made.state_reason], ["open", "reopened"]);
        assert.match(await ok("label", "list"), /^drift\t/m);
    });

    it("Actions: workflows, a dispatch GitHub would refuse refused as GitHub does, runs and releases", async () => {
        gh.addWorkflow(OWNER, NAME, {
            name: "deploy",
            path: ".github/workflows/deploy.yml",
            dispatchInputs: { ref: { required: true } },
        });
        gh.addWorkflow(OWNER, NAME, { name: "pr", path: ".github/workflows/pr.yml" });
        assert.match(await ok("workflow", "list"), /^deploy\tactive\t\d+\npr\tactive\t\d+$/);
        const noInput = await run("workflow", "run", "deploy.yml");
        assert.strictEqual(noInput.code, 1);
        assert.match(noInput.stderr, /Required input 'ref' not provided/);
        assert.match(
            // `-f ref=…` is the workflow's input (any text); `--ref` is the branch it runs on, which must exist.
            (await run("workflow", "run", "deploy.yml", "--ref", "no-such-branch", "-f", "ref=x")).stderr,
            /No ref found for: no-such-branch/,
        );
        assert.match((await run("workflow", "run", "pr.yml")).stderr, /does not have 'workflow_dispatch' trigger/);
        await ok("workflow", "run", "deploy.yml", "-f", "ref=main");
        const run1 = gh.repo(OWNER, NAME).workflowRuns.at(-1)!;
        assert.deepStrictEqual([run1.headSha, run1.inputs], [MAIN, { ref: "main" }]);
        assert.match(
            await ok("run", "list", "--workflow", "deploy.yml"),
            new RegExp(`in_progress\\t\\tdeploy\\tdeploy\\tmain\\tworkflow_dispatch\\t${run1.id}`),
        );
        const busy = await run("run", "rerun", String(run1.id));
        assert.strictEqual(busy.code, 1, "a run in progress cannot be re-run");
        gh.addRelease(OWNER, NAME, {
            tagName: "v1.2.0",
            name: "v1.2.0",
            createdAt: "2026-11-02T00:00:00Z",
            publishedAt: "2026-11-02T00:00:00Z",
            isDraft: false,
            isPrerelease: false,
        });
        gh.addRelease(OWNER, NAME, {
            tagName: "v1.3.0-rc.1",
            name: "v1.3.0-rc.1",
            createdAt: "2026-11-09T00:00:00Z",
            publishedAt: "2026-11-09T00:00:00Z",
            isDraft: false,
            isPrerelease: true,
        });
        const releases = await ok("release", "list");
        assert.match(releases, /^v1\.3\.0-rc\.1\tPre-release\tv1\.3\.0-rc\.1/m);
        assert.match(releases, /^v1\.2\.0\tLatest\tv1\.2\.0/m);
    });

    it("a call the fake does not serve is refused by name, never answered", async () => {
        const search = await run("search", "issues", "drift");
        assert.strictEqual(search.code, 1);
        assert.match(search.stderr, /the fake GitHub does not model search\/issues-and-pull-requests/);
        const field = await run("api", "graphql", "-f", "query={viewer{login company}}");
        assert.strictEqual(field.code, 1);
        assert.match(field.stdout + field.stderr, /the fake GitHub does not model User\.company/);
    });

    it("gh api: the API root, meta, rate_limit, workflow runs, the viewer and introspection", async () => {
        assert.match(await ok("api", "/", "--jq", ".current_user_url"), /\/api\/v3\/user$/);
        assert.ok(await ok("api", "meta", "--jq", ".installed_version"));
        assert.strictEqual(await ok("api", "rate_limit", "--jq", ".resources.core.limit"), "5000");
        assert.strictEqual(
            await ok("api", `repos/${OWNER}/${NAME}/actions/runs`, "--jq", ".total_count"),
            String(gh.repo(OWNER, NAME).workflowRuns.length),
        );
        assert.strictEqual(
            await ok("api", "graphql", "-f", "query={viewer{login}}", "--jq", ".data.viewer.login"),
            "alice",
        );
        assert.strictEqual(
            await ok(
                "api",
                "graphql",
                "-f",
                "query={__schema{queryType{name}}}",
                "--jq",
                ".data.__schema.queryType.name",
            ),
            "Query",
        );
    });
});
