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

    it("pulumi import with a malformed, hostile, foreign or another project's ID: refused, the ID shown escaped and bounded, nothing in state", async () => {
        const a = s.emu.store.createProject({ name: "import-a", defaultEnvironmentName: "production" });
        const b = s.emu.store.createProject({ name: "import-b", defaultEnvironmentName: "production" });
        const [envA] = s.emu.store.liveEnvironments(a.id);
        const [envB] = s.emu.store.liveEnvironments(b.id);
        const svcB = s.emu.store.createService({ projectId: b.id, name: "stranger" });
        s.emu.store.updateInstance(svcB.id, envB.id, { source: { image: "ghcr.io/b/stranger:1" } });
        const before = (await s.run(["stack", "export"])).stdout;
        const mutations = s.emu.log.length;
        const NOTHING_THERE =
            /Railway has nothing of that ID the token can see \(deleted, another project.s, or the ID of something else\); the import ID is </;
        const attempts: [string, string, RegExp][] = [
            // Malformed: the expected format, the ID escaped (no terminal escape, no second line) and cut.
            [
                "ServiceInstance",
                "\u001b[31mred",
                /invalid railway\.ServiceInstance ID '\\u001b\[31mred': expected <projectId>:<serviceId>:<environmentId>/,
            ],
            [
                "Volume",
                "x".repeat(100_000),
                /invalid railway\.Volume ID 'x{200}…' \(100000 characters\): expected <environmentId>:<volumeId>/,
            ],
            // Foreign: a service's ID given for an environment.
            ["Environment", `${a.id}:${svcB.id}`, NOTHING_THERE],
            // Another project's: project A named, B's service and environment given.
            [
                "ServiceInstance",
                `${a.id}:${svcB.id}:${envB.id}`,
                new RegExp(`environment ${envB.id} belongs to project ${b.id}, not ${a.id}`),
            ],
            ["Variables", `${a.id}:${envB.id}:${svcB.id}`, NOTHING_THERE],
            ["ServiceInstance", `${a.id}:${svcB.id}:${envA.id}`, NOTHING_THERE],
        ];
        for (const [type, id, expected] of attempts) {
            const r = await s.run(["import", `railway:index:${type}`, "x", id, "--yes"]);
            const out = r.stdout + r.stderr;
            assert.notEqual(r.code, 0, `${type} ${id.slice(0, 40)}: ${out}`);
            assert.match(out, expected);
            assert.ok(!out.includes("\u001b[31m"), "no raw terminal escape");
            assert.ok(out.length < 20_000, `${out.length} characters of output for a 100,000-character ID`);
        }
        assert.equal((await s.run(["stack", "export"])).stdout, before, "the state is as it was");
        assert.deepEqual(
            s.emu.log.slice(mutations).filter((l) => /Create|Update|Delete|Upsert/.test(l.operationName)),
            [],
            "nothing changed on Railway",
        );
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

    it("the plugin with no token fails before any call, saying how to set one; a token set in clear config never reaches the state or outputs", async () => {
        const yaml = path.join(s.ws.dir, "Pulumi.yaml");
        const main = fs.readFileSync(yaml, "utf8");
        fs.mkdirSync(path.join(s.ws.dir, "token-program"));
        fs.writeFileSync(
            path.join(s.ws.dir, "token-program", "index.ts"),
            [
                'import * as pulumi from "@pulumi/pulumi";',
                'import * as railway from "../providers/railway/sdk/nodejs";',
                'export const serviceId = new railway.Service("api", { projectId: new pulumi.Config("tk").require("projectId"), name: "api" }).id;',
                "",
            ].join("\n"),
        );
        fs.writeFileSync(yaml, main.replace(/^main: .*$/m, "main: token-program/index.ts"));
        try {
            const project = s.emu.store.createProject({ name: "token-config", defaultEnvironmentName: "production" });
            // No token anywhere: not in the environment, not in config.
            const noEnvToken = { RAILWAY_API_TOKEN: "", RAILWAY_TOKEN: "" };
            const tk = (args: string[]) =>
                s.ws.run([...args, "--stack", "tk", "--non-interactive", "--color", "never"], { env: noEnvToken });
            assert.equal((await s.ws.run(["stack", "init", "tk", "--non-interactive"])).code, 0);
            assert.equal((await tk(["config", "set", "tk:projectId", project.id])).code, 0);
            const calls = s.emu.log.length;
            const none = await tk(["up", "--yes", "--skip-preview"]);
            assert.notEqual(none.code, 0);
            assert.match(
                none.stdout + none.stderr,
                /no Railway token: set RAILWAY_API_TOKEN .* pulumi config set --secret railway:token/,
            );
            assert.equal(s.emu.log.length, calls, "no call reached Railway");

            // In clear, past the CLI's own refusal (--plaintext; or written into the file by hand).
            const set = await tk(["config", "set", "--plaintext", "railway:token", s.emu.token]);
            assert.equal(set.code, 0, set.stderr);
            const up = await tk(["up", "--yes", "--skip-preview"]);
            assert.equal(up.code, 0, up.stdout + up.stderr);
            const exported = await tk(["stack", "export"]);
            const outputs = await tk(["stack", "output", "--json", "--show-secrets"]);
            for (const [what, text] of [
                ["the state", exported.stdout],
                ["the outputs", outputs.stdout],
                ["the up's output", up.stdout + up.stderr],
            ])
                assert.ok(!text.includes(s.emu.token), `the token is not in ${what}`);
            const provider = (
                JSON.parse(exported.stdout).deployment.resources as (StateResource & {
                    inputs?: Record<string, unknown>;
                })[]
            ).find((r) => r.type === "pulumi:providers:railway");
            assert.ok(provider?.inputs?.token && typeof provider.inputs.token === "object", "kept as a secret");
            assert.equal((await tk(["destroy", "--yes", "--skip-preview"])).code, 0);
        } finally {
            fs.writeFileSync(yaml, main);
        }
    });

    it("which changes replace is the resource table's one reading, and the engine acts on it: a new duplicateFrom replaces nothing, a new volume region is refused before anything runs", async () => {
        const project = s.emu.store.createProject({ name: "replace-keys", defaultEnvironmentName: "production" });
        const [production] = [...s.emu.store.environments.values()].filter((e) => e.projectId === project.id);
        const staging = s.emu.store.createEnvironment({ projectId: project.id, name: "staging" });
        const service = s.emu.store.createService({ projectId: project.id, name: "db" });
        fs.mkdirSync(path.join(s.ws.dir, "replace-program"));
        fs.writeFileSync(
            path.join(s.ws.dir, "replace-program", "index.ts"),
            [
                'import * as pulumi from "@pulumi/pulumi";',
                'import * as railway from "../providers/railway/sdk/nodejs";',
                'const c = new pulumi.Config("rk");',
                'const env = new railway.Environment("review", { projectId: c.require("projectId"), name: "review", duplicateFrom: c.require("from") });',
                'const volume = new railway.Volume("data", { projectId: c.require("projectId"), environmentId: env.id, serviceId: c.require("serviceId"), mountPath: "/data", region: c.require("region") });',
                "export const environmentId = env.id;",
                "export const volumeId = volume.id;",
                "",
            ].join("\n"),
        );
        const yaml = path.join(s.ws.dir, "Pulumi.yaml");
        const main = fs.readFileSync(yaml, "utf8");
        fs.writeFileSync(yaml, main.replace(/^main: .*$/m, "main: replace-program/index.ts"));
        try {
            const rk = (args: string[]) =>
                s.ws.run([...args, "--stack", "rk", "--non-interactive", "--color", "never"]);
            assert.equal((await s.ws.run(["stack", "init", "rk", "--non-interactive"])).code, 0);
            for (const [key, value] of [
                ["projectId", project.id],
                ["serviceId", service.id],
                ["from", production.name],
                ["region", "us-west2"],
            ])
                assert.equal((await rk(["config", "set", `rk:${key}`, value])).code, 0);
            const up = await rk(["up", "--yes", "--skip-preview"]);
            assert.equal(up.code, 0, up.stdout + up.stderr);
            const first = JSON.parse((await rk(["stack", "output", "--json"])).stdout);

            // A new region: refused before anything runs (Railway cannot move a volume, and a service
            // holds one, so a replacement made beside it would adopt the old volume and then delete it).
            await rk(["config", "set", "rk:region", "europe-west4-drams3a"]);
            const moved = await rk(["preview"]);
            assert.notEqual(moved.code, 0, moved.stdout);
            assert.match(
                moved.stdout + moved.stderr,
                /property region value \{europe-west4-drams3a\} has a problem: a volume cannot move from us-west2 to europe-west4-drams3a/,
            );
            const refusedUp = await rk(["up", "--yes", "--skip-preview"]);
            assert.notEqual(refusedUp.code, 0);
            const volume = [...s.emu.store.volumeInstances.values()].filter((i) => i.volumeId === first.volumeId);
            assert.deepEqual(
                [volume.map((i) => i.region), s.emu.store.volumes.get(first.volumeId)?.deletionRequestedAt],
                [["us-west2"], undefined],
                "the volume is untouched",
            );
            await rk(["config", "set", "rk:region", "us-west2"]);

            // A new duplicateFrom: no step at all (the preview lists only what changes), and up keeps the environment.
            await rk(["config", "set", "rk:from", staging.name]);
            const preview = await rk(["preview", "--json"]);
            assert.equal(preview.code, 0, preview.stdout + preview.stderr);
            const steps = JSON.parse(preview.stdout).steps as { op: string; urn: string }[];
            assert.deepEqual(
                steps.filter((x) => /::railway:index:(Environment|Volume)::/.test(x.urn)).map((x) => x.op),
                [],
                "duplicateFrom is read at creation only",
            );
            const again = await rk(["up", "--yes", "--skip-preview"]);
            assert.equal(again.code, 0, again.stdout + again.stderr);
            const second = JSON.parse((await rk(["stack", "output", "--json"])).stdout);
            assert.deepEqual(second, first, "the environment and the volume were kept");
            assert.equal((await rk(["destroy", "--yes", "--skip-preview"])).code, 0);
        } finally {
            fs.writeFileSync(yaml, main);
        }
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
