/**
 * The pure parts of team state: backend URLs as the engine reads them, which engine commands need a
 * stack's lease, which keys make a stack, and what to do with each create a dead runner left.
 */
import { strict as assert } from "assert";
import { backendKind, BackendUrlProblem, displayUrl, postgresTarget, s3Target } from "../../../scripts/state/backend";
import { stackKeys, stacksOf } from "../../../scripts/state/migrate";
import {
    decide,
    Fetch,
    githubApiBase,
    PendingCreate,
    sentryApiBase,
    settledDeployment,
} from "../../../scripts/state/pending-creates";
import { changesStack, stackOf } from "../../../scripts/state/stack-lease";
import { advisoryKey, currentHolder, describeHolder } from "../../../scripts/state/lease";
import { processAlive } from "../../../scripts/state/process-alive";
import { withBackendWorkarounds } from "../../../scripts/engine/engine";
import * as os from "os";
import * as path from "path";
import { spawn } from "child_process";
import * as fs from "fs";

describe("state backends: URLs as the engine reads them", () => {
    it("knows the three kinds, and refuses postgresql:// and others naming what to write", () => {
        assert.equal(backendKind("file://~/state"), "file");
        assert.equal(backendKind("postgres://u:p@h:5432/db"), "postgres");
        assert.equal(backendKind("s3://bucket/prefix?region=eu-west-1"), "s3");
        assert.throws(
            () => backendKind("postgresql://u:secret@h/db"),
            (e: Error) => {
                assert.ok(e instanceof BackendUrlProblem);
                assert.match(e.message, /postgres:\/\/ only/);
                assert.doesNotMatch(e.message, /secret/);
                return true;
            },
        );
        assert.throws(() => backendKind("azblob://x"), /file:\/\/<folder>, postgres:\/\/.*s3:\/\/bucket/);
    });

    it("hides a password wherever it prints a URL", () => {
        assert.equal(
            displayUrl("postgres://alice:hunter2@db:5432/state?table=t"),
            "postgres://alice:****@db:5432/state?table=t",
        );
        assert.equal(displayUrl("not a url://bob:pw@x"), "not a url://****@x");
    });

    it("reads the table and the database as a key folder from a postgres URL, as the engine does", () => {
        const t = postgresTarget("postgres://u:p@h:5432/state?sslmode=disable&table=team_state");
        assert.equal(t.table, "team_state");
        assert.equal(t.prefix, "state/");
        assert.doesNotMatch(t.connectionString, /table=/);
        assert.match(t.connectionString, /sslmode=disable/);
        assert.equal(postgresTarget("postgres://u@h/db").table, "pulumi_state");
        assert.throws(() => postgresTarget("postgres://u@h/db?table=x;drop table y"), /not a plain SQL name/);
    });

    it("reads bucket, prefix, endpoint and path style from an s3 URL with gocloud's parameters", () => {
        const t = s3Target(
            "s3://team-state/platform?endpoint=minio.internal:9000&disable_https=true&use_path_style=true&region=eu-west-1",
            {
                AWS_ACCESS_KEY_ID: "a",
                AWS_SECRET_ACCESS_KEY: "b",
            },
        );
        assert.deepEqual(
            [t.bucket, t.prefix, t.client.endpoint, t.client.forcePathStyle, t.client.region],
            ["team-state", "platform/", "http://minio.internal:9000", true, "eu-west-1"],
        );
        assert.equal(s3Target("s3://b", { AWS_REGION: "us-east-2" }).client.region, "us-east-2");
        assert.equal(s3Target("s3://b", {}).prefix, "");
        assert.equal(s3Target("s3://b", {}).client.credentials, undefined);
    });
});

