/**
 * The `railway` provider plugin under the real engine: a service made outside Pulumi is brought
 * into a stack with `pulumi import railway:index:Service`; a program written against the generated
 * SDK creates and destroys through the plugin; the state holds data, not code; the packaged plugin
 * installs from its tarball and works with no checkout; the committed SDK is what the generator
 * makes of the schema today.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RESOURCES } from "../../providers/railway/plugin/resources";
import { PACKAGE_VERSION } from "../../providers/railway/plugin/schema";
import { engineEnv, runPulumi } from "../../scripts/engine/engine";
import { packagePlugin } from "../../scripts/provider/package";
import { generatePythonSdk } from "../../scripts/provider/python-sdk";
import { staleFiles } from "../../scripts/provider/sdk";
import { LocalStack, startLocalStack } from "../support/e2e";

type StateResource = { type: string; urn: string; id?: string; outputs?: Record<string, unknown>; provider?: string };

describe("the railway provider plugin under the real engine", function () {
    let s: LocalStack;
    before(async () => {
        s = await startLocalStack();
    });
    after(async () => {
        await s?.close();
    });

    it("pulumi import railway:index:Service: a service made outside Pulumi, in state with the plugin as its provider", async () => {
        const project = s.emu.store.createProject({ name: "made-by-hand", defaultEnvironmentName: "production" });
        const service = s.emu.store.createService({ projectId: project.id, name: "worker" });
        const imported = await s.run(["import", "railway:index:Service", "worker", service.id, "--yes"]);
        assert.equal(imported.code, 0, imported.stdout + imported.stderr);
        // The code to paste, generated from the plugin's schema.
        assert.match(imported.stdout, /import \* as railway from "@ainative\/pulumi-railway";/);
        assert.match(
            imported.stdout,
            new RegExp(`new railway\\.Service\\("worker", \\{[^}]*name: "worker",\\s*projectId: "${project.id}"`),
        );
        const exported = await s.run(["stack", "export"]);
        const state = JSON.parse(exported.stdout);
        const resources = state.deployment.resources as StateResource[];
        const worker = resources.find((r) => r.type === "railway:index:Service");
        assert.ok(worker, exported.stdout);
        assert.equal(worker.id, service.id);
        assert.deepEqual([worker.outputs?.name, worker.outputs?.projectId], ["worker", project.id]);
        assert.match(worker.provider ?? "", /::pulumi:providers:railway::default/);
        assert.ok(!resources.some((r) => r.type.startsWith("pulumi-nodejs:dynamic")), "no dynamic resource");
        assert.doesNotMatch(exported.stdout, /__provider/, "no serialized provider code");
    });

    it("a program on the generated SDK: pulumi up creates through the plugin, destroy deletes, refresh drops what Railway lost", async () => {
        const project = s.emu.store.createProject({ name: "sdk-program", defaultEnvironmentName: "production" });
        fs.mkdirSync(path.join(s.ws.dir, "sdk-program"));
        fs.writeFileSync(
            path.join(s.ws.dir, "sdk-program", "index.ts"),
            [
                'import * as pulumi from "@pulumi/pulumi";',
                'import * as railway from "../providers/railway/sdk/nodejs";',
                'const service = new railway.Service("api", { projectId: new pulumi.Config("sdk").require("projectId"), name: "api" });',
                "export const serviceId = service.id;",
                "export const found = railway.getServiceOutput({ projectId: service.projectId, name: service.name }).id;",
                'export const projectName = railway.getProjectOutput({ id: new pulumi.Config("sdk").require("projectId") }).name;',
                "",
            ].join("\n"),
        );
        const yaml = path.join(s.ws.dir, "Pulumi.yaml");
        fs.writeFileSync(yaml, fs.readFileSync(yaml, "utf8").replace(/^main: .*$/m, "main: sdk-program/index.ts"));
        // A stack of its own: the local stack holds the imported (protected) service.
        const sdk = (args: string[]) => s.ws.run([...args, "--stack", "sdk", "--non-interactive", "--color", "never"]);
        assert.equal((await s.ws.run(["stack", "init", "sdk", "--non-interactive"])).code, 0);
        assert.equal((await sdk(["config", "set", "sdk:projectId", project.id])).code, 0);
        const up = await sdk(["up", "--yes", "--skip-preview"]);
        assert.equal(up.code, 0, up.stdout + up.stderr);
        const api = [...s.emu.store.services.values()].find((x) => x.name === "api" && x.projectId === project.id);
        assert.ok(api, "the service is on Railway");
        const state = JSON.parse((await sdk(["stack", "export"])).stdout);
        const resource = (state.deployment.resources as StateResource[]).find(
            (r) => r.type === "railway:index:Service" && r.urn.endsWith("::api"),
        );
        assert.equal(resource?.id, api.id);
        assert.match(resource?.provider ?? "", /::pulumi:providers:railway::default_0_1_0::/);
        // The invokes, from the program: the service it made, found again by name; the project by ID.
        const outputs = JSON.parse((await sdk(["stack", "output", "--json"])).stdout);
        assert.deepEqual([outputs.found, outputs.projectName], [api.id, "sdk-program"]);
        const down = await sdk(["destroy", "--yes", "--skip-preview"]);
        assert.equal(down.code, 0, down.stdout + down.stderr);
        assert.ok(!s.emu.store.services.has(api.id), "deleted on Railway");
        // Deleted by hand on Railway: refresh hears it from the plugin's read and drops it from state.
        assert.equal((await sdk(["up", "--yes", "--skip-preview"])).code, 0);
        const again = [...s.emu.store.services.values()].find((x) => x.name === "api" && x.projectId === project.id)!;
        s.emu.store.outOfBand({ kind: "deleteService", serviceId: again.id });
        const refreshed = await sdk(["refresh", "--yes", "--skip-preview"]);
        assert.equal(refreshed.code, 0, refreshed.stdout + refreshed.stderr);
        const after = JSON.parse((await sdk(["stack", "export"])).stdout);
        assert.ok(
            !(after.deployment.resources as StateResource[]).some((r) => r.type === "railway:index:Service"),
            "gone from state",
        );
    });

    it("the packaged plugin: pulumi plugin install --file takes the tarball, and it imports a service from a project far from any checkout", async () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "railway-packaged-"));
        try {
            const tarball = path.join(root, "pulumi-resource-railway.tar.gz");
            assert.ok((await packagePlugin(tarball)) > 0);
            const [home, project, state] = ["home", "project", "state"].map((d) => path.join(root, d));
            for (const d of [home, project, state]) fs.mkdirSync(d);
            fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: packaged\nruntime: nodejs\n");
            // A machine of its own: a fresh plugin cache, no checkout above the project, no way back to this one.
            const env = engineEnv(s.ws.engine, {
                backendUrl: `file://${state}`,
                passphrase: "packaged",
                extra: {
                    PULUMI_HOME: home,
                    RAILWAY_PROVIDER_ROOT: "",
                    RAILWAY_API_TOKEN: s.emu.token,
                    RAILWAY_API_URL: s.emu.apiUrl,
                },
            });
            const run = (args: string[]) => runPulumi(s.ws.engine, args, { cwd: project, env });
            const installed = await run([
                "plugin",
                "install",
                "resource",
                "railway",
                PACKAGE_VERSION,
                "--file",
                tarball,
            ]);
            assert.equal(installed.code, 0, installed.stdout + installed.stderr);
            assert.ok(
                fs.existsSync(
                    path.join(home, "plugins", `resource-railway-v${PACKAGE_VERSION}`, "pulumi-resource-railway"),
                ),
            );
            assert.equal((await run(["stack", "init", "dev"])).code, 0);
            const made = s.emu.store.createProject({ name: "packaged", defaultEnvironmentName: "production" });
            const service = s.emu.store.createService({ projectId: made.id, name: "api" });
            const imported = await run([
                "import",
                "railway:index:Service",
                "api",
                service.id,
                "--yes",
                "--non-interactive",
            ]);
            assert.equal(imported.code, 0, imported.stdout + imported.stderr);
            const exported = JSON.parse((await run(["stack", "export"])).stdout);
            const api = (exported.deployment.resources as StateResource[]).find(
                (r) => r.type === "railway:index:Service",
            );
            assert.deepEqual([api?.id, api?.outputs?.name], [service.id, "api"]);
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    it("the schema serves Python too: Pulumi's own Python generator makes a module of every resource and function, and it compiles", () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "railway-python-"));
        try {
            const files = generatePythonSdk(out);
            const snake = (n: string) => n.replace(/[A-Z]/g, (c, i) => `${i ? "_" : ""}${c.toLowerCase()}`);
            for (const name of Object.keys(RESOURCES))
                assert.ok(files.includes(`pulumi_railway/${snake(name)}.py`), name);
            for (const fn of ["get_project", "get_environment", "get_service"])
                assert.ok(files.includes(`pulumi_railway/${fn}.py`), fn);
            const init = fs.readFileSync(path.join(out, "pulumi_railway", "__init__.py"), "utf8");
            assert.match(init, /"railway:index:ServiceInstance": "ServiceInstance"/);
            const compiled = spawnSync("python3", ["-m", "compileall", "-q", out], { encoding: "utf8" });
            assert.equal(compiled.status, 0, compiled.stdout + compiled.stderr);
        } finally {
            fs.rmSync(out, { recursive: true, force: true });
        }
    });

    it("the committed schema file and SDK are what the generator makes of the plugin's schema", () => {
        assert.deepEqual(staleFiles(), [], "run npm run provider:sdk");
    });
});
