/**
 * The PR comment: rendered from the recorded engine output (test/fixtures/pulumi/), bounded on a
 * 10,000-resource preview, escaped against hostile names, and posted as exactly one comment per
 * project/stack against the contract-checked fake GitHub.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { syntheticPreview } from "../../bench/synthetic";
import { prCommentCommand } from "../../scripts/commands/pr-comment";
import { parseDigest, parseEvents } from "../../scripts/engine/output";
import { githubClient } from "../../scripts/github/client";
import { upsertComment } from "../../scripts/github/sticky";
import { COMMENT_LIMIT, previewMarker, renderComment } from "../../scripts/pr-comment/comment";
import { reportFromPlan, reportFromPreview } from "../../scripts/pr-comment/report";
import { captureIO } from "../support/capture";
import { FakeGitHub, startFakeGitHub } from "../../tools/fakes/github/server";

const FIXTURES = path.join(__dirname, "..", "fixtures", "pulumi");
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), "utf8");
const PLANTED = Object.values(JSON.parse(fixture("MANIFEST.json")).plantedSecrets as Record<string, string>);

function fromFixture(name: string, withEvents = true, exitCode = 0) {
    const events =
        withEvents && fs.existsSync(path.join(FIXTURES, `${name}.events.ndjson`))
            ? parseEvents(fixture(`${name}.events.ndjson`))
            : undefined;
    return reportFromPreview({
        digest: parseDigest(fixture(`${name}.json`)),
        events,
        stack: "local",
        exitCode,
        commit: "0123456789abcdef0123",
    });
}

describe("PR comment: rendering the recorded engine output", () => {
    it("a preview with changes: heading, counts, the dangerous part first, changed property paths", () => {
        const body = renderComment(fromFixture("preview-changes"));
        assert.ok(body.startsWith(previewMarker("ainative-platform", "local")), "the marker opens the body");
        assert.match(body, /### ✅ Preview of <code>ainative-platform\/local<\/code>: 12 changes/);
        assert.match(body, /commit <code>0123456789ab<\/code>/);
        assert.match(
            body,
            /\| 1 \| 5 \| 1 \| 5 \| 8 \|/,
            "create, update, replace, delete, unchanged as the engine counted them",
        );
        const danger = body.slice(body.indexOf("Dangerous changes"), body.indexOf("#### Policies"));
        assert.match(
            danger,
            /\*\*replace\*\* \| <code>railway:Volume<\/code> platform-postgres \| replaces a volume: its data is lost/,
        );
        assert.match(
            danger,
            /\*\*delete\*\* \| <code>railway:Service<\/code> platform-redis \| deletes part of a datastore/,
        );
        // The dynamic provider gives no detailed diff: the paths come from comparing the inputs.
        assert.match(
            body,
            /update \| <code>railway:Variables<\/code> platform-web \| <code>variables\.REDIS&#95;URL<\/code> <sub>\(from the inputs\)<\/sub>/,
        );
        assert.match(body, /Output changes: 3/);
        assert.ok(
            body.indexOf("Dangerous changes") < body.indexOf("resource changes: 7"),
            "dangerous changes come before the details",
        );
    });

    it("a preview with the policy pack: mandatory violations from the event log (the digest has none)", () => {
        const body = renderComment(fromFixture("preview-policy", true, 1));
        assert.match(body, /### ❌ Preview .*failed: 2 mandatory policy violations/);
        assert.match(body, /#### Policies: 2 mandatory, 0 advisory/);
        assert.match(
            body,
            /<code>sentry-every-service<\/code> \| <code>railway:Service<\/code> platform-web \| service &#39;web&#39; has no Sentry project/,
        );
        const withoutEvents = renderComment(fromFixture("preview-policy", false, 1));
        assert.match(
            withoutEvents,
            /Not run: this preview was given no policy pack/,
            "without the event log the comment does not claim the policies passed",
        );
    });

    it("a preview that failed: the engine's diagnostic in an error section, posted anyway", () => {
        const body = renderComment(fromFixture("preview-failed", false, 1));
        assert.match(body, /### ❌ Preview .*: failed/);
        assert.match(
            body,
            /#### Why the preview failed\n\n```text\nerror: local: ainative-platform:railway\.services\[0\]\.replicas: is above the maximum 50/,
        );
    });

    it("a preview that printed no JSON: the stderr is the explanation", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pr-comment-"));
        fs.writeFileSync(path.join(dir, "preview.json"), "");
        fs.writeFileSync(path.join(dir, "stderr.txt"), "error: could not find stack 'staging' ```\n<b>bold</b>");
        const io = captureIO();
        const code = await prCommentCommand(
            [
                "--stack",
                "staging",
                "--preview",
                "preview.json",
                "--stderr",
                "stderr.txt",
                "--exit-code",
                "6",
                "--dry-run",
            ],
            io,
            dir,
            {},
        );
        assert.strictEqual(code, 0);
        const body = io.stdout.join("\n");
        assert.match(body, /### ❌ Preview of <code>\(unknown project\)\/staging<\/code>: failed/);
        assert.match(body, /the preview printed no JSON/);
        assert.match(
            body,
            /````text\n[^]*could not find stack 'staging' ```\n<b>bold<\/b>\n````/,
            "a fence longer than any backtick run in the text",
        );
    });

    for (const [what, digest] of [
        ["a null step", JSON.stringify({ steps: [null] })],
        ["a step whose op is an object", JSON.stringify({ steps: [{ op: { x: 1 }, urn: "u" }] })],
        [
            "a state of the wrong type",
            JSON.stringify({ steps: [{ op: "update", urn: "urn:pulumi:s::p::t::n", newState: "junk" }] }),
        ],
        [
            "junk nested 3,000 levels deep",
            `{"steps":[{"op":"update","urn":"u","newState":{"type":"t","inputs":{"a":${"[".repeat(3000)}${"]".repeat(3000)}}}}]}`,
        ],
        ["junk nested 100,000 levels deep", `{"steps":${"[".repeat(100_000)}${"]".repeat(100_000)}}`],
        ["diagnostics that are not objects", JSON.stringify({ steps: [], diagnostics: [1, "x"] })],
    ] as const) {
        it(`9. a preview with ${what} is a "preview failed" comment, not a crash`, async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pr-comment-"));
            fs.writeFileSync(path.join(dir, "preview.json"), digest);
            const io = captureIO();
            const code = await prCommentCommand(
                ["--stack", "staging", "--preview", "preview.json", "--exit-code", "0", "--dry-run"],
                io,
                dir,
                {},
            );
            assert.strictEqual(code, 0, io.all());
            const body = io.stdout.join("\n");
            assert.match(body, /### ❌ Preview of .*: failed/);
            assert.match(body, /not a digest|nests deeper than 64 levels/);
            assert.ok(body.length < 20_000);
        });
    }

    it("an offline plan's JSON renders with its policy findings and without pretending to know the state", () => {
        const plan = JSON.parse(
            fs.readFileSync(path.join(__dirname, "..", "fixtures", "plan", "plan-result.json"), "utf8"),
        );
        const body = renderComment(reportFromPlan(plan, "abc"));
        assert.match(body, /### ❌ Offline plan of <code>ainative-platform\/local<\/code>: failed: 2 mandatory/);
        assert.match(body, /no state was read/);
        assert.match(body, /\*\*11 resources declared\*\*/);
        assert.match(body, /<code>railway-restart-policy<\/code>/);
    });

    it("no planted secret of the fixtures appears in any comment", () => {
        for (const name of [
            "preview-create",
            "preview-changes",
            "preview-policy",
            "preview-failed",
            "preview-no-changes",
        ]) {
            const body = renderComment(fromFixture(name));
            for (const secret of PLANTED)
                assert.ok(!body.includes(secret), `${name}: a planted secret is in the comment`);
        }
    });

    it("escapes hostile names and messages: no HTML, no mentions, no table breaks", () => {
        const { digest, events } = syntheticPreview(8, { violations: 1 });
        const evil = "x<script>alert(1)</script>|@org/team`#1 [link](javascript:alert(1))";
        digest.steps![1].urn = digest.steps![1].urn.replace(/::[^:]+$/, `::${evil}`);
        events.find((e) => e.policyEvent)!.policyEvent.message = `desc\n${evil}\n`;
        const body = renderComment(reportFromPreview({ digest, events, stack: "staging" }));
        assert.ok(!body.includes("<script>"), "raw HTML reached the body");
        assert.ok(!body.includes("@org"), "a mention reached the body");
        assert.ok(!/\]\(javascript/.test(body), "a markdown link reached the body");
        assert.match(body, /x&lt;script&gt;alert\(1\)&lt;\/script&gt;&#124;&#64;org\/team&#96;&#35;1 &#91;link&#93;/);
    });

    it("15. shows escape codes and right-to-left marks in names escaped, and a credential-shaped output value not at all", () => {
        const report = fromFixture("preview-changes");
        const hostile = "web\u001b[2J\u202eevil";
        report.changes[0] = { ...report.changes[0], name: hostile };
        const key = ["sk", "live", "PLANTEDoutput0123456789abcd"].join("_");
        report.outputs = [{ name: "leaky", kind: "add", shown: "" }];
        const urn = "urn:pulumi:local::ainative-platform::pulumi:pulumi:Stack::ainative-platform-local";
        const fromDigest = reportFromPreview({
            digest: {
                steps: [
                    {
                        op: "same",
                        urn,
                        oldState: { type: "pulumi:pulumi:Stack", outputs: {} },
                        newState: { type: "pulumi:pulumi:Stack", outputs: {} },
                    },
                ],
            },
            events: [
                {
                    sequence: 1,
                    timestamp: 1,
                    resOutputsEvent: {
                        metadata: { urn, op: "same", type: "pulumi:pulumi:Stack", new: { outputs: { leaky: key } } },
                    },
                },
            ],
            stack: "local",
        });
        const body = renderComment(report) + renderComment(fromDigest);
        assert.ok(![..."\u001b\u202e"].some((c) => body.includes(c)), "no raw control character");
        assert.match(body, /web&#92;u001b\[2J&#92;u202eevil|web&#92;u001b&#91;2J&#92;u202eevil/);
        assert.match(renderComment(fromDigest), /leaky/, "the output is listed");
        assert.ok(!body.includes(key.slice(0, 14)), "the output value is not shown");
    });

    it("a 10,000-resource preview stays within 65,536 characters with its kept sections whole", () => {
        const { digest, events } = syntheticPreview(10_000, { violations: 40 });
        const report = reportFromPreview({ digest, events, stack: "staging", exitCode: 1 });
        const body = renderComment(report);
        assert.ok(body.length <= COMMENT_LIMIT, `${body.length} characters`);
        assert.match(body, /### ❌ Preview of <code>ainative-platform\/staging<\/code>/);
        const c = digest.changeSummary!;
        assert.ok(body.includes(`| ${c.create} | ${c.update} | 0 | ${c.delete} | ${c.same} |`), "the engine's counts");
        const dangerous = report.changes.filter((c) => c.danger);
        assert.strictEqual(dangerous.length, 20);
        for (const c of dangerous)
            assert.ok(body.includes(c.name.replace(/_/g, "&#95;")), `dangerous ${c.name} left out`);
        assert.match(body, /#### Policies: 20 mandatory, 20 advisory/);
        assert.strictEqual(
            (body.match(/<code>(sentry-every-service|railway-production-replicas)<\/code>/g) ?? []).length,
            40,
            "every finding is listed",
        );
        assert.match(
            body,
            new RegExp(
                `of ${c.create + c.update} resource changes left out to stay within GitHub&#39;s 65,536-character limit`,
            ),
        );
    });
});

describe("PR comment: exactly one comment per project and stack (fake GitHub)", function () {
    this.timeout(30_000);
    let gh: FakeGitHub;
    const TOKEN = "ghs_faketokenforthetests000000000000000";
    before(async () => {
        gh = await startFakeGitHub();
        gh.addToken(TOKEN, "deploy-bot");
        gh.addToken("ghs_installationtoken00000000000000000", "", "installation");
    });
    after(() => gh.close());

    const env = (extra: NodeJS.ProcessEnv = {}) => ({ GITHUB_TOKEN: TOKEN, GITHUB_API_URL: gh.url, ...extra });
    const FAST = { githubRetryUnitMs: 1 };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pr-comment-post-"));
    fs.writeFileSync(path.join(dir, "preview.json"), fixture("preview-changes.json"));
    fs.writeFileSync(path.join(dir, "policy.json"), fixture("preview-policy.json"));
    fs.writeFileSync(path.join(dir, "policy.events.ndjson"), fixture("preview-policy.events.ndjson"));

    const comments = (pr: number) => gh.repo("ainative", "platform").issues.find((i) => i.number === pr)!.comments;
    /** `pr-comment` for the local stack's recorded preview on `pr`; it must succeed. */
    const postLocalPreview = async (pr: number) => {
        const io = captureIO();
        const args = [
            "--stack",
            "local",
            "--preview",
            "preview.json",
            "--repo",
            "ainative/platform",
            "--pr",
            String(pr),
        ];
        assert.strictEqual(await prCommentCommand(args, io, dir, env(), FAST), 0, io.all());
        return io;
    };

    it("a preview over the read limit still gets its comment: what could be read, that the rest could not, and the run's link", async () => {
        const pr = gh.addPullRequest("ainative", "platform");
        const io = captureIO();
        fs.writeFileSync(path.join(dir, "create.json"), fixture("preview-create.json"));
        fs.writeFileSync(path.join(dir, "create.events.ndjson"), fixture("preview-create.events.ndjson"));
        const args = ["--stack", "local", "--preview", "create.json", "--events", "create.events.ndjson"];
        const code = await prCommentCommand(
            [...args, "--exit-code", "0", "--repo", "ainative/platform", "--pr", String(pr)],
            io,
            dir,
            env({ GITHUB_RUN_ID: "4242", GITHUB_REPOSITORY: "ainative/platform" }),
            // The preview is larger than this, the event log smaller: as a 593 MB preview meets 256 MiB.
            { ...FAST, maxInputBytes: fs.statSync(path.join(dir, "create.events.ndjson")).size },
        );
        assert.strictEqual(code, 0, io.all());
        assert.equal(comments(pr).length, 1, "no comment was posted");
        const body = comments(pr)[0].body;
        assert.match(
            body,
            /the preview: create\.json is [\d,]+ bytes, more than the [\d,]+ this command reads: it was not read/,
        );
        assert.match(body, /\| [1-9]\d* \| 0 \| 0 \| 0 \|/, "the event log's creates are counted");
        assert.match(
            body,
            /the counts above are the event log's; the whole preview is in the workflow run's log: https:\/\/github\.com\/ainative\/platform\/actions\/runs\/4242/,
        );
    });

    it("finds its comment on the third page, edits it, leaves others' comments and other stacks' alone", async () => {
        const pr = gh.addPullRequest("ainative", "platform");
        for (let i = 0; i < 230; i++) gh.addComment("ainative", "platform", pr, `reviewer${i % 3}`, `looks good ${i}`);
        // Someone quoting our marker: not ours to edit.
        gh.addComment("ainative", "platform", pr, "reviewer0", `${previewMarker("ainative-platform", "local")} quoted`);
        const ours = gh.addComment(
            "ainative",
            "platform",
            pr,
            "deploy-bot",
            `${previewMarker("ainative-platform", "local")}\nold body`,
        );
        const otherStack = gh.addComment(
            "ainative",
            "platform",
            pr,
            "deploy-bot",
            `${previewMarker("ainative-platform", "production")}\nproduction`,
        );
        const io = captureIO();
        const code = await prCommentCommand(
            ["--stack", "local", "--preview", "preview.json", "--repo", "ainative/platform", "--pr", String(pr)],
            io,
            dir,
            env(),
            FAST,
        );
        assert.strictEqual(code, 0, io.all());
        assert.match(io.stderr.join("\n"), /updated the ainative-platform\/local comment/);
        assert.strictEqual(comments(pr).length, 233, "no comment added");
        assert.match(comments(pr).find((c) => c.id === ours.id)!.body, /12 changes/);
        assert.strictEqual(
            comments(pr).find((c) => c.id === otherStack.id)!.body,
            `${previewMarker("ainative-platform", "production")}\nproduction`,
        );
        assert.match(
            comments(pr).find((c) => c.user.login === "reviewer0" && c.body.includes("quoted"))!.body,
            /quoted$/,
        );
        const pages = gh.requests.filter((r) => r.operationId === "issues/list-comments");
        assert.ok(
            pages.some((r) => /page=3/.test(r.path)),
            "read to the third page",
        );
    });

    it("creates one comment, then edits it on every later run, also after a failed preview", async () => {
        const pr = gh.addPullRequest("ainative", "platform");
        for (const [file, extra] of [
            ["preview.json", []],
            ["preview.json", []],
            ["policy.json", ["--events", "policy.events.ndjson", "--exit-code", "1"]],
        ] as const) {
            const io = captureIO();
            assert.strictEqual(
                await prCommentCommand(
                    [
                        "--stack",
                        "local",
                        "--preview",
                        file,
                        ...extra,
                        "--repo",
                        "ainative/platform",
                        "--pr",
                        String(pr),
                    ],
                    io,
                    dir,
                    env(),
                    FAST,
                ),
                0,
                io.all(),
            );
        }
        assert.strictEqual(comments(pr).length, 1);
        assert.match(comments(pr)[0].body, /failed: 2 mandatory policy violations/);
        const writes = gh.requests
            .filter((r) => r.operationId === "issues/create-comment" || r.operationId === "issues/update-comment")
            .map((r) => r.operationId);
        assert.ok(writes.includes("issues/create-comment"));
    });

    it("8. never deletes another stack's comment that quotes its marker: only a marker it wrote, as the first line, is its own", async () => {
        const pr = gh.addPullRequest("ainative", "platform");
        const localMarker = previewMarker("ainative-platform", "local");
        const ours = gh.addComment("ainative", "platform", pr, "deploy-bot", `${localMarker}\nlocal's comment`);
        // Production's comment (the same bot) quotes stderr that happens to carry local's marker.
        const production = gh.addComment(
            "ainative",
            "platform",
            pr,
            "deploy-bot",
            `${previewMarker("ainative-platform", "production")}\n#### Why the preview failed\n\n\`\`\`text\n${localMarker}\n\`\`\``,
        );
        const io = await postLocalPreview(pr);
        assert.deepStrictEqual(
            comments(pr).map((c) => c.id),
            [ours.id, production.id],
            "production's comment is still there",
        );
        assert.doesNotMatch(io.stderr.join("\n"), /duplicate/);
        assert.match(comments(pr)[0].body, /12 changes/);
    });

    it("removes duplicates an earlier race left, keeping the oldest", async () => {
        const pr = gh.addPullRequest("ainative", "platform");
        const marker = previewMarker("ainative-platform", "local");
        const first = gh.addComment("ainative", "platform", pr, "deploy-bot", `${marker}\none`);
        gh.addComment("ainative", "platform", pr, "deploy-bot", `${marker}\ntwo`);
        const io = await postLocalPreview(pr);
        assert.deepStrictEqual(
            comments(pr).map((c) => c.id),
            [first.id],
        );
        assert.match(io.stderr.join("\n"), /removed 1 duplicate/);
    });

    it("a lost response to the create does not make a second comment", async () => {
        const pr = gh.addPullRequest("ainative", "platform");
        gh.faults.push({ operationId: "issues/create-comment", lose: true });
        const client = githubClient({ token: TOKEN, apiUrl: gh.url, retryUnitMs: 1, paceWrites: false });
        const marker = previewMarker("ainative-platform", "local");
        const r = await upsertComment(
            client,
            { owner: "ainative", repo: "platform", issue_number: pr },
            marker,
            `${marker}\nbody`,
        );
        assert.strictEqual(comments(pr).length, 1);
        assert.strictEqual(r.id, comments(pr)[0].id);
    });

    it("waits out a 429 with Retry-After and a secondary rate limit, then succeeds", async () => {
        const pr = gh.addPullRequest("ainative", "platform");
        gh.faults.push({
            operationId: "issues/list-comments",
            status: 429,
            headers: { "retry-after": "1", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "0" },
            body: { message: "API rate limit exceeded" },
        });
        gh.faults.push({
            operationId: "issues/create-comment",
            status: 403,
            headers: { "retry-after": "1" },
            body: {
                message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
            },
        });
        const warnings: string[] = [];
        const client = githubClient({
            token: TOKEN,
            apiUrl: gh.url,
            retryUnitMs: 1,
            paceWrites: false,
            warn: (l) => warnings.push(l),
        });
        const marker = previewMarker("ainative-platform", "local");
        await upsertComment(
            client,
            { owner: "ainative", repo: "platform", issue_number: pr },
            marker,
            `${marker}\nbody`,
        );
        assert.strictEqual(comments(pr).length, 1);
        assert.ok(
            warnings.some((w) => /rate limit/.test(w)),
            warnings.join("\n"),
        );
    });

    it("with an Actions token (no /user) it recognises github-actions[bot]'s comment", async () => {
        const pr = gh.addPullRequest("ainative", "platform");
        const marker = previewMarker("ainative-platform", "local");
        const bots = gh.addComment("ainative", "platform", pr, "github-actions[bot]", `${marker}\nold`);
        const io = captureIO();
        const code = await prCommentCommand(
            ["--stack", "local", "--preview", "preview.json", "--repo", "ainative/platform", "--pr", String(pr)],
            io,
            dir,
            env({ GITHUB_TOKEN: "ghs_installationtoken00000000000000000" }),
            FAST,
        );
        assert.strictEqual(code, 0, io.all());
        assert.deepStrictEqual(
            comments(pr).map((c) => c.id),
            [bots.id],
        );
    });

    it("a refused post is exit 1 with GitHub's reason and no token", async () => {
        const io = captureIO();
        const code = await prCommentCommand(
            ["--stack", "local", "--preview", "preview.json", "--repo", "ainative/platform", "--pr", "999"],
            io,
            dir,
            env(),
            FAST,
        );
        assert.strictEqual(code, 1);
        assert.match(io.stderr.join("\n"), /could not post the comment on ainative\/platform#999: HTTP 404: Not Found/);
        const badToken = captureIO();
        assert.strictEqual(
            await prCommentCommand(
                ["--stack", "local", "--preview", "preview.json", "--repo", "ainative/platform", "--pr", "1"],
                badToken,
                dir,
                env({ GITHUB_TOKEN: "ghs_wrongtoken0000000000000000000000000" }),
                FAST,
            ),
            1,
        );
        assert.match(badToken.stderr.join("\n"), /HTTP 401: Bad credentials/);
        assert.ok(!badToken.all().includes("ghs_wrongtoken"), "the token was printed");
    });

    it("writes the same markdown to $GITHUB_STEP_SUMMARY", async () => {
        const summary = path.join(dir, "summary.md");
        fs.writeFileSync(summary, "earlier step\n");
        const io = captureIO();
        assert.strictEqual(
            await prCommentCommand(["--stack", "local", "--preview", "preview.json", "--dry-run"], io, dir, {
                GITHUB_STEP_SUMMARY: summary,
            }),
            0,
        );
        const text = fs.readFileSync(summary, "utf8");
        assert.ok(text.startsWith("earlier step\n"), "appended, not overwritten");
        assert.ok(text.includes(io.stdout.join("\n")));
    });

    it("usage errors are exit 2 and name the flag", async () => {
        const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
            [["--preview", "preview.json"], env(), /required option '--stack <name>' not specified/],
            [["--stack", "a b", "--preview", "preview.json"], env(), /argument 'a b' is invalid\. is not a stack name/],
            [["--stack", "local"], env(), /exactly one of --preview/],
            [["--stack", "local", "--preview", "preview.json", "--plan", "x.json"], env(), /exactly one of --preview/],
            [
                ["--stack", "local", "--preview", "missing.json", "--dry-run"],
                env(),
                /--preview missing\.json: no such file/,
            ],
            [
                ["--stack", "staging", "--preview", "preview.json", "--dry-run"],
                env(),
                /a preview of stack 'local', not 'staging'/,
            ],
            [
                ["--stack", "local", "--preview", "preview.json", "--pr", "1", "--repo", "ainative/platform"],
                { GITHUB_API_URL: gh.url },
                /GITHUB_TOKEN is not set/,
            ],
            [
                ["--stack", "local", "--preview", "preview.json", "--pr", "one"],
                env(),
                /option '--pr <number>' argument 'one' is invalid\. must be a whole number/,
            ],
            [
                ["--stack", "local", "--preview", "preview.json", "--pr", "1", "--repo", "not a repo"],
                env(),
                /is not a GitHub repository/,
            ],
            [
                ["--stack", "local", "--preview", "preview.json", "--exit-code", "x"],
                env(),
                /option '--exit-code <n>' argument 'x' is invalid/,
            ],
        ];
        for (const [argv, e, message] of cases) {
            const io = captureIO();
            assert.strictEqual(await prCommentCommand(argv, io, dir, e), 2, argv.join(" "));
            assert.match(io.stderr.join("\n"), message, argv.join(" "));
        }
    });
});
