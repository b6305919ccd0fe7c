/**
 * i. The DeploymentGate under the real engine: with the gate on for a local variant whose web
 * service is the sample app (real PostgreSQL and Redis behind it), `pulumi up` runs the gate as a
 * `command:local:Command` for each new deployment. A healthy app lets the update succeed; a failing
 * one makes `pulumi up` fail with the gate's reason, and Railway records the rollback. A build that
 * fails is told with the end of its log in the `up` output, the GitHub deployment and commit
 * statuses, Slack and PagerDuty, with the stack's secret (planted in the log) cut out of each.
 */
import { strict as assert } from "assert";
import { LocalStack, startLocalStack } from "../support/e2e";
import { fastGate } from "../support/gate";
import { SampleApp, startSampleApp } from "../support/sample-app";
import { startPostgres, TestPostgres } from "../../tools/local-servers/postgres";
import { startRedis, TestRedis } from "../support/services/redis";
import { Servers } from "../support/services/servers";
import { FakeGitHub, startFakeGitHub } from "../../tools/fakes/github/server";
import { FakePagerDuty, startFakePagerDuty } from "../../tools/fakes/pagerduty-events";
import { FakeSlack, startFakeSlack } from "../../tools/fakes/slack";

describe("the deployment gate under the real engine", function () {
    let pg: TestPostgres;
    let redis: TestRedis;
    let app: SampleApp;
    let s: LocalStack;
    let github: FakeGitHub;
    let slack: FakeSlack;
    let pagerduty: FakePagerDuty;
    const web = (c: Record<string, any>) =>
        c["ainative-platform:railway"].services.find((x: { name: string }) => x.name === "web");

    const servers = new Servers();

    before(async () => {
        [pg, redis, github, slack, pagerduty] = await servers.start(
            startPostgres(),
            startRedis(),
            startFakeGitHub(),
            startFakeSlack(),
            startFakePagerDuty(),
        );
        [app] = await servers.start(startSampleApp({ databaseUrl: pg.url, redisUrl: redis.url }));
        s = await startLocalStack({
            mutate: (c) => {
                c["ainative-platform:gate"] = fastGate(app.url, { pageOnFailedDeployment: true });
            },
        });
    });
    after(async () => {
        await s?.close();
        await servers.closeAll();
    });
    const webId = () => [...s.emu.store.services.values()].find((x) => x.name === "web")!.id;
    const rollbacks = () => s.emu.log.filter((l) => l.operationName === "DeploymentRollback");

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
        const set = await s.run([
            "config",
            "set",
            "--secret",
            "--path",
            "ainative-platform:secrets.services.web.AUTH_SECRET",
            planted,
        ]);
        assert.equal(set.code, 0, set.stderr);
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

        const exported = await s.run(["stack", "export"]);
        assert.equal(exported.code, 0, exported.stderr);
        const everywhere = JSON.stringify([
            output,
            exported.stdout,
            repo.deployments,
            repo.statuses,
            slack.messages,
            pagerduty.events,
        ]);
        assert.ok(!everywhere.includes(planted), "the planted secret is nowhere in plain text");
    });
});
