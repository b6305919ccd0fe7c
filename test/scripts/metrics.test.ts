/**
 * Delivery metrics against the contract-checked fake GitHub, on a history whose figures are known
 * by construction (test/support/metrics-history.ts): every figure asserted exactly; conditional
 * requests; bad input and GitHub's refusals give a clear message and exit code, never a figure.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { metricsCommand, parseWhen } from "../../scripts/commands/metrics";
import { computeMetrics, Figure, MetricsResult, percentile } from "../../scripts/metrics/compute";
import { stringify } from "yaml";
import { FakeGitHub, startFakeGitHub } from "../../tools/fakes/github/server";
import { ManualClock, RailwayEmulator, startRailwayEmulator } from "../../tools/railway-emulator";
import { captureIO } from "../support/capture";
import { EXPECTED, seedHistory, WINDOW } from "../support/metrics-history";
import { stackDoc } from "../support/stack-files";

const TOKEN = "ghs_metricstoken0000000000000000000000";

describe("delivery metrics: the figures of a known history (fake GitHub)", function () {
    this.timeout(60_000);
    let gh: FakeGitHub;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "metrics-"));
    const gateDir = path.join(dir, "gate");
    let result: MetricsResult;
    const run = async (extra: string[] = [], env: NodeJS.ProcessEnv = {}) => {
        const io = captureIO();
        const code = await metricsCommand(
            [
                "--repo",
                "ainative/platform",
                "--since",
                WINDOW.since,
                "--until",
                WINDOW.until,
                "--gate-records",
                gateDir,
                "--cache",
                path.join(dir, "etags.json"),
                ...extra,
            ],
            io,
            dir,
            { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: gh.url, ...env },
            { now: () => WINDOW.now, githubRetryUnitMs: 1 },
        );
        return { code, io };
    };
    const figure = (stack: string, key: string): Figure =>
        (stack === "all" ? result.overall : result.stacks.find((s) => s.stack === stack)!.figures).find(
            (f) => f.key === key,
        )!;

    before(async () => {
        gh = await startFakeGitHub();
        gh.addToken(TOKEN, "", "installation");
        seedHistory(gh, gateDir);
        const { code, io } = await run(["--format", "json"]);
        assert.strictEqual(code, 0, io.all());
        result = JSON.parse(io.stdout.join("\n"));
    });
    after(() => gh.close());

    it("counts what is in the window only, reading past several pages of others' deployments", () => {
        assert.deepStrictEqual(result.counts, { ...EXPECTED.counts, inProgress: 0 });
        const pages = gh.requests
            .filter((r) => r.operationId === "repos/list-deployments" && /environment=production/.test(r.path))
            .map((r) => /[?&]page=(\d+)/.exec(r.path)![1]);
        assert.ok(pages.includes("3"), `read pages ${pages.join(",")}`);
    });

    it("staging: frequency, success rate, change failure rate, duration against the seed's 15 minutes", () => {
        const e = EXPECTED.staging;
        assert.strictEqual(figure("staging", "deploymentFrequency").value, e.deploymentFrequency);
        assert.deepStrictEqual(
            [
                figure("staging", "successRate").value,
                figure("staging", "successRate").records,
                figure("staging", "successRate").met,
            ],
            [e.successRate, e.records, false],
        );
        assert.strictEqual(figure("staging", "changeFailureRate").value, e.changeFailureRate);
        assert.deepStrictEqual(
            [figure("staging", "duration").value, figure("staging", "duration").met],
            [e.duration, true],
        );
        assert.strictEqual(figure("staging", "timeToRestore").value, null, "one restore is too few for a figure");
        assert.match(figure("staging", "timeToRestore").note!, /too few records \(1 of at least 3\)/);
    });

    it("production: restores after 3 minutes, 30 minutes and 2 hours; a rollback and a deployment that never finished count as failures", () => {
        const e = EXPECTED.production;
        assert.strictEqual(figure("production", "successRate").value, e.successRate);
        assert.strictEqual(figure("production", "changeFailureRate").value, e.changeFailureRate);
        const restore = figure("production", "timeToRestore");
        assert.deepStrictEqual(
            [restore.value, restore.detail!.median, restore.detail!.p90, restore.records, restore.met],
            [e.timeToRestore.mean, e.timeToRestore.median, e.timeToRestore.p90, e.timeToRestore.records, false],
        );
        const lead = figure("production", "leadTime");
        assert.deepStrictEqual([lead.value, lead.records, lead.met], [e.leadTime.median, e.leadTime.records, true]);
        const duration = figure("production", "duration");
        assert.deepStrictEqual(
            [duration.value, duration.records, duration.met],
            [e.duration.median, e.duration.records, true],
        );
        assert.strictEqual(figure("production", "deploymentFrequency").value, e.deploymentFrequency);
    });

    it("deployment rework rate: rollbacks and the first success after each break, over all deployments", () => {
        for (const stack of ["staging", "production"] as const) {
            const f = figure(stack, "reworkRate");
            const e = EXPECTED[stack].rework;
            assert.deepStrictEqual([f.value, f.detail], [e.rate, { rollbacks: e.rollbacks, fixes: e.fixes }], stack);
        }
        assert.deepStrictEqual(
            result.stacks.find((s) => s.stack === "production")!.weekly.map((w) => w.values.reworkRate),
            EXPECTED.production.rework.weekly,
        );
    });

    it("failures stopped before production: failed PR runs and staging failures against production's", () => {
        const f = figure("all", "caughtBeforeProduction");
        const e = EXPECTED.caughtBeforeProduction;
        assert.deepStrictEqual(
            [f.value, f.records, f.met, f.detail],
            [e.value, e.records, false, { prChecks: e.prChecks, staging: e.staging, production: e.production }],
        );
    });

    it("week by week: four Monday buckets, each week's own values", () => {
        const production = result.stacks.find((s) => s.stack === "production")!.weekly;
        assert.deepStrictEqual(
            production.map((w) => new Date(w.week).toISOString().slice(0, 10)),
            ["2026-10-05", "2026-10-12", "2026-10-19", "2026-10-26"],
        );
        // Week 1: P1 ok, P2 failed, P3 ok; week 2: P4 rolled back, P5 ok; week 3: P6 never finished, P7 ok; week 4: none.
        assert.deepStrictEqual(
            production.map((w) => w.values.successRate),
            [66.67, 50, 50, null],
        );
        assert.deepStrictEqual(
            production.map((w) => w.values.timeToRestore),
            [3, 120, 30, null],
        );
    });

    it("a second run asks GitHub conditionally: the same figures, answered 304 from the ETag cache", async () => {
        const before = gh.notModified;
        const again = await run(["--format", "json"]);
        assert.strictEqual(again.code, 0);
        assert.deepStrictEqual(JSON.parse(again.io.stdout.join("\n")), result);
        assert.ok(gh.notModified - before > 10, `${gh.notModified - before} answered 304`);
        assert.match(again.io.stderr.join("\n"), /answered 304 Not Modified from the cache/);
    });

    it("text and markdown say each figure against its target, with its record count", async () => {
        const text = (await run([])).io.stdout.join("\n");
        assert.match(
            text,
            /production\s+Deployment success rate\s+57\.14%\s+>= 99% \(seed\)\s+NOT met\s+\[7 records\]/,
        );
        const md = (await run(["--format", "markdown"])).io.stdout.join("\n");
        assert.match(
            md,
            /\| production \| Time to restore \(mean\) \| 51 min \| &lt; 5 min \(seed \(mean time to recovery\)\) \| ❌ \| 3 \|/,
        );
    });
});

describe("delivery metrics: Railway's own history of rollbacks (Railway emulator)", function () {
    this.timeout(60_000);
    let gh: FakeGitHub;
    let emu: RailwayEmulator;
    let projectId: string;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "metrics-railway-"));
    const savedToken = process.env.RAILWAY_API_TOKEN;
    const DAY_MS = 24 * 3_600_000;
    const T0 = Date.parse(`${WINDOW.since}T00:00:00Z`);

    before(async () => {
        gh = await startFakeGitHub();
        gh.addToken(TOKEN, "", "installation");
        seedHistory(gh, path.join(dir, "production-gate-records"));
        // The gate's own record of the same staging rollback, a minute after Railway's: one rollback.
        fs.mkdirSync(path.join(dir, "gate"));
        fs.writeFileSync(
            path.join(dir, "gate", "web.json"),
            JSON.stringify({
                version: 1,
                stack: "staging",
                service: "web",
                decision: "rolled-back",
                finishedAt: new Date(T0 + DAY_MS + 21 * 60_000).toISOString(),
            }),
        );
        // Staging's first deployment succeeded on GitHub at day 1 + 4 min; someone rolled it back on
        // Railway (not through the gate) at day 1 + 20 min, before the next staging deployment.
        const clock = new ManualClock(T0 + DAY_MS + 10 * 60_000);
        emu = await startRailwayEmulator({ clock, deployStageMs: 1000 });
        process.env.RAILWAY_API_TOKEN = emu.token;
        const doc = stackDoc("staging");
        const railway = doc.config["ainative-platform:railway"] as {
            apiUrl?: string;
            environment: string;
            services: { name: string; kind?: string }[];
        };
        railway.apiUrl = emu.apiUrl;
        fs.writeFileSync(path.join(dir, "Pulumi.staging.yaml"), stringify(doc));
        const project = emu.store.createProject({
            name: "ainative-staging",
            defaultEnvironmentName: railway.environment,
        });
        projectId = project.id;
        const environment = emu.store.liveEnvironments(project.id)[0];
        for (const svc of railway.services) {
            const rec = emu.store.createService({ projectId: project.id, name: svc.name });
            emu.store.updateInstance(rec.id, environment.id, { source: { image: `ghcr.io/ainative/${svc.name}:1` } });
            const [previous] = emu.store.seedHistory(rec.id, environment.id, 2);
            if (svc.name === "web") {
                clock.advance(10 * 60_000);
                emu.store.rollback(previous.id);
            }
        }
    });
    after(async () => {
        if (savedToken === undefined) delete process.env.RAILWAY_API_TOKEN;
        else process.env.RAILWAY_API_TOKEN = savedToken;
        gh.close();
        await emu.close();
    });

    const runStaging = async (railway: string, extra: string[] = []) => {
        const io = captureIO();
        const argv = [
            "--repo",
            "ainative/platform",
            "--since",
            WINDOW.since,
            "--until",
            WINDOW.until,
            "--stack",
            "staging",
            "--railway",
            railway,
            "--cache",
            path.join(dir, "etags.json"),
        ];
        const code = await metricsCommand(
            [...argv, ...extra],
            io,
            dir,
            { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: gh.url },
            { now: () => WINDOW.now, githubRetryUnitMs: 1 },
        );
        return { code, io };
    };

    it("a rollback made on Railway is a change failure of the deployment it followed, restored by the next success", async () => {
        const { code, io } = await runStaging(`staging=${projectId}`, ["--gate-records", "gate", "--format", "json"]);
        assert.strictEqual(code, 0, io.all());
        const result: MetricsResult = JSON.parse(io.stdout.join("\n"));
        const staging = result.stacks.find((s) => s.stack === "staging")!.figures;
        const f = (key: string) => staging.find((x) => x.key === key)!;
        // Without Railway: 6 of 7 succeeded. With the rollback: 5 of 7, and 2 of 7 changes failed.
        assert.deepStrictEqual([f("successRate").value, f("changeFailureRate").value], [71.43, 28.57]);
        // Two breaks now (the rollback at day 1 + 20 min, the failure at day 4 + 5 min): still too few for a figure.
        assert.deepStrictEqual([f("timeToRestore").value, f("timeToRestore").records], [null, 2]);
        assert.strictEqual(result.counts.rollbacks, 1, "the gate's record and Railway's of the same rollback are one");
        const reads = emu.log.filter((l) => l.operationName === "Deployments").length;
        assert.ok(reads >= 1, "Railway's deployments were read");
    });

    it("a project Railway does not know: exit 1 naming the stack, no figure", async () => {
        const { code, io } = await runStaging("staging=no-such-project");
        assert.strictEqual(code, 1);
        assert.match(io.stderr.join("\n"), /could not read staging's Railway deployments: .*not found/i);
        assert.deepStrictEqual(io.stdout, []);
    });
});

describe("delivery metrics: bad input and refusals, never a made-up figure", function () {
    this.timeout(30_000);
    let gh: FakeGitHub;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "metrics-bad-"));
    before(async () => {
        gh = await startFakeGitHub();
        gh.addToken(TOKEN, "", "installation");
        gh.repo("ainative", "empty");
    });
    after(() => gh.close());
    const run = async (argv: string[], env: NodeJS.ProcessEnv = { GITHUB_TOKEN: TOKEN }) => {
        const io = captureIO();
        const code = await metricsCommand(
            argv,
            io,
            dir,
            { GITHUB_API_URL: gh.url, ...env },
            { now: () => WINDOW.now, githubRetryUnitMs: 1 },
        );
        return { code, io };
    };

    it("a repository with no deployments: exit 1 and what to check", async () => {
        const r = await run(["--repo", "ainative/empty"]);
        assert.strictEqual(r.code, 1);
        assert.match(
            r.io.stderr.join("\n"),
            /no deployments recorded by the deploy workflow \(task deploy:pulumi\) in ainative\/empty/,
        );
        assert.deepStrictEqual(r.io.stdout, []);
    });

    it("a token GitHub refuses, a repository it cannot see", async () => {
        const bad = await run(["--repo", "ainative/empty"], {
            GITHUB_TOKEN: "ghs_wrong00000000000000000000000000000000",
        });
        assert.strictEqual(bad.code, 1);
        assert.match(bad.io.stderr.join("\n"), /GitHub refused the token \(401 Bad credentials\)/);
        const hidden = await run(["--repo", "ainative/secret-project"]);
        assert.strictEqual(hidden.code, 1);
        assert.match(
            hidden.io.stderr.join("\n"),
            /404 for ainative\/secret-project: it does not exist, or the token cannot read it/,
        );
    });

    it("a spent rate limit says until when, and gives no figure", async () => {
        const reset = Math.floor(Date.now() / 1000) + 3600;
        gh.faults.push({
            operationId: "repos/list-deployments",
            status: 403,
            headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) },
            body: { message: "API rate limit exceeded" },
            times: 5,
        });
        const r = await run(["--repo", "ainative/empty"]);
        gh.faults.splice(0);
        assert.strictEqual(r.code, 1);
        assert.match(
            r.io.stderr.join("\n"),
            new RegExp(
                `rate limit for this token is spent until ${new Date(reset * 1000).toISOString().slice(11, 16)} UTC`,
            ),
        );
        assert.deepStrictEqual(r.io.stdout, []);
    });

    it("usage errors name the flag", async () => {
        for (const [argv, message] of [
            [[], /required option '--repo <owner\/name>' not specified/],
            [["--repo", "ainative/empty", "--since", "last month"], /--since must be a date/],
            [
                ["--repo", "ainative/empty", "--since", "2026-11-01", "--until", "2026-10-01"],
                /--since must be before --until/,
            ],
            [
                ["--repo", "ainative/empty", "--format", "pdf"],
                /argument 'pdf' is invalid\. Allowed choices are text, markdown, json, html/,
            ],
            [["--repo", "ainative/empty", "--railway", "production"], /--railway must be <stack>=<projectId>/],
            [["--repo", "ainative/empty", "--gate-records", "nowhere"], /--gate-records nowhere: no such folder/],
        ] as const) {
            const r = await run([...argv]);
            assert.strictEqual(r.code, 2, argv.join(" "));
            assert.match(r.io.stderr.join("\n"), message);
        }
        assert.strictEqual((await run(["--repo", "ainative/empty"], {})).code, 2, "no GITHUB_TOKEN");
    });
});

describe("delivery metrics: the arithmetic", () => {
    it("percentiles are nearest-rank; spans and dates parse", () => {
        assert.strictEqual(percentile([3, 30, 120], 50), 30);
        assert.strictEqual(percentile([3, 30, 120], 90), 120);
        assert.strictEqual(percentile([], 50), null);
        const now = Date.parse("2026-11-27T00:00:00Z");
        assert.strictEqual(parseWhen("30d", now), Date.parse("2026-10-28T00:00:00Z"));
        assert.strictEqual(parseWhen("2w", now), Date.parse("2026-11-13T00:00:00Z"));
        assert.strictEqual(parseWhen("2026-11-01", now), Date.parse("2026-11-01T00:00:00Z"));
        assert.strictEqual(parseWhen("yesterday", now), undefined);
    });

    it("a deployment still in progress is in no figure; a young one without a final status is not a failure", () => {
        const now = Date.parse("2026-11-27T12:00:00Z");
        const r = computeMetrics({
            since: now - 86_400_000,
            until: now,
            now,
            stacks: ["production"],
            deployments: [
                {
                    id: 1,
                    environment: "production",
                    sha: "a",
                    createdAt: now - 600_000,
                    statuses: [{ state: "in_progress", at: now - 600_000 }],
                },
            ],
            commitTimes: new Map(),
            prRuns: [],
            rollbacks: [],
        });
        assert.strictEqual(r.counts.inProgress, 1);
        assert.strictEqual(r.stacks[0].figures.find((f) => f.key === "successRate")!.records, 0);
    });
});
