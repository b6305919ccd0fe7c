/**
 * Railway's own CLI (`railwayapp`, the version scripts/install-railway-cli.sh pins, built from the
 * crate registry) against the emulator, in a network namespace of its own (test/support/railway-cli):
 * every command a platform engineer and the runbooks use, run as a person runs it, its answer read
 * back from the emulator's state or from another command. An exit code alone proves nothing here.
 *
 * What the emulator cannot serve is listed in docs/emulator-and-fakes.md "The local Railway emulator".
 */
import * as assert from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { SCHEMA_PATH } from "../../tools/railway-emulator";
import type { EmulatorStore } from "../../tools/railway-emulator";
import { RailwayCli, railwayCliSchemaPath, startRailwayCli } from "../support/railway-cli";

const TERMINAL = ["SUCCESS", "FAILED", "CRASHED", "SKIPPED", "REMOVED", "SLEEPING"];

describe("Railway's CLI against the emulator (the real client, in its own network namespace)", function () {
    this.timeout(240_000);
    let cli: RailwayCli;
    let store: EmulatorStore;
    let projectId: string;
    let production: string;
    let web: string;
    let postgres: string;
    let app: string;
    let appServer: http.Server;
    const verified: string[] = [];

    /** Waits (on the emulator's real clock) until no deployment is still on its way. */
    const settle = async () => {
        const deadline = Date.now() + 20_000;
        while ([...store.deployments.values()].some((d) => !TERMINAL.includes(store.status(d)))) {
            assert.ok(Date.now() < deadline, "deployments did not settle");
            await new Promise((r) => setTimeout(r, 50));
        }
    };
    const json = async (args: string[], opts = {}) => JSON.parse(await cli.ok(args, { cwd: app, ...opts }));
    const ok = (args: string[], opts = {}) => cli.ok(args, { cwd: app, ...opts });
    const latest = (serviceId: string, environmentId = production) =>
        store.deploymentsOf(serviceId, environmentId).sort((a, b) => b.createdAt - a.createdAt)[0];
    const command = (name: string, fn: () => Promise<void>) =>
        it(name, async () => {
            await fn();
            verified.push(name.split(":")[0]);
        });

    before(async () => {
        // Stages long enough that the CLI's build-log stream meets a build still running, as on Railway.
        cli = await startRailwayCli({ deployStageMs: 250 });
        store = cli.emulator.store;
        const project = store.createProject({ name: "ainative-platform" });
        projectId = project.id;
        production = store.liveEnvironments(projectId)[0].id;
        store.createEnvironment({ projectId, name: "staging" });
        web = store.createService({
            projectId,
            name: "web",
            source: { repo: "ainative/platform" },
            branch: "main",
            environmentId: production,
        }).id;
        store.createService({
            projectId,
            name: "worker",
            source: { repo: "ainative/platform" },
            branch: "main",
            environmentId: production,
        });
        postgres = store.createService({
            projectId,
            name: "postgres",
            source: { image: "postgres:16" },
            environmentId: production,
        }).id;
        store.upsertVariables({
            projectId,
            environmentId: production,
            serviceId: web,
            variables: {
                NODE_ENV: "production",
                DATABASE_URL: "${{postgres.DATABASE_URL}}",
                API: "https://${{RAILWAY_PUBLIC_DOMAIN}}/api",
            },
            skipDeploys: true,
        });
        store.upsertVariables({
            projectId,
            environmentId: production,
            serviceId: postgres,
            variables: { DATABASE_URL: "postgresql://app@${{RAILWAY_PRIVATE_DOMAIN}}:5432/app" },
            skipDeploys: true,
        });
        app = path.join(cli.work, "app");
        fs.mkdirSync(path.join(app, "src"), { recursive: true });
        fs.writeFileSync(path.join(app, "package.json"), '{"name":"app","scripts":{"start":"node src/index.js"}}\n');
        fs.writeFileSync(
            path.join(app, "src", "index.js"),
            "require('http').createServer((q, s) => s.end('ok')).listen(process.env.PORT)\n",
        );
        appServer = http.createServer((req, res) => res.writeHead(req.url === "/missing" ? 404 : 200).end("ok"));
        await new Promise<void>((r) => appServer.listen(0, "127.0.0.1", () => r()));
        await settle();
    });

    after(async () => {
        appServer?.close();
        await cli?.close();
        if (verified.length)
            console.log(
                `      Railway's CLI ${cli?.version}: ${verified.length} commands verified against the emulator`,
            );
    });

    it("the schema the emulator serves is the one the pinned CLI ships, byte for byte (providers/railway/schema/SOURCE.md)", () => {
        const sha = (f: string) => createHash("sha256").update(fs.readFileSync(f)).digest("hex");
        assert.strictEqual(
            sha(SCHEMA_PATH),
            sha(railwayCliSchemaPath()),
            "vendor the CLI's src/gql/schema.json again, and say so in SOURCE.md",
        );
    });

    describe("project and identity", () => {
        command("whoami: the account behind the token", async () => {
            const me = await json(["whoami", "--json"]);
            assert.strictEqual(me.email, "user@emulator.invalid");
            assert.deepStrictEqual(
                me.workspaces.map((w: { id: string }) => w.id),
                ["local-workspace"],
            );
        });
        command("list: the workspace's projects", async () => {
            assert.match(await ok(["list"]), /local-workspace\n\s+ainative-platform/);
        });
        command("link: the project, environment and service, written to the CLI's config", async () => {
            await ok(["link", "--project", projectId, "--environment", "production", "--service", "web"]);
            const config = JSON.parse(fs.readFileSync(path.join(cli.home, ".railway", "config.json"), "utf8"));
            const linked = Object.values(
                config.projects as Record<string, { project: string; environment: string; service: string }>,
            )[0];
            assert.deepStrictEqual([linked.project, linked.environment, linked.service], [projectId, production, web]);
        });
        command("status: the linked project, environment and service's deployment", async () => {
            const text = await ok(["status"]);
            assert.match(text, /Project:\s+ainative-platform/);
            assert.match(text, /Environment:\s+production/);
            assert.match(text, new RegExp(`deployment ID:\\s+${latest(web).id}`));
        });
        command("status --json: the project as Railway returns it", async () => {
            const status = await json(["status", "--json"]);
            assert.strictEqual(status.id, projectId);
            const env = status.environments.edges.find(
                (e: { node: { name: string } }) => e.node.name === "production",
            ).node;
            const names = env.serviceInstances.edges
                .map((e: { node: { serviceName: string } }) => e.node.serviceName)
                .sort();
            assert.deepStrictEqual(names, ["postgres", "web", "worker"]);
        });
    });

    describe("environments", () => {
        command("environment list: every environment, the linked one marked", async () => {
            const list = await json(["environment", "list", "--json"]);
            const byName = Object.fromEntries(
                list.environments.map((e: { name: string; isLinked: boolean }) => [e.name, e.isLinked]),
            );
            assert.deepStrictEqual(byName, { production: true, staging: false });
        });
        command("environment new: an empty environment", async () => {
            const made = await json(["environment", "new", "qa", "--json"]);
            const env = store.environment(made.id);
            assert.strictEqual(env.name, "qa");
            assert.strictEqual([...store.instances.keys()].filter((k) => k.endsWith(`:${env.id}`)).length, 0);
        });
        command("environment new --duplicate: production's services, settings and variables copied", async () => {
            // The CLI copies the source's config itself: an empty environment, then one patch.
            const made = await json(["environment", "new", "preview", "--duplicate", "production", "--json"]);
            assert.strictEqual(store.vars(web, made.id).NODE_ENV, "production");
            assert.strictEqual(store.vars(web, made.id).DATABASE_URL, "${{postgres.DATABASE_URL}}");
            assert.deepStrictEqual(store.instance(postgres, made.id).source, { image: "postgres:16" });
        });
        command("environment delete: gone from Railway (deletedAt)", async () => {
            const qa = store.liveEnvironments(projectId).find((e) => e.name === "qa")!;
            await ok(["environment", "delete", "qa", "--yes", "--json"]);
            assert.ok(store.environment(qa.id, { includeDeleted: true }).deletedAt !== undefined);
            await ok(["link", "--project", projectId, "--environment", "production", "--service", "web"]);
        });
        command("environment config: the environment's configuration by service id", async () => {
            const config = await json(["environment", "config", "--json"]);
            assert.deepStrictEqual(config.services[web].source, { repo: "ainative/platform", branch: "main" });
            assert.deepStrictEqual(config.services[postgres].source, { image: "postgres:16" });
        });
        command("environment edit: a setting changed through an environment patch", async () => {
            const before = latest(web).id;
            const out = await json(["environment", "edit", "--json"], {
                input: JSON.stringify({ services: { [web]: { deploy: { startCommand: "npm start" } } } }),
            });
            assert.strictEqual(out.committed, true);
            assert.strictEqual(store.instance(web, production).startCommand, "npm start");
            assert.notStrictEqual(latest(web).id, before, "a committed patch deploys the service it changed");
            await settle();
        });
    });

    describe("variables and services", () => {
        command("variables: the service's variables with Railway's own, references rendered", async () => {
            const vars = await json(["variables", "--json"]);
            assert.strictEqual(vars.RAILWAY_PROJECT_NAME, "ainative-platform");
            assert.strictEqual(vars.RAILWAY_PRIVATE_DOMAIN, "web.railway.internal");
            assert.strictEqual(vars.DATABASE_URL, "postgresql://app@postgres.railway.internal:5432/app");
            assert.ok(!("RAILWAY_PUBLIC_DOMAIN" in vars), "no public domain before the service has one");
        });
        command("variables --kv: KEY=value lines", async () => {
            assert.match(await ok(["variables", "--kv"]), /^NODE_ENV=production$/m);
        });
        command("variables set: stored, and --skip-deploys deploys nothing", async () => {
            const before = latest(web).id;
            await ok(["variables", "set", "FEATURE_FLAG=on", "--skip-deploys"]);
            assert.strictEqual(store.vars(web, production).FEATURE_FLAG, "on");
            assert.strictEqual(latest(web).id, before);
        });
        command("variables delete: removed", async () => {
            await ok(["variables", "delete", "FEATURE_FLAG"]);
            assert.ok(!("FEATURE_FLAG" in store.vars(web, production)));
        });
        command("service list: the environment's services with their source and status", async () => {
            const list = await json(["service", "list", "--json"]);
            const byName = Object.fromEntries(
                list.map((s: { name: string; status: string; source: object }) => [s.name, s]),
            );
            assert.deepStrictEqual(Object.keys(byName).sort(), ["postgres", "web", "worker"]);
            assert.strictEqual(byName.postgres.source.image, "postgres:16");
            assert.strictEqual(byName.web.status, store.status(latest(web)));
        });
        command("service status: the linked service's latest deployment", async () => {
            const s = await json(["service", "status", "--json"]);
            assert.deepStrictEqual(
                [s.name, s.deploymentId, s.status],
                ["web", latest(web).id, store.status(latest(web))],
            );
        });
        command("service link: another service linked", async () => {
            await ok(["service", "link", "worker"]);
            assert.strictEqual((await json(["service", "status", "--json"])).name, "worker");
            await ok(["service", "link", "web"]);
        });
    });

    describe("domains", () => {
        command("domain: a Railway domain generated, and RAILWAY_PUBLIC_DOMAIN follows it", async () => {
            const out = await json(["domain", "--json"]);
            const made = [...store.domains.values()].find((d) => d.serviceId === web && !d.custom)!;
            assert.strictEqual(out.domain, `https://${made.domain}`);
            const vars = await json(["variables", "--json"]);
            assert.strictEqual(vars.RAILWAY_PUBLIC_DOMAIN, made.domain);
            assert.strictEqual(vars.API, `https://${made.domain}/api`);
        });
        command("domain <custom>: a custom domain with the DNS records to create", async () => {
            const out = await json(["domain", "app.ainative.dev", "--port", "8080", "--json"]);
            assert.strictEqual(out.customDomainCreate.domain, "app.ainative.dev");
            assert.strictEqual(out.customDomainCreate.status.dnsRecords[0].recordType, "DNS_RECORD_TYPE_CNAME");
            assert.ok(
                [...store.domains.values()].some(
                    (d) => d.custom && d.domain === "app.ainative.dev" && d.targetPort === 8080,
                ),
            );
        });
        command("domain list: both domains", async () => {
            const list = await json(["domain", "list", "--json"]);
            assert.deepStrictEqual(list.domains.map((d: { type: string }) => d.type).sort(), ["custom", "service"]);
        });
        command("domain status: the custom domain's verification and certificate", async () => {
            const status = await json(["domain", "status", "app.ainative.dev", "--json"]);
            assert.strictEqual(status.domain.verification.verified, false);
            assert.strictEqual(status.domain.certificate.status, "CERTIFICATE_STATUS_TYPE_VALIDATING_OWNERSHIP");
        });
        command("domain delete: the custom domain gone", async () => {
            await ok(["domain", "delete", "app.ainative.dev", "--yes"]);
            assert.ok(![...store.domains.values()].some((d) => d.domain === "app.ainative.dev"));
        });
    });

    describe("volumes", () => {
        command("volume add: a volume mounted on the linked service", async () => {
            await ok(["service", "link", "postgres"]);
            const made = await json(["volume", "add", "--mount-path", "/var/lib/postgresql/data", "--json"]);
            const vi = [...store.volumeInstances.values()].find(
                (v) => v.volumeId === made.id && v.environmentId === production,
            )!;
            assert.deepStrictEqual([vi.serviceId, vi.mountPath], [postgres, "/var/lib/postgresql/data"]);
        });
        command("volume list: the volume, its service and mount path", async () => {
            const list = await json(["volume", "list", "--json"]);
            assert.deepStrictEqual(
                list.volumes.map((v: { serviceName: string; mountPath: string }) => [v.serviceName, v.mountPath]),
                [["postgres", "/var/lib/postgresql/data"]],
            );
        });
        command("volume update: renamed", async () => {
            const volume = [...store.volumes.values()].find((v) => !v.deletionRequestedAt)!;
            await ok(["volume", "update", "--volume", volume.name, "--name", "pgdata", "--json"]);
            assert.strictEqual(store.volumes.get(volume.id)!.name, "pgdata");
        });
        command("volume delete: deletion queued, as Railway does", async () => {
            await ok(["volume", "delete", "--volume", "pgdata", "--yes", "--json"]);
            assert.ok([...store.volumes.values()].every((v) => v.deletionRequestedAt !== undefined));
            await ok(["service", "link", "web"]);
        });
    });

    describe("deployments", () => {
        command("scale: replicas per region, by the region's short name", async () => {
            await json(["scale", "us-west=2", "eu-west=1", "--json"]);
            assert.deepStrictEqual(store.instance(web, production).multiRegionConfig, {
                "us-west2": { numReplicas: 2 },
                "europe-west4-drams3a": { numReplicas: 1 },
            });
            await settle();
        });
        command("redeploy: a new deployment of the same commit", async () => {
            const before = latest(web);
            const out = await json(["redeploy", "--yes", "--json"]);
            const after = store.deployment(out.id);
            assert.deepStrictEqual([after.reason, after.commitHash], ["redeploy", before.commitHash]);
            await settle();
        });
        command("redeploy --commit: the named commit deployed once", async () => {
            const sha = "c".repeat(40);
            store.push("ainative/platform", "release", sha);
            await ok(["redeploy", "--commit", sha, "--yes", "--json"]);
            assert.strictEqual(latest(web).commitHash, sha);
            await settle();
        });
        command("restart: the running deployment restarted, nothing new deployed", async () => {
            const before = latest(web).id;
            await ok(["restart", "--yes", "--json"]);
            assert.strictEqual(latest(web).id, before);
        });
        command("deployment list: newest first, with statuses", async () => {
            const list = await json(["deployment", "list", "--json"]);
            const mine = store.deploymentsOf(web, production).sort((a, b) => b.createdAt - a.createdAt);
            assert.deepStrictEqual(
                list.map((d: { id: string; status: string }) => [d.id, d.status]),
                mine.map((d) => [d.id, store.status(d)]),
            );
        });
        command("down: the live deployment removed", async () => {
            const live = latest(web);
            assert.strictEqual(store.status(live), "SUCCESS");
            await ok(["down", "--yes"]);
            assert.strictEqual(store.status(live), "REMOVED");
        });
    });

    describe("logs, metrics and run", () => {
        before(async () => {
            await ok(["redeploy", "--yes"]);
            await settle();
            const d = latest(web);
            cli.emulator.store.signals.addLogLines(d.id, "deploy", [
                { at: store.now(), message: "GET /api/health 200", severity: "info" },
                { at: store.now() + 1, message: "payment provider timed out", severity: "error" },
            ]);
            const proxy = await cli.emulator.proxy(
                web,
                production,
                `http://127.0.0.1:${(appServer.address() as { port: number }).port}`,
            );
            for (const p of ["/", "/api", "/missing"]) await fetch(proxy + p);
        });
        command("logs --build: the build's lines, through its snapshot", async () => {
            const lines = await ok(["logs", "--build", "--lines", "20"]);
            assert.match(lines, /building ainative\/platform@[0-9a-f]{7}/);
            assert.match(lines, /Build time:/);
        });
        command("logs --deployment: the running deployment's lines, filtered by level", async () => {
            const all = await ok(["logs", "--deployment", "--lines", "20"]);
            assert.match(all, /Server listening on :8080/);
            const errors = await ok(["logs", "--deployment", "--lines", "20", "--filter", "@level:error"]);
            assert.deepStrictEqual(errors.trim().split("\n"), ["payment provider timed out"]);
        });
        command("logs --http: the requests through Railway's edge", async () => {
            const lines = (await ok(["logs", "--http", "--lines", "10", "--json"]))
                .trim()
                .split("\n")
                .map((l) => JSON.parse(l));
            assert.deepStrictEqual(
                lines.map((l: { path: string; httpStatus: number }) => [l.path, l.httpStatus]),
                [
                    ["/", 200],
                    ["/api", 200],
                    ["/missing", 404],
                ],
            );
        });
        command("logs (streamed): the lines so far, then each new line as it comes", async () => {
            const d = latest(web);
            setTimeout(
                () =>
                    store.signals.addLogLines(d.id, "deploy", [
                        { at: store.now(), message: "streamed-line-42", severity: "info" },
                    ]),
                1500,
            );
            const r = await cli.run(["logs"], { cwd: app, tty: true, until: /streamed-line-42/, timeoutMs: 20_000 });
            assert.match(r.stdout, /Server listening on :8080[^]*streamed-line-42/);
        });
        command("metrics: CPU and memory from Railway's series", async () => {
            const now = Math.floor(store.now() / 1000);
            store.signals.setSeries(web, production, "CPU_USAGE", [
                { ts: now - 120, value: 0.25 },
                { ts: now - 60, value: 0.5 },
            ]);
            store.signals.setSeries(web, production, "MEMORY_USAGE_GB", [{ ts: now - 60, value: 0.75 }]);
            const m = await json(["metrics", "--json"]);
            assert.deepStrictEqual([m.cpu.current, m.cpu.average, m.cpu.max], [0.5, 0.375, 0.5]);
            assert.strictEqual(m.memory.current_mb, 768);
        });
        command("run: a local command with the service's variables", async () => {
            const out = await ok(["run", "--", "sh", "-c", 'printf "%s|%s" "$RAILWAY_SERVICE_NAME" "$NODE_ENV"']);
            assert.strictEqual(out.trim(), "web|production");
        });
    });

    describe("up: code uploaded to Railway's REST path and streamed back over its WebSocket", () => {
        command("up --ci: the folder uploaded, built, the build's logs streamed, exit 0 on success", async () => {
            const r = await cli.run(["up", "--ci"], { cwd: app, timeoutMs: 60_000 });
            assert.strictEqual(r.code, 0, r.stderr);
            const d = latest(web);
            assert.deepStrictEqual(d.upload?.files.sort(), ["package.json", "src/index.js"]);
            assert.strictEqual(store.status(d), "SUCCESS");
            assert.match(r.stdout, /building uploaded code \(2 files\)[^]*Deploy complete/);
        });
        command("up --detach: the deployment's id and logs URL, without waiting", async () => {
            const out = await json(["up", "--detach", "--json", "--message", "hotfix 1"]);
            const d = store.deployment(out.deploymentId);
            assert.deepStrictEqual([d.serviceId, d.upload?.message], [web, "hotfix 1"]);
            assert.match(out.logsUrl, new RegExp(`id=${d.id}`));
            await settle();
        });
        it("up of a build that fails: the failure streamed, exit non-zero", async () => {
            cli.emulator.nextDeployments("FAILED", 1, web);
            const r = await cli.run(["up", "--ci"], { cwd: app, timeoutMs: 60_000 });
            assert.notStrictEqual(r.code, 0);
            assert.match(r.stdout + r.stderr, /Build Failed/);
            await settle();
        });
    });

    describe("Railway's IaC (.railway/): config pull, plan and apply", () => {
        command("config pull: the environment written as an authoring file", async () => {
            await ok(["config", "pull", "--variables=unmanaged"]);
            assert.match(fs.readFileSync(path.join(app, ".railway", "railway.ts"), "utf8"), /web/);
        });
        command("config plan: the file's difference from Railway", async () => {
            // A Python authoring file (the CLI evaluates .py with python3; .ts needs Node 22's type stripping).
            fs.rmSync(path.join(app, ".railway", "railway.ts"));
            const pulled = await json(["config", "pull", "--json"]);
            const webResource = pulled.resources.find((r: { name: string }) => r.name === "web");
            webResource.deploy.startCommand = "node src/index.js";
            const project = { name: pulled.project.name, resources: pulled.resources };
            fs.writeFileSync(
                path.join(app, ".railway", "railway.py"),
                `import json\ndef main(ctx):\n    return json.loads(${JSON.stringify(JSON.stringify(project))})\n`,
            );
            const plan = await ok(["config", "plan"]);
            assert.match(plan, /Update web deploy\.startCommand/);
            assert.match(plan, /"npm start" → "node src\/index\.js"/);
        });
        command("config apply: applied, deployed, and the services recorded as the file's (iacPartials)", async () => {
            const out = await json(["config", "apply", "--json"]);
            assert.strictEqual(out.ok, true);
            assert.strictEqual(store.instance(web, production).startCommand, "node src/index.js");
            assert.strictEqual(store.iacPartials.get(production)?.["service.web"], "*");
            assert.match(await ok(["config", "plan"]), /already up to date/);
            await settle();
        });
    });

    it("with a project token (RAILWAY_TOKEN) it reaches its own environment only", async () => {
        const token = cli.emulator.projectToken(projectId, production);
        const env = { RAILWAY_TOKEN: token, RAILWAY_API_TOKEN: undefined };
        const status = await json(["status", "--json"], { env });
        assert.strictEqual(status.id, projectId);
        const staging = store.liveEnvironments(projectId).find((e) => e.name === "staging")!;
        const refused = await cli.run(["variables", "--environment", staging.name, "--json"], { cwd: app, env });
        assert.notStrictEqual(refused.code, 0, "a project token may not read another environment");
    });
});
