/**
 * A team's state under the real engine, on the two shared backends a team uses: Pulumi's own
 * PostgreSQL backend on a real PostgreSQL, and an S3 bucket on a real S3-compatible server
 * (versitygw), both on 127.0.0.1. Each backend carries the whole stack (Railway, GitHub, Sentry,
 * PagerDuty against their fakes, the health gate on) through what a team does to it, every command
 * run as a person or a workflow runs it (`npm run …` in a checkout of its own):
 *
 * - a runner killed with SIGKILL, process group and all, in the middle of an `up` that has made
 *   things nobody recorded, and the next `up` that carries on by itself: no `pulumi cancel` by
 *   hand, every resource once in the state, nothing made twice or left behind on any service;
 * - previews, `refresh --preview-only` and drift while another runner holds the stack (never
 *   blocked), and an `up` that gives up naming the holder;
 * - eight commands on one stack at once (deploys, a rotation, an emergency deploy, the same pull
 *   request's review environment twice) with a drift and a preview among them: one holder at a time,
 *   all finishing, never Pulumi's "currently locked";
 * - ten review environments made at once, then destroyed at once, then the stack destroyed.
 *
 * And `npm run state:migrate` moving a stack file → PostgreSQL → S3 → file, history and secrets
 * with it, the export equal and the preview empty at the end.
 */
import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REVIEW_STACK } from "../../config/derived-environment";
import { whyFailed } from "../../scripts/engine/why-failed";
import { Workspace } from "../../scripts/engine/workspace";
import { openBackend } from "../../scripts/state/backend";
import { acquireLease, currentHolder } from "../../scripts/state/lease";
import { LOCAL_TOKEN_ENV, LocalFakes, pointStackAtFakes, startLocalFakes } from "../../tools/fakes/local";
import { LocalStack, startLocalStack } from "../support/e2e";
import { fastGate } from "../support/gate";
import { killLeftoverNpm, NpmRun, runNpm, startNpm } from "../support/npm-process";
import { startSampleApp } from "../support/sample-app";
import { startPostgres, TestPostgres } from "../../tools/local-servers/postgres";
import { startRedis } from "../support/services/redis";
import { startS3, TestS3 } from "../../tools/local-servers/s3";
import { Servers } from "../support/services/servers";

const PROJECT = "ainative-platform";
const REPO = "ainative/platform";
const unique = () => randomBytes(4).toString("hex");
const sha = () => randomBytes(20).toString("hex");

/** Waits for a condition the test cannot be told of (a request reaching a fake), failing with `what` at the deadline. */
async function until(what: string, ok: () => boolean, deadlineMs: number, failEarly?: () => string | undefined) {
    const deadline = Date.now() + deadlineMs;
    while (!ok()) {
        const early = failEarly?.();
        if (early) throw new Error(`${what}: ${early}`);
        if (Date.now() > deadline) throw new Error(`${what}: not within ${deadlineMs / 1000} s`);
        await new Promise((r) => setTimeout(r, 100));
    }
}

// Our commands speak on stderr (kept whole up to 6000 characters), the engine on stdout (its end).
const show = (r: NpmRun) =>
    `exit ${r.code}${r.signal ? ` (${r.signal})` : ""}\n${whyFailed({ code: r.code ?? -1, stdout: r.stdout, stderr: r.stderr }, { lines: 40 })}\n…\n${r.stdout.slice(-6000)}`;

interface ExportedResource {
    urn: string;
    id?: string;
    type: string;
}

