/**
 * Drift detection on the recorded engine output (test/fixtures/pulumi/refresh-*.json) and on a
 * synthetic production refresh, with the contract-checked fakes of GitHub, PagerDuty and Slack:
 * classification, exit codes, "never a false clean", and notifications exactly once per change.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { syntheticRefresh } from "../../bench/synthetic";
import { RESOURCE_TYPES } from "../../config/resource-types";
import { driftCommand, DriftDeps } from "../../scripts/commands/drift";
import { classifyRefresh } from "../../scripts/drift/classify";
import { driftMarker } from "../../scripts/drift/report";
import { parseDigest, parseEvents } from "../../scripts/engine/output";
import { captureIO } from "../support/capture";
import { FakeGitHub, startFakeGitHub } from "../../tools/fakes/github/server";
import { FakePagerDuty, startFakePagerDuty } from "../../tools/fakes/pagerduty-events";
import { FakeSlack, startFakeSlack } from "../../tools/fakes/slack";
import { RailwayEmulator, startRailwayEmulator } from "../../tools/railway-emulator";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const FIXTURES = path.join(REPO_ROOT, "test", "fixtures", "pulumi");
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), "utf8");
const PLANTED = Object.values(JSON.parse(fixture("MANIFEST.json")).plantedSecrets as Record<string, string>);
const DEPS: DriftDeps = { now: () => new Date("2026-11-27T06:00:00Z"), post: { unitMs: 1 }, githubRetryUnitMs: 1 };

describe("drift: classifying a real refresh", () => {
    it("names each drifted resource with its property paths from the event log", () => {
        const v = classifyRefresh(
            parseDigest(fixture("refresh-drift.json")),
            parseEvents(fixture("refresh-drift.events.ndjson")),
        );
        assert.strictEqual(v.project, "ainative-platform");
        assert.strictEqual(v.stack, "local");
        const seen = v.drifted.map((d) => `${d.kind} ${d.type.split(":").pop()} ${d.name} ${d.paths.join(",")}`).sort();
        assert.deepStrictEqual(seen, [
            "changed ServiceInstance platform-postgres startCommand",
            "changed Variables platform-web variables.NODE_ENV",
            "deleted Service platform-redis ",
            "deleted ServiceInstance platform-redis ",
            "deleted Variables platform-redis ",
        ]);
        assert.strictEqual(v.unidentified, 0);
    });

    it("from the digest alone it names the deletions and counts the rest as not identified, never as clean", () => {
        const v = classifyRefresh(parseDigest(fixture("refresh-drift.json")));
        assert.strictEqual(v.drifted.length, 3);
        assert.ok(v.drifted.every((d) => d.kind === "deleted"));
        assert.strictEqual(v.unidentified, 2, "the two updates the digest counts but does not name");
    });

    it("a variable set whose secret half drifted names that half (values never compared or shown)", () => {
        const events = parseEvents(fixture("refresh-drift.events.ndjson"));
        // The recorded web variables event, with the plain half back as it was: only the secret half differs.
        const web = events.find((e) =>
            e.resOutputsEvent?.metadata?.urn?.endsWith("railway:index:Variables::platform-web"),
        )!;
        const meta = web.resOutputsEvent.metadata;
        meta.new.outputs.variables = meta.old.outputs.variables;
        const v = classifyRefresh(parseDigest(fixture("refresh-drift.json")), events);
        const drifted = v.drifted.find((d) => d.name === "platform-web" && d.type.endsWith("Variables"))!;
        assert.deepStrictEqual(drifted.paths, ["secretVariables (secret: values not compared)"]);
    });

    it("a refresh with nothing drifted is clean", () => {
        const v = classifyRefresh(
            parseDigest(fixture("refresh-clean.json")),
            parseEvents(fixture("refresh-clean.events.ndjson")),
        );
        assert.deepStrictEqual(v.drifted, []);
        assert.strictEqual(v.unidentified, 0);
        assert.ok(v.checked > 10);
    });
});

describe("drift: the command's verdicts and exit codes", () => {
    const run = async (argv: string[], env: NodeJS.ProcessEnv = {}) => {
        const io = captureIO();
        const code = await driftCommand(argv, io, REPO_ROOT, env, DEPS);
        return { code, io };
    };
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "drift-"));

    it("exit 7 on drift, with the text report on stdout", async () => {
        const { code, io } = await run([
            "--stack",
            "local",
            "--refresh-json",
            path.join(FIXTURES, "refresh-drift.json"),
            "--events",
            path.join(FIXTURES, "refresh-drift.events.ndjson"),
        ]);
        assert.strictEqual(code, 7, io.all());
        assert.match(io.stdout.join("\n"), /^ainative-platform\/local drifted: 2 changed, 3 deleted/);
        assert.match(
            io.stdout.join("\n"),
            /~ railway:Variables platform-web: changed outside Pulumi \[variables\.NODE_ENV\]/,
        );
        assert.match(io.stdout.join("\n"), /unmanaged resources not checked: no Railway credentials/);
    });

    it("exit 0 when clean; JSON format carries the verdict", async () => {
        const { code, io } = await run([
            "--stack",
            "local",
            "--refresh-json",
            path.join(FIXTURES, "refresh-clean.json"),
            "--events",
            path.join(FIXTURES, "refresh-clean.events.ndjson"),
            "--format",
            "json",
        ]);
        assert.strictEqual(code, 0, io.all());
        const report = JSON.parse(io.stdout.join("\n"));
        assert.strictEqual(report.status, "clean");
        assert.deepStrictEqual(report.unmanaged, {
            status: "skipped",
            reason: "no Railway credentials (RAILWAY_API_TOKEN or RAILWAY_TOKEN)",
        });
    });

    it("exit 1, never clean, when the refresh cannot be read or the engine is missing", async () => {
        fs.writeFileSync(path.join(tmp, "empty.json"), "");
        const empty = await run(["--stack", "local", "--refresh-json", path.join(tmp, "empty.json")]);
        assert.strictEqual(empty.code, 1);
        assert.match(empty.io.stdout.join("\n"), /could not decide whether .*local drifted/);
        const noEngine = await run(["--stack", "local"], { PATH: "/nonexistent" });
        assert.strictEqual(noEngine.code, 1);
        assert.match(noEngine.io.stdout.join("\n"), /pulumi is not on PATH/);
    });

    it("usage errors are exit 2", async () => {
        assert.strictEqual((await run([])).code, 2);
        assert.strictEqual((await run(["--stack", "local", "--format", "yaml"])).code, 2);
        assert.strictEqual((await run(["--stack", "local", "--events", "x"])).code, 2);
        assert.strictEqual((await run(["--stack", "local", "--refresh-json", "missing.json"])).code, 2);
        const wrongStack = await run([
            "--stack",
            "production",
            "--refresh-json",
            path.join(FIXTURES, "refresh-drift.json"),
        ]);
        assert.strictEqual(wrongStack.code, 2);
        assert.match(wrongStack.io.stderr.join("\n"), /the refresh is stack 'local''s, not 'production''s/);
        const noToken = await run([
            "--stack",
            "local",
            "--refresh-json",
            path.join(FIXTURES, "refresh-drift.json"),
            "--repo",
            "ainative/platform",
        ]);
        assert.strictEqual(noToken.code, 2);
        assert.match(noToken.io.stderr.join("\n"), /GITHUB_TOKEN is not set/);
    });
});

describe("drift: one issue, one incident, one message per change (fakes of GitHub, PagerDuty, Slack)", function () {
    this.timeout(60_000);
    let gh: FakeGitHub;
    let pd: FakePagerDuty;
    let slack: FakeSlack;
    const TOKEN = "ghs_drifttoken0000000000000000000000000";
    const ROUTING_KEY = "R0UT1NGKEY0000000000000000000001";
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "drift-alerts-"));
    before(async () => {
        [gh, pd, slack] = await Promise.all([startFakeGitHub(), startFakePagerDuty(), startFakeSlack()]);
        gh.addToken(TOKEN, "drift-bot");
        gh.repo("ainative", "platform");
    });
    after(() => Promise.all([gh?.close(), pd?.close(), slack?.close()]));

    const env = (): NodeJS.ProcessEnv => ({
        GITHUB_TOKEN: TOKEN,
        GITHUB_API_URL: gh.url,
        PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
        PAGERDUTY_EVENTS_URL: pd.eventsUrl,
        SLACK_WEBHOOK_URL: slack.webhookUrl,
    });
    const write = (name: string, value: unknown) => {
        const file = path.join(tmp, name);
        fs.writeFileSync(file, typeof value === "string" ? value : JSON.stringify(value));
        return file;
    };
    const drift = async (stack: string, refresh: string, events?: string) => {
        const io = captureIO();
        const code = await driftCommand(
            [
                "--stack",
                stack,
                "--refresh-json",
                refresh,
                ...(events ? ["--events", events] : []),
                "--repo",
                "ainative/platform",
            ],
            io,
            REPO_ROOT,
            env(),
            DEPS,
        );
        return { code, io };
    };
    const openIssues = () =>
        gh.repo("ainative", "platform").issues.filter((i) => i.state === "open" && i.labels.includes("drift"));

    it("ten runs over the same production drift: one open issue, one incident, one Slack message", async () => {
        const { digest, events } = syntheticRefresh(400, { stack: "production" });
        const refresh = write("prod-refresh.json", digest);
        const log = write("prod-refresh.events.ndjson", events.map((e) => JSON.stringify(e)).join("\n"));
        for (let i = 0; i < 10; i++) {
            const { code, io } = await drift("production", refresh, log);
            assert.strictEqual(code, 7, io.all());
        }
        assert.strictEqual(openIssues().length, 1);
        const issue = openIssues()[0];
        assert.match(issue.title, /Drift: ainative-platform\/production differs from its code/);
        assert.ok(issue.body.includes(driftMarker("ainative-platform", "production")));
        assert.match(issue.body, /<code>variables\.NODE&#95;ENV<\/code>/);
        assert.strictEqual(pd.incidents.length, 1);
        assert.strictEqual(pd.incidents[0].dedupKey, "drift/ainative-platform/production");
        assert.strictEqual(pd.incidents[0].status, "triggered");
        assert.ok(
            pd.events.every((e) => e.status === 202),
            JSON.stringify(pd.events.filter((e) => e.status !== 202)),
        );
        assert.strictEqual(slack.messages.length, 1);
        assert.deepStrictEqual(slack.refused, []);
        assert.match(slack.messages[0].text!, /Drift in ainative\/platform · ainative-platform\/production/);
    });

    it("a changed drift set updates the issue and tells Slack once more; PagerDuty keeps its one incident", async () => {
        // 200 more resources: two more drifted (one changed, one deleted).
        const { digest, events } = syntheticRefresh(600, { stack: "production" });
        const refresh = write("prod-refresh-2.json", digest);
        const log = write("prod-refresh-2.events.ndjson", events.map((e) => JSON.stringify(e)).join("\n"));
        for (let i = 0; i < 3; i++) assert.strictEqual((await drift("production", refresh, log)).code, 7);
        assert.strictEqual(openIssues().length, 1);
        assert.strictEqual(slack.messages.length, 2);
        assert.strictEqual(pd.incidents.length, 1);
    });

    it("a clean run comments on and closes the issue, resolves the incident, tells Slack once", async () => {
        const { digest, events } = syntheticRefresh(400, { stack: "production" });
        for (const s of digest.steps!) s.op = "refresh";
        digest.changeSummary = { same: 400 };
        const cleanEvents = events.map((e) =>
            e.resOutputsEvent
                ? {
                      ...e,
                      resOutputsEvent: {
                          ...e.resOutputsEvent,
                          metadata: { ...e.resOutputsEvent.metadata, op: "same" },
                      },
                  }
                : e,
        );
        const refresh = write("prod-clean.json", digest);
        const log = write("prod-clean.events.ndjson", cleanEvents.map((e) => JSON.stringify(e)).join("\n"));
        for (let i = 0; i < 3; i++) assert.strictEqual((await drift("production", refresh, log)).code, 0);
        assert.strictEqual(openIssues().length, 0);
        const closed = gh.repo("ainative", "platform").issues.find((i) => i.labels.includes("drift"))!;
        assert.strictEqual(closed.state, "closed");
        assert.match(closed.comments.at(-1)!.body, /No drift as of 2026-11-27T06:00:00.000Z/);
        assert.strictEqual(pd.incidents[0].status, "resolved");
        assert.strictEqual(slack.messages.length, 3);
        assert.match(slack.messages[2].text!, /Drift resolved/);
    });

    it("staging (and local) drift never pages, but still gets its issue", async () => {
        const before = pd.events.length;
        const { code, io } = await drift(
            "local",
            path.join(FIXTURES, "refresh-drift.json"),
            path.join(FIXTURES, "refresh-drift.events.ndjson"),
        );
        assert.strictEqual(code, 7);
        assert.match(io.stderr.join("\n"), /PagerDuty: skipped: only production pages/);
        assert.strictEqual(pd.events.length, before);
        assert.ok(openIssues().some((i) => i.body.includes(driftMarker("ainative-platform", "local"))));
    });

    it("no planted secret reaches an issue, an alert, a Slack message or the output", async () => {
        const { io } = await drift(
            "local",
            path.join(FIXTURES, "refresh-drift.json"),
            path.join(FIXTURES, "refresh-drift.events.ndjson"),
        );
        const everything = [
            io.all(),
            ...gh
                .repo("ainative", "platform")
                .issues.flatMap((i) => [i.title, i.body, ...i.comments.map((c) => c.body)]),
            // PagerDuty must receive the routing key; nothing else may carry it.
            ...pd.events.map((e) => JSON.stringify({ ...e.body, routing_key: undefined })),
            ...slack.messages.map((m) => JSON.stringify(m)),
        ].join("\n");
        for (const secret of [...PLANTED, TOKEN, ROUTING_KEY, "fakewebhooksecret"])
            assert.ok(!everything.includes(secret), `found ${secret.slice(0, 6)}…`);
    });

    it("GitHub down does not turn drift into clean: exit 7, the failure reported", async () => {
        gh.faults.push({ operationId: "issues/list-for-repo", status: 502, times: 10 });
        const { code, io } = await drift(
            "local",
            path.join(FIXTURES, "refresh-drift.json"),
            path.join(FIXTURES, "refresh-drift.events.ndjson"),
        );
        gh.faults.splice(0);
        assert.strictEqual(code, 7);
        assert.match(io.stderr.join("\n"), /GitHub issue: failed: HTTP 502/);
    });

    it("PagerDuty's 429 is waited out; the event still arrives once", async () => {
        const before = pd.incidents.length;
        pd.faults.push(429);
        const { digest, events } = syntheticRefresh(400, { stack: "production" });
        const { code, io } = await drift(
            "production",
            write("p3.json", digest),
            write("p3.events.ndjson", events.map((e) => JSON.stringify(e)).join("\n")),
        );
        assert.strictEqual(code, 7);
        assert.match(io.stderr.join("\n"), /PagerDuty: sent trigger/);
        assert.strictEqual(pd.incidents.length, before + 1, "a new incident after the earlier one was resolved");
    });
});

describe("drift: Railway resources the stack does not manage (Railway emulator)", function () {
    this.timeout(30_000);
    let emu: RailwayEmulator;
    const saved = { api: process.env.RAILWAY_API_TOKEN, project: process.env.RAILWAY_TOKEN };
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "drift-unmanaged-"));
    before(async () => {
        // Small pages: the listing must follow every page, as Railway caps them.
        emu = await startRailwayEmulator({ maxPageSize: 2 });
        process.env.RAILWAY_API_TOKEN = emu.token;
        delete process.env.RAILWAY_TOKEN;
    });
    after(async () => {
        await emu?.close();
        if (saved.api === undefined) delete process.env.RAILWAY_API_TOKEN;
        else process.env.RAILWAY_API_TOKEN = saved.api;
        if (saved.project !== undefined) process.env.RAILWAY_TOKEN = saved.project;
    });

    /** A clean refresh of a stack that manages `managed` (services) in the project's environment. */
    function stackRefresh(projectId: string, environmentId: string, managed: { id: string; type: string }[]) {
        const urn = (type: string, name: string) =>
            `urn:pulumi:local::ainative-platform::ainative:railway:RailwayApp$${type}::${name}`;
        const outputs = { apiUrl: emu.apiUrl, projectId, environmentId };
        const steps = [
            {
                op: "refresh",
                urn: urn(RESOURCE_TYPES.project, "platform"),
                oldState: { type: RESOURCE_TYPES.project, id: projectId, outputs: { apiUrl: emu.apiUrl } },
            },
            {
                op: "refresh",
                urn: urn(RESOURCE_TYPES.environment, "platform-local"),
                oldState: {
                    type: RESOURCE_TYPES.environment,
                    id: environmentId,
                    outputs: { ...outputs, environmentId },
                },
            },
            ...managed.map((m, i) => ({
                op: "refresh",
                urn: urn(m.type, `r${i}`),
                oldState: { type: m.type, id: m.id, outputs },
            })),
        ];
        return { steps, changeSummary: { same: steps.length } };
    }

    it("lists services, volumes and domains in the stack's environment that no resource manages; exit 7 on an otherwise clean refresh", async () => {
        const store = emu.store;
        const project = store.createProject({ name: "ainative-platform-local", defaultEnvironmentName: "local" });
        const env = store.liveEnvironments(project.id)[0];
        const web = store.createService({ projectId: project.id, name: "web", environmentId: env.id });
        const db = store.createService({ projectId: project.id, name: "postgres", environmentId: env.id });
        const volume = store.createVolume({
            projectId: project.id,
            environmentId: env.id,
            serviceId: db.id,
            mountPath: "/data",
        });
        const handMade = store.createService({ projectId: project.id, name: "hand-made", environmentId: env.id });
        const strayVolume = store.createVolume({
            projectId: project.id,
            environmentId: env.id,
            serviceId: handMade.id,
            mountPath: "/scratch",
        });
        const domainId = "d-stray";
        store.domains.set(domainId, {
            id: domainId,
            projectId: project.id,
            environmentId: env.id,
            serviceId: web.id,
            domain: "web-stray.up.railway.app",
            custom: false,
            createdAt: store.now(),
        });
        const refresh = path.join(tmp, "refresh.json");
        fs.writeFileSync(
            refresh,
            JSON.stringify(
                stackRefresh(project.id, env.id, [
                    { id: web.id, type: RESOURCE_TYPES.service },
                    { id: db.id, type: RESOURCE_TYPES.service },
                    { id: volume.id, type: RESOURCE_TYPES.volume },
                ]),
            ),
        );
        const io = captureIO();
        const code = await driftCommand(
            ["--stack", "local", "--refresh-json", refresh, "--format", "json"],
            io,
            REPO_ROOT,
            { RAILWAY_API_TOKEN: emu.token },
            DEPS,
        );
        assert.strictEqual(code, 7, io.all());
        const report = JSON.parse(io.stdout.join("\n"));
        assert.deepStrictEqual(report.drifted, []);
        assert.strictEqual(report.unmanaged.status, "checked");
        assert.deepStrictEqual(
            report.unmanaged.resources
                .map((u: { kind: string; id: string; name: string }) => `${u.kind} ${u.id} ${u.name}`)
                .sort(),
            [
                `domain ${domainId} web-stray.up.railway.app`,
                `service ${handMade.id} hand-made`,
                `volume ${strayVolume.id} /scratch on hand-made`,
            ].sort(),
        );
    });

    it("when Railway refuses to answer, a clean refresh is 'could not decide' (exit 1), not clean", async () => {
        const project = emu.store.createProject({ name: "other", defaultEnvironmentName: "local" });
        const env = emu.store.liveEnvironments(project.id)[0];
        const refresh = path.join(tmp, "refresh-refused.json");
        fs.writeFileSync(refresh, JSON.stringify(stackRefresh(project.id, env.id, [])));
        const wrong = "planted-wrong-railway-token-5d1c";
        process.env.RAILWAY_API_TOKEN = wrong;
        const io = captureIO();
        try {
            const code = await driftCommand(
                ["--stack", "local", "--refresh-json", refresh, "--format", "json"],
                io,
                REPO_ROOT,
                { RAILWAY_API_TOKEN: wrong },
                DEPS,
            );
            assert.strictEqual(code, 1, io.all());
        } finally {
            process.env.RAILWAY_API_TOKEN = emu.token;
        }
        const report = JSON.parse(io.stdout.join("\n"));
        assert.strictEqual(report.status, "error");
        assert.strictEqual(report.unmanaged.status, "failed");
        assert.match(report.unmanaged.reason, /Not Authorized|not authorized|unauthori[sz]ed/i);
        assert.ok(!io.all().includes(wrong), "the Railway token was printed");
    });
});
