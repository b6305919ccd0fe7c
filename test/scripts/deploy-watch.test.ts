/**
 * `npm run deploy:watch` against the emulator, on one simulated clock shared with it: a push that
 * Railway deploys by itself and that fails its build is caught with its log (secrets cut out); a
 * good one settles healthy; nothing appearing, or a build still running at the timeout, is "could
 * not decide".
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { deployWatchCommand } from "../../scripts/commands/deploy-watch";
import { simulatedClock } from "../../scripts/gate/clock";
import { startFakeGitHub } from "../../tools/fakes/github/server";
import { startFakePagerDuty } from "../../tools/fakes/pagerduty-events";
import { startFakeSlack } from "../../tools/fakes/slack";
import { RailwayEmulator, startRailwayEmulator } from "../../tools/railway-emulator";
import { captureIO } from "../support/capture";
import { stackDoc } from "../support/stack-files";

const REPO = "ainative/platform";
const STAGE = 10_000;

describe("npm run deploy:watch", () => {
    const clock = simulatedClock(Date.UTC(2026, 11, 3, 12));
    let emu: RailwayEmulator;
    let dir: string;
    let env: NodeJS.ProcessEnv;
    let web: string;
    let environmentId: string;
    const savedToken = process.env.RAILWAY_API_TOKEN;

    before(async () => {
        emu = await startRailwayEmulator({ deployStageMs: STAGE, clock });
        // The command's own environment is its one source of credentials: this process's is wrong.
        process.env.RAILWAY_API_TOKEN = "not-the-command-s-token";
    });
    after(async () => {
        if (savedToken === undefined) delete process.env.RAILWAY_API_TOKEN;
        else process.env.RAILWAY_API_TOKEN = savedToken;
        await emu.close();
    });
    beforeEach(() => {
        emu.store.clear();
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "deploy-watch-"));
        const doc = stackDoc("local");
        const railway = doc.config["ainative-platform:railway"] as { apiUrl: string; environment: string };
        railway.apiUrl = emu.apiUrl;
        fs.writeFileSync(path.join(dir, "Pulumi.local.yaml"), stringify(doc));
        const project = emu.store.createProject({
            name: "ainative-local",
            defaultEnvironmentName: railway.environment,
        });
        environmentId = emu.store.liveEnvironments(project.id)[0].id;
        web = emu.store.createService({ projectId: project.id, name: "web" }).id;
        emu.store.updateInstance(web, environmentId, { source: { repo: REPO } });
        env = { RAILWAY_PROJECT_ID: project.id, RAILWAY_API_TOKEN: emu.token };
    });

    const watch = (args: string[]) => {
        const io = captureIO();
        return deployWatchCommand(["--stack", "local", "--service", "web", ...args], io, dir, env, clock).then(
            (code) => ({
                code,
                io,
                summary: code === 2 && !io.stdout.length ? undefined : JSON.parse(io.stdout.join("\n")),
            }),
        );
    };

    it("a push Railway deploys by itself that fails its build: exit 1, with the end of its build log, secrets cut out", async () => {
        const sha = "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2";
        emu.store.commitsOf(REPO, "main").push(sha);
        emu.nextDeployments("FAILED", 1, web);
        const d = emu.store.deploy(web, environmentId, "push", sha);
        emu.store.signals.addLogLines(d.id, "build", [
            { at: d.createdAt + 1, message: `curl -H "Authorization: Bearer ${emu.token}" registry`, severity: "info" },
        ]);
        const r = await watch(["--commit", sha.slice(0, 7), "--interval", "5"]);
        assert.equal(r.code, 1, r.io.all());
        assert.equal(r.summary.outcome, "failed");
        assert.equal(r.summary.deployments[0].commit, sha);
        assert.match(
            r.io.stderr.join("\n"),
            /web: deployment .* ended FAILED; the end of its build log: .*Build Failed/,
        );
        assert.ok(!r.io.all().includes(emu.token), "the token in the log is cut out");
    });

    it("a good deployment of the branch: followed until it settles, exit 0", async () => {
        emu.store.deploy(web, environmentId, "push");
        const r = await watch(["--branch", "main", "--interval", "5"]);
        assert.equal(r.code, 0, r.io.all());
        assert.equal(r.summary.outcome, "healthy");
        assert.deepEqual(
            r.summary.deployments.map((d: { status: string }) => d.status),
            ["SUCCESS"],
        );
        assert.match(r.io.stderr.join("\n"), /BUILDING[^]*SUCCESS/);
    });

    it("a push Railway holds for the commit's checks (Check Suites): not waited on, since the watcher is one of those checks (exit 0, held); once they pass it deploys and settles", async () => {
        const sha = "b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3";
        emu.store.setTrigger(web, environmentId, REPO, "main").checkSuites = true;
        const [held] = emu.store.push(REPO, "main", sha);
        const waiting = await watch(["--commit", sha.slice(0, 7), "--interval", "5", "--timeout", "1"]);
        assert.equal(waiting.code, 0, waiting.io.all());
        assert.equal(waiting.summary.outcome, "held");
        assert.match(waiting.summary.reason, /held by Railway until the commit's GitHub checks finish/);
        assert.equal(emu.store.status(held), "WAITING", "still held: the watcher did not wait it out");
        emu.store.checksConcluded(sha, true);
        const after = await watch(["--commit", sha.slice(0, 7), "--interval", "5"]);
        assert.equal(after.code, 0, after.io.all());
        assert.equal(after.summary.outcome, "healthy");
        assert.deepEqual(
            after.summary.deployments.map((d: { status: string }) => d.status),
            ["SUCCESS"],
        );
    });

    it("a held push whose checks fail is skipped by Railway, never deployed", async () => {
        const sha = "c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4";
        emu.store.setTrigger(web, environmentId, REPO, "main").checkSuites = true;
        const [held] = emu.store.push(REPO, "main", sha);
        emu.store.checksConcluded(sha, false);
        assert.equal(emu.store.status(held, Number.MAX_SAFE_INTEGER), "SKIPPED");
    });

    it("nothing appears, or a build still runs at the timeout: could not decide (exit 2)", async () => {
        const none = await watch(["--commit", "deadbeef", "--timeout", "1", "--interval", "10"]);
        assert.equal(none.code, 2);
        assert.match(none.summary.reason, /no matching deployment appeared within 60 s/);
        emu.store.deploy(web, environmentId, "push");
        const slow = await watch(["--timeout", "0.1", "--interval", "1"]);
        assert.equal(slow.code, 2, slow.io.all());
        assert.match(
            slow.summary.reason,
            /still running after 6 s: web .* \(BUILDING\)|still running after 6 s: web .* \(INITIALIZING\)/,
        );
    });

    it("--timeout bounds the whole command: a GitHub that never answers a report is 'could not decide', not a watcher left running", async () => {
        const sockets = new Set<import("net").Socket>();
        const silent = http.createServer(() => {
            // accepts every request and never answers it
        });
        silent.on("connection", (c) => sockets.add(c));
        await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
        try {
            const sha = "c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4";
            emu.store.commitsOf(REPO, "main").push(sha);
            emu.nextDeployments("CRASHED", 1, web);
            const d = emu.store.deploy(web, environmentId, "push", sha);
            emu.store.signals.addLogLines(d.id, "deploy", [
                { at: d.createdAt + 1, message: "x".repeat(1_000_000), severity: "error" },
            ]);
            const io = captureIO();
            const code = await deployWatchCommand(
                ["--stack", "local", "--service", "web", "--commit", sha, "--interval", "5", "--report"],
                io,
                dir,
                {
                    ...env,
                    GITHUB_TOKEN: "ghs_" + "0".repeat(36),
                    GITHUB_REPOSITORY: REPO,
                    GITHUB_API_URL: `http://127.0.0.1:${(silent.address() as import("net").AddressInfo).port}`,
                    GITHUB_SHA: sha,
                },
                clock,
                2_000,
            );
            assert.equal(code, 2, io.all());
            const record = JSON.parse(io.stdout.join("\n"));
            assert.equal(record.outcome, "undecided");
            assert.match(record.reason, /still unanswered: could not decide/);
            assert.ok(io.all().length < 20_000, "the megabyte line was printed");
        } finally {
            for (const c of sockets) c.destroy();
            await new Promise((r) => silent.close(r));
        }
    });

    it("--report: a failed push is told to the commit's status, Slack and PagerDuty where the stack pages, once; one the gate reported already is not told again", async () => {
        const [gh, slack, pd] = await Promise.all([startFakeGitHub(), startFakeSlack(), startFakePagerDuty()]);
        try {
            const token = ["ghs", "watchertoken000000000000000000000000"].join("_");
            gh.addToken(token, "", "installation");
            const sha = "b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3";
            gh.addCommit("ainative", "platform", sha, "2026-12-03T11:59:00Z");
            emu.store.commitsOf(REPO, "main").push(sha);
            const reportEnv = {
                ...env,
                GITHUB_TOKEN: token,
                GITHUB_REPOSITORY: "ainative/platform",
                GITHUB_API_URL: gh.url,
                GITHUB_SHA: sha,
                SLACK_WEBHOOK_URL: slack.webhookUrl,
                PAGERDUTY_ROUTING_KEY: "R0UT1NGKEYWATCH00000000000000001",
                PAGERDUTY_EVENTS_URL: pd.eventsUrl,
            };
            const editStack = (edit: (gate: Record<string, unknown>) => void) => {
                const file = path.join(dir, "Pulumi.local.yaml");
                const doc = parse(fs.readFileSync(file, "utf8"));
                doc.config["ainative-platform:gate"] ??= {};
                edit(doc.config["ainative-platform:gate"]);
                fs.writeFileSync(file, stringify(doc));
            };
            editStack((gate) => (gate.pageOnFailedDeployment = true));
            emu.nextDeployments("FAILED", 1, web);
            const first = emu.store.deploy(web, environmentId, "push", sha);
            // An app's log is hostile: credential-shaped lines, in the forms apps print them, and escapes.
            const leaked = ["hunter2pw", "tok_live_0a1b2c3d4e", "c2VjcmV0OnBhc3N3b3Jk", "apikey-77f1e2d3"];
            emu.store.signals.addLogLines(
                first.id,
                "build",
                [
                    `login failed: password ${leaked[0]}`,
                    `> Authorization: Bearer ${leaked[1]}`,
                    `curl -H "authorization: Basic ${leaked[2]}"`,
                    `\u001b[31mconfig {"api_key": "${leaked[3]}"}\u001b[0m`,
                ].map((message, i) => ({ at: first.createdAt + 1 + i, message, severity: "error" as const })),
            );
            const io = captureIO();
            const code = await deployWatchCommand(
                ["--stack", "local", "--service", "web", "--commit", sha, "--interval", "5", "--report"],
                io,
                dir,
                reportEnv,
                clock,
            );
            assert.equal(code, 1, io.all());
            const repo = gh.repo("ainative", "platform");
            assert.deepEqual(
                repo.statuses.map((x) => [x.state, x.context]),
                [["failure", "railway/local/web"]],
            );
            assert.match(repo.statuses[0].description!, new RegExp(`^FAILED ${first.id.slice(0, 8)}: Build Failed`));
            assert.equal(slack.messages.length, 1);
            assert.match(slack.messages[0].text!, /local\/web: deployment .* failed to build \(started by Railway\)/);
            assert.deepEqual(
                pd.events.map((e) => e.body.dedup_key),
                [`railway-deploy/local/web/${first.id}`],
            );
            assert.match(
                io.stderr.join("\n"),
                /told github \(skipped: .*GITHUB_DEPLOYMENT_ID.*\), commitStatus \(sent\), slack \(sent\), pagerduty \(sent\)/,
            );
            const everywhere = [
                io.all(),
                JSON.stringify(slack.messages),
                JSON.stringify(pd.events),
                JSON.stringify(repo.statuses),
            ].join("\n");
            for (const value of leaked) assert.ok(!everywhere.includes(value), `${value} left the run`);
            assert.ok(!everywhere.includes("\u001b") && !everywhere.includes("\\u001b"), "an escape left the run");
            assert.match(everywhere, /password \[redacted\]/);

            // The same deployment, watched again (a re-run, or the gate got there first): told nowhere twice.
            const again = captureIO();
            assert.equal(
                await deployWatchCommand(
                    ["--stack", "local", "--service", "web", "--commit", sha, "--interval", "5", "--report"],
                    again,
                    dir,
                    reportEnv,
                    clock,
                ),
                1,
            );
            assert.equal(repo.statuses.length, 1);
            assert.equal(slack.messages.length, 1);
            assert.equal(pd.events.length, 1);
            assert.match(again.stderr.join("\n"), /on the commit's status already/);

            // Without paging (the default off production): the other channels only.
            editStack((gate) => delete gate.pageOnFailedDeployment);
            clock.advance(60_000);
            emu.nextDeployments("CRASHED", 1, web);
            emu.store.deploy(web, environmentId, "push", sha);
            const crashed = captureIO();
            await deployWatchCommand(
                [
                    "--stack",
                    "local",
                    "--service",
                    "web",
                    "--commit",
                    sha,
                    "--since",
                    "0.5",
                    "--interval",
                    "5",
                    "--report",
                ],
                crashed,
                dir,
                reportEnv,
                clock,
            );
            assert.equal(slack.messages.length, 2, crashed.all());
            assert.match(JSON.stringify(slack.messages[1]), /Cannot find module/);
            assert.equal(pd.events.length, 1, "not paged");
            assert.match(crashed.stderr.join("\n"), /pagerduty \(skipped: this stack does not page/);
        } finally {
            await Promise.all([gh.close(), slack.close(), pd.close()]);
        }
    });

    it("--branch: follows the services that deploy from it; none does: nothing to follow (exit 0)", async () => {
        const io = captureIO();
        const code = await deployWatchCommand(["--stack", "local", "--branch", "release"], io, dir, env, clock);
        assert.equal(code, 0, io.all());
        assert.match(
            io.stderr.join("\n"),
            /no service of stack 'local' deploys from branch 'release': nothing to follow/,
        );
    });

    it("usage: a bad SHA, an unknown service", async () => {
        for (const [args, message] of [
            [["--commit", "not-a-sha"], /--commit must be a commit SHA/],
            [["--service", "api"], /has no service 'api'/],
        ] as const) {
            const r = await watch([...args]);
            assert.equal(r.code, 2, args.join(" "));
            assert.match(r.io.stderr.join("\n"), message);
        }
    });
});