describe("team state under the real engine: PostgreSQL and an S3 server shared by runners", function () {
    let pg: TestPostgres;
    let s3: TestS3;
    const shared = new Servers();

    before(async () => {
        [pg, s3] = await shared.start(startPostgres(), startS3());
    });
    after(async () => {
        killLeftoverNpm();
        await shared.closeAll();
    });

    const backends = {
        postgres: () => `${pg.url.replace(/^postgresql:/, "postgres:")}?sslmode=disable&table=team_${unique()}`,
        s3: () => s3.url.replace(`s3://${s3.bucket}?`, `s3://${s3.bucket}/team-${unique()}?`),
    };

    for (const kind of ["postgres", "s3"] as const) {
        describe(`on ${kind}`, () => {
            let s: LocalStack;
            let fakes: LocalFakes;
            let url: string;
            const servers = new Servers();
            const checkouts: Workspace[] = [];
            /** A checkout of its own, as each runner has. */
            const checkout = () => {
                const c = s.ws.anotherCheckout();
                checkouts.push(c);
                return c;
            };
            const npm = (script: string, args: string[], ws: Workspace = checkout()) =>
                runNpm(script, args, { cwd: ws.dir, env: ws.env });
            const state = async () => (await s.ws.exportState()).deployment;
            /** A review's arguments, its commit pushed to the branch first (Railway deploys only commits it can find). */
            const reviewArgs = (pr: number, commit = sha()) => {
                if (!s.emu.store.commitsOf(REPO, `feature/${pr}`).includes(commit))
                    s.emu.store.push(REPO, `feature/${pr}`, commit);
                return reviewArgsOf(pr, commit);
            };
            const reviewArgsOf = (pr: number, commit: string) => [
                "up",
                "--pr",
                String(pr),
                "--branch",
                `feature/${pr}`,
                "--repo",
                REPO,
                "--commit",
                commit,
                "--base",
                "local",
            ];
            /** A review environment lives in the local stack's Railway project: it must exist first. */
            const localIsUp = async () => {
                if (s.emu.store.projects.size) return;
                const first = await npm("up", ["--stack", "local", "--yes"], s.ws);
                assert.equal(first.code, 0, show(first));
            };
            /** A pull request's comments (a failed review says why there), for a failure's message. */
            const comments = (pr: number) =>
                fakes.github
                    .repo("ainative", "platform")
                    .issues.filter((i) => i.number === pr)
                    .flatMap((i) => i.comments.map((c) => c.body))
                    .join("\n---\n");
            const reviewEnv = (ws: Workspace) => ({ ...ws.env, GITHUB_API_URL: fakes.github.url });

            before(async () => {
                url = backends[kind]();
                fakes = await startLocalFakes();
                const [dbForApp, redis] = await servers.start(startPostgres(), startRedis());
                const [app] = await servers.start(startSampleApp({ databaseUrl: dbForApp.url, redisUrl: redis.url }));
                app.setMode({ mode: "healthy" });
                s = await startLocalStack({
                    backendUrl: url,
                    mutate: (c) => {
                        pointStackAtFakes(c, fakes);
                        c["ainative-platform:gate"] = fastGate(app.url);
                        c["ainative-platform:reviewEnvironments"] = { max: 12, idleDays: 7 };
                    },
                    env: { ...LOCAL_TOKEN_ENV, ...s3.env },
                });
                await s.ws.setSecret(
                    "secrets.services.web.AUTH_SECRET",
                    `team-state-auth-${randomBytes(24).toString("hex")}`,
                );
                await s.ws.setSecret(
                    "secrets.services.postgres.POSTGRES_PASSWORD",
                    `team-state-pg-${randomBytes(24).toString("hex")}`,
                );
            });
            after(async () => {
                killLeftoverNpm();
                for (const c of checkouts) c.dispose();
                await s?.close();
                await fakes?.close();
                await servers.closeAll();
            });

            it("a runner killed mid-update leaves nothing the next `npm run up` cannot settle: no duplicate, no orphan", async () => {
                // Made, but never answered: the killed runner never learns of these.
                fakes.sentry.holds.push({ operation: "createTeamProject" });
                fakes.pagerduty.holds.push({ operation: "createService" });
                s.emu.inject({ operation: "ServiceCreate", afterApply: true, latencyMs: 3_600_000, count: 1 });
                const first = startNpm("up", ["--stack", "local", "--yes"], { cwd: s.ws.dir, env: s.ws.env });
                await until(
                    "the first up reached the held creates",
                    () =>
                        fakes.sentry.held.length > 0 &&
                        fakes.pagerduty.held.length > 0 &&
                        s.emu.log.some((l) => l.operationName === "ServiceCreate"),
                    10 * 60_000,
                    () =>
                        first.child.exitCode !== null ? `it ended first:\n${first.output().slice(-4000)}` : undefined,
                );
                const backend = await openBackend(url, { env: s.ws.env });
                try {
                    assert.ok((await backend.list(".pulumi/locks/")).length > 0, "the running up holds Pulumi's lock");
                } finally {
                    await backend.close();
                }
                first.killGroup();
                const killed = await first.done;
                assert.equal(killed.signal, "SIGKILL");
                // SIGKILL reaches the group at once, but the kernel reaps each process in its own time.
                await until(
                    "every process of the killed command is gone (engine, language host, plugins)",
                    () => first.survivors().length === 0,
                    30_000,
                ).catch((e: Error) => {
                    throw new Error(`${e.message}; still alive: ${first.survivors().join(", ")}`);
                });
                const left = await state();
                const pending = (left.pending_operations ?? []).map(
                    (p: { resource: ExportedResource }) => p.resource.type,
                );
                for (const type of [
                    "sentry:index/sentryProject:SentryProject",
                    "pagerduty:index/service:Service",
                    "railway:index:Service",
                ])
                    assert.ok(
                        pending.includes(type),
                        `the killed update left no pending create of ${type}: ${pending.join(", ")}`,
                    );

                const next = await npm("up", ["--stack", "local", "--yes"], s.ws);
                assert.equal(next.code, 0, show(next));
                assert.match(next.stderr, /Pulumi's lock left by .* belonged to a runner that died .*: removed/);
                assert.match(next.stderr, /settling them:/);
                assert.match(next.stderr, /SentryProject::.*: import ainative\/ainative-platform-local-web/);
                assert.match(next.stderr, /pagerduty:index\/service:Service::.*: import P/);
                assert.doesNotMatch(next.stdout + next.stderr, /currently locked/);
                // S3 knows a dead holder only by its silence: the next up waits out the lease, saying for whom.
                if (kind === "s3")
                    assert.match(next.stderr, /waiting for stack local: held by \S+ \(up --stack local, since /);

                const after = await state();
                assert.deepEqual(after.pending_operations ?? [], []);
                const urns = (after.resources as ExportedResource[]).map((r) => r.urn);
                assert.equal(new Set(urns).size, urns.length, "a resource is in the state twice");
                // Nothing made twice: the held creates were the only ones, and each service holds one.
                const creates = (log: { operation?: string }[], op: string) =>
                    log.filter((l) => l.operation === op).length;
                assert.equal(creates(fakes.sentry.log, "createTeamProject"), 1, "Sentry's project was created again");
                assert.equal(creates(fakes.pagerduty.log, "createService"), 1, "PagerDuty's service was created again");
                assert.equal(
                    [...fakes.sentry.projects.keys()].filter((k) => k === "ainative-platform-local-web").length,
                    1,
                );
                assert.equal(fakes.pagerduty.services.size, 1);
                assert.equal(
                    fakes.github.repo("ainative", "platform").rules.filter((r) => r.pattern === "main").length,
                    1,
                );
                // Railway: every live service of the project is the state's, and every one the state has is live.
                const live = [...s.emu.store.services.values()];
                const inState = new Set(
                    (after.resources as ExportedResource[])
                        .filter((r) => r.type === "railway:index:Service")
                        .map((r) => r.id),
                );
                assert.deepEqual(
                    live.map((x) => x.id).sort(),
                    [...inState].sort(),
                    "an orphan or a lost service on Railway",
                );
                assert.equal(new Set(live.map((x) => x.name)).size, live.length, "two services of one name on Railway");
                const preview = await s.run(["preview", "--expect-no-changes"]);
                assert.equal(preview.code, 0, preview.stdout + preview.stderr);
            });

            it("previews, refresh --preview-only and drift run while another runner holds the stack; an up gives up naming it", async () => {
                const holder = {
                    ...currentHolder("up --stack local"),
                    who: "https://github.com/ainative/platform/actions/runs/4242",
                };
                const lease = await acquireLease(url, `${PROJECT}/local`, holder, { timeoutMs: 10_000, env: s.ws.env });
                try {
                    for (const args of [["preview"], ["refresh", "--preview-only"], ["destroy", "--preview-only"]]) {
                        const r = await s.run(args);
                        assert.equal(r.code, 0, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
                    }
                    const drift = await s.drift();
                    assert.equal(drift.code, 0, drift.io.all());
                    const blocked = await npm("up", ["--stack", "local", "--yes", "--lock-timeout", "0.05"]);
                    assert.equal(blocked.code, 1, show(blocked));
                    assert.match(
                        blocked.stderr,
                        /waiting for stack local: held by https:\/\/github.com\/ainative\/platform\/actions\/runs\/4242 \(up --stack local, since /,
                    );
                    assert.match(
                        blocked.stderr,
                        /error: stack ainative-platform\/local is held by .*runs\/4242.*gave up after waiting/,
                    );
                } finally {
                    await lease.release();
                }
            });

            it("eight commands on one stack at once, a drift and a preview among them: one holder at a time, all finish, never 'currently locked'", async () => {
                await localIsUp();
                const pr = fakes.github.addPullRequest("ainative", "platform", "concurrent change");
                const commit = sha();
                const review = () => {
                    const ws = checkout();
                    return startNpm("review", reviewArgs(pr, commit), { cwd: ws.dir, env: reviewEnv(ws) });
                };
                const start = (script: string, args: string[]) => {
                    const ws = checkout();
                    return startNpm(script, args, { cwd: ws.dir, env: ws.env });
                };
                const emergencyLog = path.join(os.tmpdir(), `ainative-emergency-${unique()}.ndjson`);
                const eight = [
                    start("up", ["--stack", "local", "--yes"]),
                    start("up", ["--stack", "local", "--yes"]),
                    start("up", ["--stack", "local", "--yes"]),
                    start("refresh", ["--stack", "local", "--yes"]),
                    start("secret:rotate", ["--secret", "web.AUTH_SECRET", "--generate", "--stacks", "local"]),
                    start("deploy:emergency", [
                        "--stack",
                        "local",
                        "--yes",
                        "--allow-dirty",
                        "--allow-unpushed",
                        "--log",
                        emergencyLog,
                    ]),
                    review(),
                    review(),
                ];
                const drift = start("drift", ["--stack", "local", "--format", "json"]);
                const preview = checkout().pulumi(["preview"]);
                const ends = await Promise.all(eight.map((p) => p.done));
                const driftEnd = await drift.done;
                const previewEnd = await preview;
                const readEnds = [driftEnd, { ...previewEnd, signal: null }];
                fs.rmSync(emergencyLog, { force: true });
                ends.forEach((r, i) =>
                    assert.equal(
                        r.code,
                        0,
                        `command ${i}: ${show(r)}${i >= 6 ? `\nthe PR's comments:\n${comments(pr)}` : ""}`,
                    ),
                );
                for (const r of [...ends, ...readEnds]) assert.doesNotMatch(r.stdout + r.stderr, /currently locked/);
                // Drift runs during the updates: it may see a change in flight (7), never an error, never a wait.
                assert.ok([0, 7].includes(driftEnd.code!), show(driftEnd));
                assert.doesNotMatch(driftEnd.stderr, /waiting for stack/);
                assert.equal(previewEnd.code, 0, previewEnd.stdout + previewEnd.stderr);
                // One at a time: no two updates of a stack overlap in its history.
                for (const stack of ["local", `pr-${pr}`]) {
                    const h = await s.ws.run(["stack", "history", "--stack", stack, "--json"]);
                    assert.equal(h.code, 0, h.stderr);
                    const seconds = (t: string | number) => (typeof t === "number" ? t : Date.parse(t) / 1000);
                    const updates = (
                        JSON.parse(h.stdout) as { startTime: string | number; endTime: string | number }[]
                    ).map((u) => [seconds(u.startTime), seconds(u.endTime)] as const);
                    for (const [i, a] of updates.entries())
                        for (const b of updates.slice(i + 1))
                            assert.ok(
                                !(a[0] < b[1] && b[0] < a[1]),
                                `updates of ${stack} overlapped: ${JSON.stringify([a, b])}`,
                            );
                    if (stack === "local")
                        assert.ok(updates.length >= 6, `local's history has ${updates.length} updates`);
                }
            });

            if (kind === "postgres")
                it("ten review environments come up at once, and go at once", async () => {
                    await localIsUp();
                    const prs = Array.from({ length: 10 }, (_, i) =>
                        fakes.github.addPullRequest("ainative", "platform", `parallel ${i}`),
                    );
                    const ups = await Promise.all(
                        prs.map((pr) => {
                            const ws = checkout();
                            return runNpm("review", reviewArgs(pr), { cwd: ws.dir, env: reviewEnv(ws) });
                        }),
                    );
                    ups.forEach((r, i) =>
                        assert.equal(r.code, 0, `review of #${prs[i]}: ${show(r)}\nits comments:\n${comments(prs[i])}`),
                    );
                    const envs = () =>
                        [...s.emu.store.environments.values()]
                            .filter((e) => !e.deletedAt && /^pr-\d+$/.test(e.name))
                            .map((e) => e.name);
                    for (const pr of prs)
                        assert.ok(envs().includes(`pr-${pr}`), `no environment pr-${pr}: ${envs().join(", ")}`);
                    const downs = await Promise.all(
                        prs.map((pr) => {
                            const ws = checkout();
                            return runNpm(
                                "review",
                                ["destroy", "--pr", String(pr), "--repo", REPO, "--base", "local"],
                                {
                                    cwd: ws.dir,
                                    env: reviewEnv(ws),
                                },
                            );
                        }),
                    );
                    downs.forEach((r, i) => assert.equal(r.code, 0, `destroy of #${prs[i]}: ${show(r)}`));
                    for (const pr of prs) assert.ok(!envs().includes(`pr-${pr}`), `pr-${pr} is still on Railway`);
                });

            it("npm run destroy takes the stack down on every service, and the state is empty", async () => {
                // The review environment of the concurrency test goes first, as a pull request's close would.
                // (Named pr-<n>: a filter on "review-" matched none, and the owner's destroy used to
                // take their services with it; now it refuses while another environment runs them.)
                for (const stack of (await listStacks(s.ws)).filter((n) => REVIEW_STACK.test(n))) {
                    const pr = REVIEW_STACK.exec(stack)![1];
                    const ws = checkout();
                    const r = await runNpm("review", ["destroy", "--pr", pr, "--repo", REPO, "--base", "local"], {
                        cwd: ws.dir,
                        env: reviewEnv(ws),
                    });
                    assert.equal(r.code, 0, show(r));
                }
                const down = await npm("destroy", ["--stack", "local", "--yes"], s.ws);
                assert.equal(down.code, 0, show(down));
                assert.deepEqual(
                    ((await state()).resources ?? []).filter((r: ExportedResource) => !r.type.startsWith("pulumi:")),
                    [],
                );
                assert.equal(fakes.sentry.projects.size, 0);
                assert.equal(fakes.pagerduty.services.size, 0);
                assert.equal([...s.emu.store.services.values()].length, 0);
            });
        });
    }

    describe("npm run state:migrate", () => {
        let s: LocalStack;
        const secret = `migrated-${randomBytes(24).toString("hex")}`;
        before(async () => {
            s = await startLocalStack({ env: s3.env });
            await s.ws.setSecret("secrets.services.web.AUTH_SECRET", secret);
            const up = await s.run(["up", "--yes", "--skip-preview"]);
            assert.equal(up.code, 0, up.stdout + up.stderr);
        });
        after(async () => s?.close());

        it("moves a stack file → PostgreSQL → S3 → file with its history and secrets: the export is equal and the preview empty", async () => {
            const exportOn = async (backendUrl: string) => {
                const r = await s.ws.run(["stack", "export", "--stack", "local"], {
                    env: { PULUMI_BACKEND_URL: backendUrl },
                });
                assert.equal(r.code, 0, r.stderr);
                return r.stdout;
            };
            const historyOn = async (backendUrl: string) => {
                const r = await s.ws.run(["stack", "history", "--stack", "local", "--json"], {
                    env: { PULUMI_BACKEND_URL: backendUrl },
                });
                assert.equal(r.code, 0, r.stderr);
                return (JSON.parse(r.stdout) as unknown[]).length;
            };
            const start = s.ws.backendUrl;
            const original = await exportOn(start);
            const history = await historyOn(start);
            const back = `file://${fs.mkdtempSync(path.join(os.tmpdir(), "ainative-migrated-"))}`;
            const hops = [start, backends.postgres(), backends.s3(), back];
            for (let i = 1; i < hops.length; i++) {
                const r = await runNpm("state:migrate", ["--to", hops[i]], {
                    cwd: s.ws.dir,
                    env: { ...s.ws.env, PULUMI_BACKEND_URL: hops[i - 1] },
                });
                assert.equal(r.code, 0, show(r));
                assert.match(r.stdout, /local: moved to .* export verified/);
                assert.ok(!(r.stdout + r.stderr).includes(secret), "the secret was printed in plain text");
            }
            try {
                assert.equal(await exportOn(back), original);
                assert.equal(await historyOn(back), history);
                const preview = await s.ws.pulumi(["preview", "--expect-no-changes"], {
                    env: { PULUMI_BACKEND_URL: back },
                });
                assert.equal(preview.code, 0, preview.stdout + preview.stderr);
                // A target that has the stack already is refused: nothing is overwritten.
                const again = await runNpm("state:migrate", ["--to", back], { cwd: s.ws.dir, env: s.ws.env });
                assert.equal(again.code, 1, show(again));
                assert.match(again.stderr, /already holds stack ainative-platform\/local .*nothing is overwritten/);
            } finally {
                fs.rmSync(back.slice("file://".length), { recursive: true, force: true });
            }
        });
    });
});

async function listStacks(ws: Workspace): Promise<string[]> {
    const r = await ws.run(["stack", "ls", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as { name: string }[]).map((x) => x.name);
}
