/**
 * i. The DeploymentGate under the real engine: with the gate on for a local variant whose web
 * service is the sample app (real PostgreSQL and Redis behind it), `pulumi up` runs the gate as a
 * `command:local:Command` for each new deployment. A healthy app lets the update succeed; a failing
 * one makes `pulumi up` fail with the gate's reason, and Railway records the rollback. A build that
 * fails is told with the end of its log in the `up` output, the GitHub deployment and commit
 * statuses, Slack, PagerDuty and email (read back from a real SMTP server), with the stack's
 * secret (planted in the log) cut out of each. A
 * push Railway deploys by itself is the deploy watcher's: its failed build, logging credential
 * shapes beside the stack's secret, is reported everywhere with none of them.
 */
import { strict as assert } from "assert";
import { deployWatchCommand } from "../../scripts/commands/deploy-watch";
import { captureIO } from "../support/capture";
import { LocalStack, startLocalStack } from "../support/e2e";
import { fastGate } from "../support/gate";
import { SampleApp, startSampleApp } from "../support/sample-app";
import { startPostgres, TestPostgres } from "../../tools/local-servers/postgres";
import { startRedis, TestRedis } from "../support/services/redis";
import { Servers } from "../support/services/servers";
import { FakeGitHub, startFakeGitHub } from "../../tools/fakes/github/server";
import { FakePagerDuty, startFakePagerDuty } from "../../tools/fakes/pagerduty-events";
import { FakeSlack, startFakeSlack } from "../../tools/fakes/slack";
import { startSmtp, TestSmtp } from "../../tools/local-servers/smtp";

