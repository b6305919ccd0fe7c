import { strict as assert } from "assert";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { gateCommand } from "../../../scripts/commands/gate";
import { rollbackCommand } from "../../../scripts/commands/rollback";
import { captureIO } from "../../support/capture";
import { RailwayEmulator, startRailwayEmulator } from "../../../tools/railway-emulator";
import { stackDoc } from "../../support/stack-files";

describe("npm run gate / npm run rollback", function () {
    this.timeout(30_000);
    let emu: RailwayEmulator;
    let health: http.Server;
    let healthUrl: string;
    let dir: string;
    let env: NodeJS.ProcessEnv;
    let ids: { project: string; previous: string; live: string };

    const savedToken = process.env.RAILWAY_API_TOKEN;
    before(async () => {
        emu = await startRailwayEmulator({ deployStageMs: 10 });
        // A command reads its Railway token from the environment it is given, never this process's.
        process.env.RAILWAY_API_TOKEN = "not-the-command-s-token";
        health = http.createServer((_req, res) => {
            res.writeHead(200, { "content-type": "application/json" });
            res.end(JSON.stringify({ status: "ok", checks: { database: { ok: true }, redis: { ok: true } } }));
        });
        await new Promise<void>((r) => health.listen(0, "127.0.0.1", r));
        healthUrl = `http://127.0.0.1:${(health.address() as AddressInfo).port}`;
    });
    after(async () => {
        if (savedToken === undefined) delete process.env.RAILWAY_API_TOKEN;
        else process.env.RAILWAY_API_TOKEN = savedToken;
        await emu.close();
        await new Promise((r) => health.close(r));
    });
    beforeEach(async () => {
        emu.store.clear();
        emu.log.length = 0;
        // The local stack, pointed at this emulator, in a folder of its own.
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "gate-cmd-"));
        const doc = stackDoc("local");
        (doc.config["ainative-platform:railway"] as any).apiUrl = emu.apiUrl;
        fs.writeFileSync(path.join(dir, "Pulumi.local.yaml"), stringify(doc));
        const envName = (doc.config["ainative-platform:railway"] as any).environment;
        const project = emu.store.createProject({ name: "ainative-local", defaultEnvironmentName: envName });
        const environment = emu.store.liveEnvironments(project.id)[0];
        const web = emu.store.createService({ projectId: project.id, name: "web" });
        emu.store.updateInstance(web.id, environment.id, { source: { image: "ghcr.io/ainative/web:1" } });
        // A finished history: the previous deployment replaced, the live one serving.
        const [previous, live] = emu.store.seedHistory(web.id, environment.id, 2).map((d) => d.id);
        ids = { project: project.id, previous, live };
        env = { RAILWAY_PROJECT_ID: project.id, RAILWAY_API_TOKEN: emu.token };
    });

    it("gate --once: finds the service by name, probes it, prints the decision record, exits 0", async () => {
        const io = captureIO();
        const code = await gateCommand(
            ["--stack", "local", "--service", "web", "--url", healthUrl, "--once"],
            io,
            dir,
            env,
        );
        assert.equal(code, 0, io.all());
        const record = JSON.parse(io.stdout.join("\n"));
        assert.equal(record.decision, "healthy");
        assert.equal(record.deployment.id, ids.live);
        assert.equal(record.checks.health.length, 1);
        assert.match(io.stderr.join("\n"), /gate: healthy: levels 1-3 passed \(exit 0\)/);
    });

    it("gate: says which flag or variable is missing or out of range (exit 2), with a decision record once the flags parse", async () => {
        const cases: [string[], NodeJS.ProcessEnv, RegExp, boolean][] = [
            [["--stack", "local"], env, /required option '--service <name>' not specified/, false],
            [
                ["--stack", "local", "--service", "api", "--url", healthUrl],
                env,
                /no service 'api' \(services: web, postgres, redis\)/,
                true,
            ],
            [
                ["--stack", "local", "--service", "web", "--url", healthUrl],
                {},
                /pass --project-id, set RAILWAY_PROJECT_ID/,
                true,
            ],
            [["--stack", "local", "--service", "web"], env, /no custom domain in the stack file: pass --url/, true],
            [
                ["--stack", "local", "--service", "web", "--url", healthUrl, "--window", "soon"],
                env,
                /option '--window <minutes>' argument 'soon' is invalid\. must be a number from 0\.01 to 60/,
                false,
            ],
            [
                ["--stack", "local", "--service", "web", "--url", healthUrl, "--window", "100000"],
                env,
                /option '--window <minutes>' argument '100000' is invalid\. must be a number from 0\.01 to 60/,
                false,
            ],
            [
                ["--stack", "local", "--service", "web", "--url", healthUrl, "--interval", "0.001"],
                env,
                /option '--interval <seconds>' argument '0\.001' is invalid\. must be a number from 0\.05 to 300/,
                false,
            ],
            [["--stack", "nope", "--service", "web"], env, /no stack file/, true],
        ];
        for (const [argv, e, message, recorded] of cases) {
            const io = captureIO();
            assert.equal(await gateCommand(argv, io, dir, e), 2, argv.join(" "));
            assert.match(io.stderr.join("\n"), message);
            if (recorded) {
                const record = JSON.parse(io.stdout.join("\n"));
                assert.deepEqual([record.decision, record.exitCode], ["undecided", 2], argv.join(" "));
                assert.match(record.reason, message);
            }
        }
    });

    it("gate: Railway unreachable still prints the decision record (exit 2)", async () => {
        const io = captureIO();
        const code = await gateCommand(["--stack", "local", "--service", "web", "--url", healthUrl], io, dir, {
            ...env,
            RAILWAY_PROJECT_ID: "no-such-project",
        });
        assert.equal(code, 2, io.all());
        const record = JSON.parse(io.stdout.join("\n"));
        assert.equal(record.decision, "undecided");
        assert.match(record.reason, /Railway unreachable or the service unknown there: .*Project not found/);
    });

    it("rollback: rolls back to the previous live deployment, waits, records it (exit 0)", async () => {
        const io = captureIO();
        const code = await rollbackCommand(["--stack", "local", "--service", "web"], io, dir, env, 20);
        assert.equal(code, 0, io.all());
        assert.deepEqual(
            emu.log.filter((l) => l.operationName === "DeploymentRollback").map((l) => l.variables.id),
            [ids.previous],
        );
        const out = JSON.parse(io.stdout.join("\n"));
        assert.equal(out.status, "SUCCESS");
        const state = JSON.parse(fs.readFileSync(path.join(dir, ".artifacts", "gate", "local", "web.json"), "utf8"));
        assert.equal(state.rollbacks[0].from, ids.live);
        assert.equal(state.rollbacks[0].newDeploymentId, out.newDeploymentId);
    });

    it("rollback to a deployment past the image retention is not attempted (exit 2), with the runbook step", async () => {
        emu.store.deployment(ids.previous).createdAt = Date.now() - 30 * 3_600_000;
        const io = captureIO();
        assert.equal(await rollbackCommand(["--stack", "local", "--service", "web"], io, dir, env, 20), 2);
        assert.match(io.stderr.join("\n"), /is 30 h old, past the image retention of 24 h/);
        assert.match(io.stderr.join("\n"), /Past the image retention/);
        assert.equal(emu.log.filter((l) => l.operationName === "DeploymentRollback").length, 0);
    });

    it("rollback --to an unknown deployment does nothing (exit 2)", async () => {
        const io = captureIO();
        assert.equal(
            await rollbackCommand(["--stack", "local", "--service", "web", "--to", "nope"], io, dir, env, 20),
            2,
        );
        assert.match(io.stderr.join("\n"), /deployment nope is not one of this service's deployments/);
        assert.equal(emu.log.filter((l) => l.operationName === "DeploymentRollback").length, 0);
    });
});
