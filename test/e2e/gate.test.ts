/**
 * i. The DeploymentGate under the real engine: with the gate on for a local variant whose web
 * service is the sample app (real PostgreSQL and Redis behind it), `pulumi up` runs the gate as a
 * `command:local:Command` for each new deployment. A healthy app lets the update succeed; a failing
 * one makes `pulumi up` fail with the gate's reason, and Railway records the rollback.
 */
import { strict as assert } from "assert";
import { LocalStack, startLocalStack } from "../support/e2e";
import { SampleApp, startSampleApp } from "../support/sample-app";
import { startPostgres, TestPostgres } from "../support/services/postgres";
import { startRedis, TestRedis } from "../support/services/redis";
import { Servers } from "../support/services/servers";

describe("the deployment gate under the real engine", function () {
    let pg: TestPostgres;
    let redis: TestRedis;
    let app: SampleApp;
    let s: LocalStack;
    const web = (c: Record<string, any>) =>
        c["ainative-platform:railway"].services.find((x: { name: string }) => x.name === "web");

    const servers = new Servers();

    before(async () => {
        [pg, redis] = await servers.start(startPostgres(), startRedis());
        [app] = await servers.start(startSampleApp({ databaseUrl: pg.url, redisUrl: redis.url }));
        s = await startLocalStack({
            mutate: (c) => {
                c["ainative-platform:gate"] = {
                    enabled: true,
                    baseUrls: { web: app.url },
                    intervalSeconds: 0.1,
                    monitoringWindowMinutes: 0.02,
                    minSamplesForRates: 5,
                    sustainedBuckets: 2,
                    rollbackTimeoutSeconds: 60,
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
});
