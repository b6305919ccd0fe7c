/**
 * The `railway` provider plugin under the real engine: a service made outside Pulumi is brought
 * into a stack with `pulumi import railway:index:Service`, and the state holds data, not code.
 */
import { strict as assert } from "assert";
import { LocalStack, startLocalStack } from "../support/e2e";

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
        const resources = state.deployment.resources as {
            type: string;
            urn: string;
            id?: string;
            outputs?: Record<string, unknown>;
            provider?: string;
        }[];
        const worker = resources.find((r) => r.type === "railway:index:Service");
        assert.ok(worker, exported.stdout);
        assert.equal(worker.id, service.id);
        assert.deepEqual([worker.outputs?.name, worker.outputs?.projectId], ["worker", project.id]);
        assert.match(worker.provider ?? "", /::pulumi:providers:railway::default/);
        assert.ok(!resources.some((r) => r.type.startsWith("pulumi-nodejs:dynamic")), "no dynamic resource");
        assert.doesNotMatch(exported.stdout, /__provider/, "no serialized provider code");
    });
});
