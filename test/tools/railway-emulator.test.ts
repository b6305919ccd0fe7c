import { strict as assert } from "assert";
import { RailwayClient } from "../../providers/railway/client";
import { DOCUMENTS, OperationName, isMutation } from "../../providers/railway/documents";
import { RailwayEmulator, startRailwayEmulator } from "../../tools/railway-emulator";

describe("Railway emulator", () => {
    let emu: RailwayEmulator;
    let client: RailwayClient;
    const call = (op: OperationName, vars: Record<string, unknown>) => client.request(op, DOCUMENTS[op], vars, isMutation(op));
    before(async () => {
        emu = await startRailwayEmulator({ deployStageMs: 20 });
        client = new RailwayClient({ apiUrl: emu.apiUrl, env: { RAILWAY_API_TOKEN: emu.token }, retry: { maxAttempts: 1 } });
    });
    after(() => emu.close());

    it("answers an invalid document as Railway does: HTTP 400, GRAPHQL_VALIDATION_FAILED", async () => {
        const res = await fetch(emu.apiUrl, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${emu.token}` },
            body: JSON.stringify({ query: "{ service(id: \"x\") { id branch } }" }),
        });
        assert.equal(res.status, 400);
        const body = (await res.json()) as { errors: Array<{ extensions: { code: string } }> };
        assert.equal(body.errors[0].extensions.code, "GRAPHQL_VALIDATION_FAILED");
    });

    it("moves deployments QUEUED → SUCCESS on its clock, filters by status, and rolls back only where canRollback", async () => {
        const { projectCreate } = await call("ProjectCreate", { input: { name: "p", defaultEnvironmentName: "production" } });
        const environmentId = projectCreate.environments.edges[0].node.id;
        const { serviceCreate } = await call("ServiceCreate", { input: { projectId: projectCreate.id, name: "web" } });
        const serviceId = serviceCreate.id;
        const first = (await call("ServiceInstanceDeploy", { serviceId, environmentId })).serviceInstanceDeployV2;
        assert.equal((await call("Deployment", { id: first })).deployment.status, "QUEUED");
        await new Promise((r) => setTimeout(r, 80));
        assert.equal((await call("Deployment", { id: first })).deployment.status, "SUCCESS");
        await call("ServiceInstanceRedeploy", { serviceId, environmentId });
        await new Promise((r) => setTimeout(r, 80));
        const list = await call("Deployments", { input: { serviceId, environmentId, status: { in: ["SUCCESS", "REMOVED"] } }, first: 10 });
        const nodes = list.deployments.edges.map((e: { node: { id: string; status: string; canRollback: boolean } }) => e.node);
        assert.deepEqual(nodes.map((n: { status: string }) => n.status), ["SUCCESS", "REMOVED"], "newest first; the older one is no longer live");
        await assert.rejects(call("DeploymentRollback", { id: nodes[0].id }), /cannot be rolled back/);
        assert.equal(nodes[1].canRollback, true);
        await call("DeploymentRollback", { id: nodes[1].id });
        const rolled = [...emu.store.deployments.values()].find((d) => d.rollbackOf === nodes[1].id);
        assert.ok(rolled, "the rollback created a deployment of the earlier one");
    });

    it("accepts faults and out-of-band edits over its admin endpoint", async () => {
        const admin = (route: string, body: unknown) => fetch(`http://127.0.0.1:${emu.port}/admin/${route}`, { method: "POST", body: JSON.stringify(body) });
        assert.equal((await admin("faults", { operation: "Project", status: 503 })).status, 200);
        await assert.rejects(call("Project", { id: "x" }), /HTTP 503/);
        const { projectCreate } = await call("ProjectCreate", { input: { name: "q" } });
        const environmentId = projectCreate.environments.edges[0].node.id;
        const { serviceCreate } = await call("ServiceCreate", { input: { projectId: projectCreate.id, name: "api" } });
        await admin("edit", { kind: "variable", serviceId: serviceCreate.id, environmentId, name: "X", value: "1" });
        assert.deepEqual((await call("Variables", { projectId: projectCreate.id, environmentId, serviceId: serviceCreate.id })).variables, { X: "1" });
        const log = (await (await fetch(`http://127.0.0.1:${emu.port}/admin/log`)).json()) as Array<{ operationName: string }>;
        assert.ok(log.some((l: { operationName: string }) => l.operationName === "ServiceCreate"));
    });
});
