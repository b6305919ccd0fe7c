/**
 * Railway's own IaC beside a stack, with Railway's own CLI: a `.railway/` authoring file applied with
 * `railway config apply` to services the local stack owns. The change is drift like any out-of-band
 * edit (`npm run drift` names the resource and the property), and Railway now records those
 * services as its IaC's (`Environment.iacPartials`), so the next `pulumi up` refuses to manage them,
 * naming the service, the owner and the way to hand it back, and changes nothing.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { LocalStack, startLocalStack } from "../support/e2e";

describe("Railway's IaC (railway config apply) on services a stack owns", function () {
    let s: LocalStack;
    let app: string;
    const store = () => s.emu.store;
    const env = () => [...store().environments.values()].find((e) => e.name === "local" && !e.deletedAt)!;
    const web = () => [...store().services.values()].find((x) => x.name === "web")!.id;

    before(async () => {
        s = await startLocalStack({ railwayCli: true });
        const up = await s.run(["up", "--yes", "--skip-preview"]);
        assert.equal(up.code, 0, up.stdout + up.stderr);
        app = path.join(s.cli!.work, "repo");
        fs.mkdirSync(path.join(app, ".railway"), { recursive: true });
    });
    after(async () => s?.close());

    it("railway config apply changes web's start command, and Railway records the services as its IaC's", async () => {
        const cli = s.cli!;
        const projectId = env().projectId;
        await cli.ok(["link", "--project", projectId, "--environment", "local", "--service", "web"], { cwd: app });
        const pulled = JSON.parse(await cli.ok(["config", "pull", "--json"], { cwd: app }));
        const resource = pulled.resources.find((r: { name: string }) => r.name === "web");
        resource.deploy.startCommand = "node server.js --from-railway-iac";
        // A Python authoring file: the CLI evaluates it with python3 (a .ts file needs Node 22).
        fs.writeFileSync(
            path.join(app, ".railway", "railway.py"),
            `import json\ndef main(ctx):\n    return json.loads(${JSON.stringify(JSON.stringify({ name: pulled.project.name, resources: pulled.resources }))})\n`,
        );
        const applied = JSON.parse(await cli.ok(["config", "apply", "--json"], { cwd: app }));
        assert.equal(applied.ok, true, JSON.stringify(applied.diagnostics));
        assert.equal(store().instance(web(), env().id).startCommand, "node server.js --from-railway-iac");
        assert.equal(store().iacPartials.get(env().id)?.["service.web"], "*");
    });

    it("npm run drift reports the change like any out-of-band edit: web's settings, startCommand", async () => {
        const report = await s.drift();
        assert.equal(report.code, 7, report.io.all());
        const json = JSON.parse(report.io.stdout.join("\n"));
        const named = json.drifted.map(
            (d: { kind: string; type: string; name: string; paths: string[] }) =>
                `${d.kind} ${d.type.split(":").pop()} ${d.name} ${d.paths.join(",")}`,
        );
        assert.deepEqual(named, ["changed ServiceInstance platform-web startCommand"]);
    });

    it("pulumi up refuses to manage a service Railway's IaC owns, says who owns it and how to hand it over, and changes nothing", async () => {
        const before = structuredClone(store().instance(web(), env().id));
        const up = await s.run(["up", "--yes", "--skip-preview", "--refresh"]);
        assert.notEqual(up.code, 0);
        const text = up.stdout + up.stderr;
        assert.match(text, /service web in environment local is managed by Railway's IaC/);
        assert.match(text, /the whole-project file/);
        assert.match(text, /To keep it in Railway's IaC: remove the service from this stack's railway\.services/);
        assert.deepEqual(store().instance(web(), env().id), before);
    });
});
