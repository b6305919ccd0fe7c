/**
 * Railway's own signals as the emulator serves them, through documents checked against Railway's
 * schema: build and deploy logs that follow a deployment's stages (a failed build ends with the
 * lines that explain it), HTTP metrics and HTTP logs computed from real requests through the
 * service proxy, and memory and CPU series a test sets.
 */
import { strict as assert } from "assert";
import * as http from "http";
import { AddressInfo } from "net";
import { ManualClock, RailwayEmulator, startRailwayEmulator } from "../../tools/railway-emulator";

const STAGE = 1000;

describe("Railway emulator: logs, HTTP metrics and resource metrics", () => {
    let emu: RailwayEmulator;
    let clock: ManualClock;
    let app: http.Server;
    let appUrl: string;
    /** What the app answers next: a status per request path. */
    const answers = new Map<string, number>();

    const gql = async (query: string, variables: Record<string, unknown> = {}, token = emu.token) => {
        const res = await fetch(emu.apiUrl, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
            body: JSON.stringify({ query, variables }),
        });
        return (await res.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
    };

    before(async () => {
        clock = new ManualClock();
        emu = await startRailwayEmulator({ deployStageMs: STAGE, clock });
        app = http.createServer((req, res) => {
            res.writeHead(answers.get(req.url ?? "/") ?? 200, { "content-type": "application/json" });
            res.end(JSON.stringify({ path: req.url }));
        });
        await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
        appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    });
    after(async () => {
        await emu.close();
        await new Promise((r) => app.close(r));
    });
    beforeEach(() => {
        emu.store.clear();
        answers.clear();
    });

    function service() {
        const project = emu.store.createProject({ name: "p", defaultEnvironmentName: "production" });
        const env = emu.store.liveEnvironments(project.id)[0];
        const svc = emu.store.createService({ projectId: project.id, name: "web" });
        emu.store.updateInstance(svc.id, env.id, { source: { image: "ghcr.io/ainative/web:1" } });
        return { projectId: project.id, environmentId: env.id, serviceId: svc.id };
    }

    const LOGS = `query Logs($id: String!, $limit: Int, $filter: String) {
        buildLogs(deploymentId: $id, limit: $limit, filter: $filter) { message severity timestamp attributes { key value } tags { deploymentId serviceId } }
        deploymentLogs(deploymentId: $id, limit: $limit) { message severity timestamp }
    }`;

    it("build and deploy logs follow the deployment's stages; a failed build ends with what explains it", async () => {
        const s = service();
        emu.nextDeployments("FAILED", 1, s.serviceId);
        const failed = emu.store.deploy(s.serviceId, s.environmentId, "deploy");
        clock.advance(STAGE / 2);
        assert.deepEqual((await gql(LOGS, { id: failed.id })).data, { buildLogs: [], deploymentLogs: [] });
        clock.advance(4 * STAGE);
        const r = await gql(LOGS, { id: failed.id });
        assert.equal(emu.store.status(failed), "FAILED");
        const build = r.data.buildLogs.map((l: { message: string }) => l.message);
        assert.match(build.at(-1), /^Build Failed: /);
        assert.ok(build.some((m: string) => /error TS2322/.test(m)));
        assert.equal(r.data.buildLogs.at(-1).severity, "error");
        assert.equal(r.data.buildLogs[0].tags.deploymentId, failed.id);
        assert.deepEqual(r.data.deploymentLogs, [], "a build that failed never started");
        // limit keeps the last lines; filter matches text.
        assert.deepEqual(
            (await gql(LOGS, { id: failed.id, limit: 1 })).data.buildLogs.map((l: { message: string }) => l.message),
            [build.at(-1)],
        );
        assert.ok(
            (await gql(LOGS, { id: failed.id, filter: "npm ERR!" })).data.buildLogs.every((l: { message: string }) =>
                l.message.includes("npm ERR!"),
            ),
        );

        const crashed =
            (emu.nextDeployments("CRASHED", 1, s.serviceId), emu.store.deploy(s.serviceId, s.environmentId, "deploy"));
        clock.advance(4 * STAGE);
        const deploy = (await gql(LOGS, { id: crashed.id })).data.deploymentLogs.map(
            (l: { message: string }) => l.message,
        );
        assert.equal(emu.store.status(crashed), "CRASHED");
        assert.equal(deploy.at(-1), "Process exited with code 1");

        // Lines the app printed (added by a test), after the runtime's own.
        const ok = emu.store.deploy(s.serviceId, s.environmentId, "deploy");
        clock.advance(4 * STAGE);
        await fetch(emu.apiUrl.replace("/graphql/v2", "/admin/logs"), {
            method: "POST",
            body: JSON.stringify({ deploymentId: ok.id, kind: "deploy", lines: ["GET /api/health 200"] }),
        });
        const okLogs = (await gql(LOGS, { id: ok.id })).data.deploymentLogs.map((l: { message: string }) => l.message);
        assert.deepEqual(okLogs.slice(-2), ["Server listening on :8080", "GET /api/health 200"]);
    });

    it("a deployment's logs are refused to a token of another environment, and an unknown id is NOT_FOUND", async () => {
        const s = service();
        const d = emu.store.deploy(s.serviceId, s.environmentId, "deploy");
        const other = emu.store.createEnvironment({ projectId: s.projectId, name: "staging" });
        const projectToken = emu.projectToken(s.projectId, other.id);
        const res = await fetch(emu.apiUrl, {
            method: "POST",
            headers: { "content-type": "application/json", "project-access-token": projectToken },
            body: JSON.stringify({ query: LOGS, variables: { id: d.id } }),
        });
        const body = (await res.json()) as { errors?: { message: string }[] };
        assert.ok(body.errors?.length, "refused");
        const missing = await gql(LOGS, { id: "nope" });
        assert.match(missing.errors![0].message, /not found/i);
    });

    const HTTP = `query Http($serviceId: String!, $environmentId: String!, $startDate: DateTime!, $endDate: DateTime!, $step: Int) {
        httpMetricsGroupedByStatus(serviceId: $serviceId, environmentId: $environmentId, startDate: $startDate, endDate: $endDate, stepSeconds: $step) {
            statusCode samples { ts value }
        }
        httpDurationMetrics(serviceId: $serviceId, environmentId: $environmentId, startDate: $startDate, endDate: $endDate, stepSeconds: $step) {
            samples { ts p50 p90 p95 p99 }
        }
    }`;

    it("HTTP metrics and logs are computed from real requests through the service's proxy", async () => {
        const s = service();
        const live = emu.store.deploy(s.serviceId, s.environmentId, "deploy");
        clock.advance(4 * STAGE);
        const url = await emu.proxy(s.serviceId, s.environmentId, appUrl);
        const start = new Date(clock.now()).toISOString();
        answers.set("/boom", 500);
        for (let i = 0; i < 9; i++) assert.equal((await fetch(`${url}/ok`)).status, 200);
        assert.equal((await fetch(`${url}/boom`)).status, 500);
        clock.advance(1000);
        const end = new Date(clock.now()).toISOString();
        const r = await gql(HTTP, { ...s, startDate: start, endDate: end, step: 60 });
        assert.equal(r.errors, undefined, JSON.stringify(r.errors));
        const byStatus = Object.fromEntries(
            r.data.httpMetricsGroupedByStatus.map((g: { statusCode: number; samples: { value: number }[] }) => [
                g.statusCode,
                g.samples.reduce((a, x) => a + x.value, 0),
            ]),
        );
        assert.deepEqual(byStatus, { 200: 9, 500: 1 });
        const [sample] = r.data.httpDurationMetrics.samples;
        assert.ok(sample.p50 >= 0 && sample.p50 <= sample.p95 && sample.p95 <= sample.p99);

        const logs = await gql(
            `query($id: String!) { httpLogs(deploymentId: $id) { path httpStatus totalDuration deploymentId method } }`,
            { id: live.id },
        );
        assert.deepEqual(
            logs.data.httpLogs.map((l: { path: string; httpStatus: number }) => [l.path, l.httpStatus]).slice(-2),
            [
                ["/ok", 200],
                ["/boom", 500],
            ],
        );
        assert.ok(logs.data.httpLogs.every((l: { deploymentId: string }) => l.deploymentId === live.id));

        // An app that does not answer: Railway's edge says 502, and that is counted too.
        await new Promise((r) => app.close(r));
        assert.equal((await fetch(`${url}/ok`)).status, 502);
        await new Promise<void>((r) => app.listen(Number(new URL(appUrl).port), "127.0.0.1", r));
        const after = await gql(HTTP, {
            ...s,
            startDate: start,
            endDate: new Date(clock.now() + 1).toISOString(),
            step: 60,
        });
        assert.ok(after.data.httpMetricsGroupedByStatus.some((g: { statusCode: number }) => g.statusCode === 502));
    });

    it("resource metrics are the series a test sets, for the measurements asked, within the period", async () => {
        const s = service();
        const t0 = Math.floor(clock.now() / 1000);
        await fetch(emu.apiUrl.replace("/graphql/v2", "/admin/metrics"), {
            method: "POST",
            body: JSON.stringify({
                ...s,
                measurement: "MEMORY_USAGE_GB",
                samples: [0, 60, 120].map((dt, i) => ({ ts: t0 + dt, value: [0.5, 0.9, 0.97][i] })),
            }),
        });
        emu.store.signals.setSeries(s.serviceId, s.environmentId, "MEMORY_LIMIT_GB", [{ ts: t0, value: 1 }]);
        const r = await gql(
            `query M($serviceId: String!, $environmentId: String!, $startDate: DateTime!, $endDate: DateTime) {
                metrics(serviceId: $serviceId, environmentId: $environmentId, startDate: $startDate, endDate: $endDate,
                        measurements: [MEMORY_USAGE_GB, MEMORY_LIMIT_GB, CPU_USAGE]) { measurement values { ts value } tags { serviceId } }
            }`,
            {
                ...s,
                startDate: new Date((t0 + 30) * 1000).toISOString(),
                endDate: new Date((t0 + 200) * 1000).toISOString(),
            },
        );
        assert.equal(r.errors, undefined, JSON.stringify(r.errors));
        assert.deepEqual(
            r.data.metrics.map((m: { measurement: string; values: { value: number }[] }) => [
                m.measurement,
                m.values.map((v) => v.value),
            ]),
            [
                ["MEMORY_USAGE_GB", [0.9, 0.97]],
                ["MEMORY_LIMIT_GB", []],
                ["CPU_USAGE", []],
            ],
        );
        const unmodelled = await gql(
            `query($p: String!, $startDate: DateTime!) { metrics(projectId: $p, startDate: $startDate, measurements: [CPU_USAGE]) { measurement } }`,
            { p: s.projectId, startDate: new Date().toISOString() },
        );
        assert.equal(unmodelled.errors![0].extensions?.code, "NOT_MODELLED_BY_EMULATOR");
    });
});