describe("the deployment gate under the real engine", function () {
    let pg: TestPostgres;
    let redis: TestRedis;
    let app: SampleApp;
    let s: LocalStack;
    let github: FakeGitHub;
    let slack: FakeSlack;
    let pagerduty: FakePagerDuty;
    let smtp: TestSmtp;
    const web = (c: Record<string, any>) =>
        c["ainative-platform:railway"].services.find((x: { name: string }) => x.name === "web");

    const servers = new Servers();

    before(async () => {
        [pg, redis, github, slack, pagerduty, smtp] = await servers.start(
            startPostgres(),
            startRedis(),
            startFakeGitHub(),
            startFakeSlack(),
            startFakePagerDuty(),
            startSmtp(),
        );
        [app] = await servers.start(startSampleApp({ databaseUrl: pg.url, redisUrl: redis.url }));
        s = await startLocalStack({
            mutate: (c) => {
                c["ainative-platform:gate"] = fastGate(app.url, { pageOnFailedDeployment: true });
                c["ainative-platform:alerts"] = {
                    email: { recipients: [{ address: "oncall@ainative.test", gets: "failures" }] },
                };
            },
        });
    });
    after(async () => {
        await s?.close();
        await servers.closeAll();
    });
    const webId = () => [...s.emu.store.services.values()].find((x) => x.name === "web")!.id;
    const rollbacks = () => s.emu.log.filter((l) => l.operationName === "DeploymentRollback");
    /** Sets web's AUTH_SECRET in the stack's config (secret), as a person rotating it by hand would. */
    const setAuthSecret = async (value: string) => {
        const set = await s.run([
            "config",
            "set",
            "--secret",
            "--path",
            "ainative-platform:secrets.services.web.AUTH_SECRET",
            value,
        ]);
        assert.equal(set.code, 0, set.stderr);
    };

    it("a healthy app: pulumi up runs the gate after the deployment and succeeds", async () => {
        app.setMode({ mode: "healthy" });
        const up = await s.run(["up", "--yes", "--skip-preview"]);
        assert.equal(up.code, 0, up.stdout + up.stderr);
        assert.match(up.stdout, /command:local:Command gate-web created/);
        assert.ok(app.healthCount() >= 5, `the gate probed the app (${app.healthCount()} probes)`);
        assert.deepEqual(rollbacks(), []);
    });

    it("a failing app after a change: pulumi up fails with the gate's reason and Railway records the rollback", async () => {
        s.ws.editStackFile((c) => (web(c).variables.NEXT_PUBLIC_APP_URL = "http://localhost:3002"));
        app.setMode({ mode: "5xx" });
        const up = await s.run(["up", "--yes", "--skip-preview"]);
        assert.notEqual(up.code, 0);
        assert.match(up.stdout + up.stderr, /3 consecutive failed health checks \(500, 500, 500\); rolled back to/);
        assert.equal(rollbacks().length, 1);
        const [first] = s.emu.store
            .deploymentsOf(
                webId(),
                rollbacks()[0] && s.emu.store.deployment(rollbacks()[0].variables.id as string).environmentId,
            )
            .sort((a, b) => a.createdAt - b.createdAt);
        assert.equal(rollbacks()[0].variables.id, first.id, "back to the deployment the first up made");
        assert.ok(
            [...s.emu.store.deployments.values()].some((d) => d.rollbackOf === first.id),
            "Railway holds the rollback deployment",
        );
    });

    it("a build that fails: pulumi up fails with the end of its log, told to GitHub, Slack and PagerDuty, the stack's secret cut out everywhere", async () => {
        const planted = "planted-auth-secret-5b0e7c1d-9a4f22e07d61c3b8";
        const token = ["ghs", "e2egatetoken0000000000000000000000000"].join("_");
        github.addToken(token, "", "installation");
        const sha = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";
        github.addCommit("ainative", "platform", sha, new Date().toISOString());
        s.emu.store.commitsOf("ainative/platform", "main").push(sha);
        const record = github.addDeployment("ainative", "platform", { environment: "local" });
        // The stack's own secret changes (a new deployment), and the failing build script echoes it.
        await setAuthSecret(planted);
        s.emu.nextDeployments("FAILED", 1, webId(), [`echo "AUTH_SECRET=${planted}" >> .env.production`]);
        const up = await s.run(["up", "--yes", "--skip-preview"], {
            env: {
                GITHUB_TOKEN: token,
                GITHUB_REPOSITORY: "ainative/platform",
                GITHUB_API_URL: github.url,
                GITHUB_DEPLOYMENT_ID: String(record.id),
                SLACK_WEBHOOK_URL: slack.webhookUrl,
                PAGERDUTY_ROUTING_KEY: "R0UT1NGKEYE2EGATE000000000000001",
                PAGERDUTY_EVENTS_URL: pagerduty.eventsUrl,
                SMTP_URL: smtp.url,
                AINATIVE_SMTP_CA: smtp.caFile,
                ALERT_EMAIL_FROM: "alerts@ainative.test",
            },
        });
        const output = up.stdout + up.stderr;
        assert.notEqual(up.code, 0, output);
        assert.match(
            output,
            /ended FAILED; Railway kept .* live, so nothing is rolled back; the end of its build log: /,
        );
        assert.match(output, /echo "AUTH_SECRET=\[redacted\]" >> \.env\.production/);
        assert.match(output, /Build Failed: process "npm run build" did not complete successfully/);

        const repo = github.repo("ainative", "platform");
        const statuses = repo.deployments.find((d) => d.id === record.id)!.statuses;
        assert.deepEqual(
            statuses.map((x) => x.state),
            ["failure"],
        );
        assert.match(statuses[0].description, /^FAILED \w{8}: Build Failed/);
        assert.deepEqual(
            repo.statuses.map((x) => [x.sha, x.state, x.context]),
            [[sha, "failure", "railway/local/web"]],
        );
        assert.equal(slack.messages.length, 1);
        assert.match(JSON.stringify(slack.messages[0]), /AUTH_SECRET=\[redacted\]/);
        assert.deepEqual(
            pagerduty.events.map((e) => [e.status, e.body.event_action]),
            [[202, "trigger"]],
        );
        assert.match(JSON.stringify(pagerduty.events[0].body.payload.custom_details.log), /Build Failed/);

        // The email, read back from the SMTP server: to the stack's address, with the log's end.
        const mails = await smtp.messages();
        assert.equal(mails.length, 1, "one email for the failed deployment");
        assert.deepEqual(mails[0].envelope.to, ["oncall@ainative.test"]);
        assert.match(mails[0].parsed.subject ?? "", /^\[ainative\] local\/web: deployment FAILED$/);
        assert.match(mails[0].parsed.text ?? "", /Build Failed: process "npm run build" did not complete successfully/);
        assert.match(mails[0].parsed.text ?? "", /AUTH_SECRET=\[redacted\]/);

        const exported = await s.run(["stack", "export"]);
        assert.equal(exported.code, 0, exported.stderr);
        const everywhere = JSON.stringify([
            output,
            exported.stdout,
            repo.deployments,
            repo.statuses,
            slack.messages,
            pagerduty.events,
            mails.map((m) => [m.parsed.subject, m.parsed.text, m.parsed.html, m.raw]),
        ]);
        assert.ok(!everywhere.includes(planted), "the planted secret is nowhere in plain text");
    });

    it("a push Railway deploys by itself fails with credential-shaped lines: deploy:watch --report tells GitHub, Slack and PagerDuty the end of its log, and no credential, known value or terminal escape is in any of it", async () => {
        const planted = "planted-watch-secret-0d9c7e21b4a6f35c";
        await setAuthSecret(planted);
        // Credential shapes the watcher cannot know as values, beside the stack's own secret.
        const credentials = {
            bearer: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ3YXRjaC1lMmUifQ.c2lnbmF0dXJlLXdhdGNoLWUyZQ",
            dbPassword: "pg-pass-3c1d9e77",
            password: "hunter2-planted-77",
            // Made at run time, so no scanner takes the file for a leak.
            apiKey: ["sk", "live", "51PlantedWatchKey0000000000"].join("_"),
        };
        const token = ["ghs", "e2ewatchtoken000000000000000000000000"].join("_");
        github.addToken(token, "", "installation");
        const sha = "feed0000feed0000feed0000feed0000feed0000";
        github.addCommit("ainative", "platform", sha, new Date().toISOString());
        s.emu.nextDeployments("FAILED", 1, webId(), [
            `Authorization: Bearer ${credentials.bearer}`,
            `connecting to postgres://app:${credentials.dbPassword}@db.internal:5432/app`,
            `login with password ${credentials.password}`,
            `STRIPE_KEY=${credentials.apiKey}`,
            `AUTH_SECRET=${planted}`,
            "\u001b[31mERROR\u001b[0m the build stopped",
        ]);
        assert.equal(s.emu.store.push("ainative/platform", "main", sha).length, 1, "Railway deploys the push");
        const project = [...s.emu.store.projects.values()].find((p) => !p.deletedAt)!;
        const before = {
            slack: slack.messages.length,
            pagerduty: pagerduty.events.length,
            mails: (await smtp.messages()).length,
        };
        const io = captureIO();
        const code = await deployWatchCommand(
            [
                "--stack",
                "local",
                "--service",
                "web",
                "--commit",
                sha.slice(0, 12),
                "--interval",
                "1",
                "--timeout",
                "2",
                "--report",
            ],
            io,
            s.ws.dir,
            {
                ...s.ws.env,
                RAILWAY_PROJECT_ID: project.id,
                GITHUB_TOKEN: token,
                GITHUB_REPOSITORY: "ainative/platform",
                GITHUB_API_URL: github.url,
                SLACK_WEBHOOK_URL: slack.webhookUrl,
                PAGERDUTY_ROUTING_KEY: "R0UT1NGKEYE2EWATCH00000000000001",
                PAGERDUTY_EVENTS_URL: pagerduty.eventsUrl,
                SMTP_URL: smtp.url,
                AINATIVE_SMTP_CA: smtp.caFile,
            },
        );
        assert.equal(code, 1, io.all());
        const sent = {
            slack: slack.messages.slice(before.slack),
            pagerduty: pagerduty.events.slice(before.pagerduty),
            statuses: github.repo("ainative", "platform").statuses.filter((x) => x.sha === sha),
            // As a reader sees them (the raw message may be quoted-printable, which can split a value).
            mails: (await smtp.messages())
                .slice(before.mails)
                .map((m) => [m.parsed.subject, m.parsed.text, m.parsed.html, m.raw]),
        };
        assert.equal(sent.slack.length, 1, "told on Slack");
        assert.equal(sent.pagerduty.length, 1, "paged");
        assert.equal(sent.mails.length, 1, "emailed");
        assert.deepEqual(
            sent.statuses.map((x) => x.state),
            ["failure"],
        );
        assert.match(io.all(), /the build stopped/, "the end of its log is there");
        for (const channel of [sent.slack, sent.pagerduty, sent.mails])
            assert.match(
                JSON.stringify(channel),
                /ERROR the build stopped/,
                "the log's end reaches each channel, escapes removed",
            );
        const everywhere = JSON.stringify([io.all(), sent]);
        for (const [what, value] of Object.entries({ ...credentials, planted }))
            assert.ok(!everywhere.includes(value), `${what} is nowhere in plain text`);
        assert.ok(
            !JSON.stringify([sent.slack, sent.pagerduty, sent.mails]).includes("\\u001b"),
            "no terminal escape reaches Slack, PagerDuty or email",
        );
    });
});
