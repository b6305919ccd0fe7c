/**
 * Every `railway` and `gh` command the runbooks, the decision tree and the workflows give does what
 * they say it does: each is run as written (placeholders filled) with the real client (Railway's CLI
 * against the emulator in its own network namespace, `gh` against the fake GitHub), and what it did
 * is read back. A command with no check here fails the suite, so a runbook cannot gain a command
 * nobody ran.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import type { EmulatorStore } from "../../tools/railway-emulator";
import { GhCli, startGhCli } from "../support/gh-cli";
import { RailwayCli, startRailwayCli } from "../support/railway-cli";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const DOCS = [
    "docs/decision-tree.md",
    ...fs.readdirSync(path.join(REPO_ROOT, "docs", "runbooks")).map((f) => `docs/runbooks/${f}`),
];
const WORKFLOWS = fs.readdirSync(path.join(REPO_ROOT, ".github", "workflows")).map((f) => `.github/workflows/${f}`);
const OWNER = "ainative";
const NAME = "platform";
const TERMINAL = ["SUCCESS", "FAILED", "CRASHED", "SKIPPED", "REMOVED", "SLEEPING"];

/** The `railway …` and `gh …` commands of a document: lines of its sh blocks and inline code spans. */
function commandsOf(file: string): string[] {
    const text = fs.readFileSync(path.join(REPO_ROOT, file), "utf8");
    const fenced = [...text.matchAll(/```sh\n([^]*?)```/g)].flatMap((m) => m[1].split("\n").map((l) => l.trim()));
    const inline = [...text.matchAll(/`((?:railway|gh) [^`\n]+)`/g)].map((m) => m[1]);
    return [...fenced, ...inline].filter((l) => /^(railway|gh) /.test(l));
}

/** The workflows' `gh` calls (a `run:` line), as written there. */
function workflowCommands(): string[] {
    return WORKFLOWS.flatMap((f) =>
        [...fs.readFileSync(path.join(REPO_ROOT, f), "utf8").matchAll(/\$\((gh [^)]+)\)/g)].map((m) => m[1]),
    );
}

/** Splits a command line as a shell would for these lines: words, "double" and 'single' quotes. */
function words(line: string): string[] {
    return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

interface Check {
    /** Which documented command this checks, its placeholders as written (`<sha>`). */
    command: RegExp;
    /** Sets what its placeholders stand for, before the line is filled in. */
    prepare?(): void;
    run(args: string[]): Promise<void>;
}

describe("the runbooks' railway and gh commands, run as written with the real clients", function () {
    this.timeout(300_000);
    let railway: RailwayCli;
    let gh: GhCli;
    let store: EmulatorStore;
    let projectId: string;
    let production: string;
    let web: string;
    let app: string;
    const places: Record<string, string> = {};
    const fill = (line: string) =>
        words(line).map((w) =>
            w.replace(/<([^>]+)>/g, (m, name: string) => {
                assert.ok(name in places, `no value for the placeholder ${m} in: ${line}`);
                return places[name];
            }),
        );
    const settle = async () => {
        const deadline = Date.now() + 20_000;
        while ([...store.deployments.values()].some((d) => !TERMINAL.includes(store.status(d)))) {
            assert.ok(Date.now() < deadline, "deployments did not settle");
            await new Promise((r) => setTimeout(r, 50));
        }
    };
    const latest = () => store.deploymentsOf(web, production).sort((a, b) => b.createdAt - a.createdAt)[0];
    const rw = async (args: string[]) => {
        const r = await railway.run(args.slice(1), { cwd: app, timeoutMs: 90_000 });
        assert.strictEqual(r.code, 0, `${args.join(" ")}:\n${r.stderr}\n${r.stdout}`);
        return r.stdout;
    };
    const g = (args: string[]) => gh.ok(...args.slice(1));
    const repo = () => gh.gh.repo(OWNER, NAME);

    const checks: Check[] = [
        {
            command: /^railway link --project <projectId> --environment production --service web$/,
            run: async (args) => {
                await rw(args);
                const config = JSON.parse(fs.readFileSync(path.join(railway.home, ".railway", "config.json"), "utf8"));
                const linked = Object.values(config.projects as Record<string, Record<string, string>>)[0];
                assert.deepStrictEqual(
                    [linked.project, linked.environment, linked.service],
                    [projectId, production, web],
                );
            },
        },
        {
            command: /^railway redeploy --service web --environment production --commit <sha> --yes$/,
            run: async (args) => {
                await rw(args);
                assert.deepStrictEqual([latest().commitHash, latest().serviceId], [places.sha, web]);
                await settle();
                assert.strictEqual(store.status(latest()), "SUCCESS");
            },
        },
        {
            command: /^railway redeploy --service web --environment production --yes$/,
            run: async (args) => {
                const before = latest();
                await rw(args);
                assert.notStrictEqual(latest().id, before.id);
                assert.strictEqual(latest().reason, "redeploy");
                await settle();
            },
        },
        {
            command: /^railway deployment list --service web --environment production --json$/,
            run: async (args) => {
                const listed = JSON.parse(await rw(args)).map((d: { id: string }) => d.id);
                const mine = store.deploymentsOf(web, production).sort((a, b) => b.createdAt - a.createdAt);
                assert.deepStrictEqual(
                    listed,
                    mine.map((d) => d.id),
                );
            },
        },
        {
            command: /^railway logs --build --lines 200 <deploymentId>$/,
            prepare: () => (places.deploymentId = latest().id),
            run: async (args) => {
                const out = await rw(args);
                for (const line of store.logLines(latest(), "build"))
                    assert.ok(out.includes(line.message), line.message);
            },
        },
        {
            command: /^railway logs --deployment --lines 200 <deploymentId>$/,
            prepare: () => (places.deploymentId = latest().id),
            run: async (args) => {
                const out = await rw(args);
                assert.match(out, /Server listening on :8080/);
            },
        },
        {
            command: /^railway up --service web --environment production --ci$/,
            run: async (args) => {
                await rw(args);
                assert.deepStrictEqual(latest().upload?.files.sort(), ["package.json", "server.js"]);
                assert.strictEqual(store.status(latest()), "SUCCESS");
            },
        },
        {
            command: /^railway variables set <KEY>=<value> --service web --environment production --skip-deploys$/,
            run: async (args) => {
                const before = latest().id;
                await rw(args);
                assert.strictEqual(store.vars(web, production)[places.KEY], places.value);
                assert.strictEqual(latest().id, before, "--skip-deploys deploys nothing");
            },
        },
        {
            command: /^gh pr checks <number>$/,
            run: async (args) => {
                const out = await gh.run(...args.slice(1));
                // gh exits 1 when a check failed, as here: the table is what the runbook reads.
                assert.match(out.stdout, /plan \(staging\)\tfail/);
                assert.match(out.stdout, /test\tpass/);
            },
        },
        {
            command: /^gh pr diff <number>$/,
            run: async (args) => assert.strictEqual(await g(args), repo().issues[0].diff!.trim()),
        },
        {
            command: /^gh pr status$/,
            run: async (args) => assert.match(await g(args), /Created by you\n\s+#1\s+Fix the gate \[fix-gate\]/),
        },
        {
            command: /^gh workflow run deploy\.yml -f ref=<sha>$/,
            run: async (args) => {
                await g(args);
                const run = repo().workflowRuns.at(-1)!;
                assert.deepStrictEqual(
                    [run.workflowFile, run.event, run.headSha, run.inputs?.ref],
                    ["deploy.yml", "workflow_dispatch", places.sha, places.sha],
                );
                places.runId = String(run.id);
            },
        },
        {
            command: /^gh run list --workflow deploy\.yml --limit 5$/,
            run: async (args) => assert.match(await g(args), new RegExp(`\\bworkflow_dispatch\\t${places.runId}\\b`)),
        },
        {
            command: /^gh run view <runId>$/,
            run: async (args) => {
                const run = repo().workflowRuns.find((r) => String(r.id) === places.runId)!;
                run.conclusion = "failure";
                run.jobs = [
                    { name: "staging", conclusion: "success" },
                    { name: "production", conclusion: "failure" },
                ];
                const out = await g(args);
                assert.match(out, /✓ staging/);
                assert.match(out, /X production/);
            },
        },
        {
            command: /^gh run rerun <runId> --failed$/,
            run: async (args) => {
                await g(args);
                const run = repo().workflowRuns.find((r) => String(r.id) === places.runId)!;
                assert.deepStrictEqual(
                    [run.attempt, run.conclusion, run.jobs.map((j) => j.conclusion)],
                    [2, null, ["success", null]],
                );
            },
        },
        {
            command: /^gh issue list --label drift$/,
            run: async (args) => assert.match(await g(args), /^2\tOPEN\tDrift on production\tdrift/m),
        },
        {
            command: /^gh issue view <number>$/,
            prepare: () => (places.number = "2"),
            run: async (args) => {
                assert.match(await g(args), /Two resources drifted\./);
            },
        },
        {
            command: /^gh issue comment <number> --body <what was done>$/,
            run: async (args) => {
                await g(args);
                assert.strictEqual(repo().issues[1].comments.at(-1)!.body, places["what was done"]);
            },
        },
        {
            command: /^gh issue close <number>$/,
            run: async (args) => {
                await g(args);
                assert.strictEqual(repo().issues[1].state, "closed");
            },
        },
        {
            command: /^gh api repos\/\$GITHUB_REPOSITORY\/pulls\/\$pr --jq \.head\.sha$/,
            run: async (args) => {
                const line = args.map((a) => a.replace("$GITHUB_REPOSITORY", `${OWNER}/${NAME}`).replace("$pr", "1"));
                assert.strictEqual(await g(line), "a".repeat(40));
            },
        },
    ];

    const documented = [...new Set([...DOCS.flatMap(commandsOf), ...workflowCommands()])];
    /** Placeholders back in place, so a documented line matches its check whatever fills it. */
    const shape = (line: string) => words(line).join(" ");

    before(async () => {
        railway = await startRailwayCli({ deployStageMs: 250 });
        store = railway.emulator.store;
        projectId = store.createProject({ name: "ainative-platform" }).id;
        production = store.liveEnvironments(projectId)[0].id;
        web = store.createService({
            projectId,
            name: "web",
            source: { repo: `${OWNER}/${NAME}` },
            branch: "main",
            environmentId: production,
        }).id;
        app = path.join(railway.work, "app");
        fs.mkdirSync(app);
        fs.writeFileSync(path.join(app, "package.json"), '{"name":"app","scripts":{"start":"node server.js"}}\n');
        fs.writeFileSync(
            path.join(app, "server.js"),
            "require('http').createServer((q, s) => s.end('ok')).listen(8080)\n",
        );
        const good = "d".repeat(40);
        store.push(`${OWNER}/${NAME}`, "main", good);
        Object.assign(places, {
            projectId,
            sha: good,
            KEY: "MAINTENANCE_MODE",
            value: "on",
            "what was done": "Put back by pulumi up",
        });

        gh = await startGhCli(OWNER, NAME);
        const r = repo();
        gh.gh.addCommit(OWNER, NAME, good, "2026-12-01T00:00:00Z");
        gh.gh.addPullRequest(
            OWNER,
            NAME,
            "Fix the gate",
            { ref: "fix-gate", sha: "a".repeat(40) },
            "diff --git a/gate.ts b/gate.ts\n--- a/gate.ts\n+++ b/gate.ts\n@@ -1 +1 @@\n-const budgetMs = 50;\n+const budgetMs = 100;\n",
        );
        r.issues[0].user = { login: "alice", id: 2, type: "User" };
        r.labels.add("drift");
        r.issues.push({
            number: 2,
            title: "Drift on production",
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
        gh.gh.addWorkflowRun(OWNER, NAME, {
            workflowFile: "pr.yml",
            headSha: "a".repeat(40),
            createdAt: "2026-12-01T00:00:00Z",
            conclusion: "failure",
            jobs: [
                { name: "test", conclusion: "success" },
                { name: "plan (staging)", conclusion: "failure" },
            ],
        });
        // The repository's own workflows, each with the dispatch inputs its file declares.
        for (const file of WORKFLOWS) {
            const doc = parseYaml(fs.readFileSync(path.join(REPO_ROOT, file), "utf8")) as {
                name?: string;
                on?: Record<string, any>;
            };
            const dispatch =
                doc.on && "workflow_dispatch" in doc.on ? (doc.on.workflow_dispatch?.inputs ?? {}) : undefined;
            gh.gh.addWorkflow(OWNER, NAME, {
                name: doc.name ?? path.basename(file),
                path: file,
                dispatchInputs: dispatch,
            });
        }
        places.number = "1";
        await railway.ok(["link", "--project", projectId, "--environment", "production", "--service", "web"], {
            cwd: app,
        });
        const settled = Date.now() + 20_000;
        while ([...store.deployments.values()].some((d) => !TERMINAL.includes(store.status(d))) && Date.now() < settled)
            await new Promise((res) => setTimeout(res, 50));
    });
    after(async () => {
        await railway?.close();
        await gh?.close();
    });

    it("finds the commands to run (the runbooks give Railway's CLI and gh commands)", () => {
        assert.ok(documented.filter((c) => c.startsWith("railway ")).length >= 6, documented.join("\n"));
        assert.ok(documented.filter((c) => c.startsWith("gh ")).length >= 10, documented.join("\n"));
    });

    it("every documented command has a check here", () => {
        const unchecked = documented.filter((c) => !checks.some((k) => k.command.test(shape(c))));
        assert.deepStrictEqual(unchecked, [], "a documented command nobody ran: add its check to this file");
    });

    // In the order a person meets them: the checks are ordered, each documented line run once.
    for (const check of checks) {
        it(`${check.command.source.replace(/^\^|\$$/g, "").replace(/\\/g, "")}`, async () => {
            const lines = documented.filter((c) => check.command.test(shape(c)));
            assert.ok(
                lines.length,
                "this check's command is documented nowhere: remove the check, or document the command",
            );
            check.prepare?.();
            for (const line of lines) await check.run(fill(line));
        });
    }
});