describe("the engine's environment on a shared backend", () => {
    it("lists stacks one at a time on PostgreSQL (Pulumi's pool deadlocks otherwise), unless told, and leaves others alone", () => {
        const home = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-home-"));
        try {
            const pg = withBackendWorkarounds({ PULUMI_BACKEND_URL: "postgres://u@h/db", PULUMI_HOME: home });
            assert.equal(pg.PULUMI_DIY_BACKEND_PARALLEL, "1");
            const told = { PULUMI_BACKEND_URL: "postgres://u@h/db", PULUMI_DIY_BACKEND_PARALLEL: "3" };
            assert.equal(withBackendWorkarounds(told).PULUMI_DIY_BACKEND_PARALLEL, "3");
            for (const url of ["s3://b", "file:///tmp/x"])
                assert.equal(
                    withBackendWorkarounds({ PULUMI_BACKEND_URL: url, PULUMI_HOME: home }).PULUMI_DIY_BACKEND_PARALLEL,
                    undefined,
                );
            // `pulumi login postgres://…` leaves it in the credentials file instead of the environment.
            assert.equal(withBackendWorkarounds({ PULUMI_HOME: home }).PULUMI_DIY_BACKEND_PARALLEL, undefined);
            fs.writeFileSync(path.join(home, "credentials.json"), JSON.stringify({ current: "postgres://u@h/db" }));
            assert.equal(withBackendWorkarounds({ PULUMI_HOME: home }).PULUMI_DIY_BACKEND_PARALLEL, "1");
        } finally {
            fs.rmSync(home, { recursive: true, force: true });
        }
    });
});

describe("a lock holder's liveness", () => {
    it("calls a running process alive, and an exited one no one reaped (a zombie) dead", async () => {
        // A parent that forks a child which exits at once, and never waits for it: a zombie.
        const forkAndNeverWait =
            "import os, time\npid = os.fork()\nif pid == 0: raise SystemExit\nprint(pid, flush=True)\ntime.sleep(60)";
        const parent = spawn("python3", ["-c", forkAndNeverWait], { stdio: ["ignore", "pipe", "ignore"] });
        try {
            const zombie = Number(await new Promise<string>((r) => parent.stdout!.once("data", (d) => r(String(d)))));
            assert.ok(processAlive(parent.pid!), "a sleeping process is alive");
            const state = () => fs.readFileSync(`/proc/${zombie}/stat`, "utf8").split(") ")[1][0];
            const deadline = Date.now() + 30_000;
            while (state() !== "Z") {
                assert.ok(Date.now() < deadline, "the background child never exited");
                await new Promise((r) => setTimeout(r, 20));
            }
            assert.equal(processAlive(zombie), false);
        } finally {
            parent.kill("SIGKILL");
        }
        assert.equal(processAlive(2 ** 22 + 1), false, "a pid above Linux's limit is no process");
    });
});

