import * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "assert";
import {
    customDomainProvider,
    environmentProvider,
    projectProvider,
    serviceDomainProvider,
    serviceInstanceProvider,
    serviceProvider,
    variablesProvider,
} from "../../../infra/railway";
import { RailwayEmulator, startRailwayEmulator } from "../../support/railway-emulator";

/** The dynamic-provider methods with their optional marks removed, as the engine calls them. */
type P = Required<pulumi.dynamic.ResourceProvider>;
const p = (x: pulumi.dynamic.ResourceProvider) => x as P;

describe("Railway dynamic providers against the emulator", function () {
    this.timeout(30_000);
    let emu: RailwayEmulator;
    const saved = { api: process.env.RAILWAY_API_TOKEN, project: process.env.RAILWAY_TOKEN, url: process.env.RAILWAY_API_URL };
    let apiUrl: string;

    before(async () => {
        emu = await startRailwayEmulator({ deployStageMs: 5 });
        apiUrl = emu.apiUrl;
        process.env.RAILWAY_API_TOKEN = emu.token;
        // `pulumi import` reads have no stored apiUrl: they use RAILWAY_API_URL, as a user would set it.
        process.env.RAILWAY_API_URL = emu.apiUrl;
        delete process.env.RAILWAY_TOKEN;
    });
    after(async () => {
        await emu.close();
        process.env.RAILWAY_API_TOKEN = saved.api;
        if (saved.project !== undefined) process.env.RAILWAY_TOKEN = saved.project;
        if (saved.api === undefined) delete process.env.RAILWAY_API_TOKEN;
        if (saved.url === undefined) delete process.env.RAILWAY_API_URL;
        else process.env.RAILWAY_API_URL = saved.url;
    });
    beforeEach(() => {
        emu.store.clear();
        emu.faults.length = 0;
        emu.log.length = 0;
    });

    async function projectAndEnv() {
        const project = await p(projectProvider).create({ name: "app", workspaceId: "ws", defaultEnvironmentName: "staging", apiUrl });
        const env = await p(environmentProvider).create({ projectId: project.id, name: "staging", apiUrl });
        return { projectId: project.id, environmentId: env.id };
    }

    it("Project: create, read, update in place, replace on workspace, delete", async () => {
        const inputs = { name: "app", description: "d", workspaceId: "ws1", apiUrl };
        const { id, outs } = await p(projectProvider).create(inputs);
        assert.equal(emu.store.project(id).name, "app");
        assert.deepEqual(Object.keys(outs.environments), ["production"]);
        const read = await p(projectProvider).read(id, outs);
        assert.equal(read.props!.name, "app");
        const renamed = { ...inputs, name: "app2" };
        assert.deepEqual(await p(projectProvider).diff(id, outs, renamed), { changes: true, replaces: [], deleteBeforeReplace: false });
        await p(projectProvider).update(id, outs, renamed);
        assert.equal(emu.store.project(id).name, "app2");
        assert.deepEqual((await p(projectProvider).diff(id, outs, { ...inputs, workspaceId: "ws2" })).replaces, ["workspaceId"]);
        await p(projectProvider).delete(id, outs);
        assert.equal(emu.store.projects.size, 0);
        assert.equal((await p(projectProvider).read(id, outs)).id, "", "a deleted project reads as gone");
    });

    it("Environment: adopts the project's default, creates others, renames in place, replaces on project, deletes", async () => {
        const project = await p(projectProvider).create({ name: "app", workspaceId: "ws", defaultEnvironmentName: "production", apiUrl });
        const adopted = await p(environmentProvider).create({ projectId: project.id, name: "production", apiUrl });
        assert.equal(emu.store.environments.size, 1, "the default environment is adopted, not duplicated");
        const created = await p(environmentProvider).create({ projectId: project.id, name: "staging", apiUrl });
        assert.equal(emu.store.environments.size, 2);
        const read = await p(environmentProvider).read(`${project.id}:${created.id}`);
        assert.equal(read.props!.name, "staging", "import ID <projectId>:<environmentId> reads back");
        await p(environmentProvider).update(created.id, created.outs, { ...created.outs, name: "stage" });
        assert.equal(emu.store.environment(created.id).name, "stage");
        assert.deepEqual((await p(environmentProvider).diff(created.id, created.outs, { ...created.outs, projectId: "other" })).replaces, ["projectId"]);
        await p(environmentProvider).delete(created.id, created.outs);
        assert.ok(!emu.store.environments.has(created.id));
        assert.ok(emu.store.environments.has(adopted.id));
    });

    it("Service: create, read, rename in place, replace on project, delete", async () => {
        const { projectId } = await projectAndEnv();
        const { id, outs } = await p(serviceProvider).create({ projectId, name: "web", apiUrl });
        assert.equal(emu.store.service(id).name, "web");
        assert.equal((await p(serviceProvider).read(id, outs)).props!.name, "web");
        await p(serviceProvider).update(id, outs, { ...outs, name: "www" });
        assert.equal(emu.store.service(id).name, "www");
        assert.deepEqual((await p(serviceProvider).diff(id, outs, { ...outs, projectId: "other" })).replaces, ["projectId"]);
        await p(serviceProvider).delete(id, outs);
        assert.equal(emu.store.services.size, 0);
    });

    it("Service: a failure right after serviceCreate leaves the service recorded, so a delete cleans it up", async () => {
        const { projectId, environmentId } = await projectAndEnv();
        emu.inject({ operation: "ServiceInstanceUpdate", status: 500 });
        const service = await p(serviceProvider).create({ projectId, name: "web", apiUrl });
        // The follow-up (settings) fails, as a serviceConnect after serviceCreate has failed on Railway...
        await assert.rejects(
            p(serviceInstanceProvider).create({ projectId, serviceId: service.id, environmentId, source: { image: "nginx" }, replicas: { "us-west2": 1 }, apiUrl }),
            /ServiceInstanceUpdate failed/,
        );
        // ...but the service's ID was returned (recorded by the engine) before that call, so nothing is orphaned.
        assert.ok(emu.store.services.has(service.id));
        await p(serviceProvider).delete(service.id, service.outs);
        assert.equal(emu.store.services.size, 0);
    });

    it("Service: a lost response to an applied serviceCreate is adopted on retry, not duplicated", async () => {
        const { projectId } = await projectAndEnv();
        emu.inject({ operation: "ServiceCreate", status: 502, afterApply: true });
        await assert.rejects(p(serviceProvider).create({ projectId, name: "web", apiUrl }));
        assert.equal(emu.store.services.size, 1, "Railway applied it");
        const retried = await p(serviceProvider).create({ projectId, name: "web", apiUrl });
        assert.equal(emu.store.services.size, 1);
        assert.ok(emu.store.services.has(retried.id));
    });

    it("ServiceInstance: settings per environment, update in place, replace on environment, drift seen by read", async () => {
        const { projectId, environmentId } = await projectAndEnv();
        const service = await p(serviceProvider).create({ projectId, name: "web", apiUrl });
        const inputs = {
            projectId,
            serviceId: service.id,
            environmentId,
            source: { repo: "ainative/platform", branch: "develop" },
            startCommand: "npm start",
            healthcheckPath: "/api/health",
            healthcheckTimeout: 120,
            replicas: { "us-west2": 2, "europe-west4-drams3a": 1 },
            restartPolicyType: "ON_FAILURE",
            restartPolicyMaxRetries: 5,
            apiUrl,
        };
        assert.deepEqual((await p(serviceInstanceProvider).check({}, inputs)).failures, []);
        const created = await p(serviceInstanceProvider).create(inputs);
        assert.equal(created.id, `${service.id}:${environmentId}`);
        const stored = emu.store.instance(service.id, environmentId);
        assert.equal(stored.healthcheckPath, "/api/health");
        assert.deepEqual(stored.multiRegionConfig, { "us-west2": { numReplicas: 2 }, "europe-west4-drams3a": { numReplicas: 1 } });
        assert.equal(emu.store.trigger(service.id, environmentId)?.branch, "develop");
        assert.equal((await p(serviceInstanceProvider).diff(created.id, created.outs, inputs)).changes, false, "no perpetual diff after create");

        const scaled = { ...inputs, replicas: { "us-west2": 3 } };
        const d = await p(serviceInstanceProvider).diff(created.id, created.outs, scaled);
        assert.deepEqual([d.changes, d.replaces], [true, []]);
        const updated = await p(serviceInstanceProvider).update(created.id, created.outs, scaled);
        assert.deepEqual(emu.store.instance(service.id, environmentId).multiRegionConfig, { "us-west2": { numReplicas: 3 } }, "a removed region is dropped");
        assert.deepEqual((await p(serviceInstanceProvider).diff(created.id, updated.outs, { ...scaled, environmentId: "other" })).replaces, ["environmentId"]);

        emu.store.outOfBand({ kind: "instance", serviceId: service.id, environmentId, patch: { healthcheckPath: "/changed" } });
        const read = await p(serviceInstanceProvider).read(`${projectId}:${service.id}:${environmentId}`);
        assert.equal(read.props!.healthcheckPath, "/changed");
        assert.equal((await p(serviceInstanceProvider).diff(created.id, read.props, scaled)).changes, true);
    });

    it("ServiceInstance: check rejects bad settings with the property named", async () => {
        const failures = (await p(serviceInstanceProvider).check({}, { projectId: "p", serviceId: "s", environmentId: "e", source: { repo: "a/b" }, replicas: { "us-west2": 2 }, cronSchedule: "0 * * * *" })).failures;
        assert.deepEqual(failures?.map((f) => f.property).sort(), ["cronSchedule", "source.branch"]);
    });

    it("Variables: replace semantics, references round-trip, drift reported by read and diff, delete", async () => {
        const { projectId, environmentId } = await projectAndEnv();
        const service = await p(serviceProvider).create({ projectId, name: "web", apiUrl });
        const inputs = { projectId, environmentId, serviceId: service.id, variables: { A: "1", DATABASE_URL: "${{postgres.DATABASE_URL}}" }, apiUrl };
        const created = await p(variablesProvider).create(inputs);
        assert.deepEqual(emu.store.vars(service.id, environmentId), inputs.variables);
        assert.equal((await p(variablesProvider).diff(created.id, created.outs, inputs)).changes, false, "references read back unrendered");

        const next = { ...inputs, variables: { B: "2", DATABASE_URL: "${{postgres.DATABASE_URL}}" } };
        await p(variablesProvider).update(created.id, created.outs, next);
        assert.deepEqual(emu.store.vars(service.id, environmentId), next.variables, "A removed by replace: true");
        const upsert = emu.log.filter((l) => l.operationName === "VariableCollectionUpsert").pop()!;
        assert.equal((upsert.variables.input as { replace: boolean }).replace, true);

        emu.store.outOfBand({ kind: "variable", serviceId: service.id, environmentId, name: "B", value: "tampered" });
        const read = await p(variablesProvider).read(created.id, created.outs);
        assert.equal(read.props!.variables.B, "tampered");
        assert.equal((await p(variablesProvider).diff(created.id, read.props, next)).changes, true);

        assert.deepEqual((await p(variablesProvider).diff(created.id, created.outs, { ...inputs, serviceId: "other" })).replaces, ["serviceId"]);
        await p(variablesProvider).delete(created.id, read.props);
        assert.deepEqual(emu.store.vars(service.id, environmentId), {});
    });

    it("ServiceDomain and CustomDomain: create, read (and import), update port, replace, delete", async () => {
        const { projectId, environmentId } = await projectAndEnv();
        const service = await p(serviceProvider).create({ projectId, name: "web", apiUrl });
        const sd = await p(serviceDomainProvider).create({ projectId, environmentId, serviceId: service.id, targetPort: 3000, apiUrl });
        assert.match(sd.outs.domain, /\.up\.railway\.app$/);
        const imported = await p(serviceDomainProvider).read(`${projectId}:${environmentId}:${service.id}:${sd.id}`);
        assert.equal(imported.props!.targetPort, 3000);
        await p(serviceDomainProvider).update(sd.id, sd.outs, { ...sd.outs, targetPort: 8080 });
        assert.equal(emu.store.domains.get(sd.id)!.targetPort, 8080);
        assert.deepEqual((await p(serviceDomainProvider).diff(sd.id, sd.outs, { ...sd.outs, serviceId: "x" })).replaces, ["serviceId"]);

        const cd = await p(customDomainProvider).create({ projectId, environmentId, serviceId: service.id, domain: "app.example.com", targetPort: 3000, apiUrl });
        assert.equal(cd.outs.dnsRecords.length, 1);
        assert.equal((await p(customDomainProvider).read(`${projectId}:${cd.id}`)).props!.domain, "app.example.com");
        await p(customDomainProvider).update(cd.id, cd.outs, { ...cd.outs, targetPort: 4000 });
        assert.equal(emu.store.domains.get(cd.id)!.targetPort, 4000);
        assert.deepEqual((await p(customDomainProvider).diff(cd.id, cd.outs, { ...cd.outs, domain: "www.example.com" })).replaces, ["domain"]);

        await p(serviceDomainProvider).delete(sd.id, sd.outs);
        await p(customDomainProvider).delete(cd.id, cd.outs);
        assert.equal(emu.store.domains.size, 0);
    });

    it("invalid import IDs say the expected format", async () => {
        await assert.rejects(p(variablesProvider).read("just-one-part"), /invalid railway.Variables ID 'just-one-part': expected <projectId>:<environmentId>:<serviceId>/);
    });

    it("every call passes environmentId to per-environment mutations", async () => {
        const { projectId, environmentId } = await projectAndEnv();
        const service = await p(serviceProvider).create({ projectId, name: "web", apiUrl });
        await p(serviceInstanceProvider).create({ projectId, serviceId: service.id, environmentId, source: { image: "nginx:1" }, replicas: { "us-west2": 1 }, apiUrl });
        const calls = emu.log.filter((l) => l.operationName === "ServiceInstanceUpdate");
        assert.ok(calls.length > 0 && calls.every((c) => c.variables.environmentId === environmentId));
    });
});