describe("stack leases: which engine commands change a stack", () => {
    it("up, destroy, refresh, import, cancel, state edits and stack init/rm do; previews and reads do not", () => {
        for (const args of [
            ["up", "--stack", "s"],
            ["destroy", "-s", "s"],
            ["refresh", "--stack=s"],
            ["import", "x", "y", "z"],
            ["cancel", "--yes"],
            ["state", "delete", "urn"],
            ["stack", "init", "s"],
            ["stack", "rm", "s"],
        ])
            assert.equal(changesStack(args), true, args.join(" "));
        for (const args of [
            ["preview", "--stack", "s"],
            ["refresh", "--preview-only", "--stack", "s"],
            ["destroy", "--preview-only"],
            ["stack", "export", "--stack", "s"],
            ["stack", "output"],
            ["config", "set", "x", "y"],
        ])
            assert.equal(changesStack(args), false, args.join(" "));
    });

    it("finds the stack however it is named", () => {
        assert.equal(stackOf(["up", "--stack", "production"]), "production");
        assert.equal(stackOf(["up", "-s", "staging"]), "staging");
        assert.equal(stackOf(["up", "--stack=review-7"]), "review-7");
        assert.equal(stackOf(["stack", "init", "review-8"]), "review-8");
        assert.equal(stackOf(["stack", "rm", "--yes", "--stack", "review-9"]), "review-9");
        assert.equal(stackOf(["up", "--yes"]), undefined);
    });

    it("keys a PostgreSQL advisory lock per backend table and stack", () => {
        assert.equal(advisoryKey("t:web/production"), advisoryKey("t:web/production"));
        assert.notEqual(advisoryKey("t:web/production"), advisoryKey("t:web/staging"));
        assert.notEqual(advisoryKey("a:web/production"), advisoryKey("b:web/production"));
        assert.match(advisoryKey("x"), /^-?\d+$/);
    });

    it("names a CI holder by its run's URL, a person by user@host", () => {
        const ci = currentHolder("up --stack production", {
            GITHUB_RUN_ID: "99",
            GITHUB_REPOSITORY: "acme/web",
            GITHUB_SERVER_URL: "https://github.com",
            GITHUB_RUN_ATTEMPT: "2",
        });
        assert.equal(ci.who, "https://github.com/acme/web/actions/runs/99/attempts/2");
        assert.match(describeHolder(ci), /runs\/99\/attempts\/2 \(up --stack production, since \d{4}-\d\d-\d\dT/);
        assert.match(currentHolder("up", {}).who, /^[^@]+@.+$/);
    });
});

describe("state migration: which keys make a stack", () => {
    const all = [
        ".pulumi/meta.yaml",
        ".pulumi/stacks/web/production.json",
        ".pulumi/stacks/web/production.json.bak",
        ".pulumi/stacks/web/prod.json",
        ".pulumi/stacks/web/staging.json.gz",
        ".pulumi/stacks/other/production.json",
        ".pulumi/history/web/production/production-1.checkpoint.json",
        ".pulumi/history/web/production/production-1.history.json",
        ".pulumi/history/web/prod/prod-1.history.json",
        ".pulumi/backups/web/production/production.1.json",
        ".pulumi/locks/organization/web/production/abc.json",
    ];

    it("takes a stack's checkpoint, history and backups, never its locks nor a stack whose name starts the same", () => {
        assert.deepEqual(stackKeys(all, "web", "production"), [
            ".pulumi/stacks/web/production.json",
            ".pulumi/stacks/web/production.json.bak",
            ".pulumi/history/web/production/production-1.checkpoint.json",
            ".pulumi/history/web/production/production-1.history.json",
            ".pulumi/backups/web/production/production.1.json",
        ]);
    });

    it("lists a project's stacks from their checkpoints, compressed or not, not their backups", () => {
        assert.deepEqual(stacksOf(all, "web"), ["prod", "production", "staging"]);
        assert.deepEqual(stacksOf(all, "none"), []);
    });
});

describe("a dead runner's pending creates: import what the service has, clear what it has not", () => {
    const env = { GITHUB_TOKEN: "ght", GITHUB_OWNER: "acme", SENTRY_AUTH_TOKEN: "st", PAGERDUTY_TOKEN: "pdt" };
    /** A service that answers from a table of URL → [status, body], recording what it was asked. */
    const service = (answers: Record<string, [number, unknown]>) => {
        const asked: { url: string; headers: Record<string, string> }[] = [];
        const fetchFn: Fetch = async (url, init) => {
            asked.push({ url, headers: init.headers });
            const [status, body] = answers[url] ?? [404, {}];
            return { status, json: async () => body };
        };
        return { asked, fetchFn };
    };
    const op = (type: string, inputs: Record<string, unknown>, provider?: Record<string, unknown>): PendingCreate => ({
        urn: `urn:pulumi:production::web::${type}::x`,
        type,
        inputs,
        provider,
    });

    it("clears Railway resources, commands and Actions secrets without asking anyone", async () => {
        const { asked, fetchFn } = service({});
        for (const type of [
            "railway:index:Service",
            "command:local:Command",
            "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
        ])
            assert.equal((await decide(op(type, {}), env, fetchFn)).action, "clear", type);
        assert.equal(asked.length, 0);
    });

    it("asks Railway for a service's domains: one generated domain is imported, none cleared, two undecided", async () => {
        const asked: { url: string; init: Parameters<Fetch>[1] }[] = [];
        const railway =
            (serviceDomains: { id: string }[]): Fetch =>
            async (url, init) => {
                asked.push({ url, init });
                return {
                    status: 200,
                    json: async () => ({
                        data: { domains: { serviceDomains, customDomains: [{ id: "c1", domain: "app.acme.dev" }] } },
                    }),
                };
            };
        const ids = { projectId: "p", environmentId: "e", serviceId: "s", apiUrl: "http://127.0.0.1:1/graphql/v2" };
        const domain = op("railway:index:ServiceDomain", ids);
        const railwayEnv = { RAILWAY_API_TOKEN: "rwt" };
        assert.deepEqual(await decide(domain, railwayEnv, railway([{ id: "d1" }])), {
            urn: domain.urn,
            action: "import",
            id: "p:e:s:d1",
            why: "Railway-generated domain exists",
        });
        assert.equal(asked[0].url, ids.apiUrl);
        assert.equal(asked[0].init.method, "POST");
        assert.equal(asked[0].init.headers.authorization, "Bearer rwt");
        assert.deepEqual(JSON.parse(asked[0].init.body!).variables, {
            projectId: "p",
            environmentId: "e",
            serviceId: "s",
        });
        assert.equal((await decide(domain, railwayEnv, railway([]))).action, "clear");
        assert.equal((await decide(domain, railwayEnv, railway([{ id: "d1" }, { id: "d2" }]))).action, "undecided");
        const custom = op("railway:index:CustomDomain", { ...ids, domain: "app.acme.dev" });
        assert.equal((await decide(custom, { RAILWAY_TOKEN: "pt" }, railway([]))).action, "import");
        assert.equal(asked.at(-1)!.init.headers["project-access-token"], "pt");
        const both = await decide(domain, { RAILWAY_API_TOKEN: "a", RAILWAY_TOKEN: "b" }, railway([]));
        assert.match(both.why, /one of RAILWAY_API_TOKEN or RAILWAY_TOKEN/);
        assert.equal((await decide(domain, {}, railway([]))).action, "undecided");
    });

    it("imports a GitHub environment that exists, by repo:environment, asking the provider's Enterprise host", async () => {
        const { asked, fetchFn } = service({
            "https://ghe.acme.dev/api/v3/repos/acme/web/environments/production": [200, { name: "production" }],
        });
        const d = await decide(
            op(
                "github:index/repositoryEnvironment:RepositoryEnvironment",
                { repository: "web", environment: "production" },
                { baseUrl: "https://ghe.acme.dev/" },
            ),
            env,
            fetchFn,
        );
        assert.deepEqual([d.action, (d as { id: string }).id], ["import", "web:production"]);
        assert.equal(asked[0].headers.authorization, "Bearer ght");
    });

    it("clears a branch protection GitHub does not have", async () => {
        const { fetchFn } = service({});
        const d = await decide(
            op("github:index/branchProtection:BranchProtection", { repository: "web", pattern: "main" }),
            env,
            fetchFn,
        );
        assert.equal(d.action, "clear");
    });

    it("finds a Sentry key and a PagerDuty service by name, and cannot decide between two of one name", async () => {
        const { fetchFn } = service({
            "https://sentry.io/api/0/projects/acme/web/keys/": [
                200,
                [
                    { id: "k1", name: "web" },
                    { id: "k2", name: "other" },
                ],
            ],
            "https://api.pagerduty.com/services?query=web&limit=100": [
                200,
                {
                    services: [
                        { id: "P1", name: "web" },
                        { id: "P2", name: "web" },
                    ],
                },
            ],
        });
        const key = await decide(
            op("sentry:index/sentryKey:SentryKey", { organization: "acme", project: "web", name: "web" }),
            env,
            fetchFn,
        );
        assert.deepEqual([key.action, (key as { id: string }).id], ["import", "acme/web/k1"]);
        const pd = await decide(op("pagerduty:index/service:Service", { name: "web" }), env, fetchFn);
        assert.equal(pd.action, "undecided");
        assert.match(pd.why, /2 services of that name/);
    });

    it("cannot decide without credentials, on an error answer, on a failed request, or for an unknown type", async () => {
        const failing: Fetch = async () => {
            throw new Error("connect ECONNREFUSED");
        };
        const cases: [PendingCreate, NodeJS.ProcessEnv, Fetch, RegExp][] = [
            [
                op("sentry:index/sentryTeam:SentryTeam", { organization: "acme", slug: "t" }),
                {},
                service({}).fetchFn,
                /SENTRY_AUTH_TOKEN is missing/,
            ],
            [
                op("sentry:index/sentryTeam:SentryTeam", { organization: "acme", slug: "t" }),
                env,
                service({ "https://sentry.io/api/0/teams/acme/t/": [503, {}] }).fetchFn,
                /HTTP 503/,
            ],
            [op("pagerduty:index/escalationPolicy:EscalationPolicy", { name: "p" }), env, failing, /ECONNREFUSED/],
            [op("aws:s3/bucket:Bucket", {}), env, service({}).fetchFn, /no way to tell/],
        ];
        for (const [o, e, f, why] of cases) {
            const d = await decide(o, e, f);
            assert.equal(d.action, "undecided", o.type);
            assert.match(d.why, why);
        }
    });

    it("writes the decisions into the state: a create that happened becomes a resource with its ID, one that did not goes", () => {
        const parent = { urn: "urn:c", type: "ainative:x:C" };
        const op = (urn: string, type = "creating") => ({
            type,
            resource: {
                urn,
                type: "sentry:index/sentryProject:SentryProject",
                inputs: { slug: urn },
                provider: "p::1",
            },
        });
        const settled = settledDeployment(
            {
                manifest: { version: "3.259.0" },
                resources: [parent],
                pending_operations: [op("u1"), op("u2"), op("u3", "updating")],
            },
            [
                { urn: "u1", action: "import", id: "org/u1", why: "" },
                { urn: "u2", action: "clear", why: "" },
            ],
        );
        assert.deepEqual(settled.resources, [parent, { ...op("u1").resource, id: "org/u1" }]);
        // Only creates are settled here; the refresh that follows clears an interrupted update.
        assert.deepEqual(settled.pending_operations, [op("u3", "updating")]);
        assert.deepEqual(settled.manifest, { version: "3.259.0" }, "the rest of the state is kept as it was");
        assert.throws(
            () => settledDeployment({ pending_operations: [op("u4")] }, []),
            /no decision for the pending create of u4/,
        );
    });

    it("asks Sentry where its provider does: the base URL with api/ added when it lacks it", () => {
        assert.equal(sentryApiBase(undefined), "https://sentry.io/api/");
        assert.equal(sentryApiBase("http://127.0.0.1:4030/"), "http://127.0.0.1:4030/api/");
        assert.equal(sentryApiBase("https://sentry.acme.dev/api"), "https://sentry.acme.dev/api/");
    });

    it("asks GitHub where its provider does: api.github.com as is, an Enterprise host under /api/v3", () => {
        assert.equal(githubApiBase(undefined), "https://api.github.com");
        assert.equal(githubApiBase("https://api.github.com/"), "https://api.github.com");
        assert.equal(githubApiBase("https://ghe.acme.dev/"), "https://ghe.acme.dev/api/v3");
        assert.equal(githubApiBase("https://ghe.acme.dev/api/v3/"), "https://ghe.acme.dev/api/v3");
    });
});
