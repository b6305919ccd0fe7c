import * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "assert";
import {
    customDomainProvider,
    environmentProvider,
    projectProvider,
    serviceDomainProvider,
    serviceInstanceProvider,
    serviceDeploymentProvider,
    serviceProvider,
    variablesProvider,
    volumeProvider,
} from "../../../providers/railway";
import { RailwayEmulator, startRailwayEmulator } from "../../../tools/railway-emulator";

const { Struct } = require("google-protobuf/google/protobuf/struct_pb") as {
    Struct: { fromJavaScript(v: unknown): unknown };
};

/** The dynamic-provider methods with their optional marks removed, as the engine calls them. */
type P = Required<pulumi.dynamic.ResourceProvider>;

/**
 * Each provider as the engine's dynamic-provider host calls it: every result it returns goes
 * through the same protobuf Struct conversion (which rejects `undefined` and non-JSON values), so
 * every create, read, import, update and check path below is also a wire check.
 */
const p = (x: pulumi.dynamic.ResourceProvider): P => {
    const onWire = <T>(method: string, r: T, ...parts: (keyof T)[]): T => {
        for (const part of parts) {
            const v = (r as Record<string, unknown>)[part as string];
            if (v === undefined) continue;
            try {
                Struct.fromJavaScript(v);
            } catch (e) {
                throw new Error(
                    `${method} returned ${String(part)} the engine cannot carry: ${(e as Error).message} ${JSON.stringify(v)}`,
                    { cause: e },
                );
            }
        }
        return r;
    };
    const q = x as P;
    return {
        ...q,
        create: async (inputs) => onWire("create", await q.create(inputs), "outs"),
        read: async (id, props) => onWire("read", await q.read(id, props), "props", "inputs"),
        update: async (id, olds, news) => onWire("update", await q.update(id, olds, news), "outs"),
        check: async (olds, news) => onWire("check", await q.check(olds, news), "inputs"),
    };
};

describe("Railway dynamic providers against the emulator", function () {
    this.timeout(30_000);
    let emu: RailwayEmulator;
    const saved = {
        api: process.env.RAILWAY_API_TOKEN,
        project: process.env.RAILWAY_TOKEN,
        url: process.env.RAILWAY_API_URL,
    };
    let apiUrl: string;

    before(async () => {
        // Pages of two: every list the providers read spans several pages.
        emu = await startRailwayEmulator({
            deployStageMs: 5,
            maxPageSize: 2,
            workspaces: ["ws", "ws1", "ws2", "ws-lost"],
        });
        apiUrl = emu.apiUrl;
        process.env.RAILWAY_API_TOKEN = emu.token;
        // A backup's workflow takes one deployment stage (5 ms) here: look at it often.
        process.env.RAILWAY_BACKUP_POLL_MS = "10";
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

    /**
     * What the engine does for a diff that asks for a replace (create-before-delete, its default):
     * create the replacement from the new inputs, then delete the old resource.
     */
    async function replace(provider: pulumi.dynamic.ResourceProvider, id: string, olds: any, news: any) {
        const d = await p(provider).diff(id, olds, news);
        assert.ok(d.replaces && d.replaces.length > 0, `expected a replace, got ${JSON.stringify(d)}`);
        const created = await p(provider).create(news);
        await p(provider).delete(id, olds);
        return { ...created, replaces: d.replaces };
    }

    async function projectAndEnv() {
        const project = await p(projectProvider).create({
            name: "app",
            workspaceId: "ws",
            defaultEnvironmentName: "staging",
            apiUrl,
        });
        const env = await p(environmentProvider).create({ projectId: project.id, name: "staging", apiUrl });
        return { projectId: project.id, environmentId: env.id };
    }

    it("Project: create, read, update in place, replace on workspace (create new, delete old), delete", async () => {
        const inputs = { name: "app", description: "d", workspaceId: "ws1", apiUrl };
        const { id, outs } = await p(projectProvider).create(inputs);
        assert.equal(emu.store.project(id).name, "app");
        assert.deepEqual(Object.keys(outs.environments), ["production"]);
        const read = await p(projectProvider).read(id, outs);
        assert.equal(read.props!.name, "app");
        const renamed = { ...inputs, name: "app2" };
        assert.deepEqual(await p(projectProvider).diff(id, outs, renamed), {
            changes: true,
            replaces: [],
            deleteBeforeReplace: false,
        });
        await p(projectProvider).update(id, outs, renamed);
        assert.equal(emu.store.project(id).name, "app2");
        const moved = await replace(projectProvider, id, { ...outs, name: "app2" }, { ...renamed, workspaceId: "ws2" });
        assert.deepEqual(moved.replaces, ["workspaceId"]);
        assert.deepEqual(
            [...emu.store.projects.values()].filter((x) => !x.deletedAt).map((x) => x.id),
            [moved.id],
            "the old project is gone (kept by Railway, marked deleted), the new one stands",
        );
        assert.equal(emu.store.project(moved.id).workspaceId, "ws2");
        assert.equal((await p(projectProvider).read(id, outs)).id, "", "a deleted project reads as gone");
        await p(projectProvider).delete(moved.id, moved.outs);
        assert.ok([...emu.store.projects.values()].every((x) => x.deletedAt !== undefined));
    });

    it("Environment: adopts the project's default, creates others empty or as duplicates, renames in place, replaces on project, deletes", async () => {
        const project = await p(projectProvider).create({
            name: "app",
            workspaceId: "ws",
            defaultEnvironmentName: "production",
            apiUrl,
        });
        const adopted = await p(environmentProvider).create({ projectId: project.id, name: "production", apiUrl });
        assert.equal(emu.store.environments.size, 1, "the default environment is adopted, not duplicated");
        assert.equal(adopted.outs.sourceEnvironmentId, undefined);
        const empty = await p(environmentProvider).create({ projectId: project.id, name: "qa", apiUrl });
        assert.equal(
            emu.store.environment(empty.id).sourceEnvironmentId,
            undefined,
            "an environment beside another is created empty: each is isolated",
        );
        const created = await p(environmentProvider).create({
            projectId: project.id,
            name: "staging",
            duplicateFrom: "production",
            apiUrl,
        });
        assert.equal(emu.store.environments.size, 3);
        assert.equal(created.outs.sourceEnvironmentId, adopted.id);
        assert.equal(
            emu.store.environment(created.id).sourceEnvironmentId,
            adopted.id,
            "created as a duplicate of production",
        );
        const again = await p(environmentProvider).create({
            projectId: project.id,
            name: "staging",
            duplicateFrom: "production",
            apiUrl,
        });
        assert.equal(
            again.id,
            created.id,
            "an environment that exists (a duplicate or an old fork) is adopted by name",
        );
        const read = await p(environmentProvider).read(`${project.id}:${created.id}`);
        assert.equal(read.props!.name, "staging", "import ID <projectId>:<environmentId> reads back");
        await p(environmentProvider).update(created.id, created.outs, { ...created.outs, name: "stage" });
        assert.equal(emu.store.environment(created.id).name, "stage");
        const other = await p(projectProvider).create({
            name: "other",
            workspaceId: "ws",
            defaultEnvironmentName: "stage",
            apiUrl,
        });
        const renamed = { ...created.outs, name: "stage" };
        const moved = await replace(environmentProvider, created.id, renamed, { ...renamed, projectId: other.id });
        assert.deepEqual(moved.replaces, ["projectId"]);
        assert.notEqual(emu.store.environments.get(created.id)?.deletedAt, undefined, "the old environment is deleted");
        assert.equal(emu.store.environment(moved.id).projectId, other.id);
        assert.equal(emu.store.environment(moved.id).name, "stage");
        await p(environmentProvider).delete(moved.id, moved.outs);
        assert.notEqual(emu.store.environments.get(moved.id)?.deletedAt, undefined, "Railway keeps it, marked deleted");
        assert.equal(
            (await p(environmentProvider).read(moved.id, moved.outs)).id,
            "",
            "a deleted environment reads as gone",
        );
        assert.ok(emu.store.environment(adopted.id));
        await assert.rejects(
            p(environmentProvider).create({ projectId: project.id, name: "pr-9", duplicateFrom: "nope", apiUrl }),
            /duplicateFrom: project .* has no environment 'nope' to duplicate \(it has: production, qa\)/,
        );
    });

    it("staging's and production's ups at the same moment: production moving under its own stack is no leak of staging's write", async () => {
        const { projectId, environmentId: staging } = await projectAndEnv();
        const production = emu.store.createEnvironment({ projectId, name: "production" }).id;
        const svc = await p(serviceProvider).create({ projectId, name: "web", apiUrl });
        // Staging's write is held at Railway while production's own stack writes production.
        emu.inject({ operation: "VariableCollectionUpsert", latencyMs: 2_000, count: 1 });
        const upserts = () => emu.log.filter((l) => l.operationName === "VariableCollectionUpsert").length;
        const seen = upserts();
        const write = p(variablesProvider).create({
            projectId,
            environmentId: staging,
            serviceId: svc.id,
            variables: { LOG_LEVEL: "debug" },
            secretVariables: {},
            apiUrl,
        });
        while (upserts() === seen) await new Promise((r) => setTimeout(r, 10));
        emu.store.upsertVariables({
            projectId,
            environmentId: production,
            serviceId: svc.id,
            variables: { LOG_LEVEL: "warn" },
        });
        await write;
        assert.equal(emu.store.vars(svc.id, staging).LOG_LEVEL, "debug");
        assert.equal(emu.store.vars(svc.id, production).LOG_LEVEL, "warn");
    });

    it("a write that Railway would apply beyond its environment (the schema's '[Experimental]' reading) is stopped, naming the environment it reached", async () => {
        const legacy = await startRailwayEmulator({
            deployStageMs: 5,
            workspaces: ["ws"],
            scopeReading: "experimental-description",
        });
        try {
            const url = legacy.apiUrl;
            const saved = process.env.RAILWAY_API_TOKEN;
            process.env.RAILWAY_API_TOKEN = legacy.token;
            try {
                const project = await p(projectProvider).create({
                    name: "app",
                    workspaceId: "ws",
                    defaultEnvironmentName: "production",
                    apiUrl: url,
                });
                const production = legacy.store.liveEnvironments(project.id)[0].id;
                const staging = legacy.store.createEnvironment({ projectId: project.id, name: "staging" }).id;
                const svc = await p(serviceProvider).create({ projectId: project.id, name: "web", apiUrl: url });
                const inputs = {
                    projectId: project.id,
                    serviceId: svc.id,
                    environmentId: staging,
                    source: { image: "nginx:1" },
                    replicas: { "us-west2": 1 },
                    apiUrl: url,
                };
                await assert.rejects(
                    p(serviceInstanceProvider).create(inputs),
                    /writing the settings of service .* in environment .* also changed it in production, which this stack does not own/,
                );
                await assert.rejects(
                    p(variablesProvider).create({
                        projectId: project.id,
                        environmentId: staging,
                        serviceId: svc.id,
                        variables: { A: "1" },
                        secretVariables: {},
                        apiUrl: url,
                    }),
                    /writing the variables .* also changed it in production/,
                );
                assert.ok(legacy.store.hasInstance(svc.id, production));
                // Review environments are forks: reached only by their own writes under both readings.
                // Two deployed at once each move under their own stack: neither is taken for a leak.
                const fork = (name: string) => {
                    const { id } = legacy.store.createEnvironment({
                        projectId: project.id,
                        name,
                        sourceEnvironmentId: staging,
                    });
                    legacy.store.settleDuplicates(id); // its copy landed, as a review stack's Environment waits for
                    return id;
                };
                const [pr1, pr2] = [fork("pr-1"), fork("pr-2")];
                const write = (environmentId: string, value: string) =>
                    p(variablesProvider).create({
                        projectId: project.id,
                        environmentId,
                        serviceId: svc.id,
                        variables: { A: value },
                        secretVariables: {},
                        apiUrl: url,
                    });
                const productionBefore = JSON.stringify(legacy.store.instance(svc.id, production));
                // pr-1's write is held at Railway while pr-2's is made whole, between pr-1's two looks.
                legacy.inject({ operation: "VariableCollectionUpsert", latencyMs: 2_000, count: 1 });
                const upserts = () => legacy.log.filter((l) => l.operationName === "VariableCollectionUpsert").length;
                const seen = upserts();
                const first = write(pr1, "1");
                while (upserts() === seen) await new Promise((r) => setTimeout(r, 10));
                await write(pr2, "2");
                await first;
                assert.equal(JSON.stringify(legacy.store.instance(svc.id, production)), productionBefore);
            } finally {
                process.env.RAILWAY_API_TOKEN = saved;
            }
        } finally {
            await legacy.close();
        }
    });

    it("Service: create, read, rename in place, replace on project, delete", async () => {
        const { projectId } = await projectAndEnv();
        const { id, outs } = await p(serviceProvider).create({ projectId, name: "web", apiUrl });
        assert.equal(emu.store.service(id).name, "web");
        assert.equal((await p(serviceProvider).read(id, outs)).props!.name, "web");
        await p(serviceProvider).update(id, outs, { ...outs, name: "www" });
        assert.equal(emu.store.service(id).name, "www");
        const other = await p(projectProvider).create({ name: "other", workspaceId: "ws", apiUrl });
        const moved = await replace(
            serviceProvider,
            id,
            { ...outs, name: "www" },
            { ...outs, name: "www", projectId: other.id },
        );
        assert.deepEqual(moved.replaces, ["projectId"]);
        assert.deepEqual([...emu.store.services.keys()], [moved.id]);
        assert.equal(emu.store.service(moved.id).projectId, other.id);
        await p(serviceProvider).delete(moved.id, moved.outs);
        assert.equal(emu.store.services.size, 0);
    });

    it("Service: a failure right after serviceCreate leaves the service recorded, so a delete cleans it up", async () => {
        const { projectId, environmentId } = await projectAndEnv();
        // A refusal that no retry changes.
        emu.inject({ operation: "ServiceInstanceUpdate", status: 400 });
        const service = await p(serviceProvider).create({ projectId, name: "web", apiUrl });
        // The follow-up (settings) fails, as a serviceConnect after serviceCreate has failed on Railway...
        await assert.rejects(
            p(serviceInstanceProvider).create({
                projectId,
                serviceId: service.id,
                environmentId,
                source: { image: "nginx" },
                replicas: { "us-west2": 1 },
                apiUrl,
            }),
            /ServiceInstanceUpdate failed/,
        );
        // ...but the service's ID was returned (recorded by the engine) before that call, so nothing is orphaned.
        assert.ok(emu.store.services.has(service.id));
        await p(serviceProvider).delete(service.id, service.outs);
        assert.equal(emu.store.services.size, 0);
    });

    /**
     * Every create: a lost answer (a 5xx or a 429 after Railway applied it) is adopted, never
     * duplicated; so is a create Railway answers only after the client gave up (it lands while the
     * provider looks for it again, before anything is sent twice).
     */
    for (const status of [502, 429, "answered after the client's timeout"] as const) {
        it(`every create adopts what a lost answer (${status}${typeof status === "number" ? " after apply" : ""}) made, and makes no duplicate`, async function () {
            this.timeout(120_000);
            const slow = typeof status === "string";
            const saved = { timeout: process.env.RAILWAY_API_TIMEOUT_MS, settle: process.env.RAILWAY_CREATE_SETTLE_MS };
            const { projectId, environmentId } = await projectAndEnv();
            if (slow) {
                process.env.RAILWAY_API_TIMEOUT_MS = "1000";
                process.env.RAILWAY_CREATE_SETTLE_MS = "15000";
            }
            try {
                const creates = () =>
                    emu.log.filter((l) => /Create$|ServiceInstanceDeploy/.test(l.operationName)).length;
                const lost = async (operation: string, make: () => Promise<{ id: string }>, count: () => number) => {
                    emu.inject(
                        slow ? { operation, latencyMs: 2500 } : { operation, status, retryAfter: 0, afterApply: true },
                    );
                    const before = creates();
                    const made = await make();
                    assert.equal(count(), 1, `${operation}: exactly one exists`);
                    assert.equal(creates() - before, 1, `${operation}: sent once, not retried blindly`);
                    return made;
                };
                await lost(
                    "ProjectCreate",
                    () => p(projectProvider).create({ name: "lost", workspaceId: "ws-lost", apiUrl }),
                    () => [...emu.store.projects.values()].filter((x) => x.name === "lost").length,
                );
                const svc = await lost(
                    "ServiceCreate",
                    () => p(serviceProvider).create({ projectId, name: "pg", apiUrl }),
                    () => [...emu.store.services.values()].filter((x) => x.name === "pg").length,
                );
                await lost(
                    "VolumeCreate",
                    () =>
                        p(volumeProvider).create({
                            projectId,
                            environmentId,
                            serviceId: svc.id,
                            mountPath: "/data",
                            apiUrl,
                        }),
                    () => emu.store.volumes.size,
                );
                await lost(
                    "ServiceDomainCreate",
                    () => p(serviceDomainProvider).create({ projectId, environmentId, serviceId: svc.id, apiUrl }),
                    () => [...emu.store.domains.values()].filter((d) => !d.custom).length,
                );
                await lost(
                    "CustomDomainCreate",
                    () =>
                        p(customDomainProvider).create({
                            projectId,
                            environmentId,
                            serviceId: svc.id,
                            domain: "db.example.com",
                            apiUrl,
                        }),
                    () => [...emu.store.domains.values()].filter((d) => d.custom).length,
                );
                await lost(
                    "EnvironmentCreate",
                    () => p(environmentProvider).create({ projectId, name: "qa", duplicateFrom: "staging", apiUrl }),
                    () => emu.store.liveEnvironments(projectId).filter((e) => e.name === "qa").length,
                );
                await p(serviceInstanceProvider).create({
                    projectId,
                    serviceId: svc.id,
                    environmentId,
                    source: { image: "postgres:16" },
                    replicas: { "us-west2": 1 },
                    apiUrl,
                });
                await lost(
                    "ServiceInstanceDeploy",
                    () =>
                        p(serviceDeploymentProvider).create({
                            projectId,
                            serviceId: svc.id,
                            environmentId,
                            fingerprint: "f1",
                            apiUrl,
                        }),
                    () => emu.store.deploymentsOf(svc.id, environmentId).length,
                );
            } finally {
                for (const [k, v] of [
                    ["RAILWAY_API_TIMEOUT_MS", saved.timeout],
                    ["RAILWAY_CREATE_SETTLE_MS", saved.settle],
                ] as const) {
                    if (v === undefined) delete process.env[k];
                    else process.env[k] = v;
                }
            }
        });
    }

    it("a create that Railway refuses is not adopted from someone else: a custom domain in use by another service stays an error", async () => {
        const { projectId, environmentId } = await projectAndEnv();
        const a = await p(serviceProvider).create({ projectId, name: "a", apiUrl });
        const b = await p(serviceProvider).create({ projectId, name: "b", apiUrl });
        await p(customDomainProvider).create({
            projectId,
            environmentId,
            serviceId: a.id,
            domain: "app.example.com",
            apiUrl,
        });
        await assert.rejects(
            p(customDomainProvider).create({
                projectId,
                environmentId,
                serviceId: b.id,
                domain: "app.example.com",
                apiUrl,
            }),
            /already in use/,
        );
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
        assert.deepEqual(stored.multiRegionConfig, {
            "us-west2": { numReplicas: 2 },
            "europe-west4-drams3a": { numReplicas: 1 },
        });
        assert.equal(emu.store.trigger(service.id, environmentId)?.branch, "develop");
        assert.equal(
            (await p(serviceInstanceProvider).diff(created.id, created.outs, inputs)).changes,
            false,
            "no perpetual diff after create",
        );

        const scaled = { ...inputs, replicas: { "us-west2": 3 } };
        const d = await p(serviceInstanceProvider).diff(created.id, created.outs, scaled);
        assert.deepEqual([d.changes, d.replaces], [true, []]);
        const updated = await p(serviceInstanceProvider).update(created.id, created.outs, scaled);
        assert.deepEqual(
            emu.store.instance(service.id, environmentId).multiRegionConfig,
            { "us-west2": { numReplicas: 3 } },
            "a removed region is dropped",
        );
        const production = await p(environmentProvider).create({ projectId, name: "production", apiUrl });
        const moved = await replace(serviceInstanceProvider, created.id, updated.outs, {
            ...scaled,
            environmentId: production.id,
        });
        assert.deepEqual(moved.replaces, ["environmentId"]);
        assert.equal(moved.id, `${service.id}:${production.id}`);
        assert.deepEqual(
            emu.store.instance(service.id, production.id).multiRegionConfig,
            { "us-west2": { numReplicas: 3 } },
            "settings applied in the new environment",
        );
        assert.equal(emu.store.instance(service.id, production.id).healthcheckPath, "/api/health");
        assert.ok(!emu.store.hasInstance(service.id, environmentId), "the old environment's instance was removed");
        assert.ok(emu.store.services.has(service.id), "and only it: the service stays");

        emu.store.outOfBand({
            kind: "instance",
            serviceId: service.id,
            environmentId: production.id,
            patch: { healthcheckPath: "/changed" },
        });
        const read = await p(serviceInstanceProvider).read(`${projectId}:${service.id}:${production.id}`);
        assert.equal(read.props!.healthcheckPath, "/changed");
        assert.equal((await p(serviceInstanceProvider).diff(created.id, read.props, scaled)).changes, true);
    });

    it("a service Railway's IaC owns (Environment.iacPartials, what `railway config apply` records) is refused by name, its owner and how to hand it over; nothing is written", async () => {
        const { projectId, environmentId } = await projectAndEnv();
        const service = await p(serviceProvider).create({ projectId, name: "web", apiUrl });
        const inputs = {
            projectId,
            serviceId: service.id,
            environmentId,
            source: { image: "nginx:1.27" },
            startCommand: "nginx -g 'daemon off;'",
            replicas: { "us-west2": 1 },
            apiUrl,
        };
        emu.store.iacPartials.set(environmentId, { "service.web": "operations", "service.worker": "*" });
        const before = structuredClone(emu.store.instances.get(`${service.id}:${environmentId}`));
        await assert.rejects(p(serviceInstanceProvider).create(inputs), (e: Error) => {
            assert.match(e.message, /service web in environment staging is managed by Railway's IaC/);
            assert.match(e.message, /partial "operations", address service\.web/);
            assert.match(e.message, /railway config partials release operations --resource service\.web --yes/);
            return true;
        });
        assert.deepEqual(emu.store.instances.get(`${service.id}:${environmentId}`), before, "nothing written");
        assert.ok(!emu.log.some((l) => l.operationName === "ServiceInstanceUpdate"));
        await assert.rejects(
            p(variablesProvider).create({
                projectId,
                environmentId,
                serviceId: service.id,
                variables: { A: "1" },
                apiUrl,
            }),
            /managed by Railway's IaC/,
        );
        // Handed over (ownership released): the stack manages it.
        emu.store.iacPartials.set(environmentId, { "service.worker": "*" });
        await p(serviceInstanceProvider).create(inputs);
        assert.equal(emu.store.instance(service.id, environmentId).startCommand, "nginx -g 'daemon off;'");
    });

    it("ServiceInstance: check rejects bad settings with the property named", async () => {
        const failures = (
            await p(serviceInstanceProvider).check(
                {},
                {
                    projectId: "p",
                    serviceId: "s",
                    environmentId: "e",
                    source: { repo: "a/b" },
                    replicas: { "us-west2": 2, "europe-west4": 1 },
                    cronSchedule: "0 * * * *",
                },
            )
        ).failures;
        assert.deepEqual(failures?.map((f) => f.property).sort(), [
            "cronSchedule",
            "replicas.europe-west4",
            "source.branch",
        ]);
    });

    it("ServiceInstance: overlap and draining round-trip through Railway's settings; unset reverts to Railway's default; out of range is refused by name", async () => {
        const { projectId, environmentId } = await projectAndEnv();
        const service = await p(serviceProvider).create({ projectId, name: "web", apiUrl });
        const inputs = {
            projectId,
            serviceId: service.id,
            environmentId,
            source: { image: "ghcr.io/ainative/web:1" },
            replicas: { "us-west2": 2 },
            overlapSeconds: 45,
            drainingSeconds: 30,
            apiUrl,
        };
        const created = await p(serviceInstanceProvider).create(inputs);
        const stored = () => emu.store.instance(service.id, environmentId);
        assert.deepEqual([stored().overlapSeconds, stored().drainingSeconds], [45, 30]);
        const id = `${projectId}:${service.id}:${environmentId}`;
        const read = await p(serviceInstanceProvider).read(id);
        assert.deepEqual([read.props!.overlapSeconds, read.props!.drainingSeconds], [45, 30]);
        assert.equal((await p(serviceInstanceProvider).diff(created.id, read.props, inputs)).changes, false);
        // Changed on Railway by hand: drift.
        emu.store.outOfBand({
            kind: "instance",
            serviceId: service.id,
            environmentId,
            patch: { drainingSeconds: 5 },
        });
        const drifted = await p(serviceInstanceProvider).read(id);
        assert.equal(drifted.props!.drainingSeconds, 5);
        assert.equal((await p(serviceInstanceProvider).diff(created.id, drifted.props, inputs)).changes, true);
        // Removed from the stack: back to Railway's default.
        const { overlapSeconds: _o, drainingSeconds: _d, ...without } = inputs;
        await p(serviceInstanceProvider).update(created.id, drifted.props, without);
        assert.deepEqual([stored().overlapSeconds, stored().drainingSeconds], [null, null]);
        const failures = (
            await p(serviceInstanceProvider).check({}, { ...inputs, overlapSeconds: 3601, drainingSeconds: 1.5 })
        ).failures;
        assert.deepEqual(
            failures?.map((f) => `${f.property}: ${f.reason}`),
            [
                "overlapSeconds: overlapSeconds must be a whole number of seconds, 0-3600",
                "drainingSeconds: drainingSeconds must be a whole number of seconds, 0-3600",
            ],
        );
    });

    it("ServiceInstance stores settings without deploying; ServiceDeployment deploys once per fingerprint, with the variables in place", async () => {
        const { projectId, environmentId } = await projectAndEnv();
        const service = await p(serviceProvider).create({ projectId, name: "web", apiUrl });
        const scope = { projectId, serviceId: service.id, environmentId, apiUrl };
        await p(serviceInstanceProvider).create({
            ...scope,
            source: { repo: "ainative/platform", branch: "main" },
            replicas: { "us-west2": 1 },
        });
        await p(variablesProvider).create({ ...scope, variables: { A: "1" }, secretVariables: {}, skipDeploys: true });
        assert.equal(
            emu.store.deploymentsOf(service.id, environmentId).length,
            0,
            "settings and variables alone deploy nothing",
        );
        const first = await p(serviceDeploymentProvider).create({ ...scope, fingerprint: "f1" });
        const deployments = emu.store.deploymentsOf(service.id, environmentId);
        assert.equal(deployments.length, 1);
        assert.equal(first.outs.deploymentId, deployments[0].id);
        assert.deepEqual(deployments[0].variables, { A: "1" }, "the first deployment started with its variables");
        assert.equal(
            (await p(serviceDeploymentProvider).diff(first.id, first.outs, { ...scope, fingerprint: "f1" })).changes,
            false,
        );
        const again = await p(serviceDeploymentProvider).update(first.id, first.outs, { ...scope, fingerprint: "f2" });
        assert.equal(emu.store.deploymentsOf(service.id, environmentId).length, 2);
        assert.notEqual(again.outs.deploymentId, first.outs.deploymentId);
        await p(serviceDeploymentProvider).delete(first.id, again.outs);
        assert.equal(
            emu.store.deploymentsOf(service.id, environmentId).length,
            2,
            "deployments are history: nothing deleted",
        );
    });

    it("a project token's refusal says to use RAILWAY_API_TOKEN", async () => {
        const { projectId, environmentId } = await projectAndEnv();
        const token = emu.projectToken(projectId, environmentId);
        const saved2 = process.env.RAILWAY_API_TOKEN;
        delete process.env.RAILWAY_API_TOKEN;
        process.env.RAILWAY_TOKEN = token;
        try {
            await assert.rejects(
                p(projectProvider).create({ name: "x", apiUrl }),
                /Not Authorized.*set RAILWAY_API_TOKEN to an account or workspace token/,
            );
        } finally {
            delete process.env.RAILWAY_TOKEN;
            process.env.RAILWAY_API_TOKEN = saved2;
        }
    });

    it("Variables: plain and secret halves, replace semantics, references round-trip, drift reported by read and diff, delete", async () => {
        const { projectId, environmentId } = await projectAndEnv();
        const service = await p(serviceProvider).create({ projectId, name: "web", apiUrl });
        /** Inputs as the engine passes them on: through check. */
        const checked = async (raw: Record<string, unknown>) => {
            const { inputs, failures } = await p(variablesProvider).check({}, raw);
            assert.deepEqual(failures, []);
            return inputs;
        };
        const scope = { projectId, environmentId, serviceId: service.id, apiUrl };
        const inputs = await checked({
            ...scope,
            variables: { DATABASE_URL: "${{postgres.DATABASE_URL}}", A: "1" },
            secretVariables: { TOKEN: "s3cret" },
        });
        const created = await p(variablesProvider).create(inputs);
        assert.deepEqual(
            emu.store.vars(service.id, environmentId),
            { A: "1", DATABASE_URL: "${{postgres.DATABASE_URL}}", TOKEN: "s3cret" },
            "one set on Railway",
        );
        assert.deepEqual(created.outs.secretVariables, { TOKEN: "s3cret" });
        assert.equal(
            (await p(variablesProvider).diff(created.id, created.outs, inputs)).changes,
            false,
            "references read back unrendered, no false diff",
        );

        const next = await checked({
            ...scope,
            variables: { B: "2", DATABASE_URL: "${{postgres.DATABASE_URL}}" },
            secretVariables: { TOKEN: "s3cret" },
        });
        const updated = await p(variablesProvider).update(created.id, created.outs, next);
        assert.deepEqual(
            emu.store.vars(service.id, environmentId),
            { B: "2", DATABASE_URL: "${{postgres.DATABASE_URL}}", TOKEN: "s3cret" },
            "A removed by replace: true",
        );
        const upsert = emu.log.filter((l) => l.operationName === "VariableCollectionUpsert").pop()!;
        assert.equal((upsert.variables.input as { replace: boolean }).replace, true);

        emu.store.outOfBand({ kind: "variable", serviceId: service.id, environmentId, name: "B", value: "tampered" });
        emu.store.outOfBand({
            kind: "variable",
            serviceId: service.id,
            environmentId,
            name: "ADDED",
            value: "by hand",
        });
        const read = await p(variablesProvider).read(created.id, updated.outs);
        assert.equal(read.props!.variables.B, "tampered");
        assert.equal(read.props!.secretVariables.ADDED, "by hand", "an unknown variable is kept secret, to be safe");
        assert.equal((await p(variablesProvider).diff(created.id, read.props, next)).changes, true);

        const worker = await p(serviceProvider).create({ projectId, name: "worker", apiUrl });
        const moved = await replace(variablesProvider, created.id, read.props, { ...next, serviceId: worker.id });
        assert.deepEqual(moved.replaces, ["serviceId"]);
        assert.deepEqual(
            emu.store.vars(worker.id, environmentId),
            { B: "2", DATABASE_URL: "${{postgres.DATABASE_URL}}", TOKEN: "s3cret" },
            "the new service has the set",
        );
        assert.deepEqual(
            emu.store.vars(service.id, environmentId),
            {},
            "the old service's set is deleted, including the hand-added one",
        );
        await p(variablesProvider).delete(moved.id, moved.outs);
        assert.deepEqual(emu.store.vars(worker.id, environmentId), {});
    });

    it("Variables: check rejects a name set both plain and secret, and a bad name", async () => {
        const failures = (
            await p(variablesProvider).check(
                {},
                {
                    projectId: "p",
                    environmentId: "e",
                    serviceId: "s",
                    variables: { A: "1", "1X": "y" },
                    secretVariables: { A: "2" },
                },
            )
        ).failures!;
        assert.deepEqual(failures.map((f) => f.property).sort(), ["variables.1X", "variables.A"]);
    });

    it("ServiceDomain and CustomDomain: create, read (and import), update port, replace (create new, delete old), delete", async () => {
        const { projectId, environmentId } = await projectAndEnv();
        const service = await p(serviceProvider).create({ projectId, name: "web", apiUrl });
        const sd = await p(serviceDomainProvider).create({
            projectId,
            environmentId,
            serviceId: service.id,
            targetPort: 3000,
            apiUrl,
        });
        assert.match(sd.outs.domain, /\.up\.railway\.app$/);
        const imported = await p(serviceDomainProvider).read(`${projectId}:${environmentId}:${service.id}:${sd.id}`);
        assert.equal(imported.props!.targetPort, 3000);
        await p(serviceDomainProvider).update(sd.id, sd.outs, { ...sd.outs, targetPort: 8080 });
        assert.equal(emu.store.domains.get(sd.id)!.targetPort, 8080);
        const api = await p(serviceProvider).create({ projectId, name: "api", apiUrl });
        const sdOuts = { ...sd.outs, targetPort: 8080 };
        const sd2 = await replace(serviceDomainProvider, sd.id, sdOuts, {
            projectId,
            environmentId,
            serviceId: api.id,
            targetPort: 8080,
            apiUrl,
        });
        assert.deepEqual(sd2.replaces, ["serviceId"]);
        assert.ok(!emu.store.domains.has(sd.id), "the old generated domain is deleted");
        assert.equal(emu.store.domains.get(sd2.id)!.serviceId, api.id);

        const cd = await p(customDomainProvider).create({
            projectId,
            environmentId,
            serviceId: service.id,
            domain: "app.example.com",
            targetPort: 3000,
            apiUrl,
        });
        assert.equal(cd.outs.dnsRecords.length, 1);
        assert.equal((await p(customDomainProvider).read(`${projectId}:${cd.id}`)).props!.domain, "app.example.com");
        await p(customDomainProvider).update(cd.id, cd.outs, { ...cd.outs, targetPort: 4000 });
        assert.equal(emu.store.domains.get(cd.id)!.targetPort, 4000);
        const cdOuts = { ...cd.outs, targetPort: 4000 };
        const cd2 = await replace(customDomainProvider, cd.id, cdOuts, {
            projectId,
            environmentId,
            serviceId: service.id,
            domain: "www.example.com",
            targetPort: 4000,
            apiUrl,
        });
        assert.deepEqual(cd2.replaces, ["domain"]);
        assert.ok(!emu.store.domains.has(cd.id), "the old custom domain is deleted");
        assert.equal(emu.store.domains.get(cd2.id)!.domain, "www.example.com");

        await p(serviceDomainProvider).delete(sd2.id, sd2.outs);
        await p(customDomainProvider).delete(cd2.id, cd2.outs);
        assert.equal(emu.store.domains.size, 0);
    });

    it("Volume: a backup before a move and before a delete, named in the state; a failing backup changes nothing; off when asked", async () => {
        const { projectId, environmentId } = await projectAndEnv();
        const postgres = await p(serviceProvider).create({ projectId, name: "postgres", apiUrl });
        const inputs = {
            projectId,
            environmentId,
            serviceId: postgres.id,
            mountPath: "/var/lib/postgresql/data",
            apiUrl,
        };
        const created = await p(volumeProvider).create(inputs);
        const instanceId = () => [...emu.store.volumeInstances.values()].find((v) => v.volumeId === created.id)!.id;
        const backups = () => emu.store.backupsOf(instanceId()).map((b) => b.name);
        assert.deepEqual(backups(), [], "creating takes none");

        const moved = { ...inputs, mountPath: "/data" };
        const updated = await p(volumeProvider).update(created.id, created.outs, moved);
        assert.equal(backups().length, 1);
        assert.match(
            backups()[0],
            /^pulumi: before moving it from .*:\/var\/lib\/postgresql\/data to .*:\/data, 20\d\d-/,
        );
        assert.equal(updated.outs.lastBackup.name, backups()[0], "the backup is named in the state");
        assert.equal(emu.store.volumeInstances.get(instanceId())!.mountPath, "/data");

        // Railway refuses the backup: the delete stops before anything is deleted.
        emu.inject({ operation: "VolumeInstanceBackupCreate", status: 500, count: 5 });
        await assert.rejects(
            p(volumeProvider).delete(created.id, updated.outs),
            /could not be backed up before deleting volume .*so nothing was changed: take a backup in Railway's dashboard and run again, or set the service's volume\.backupBeforeChange to false/,
        );
        assert.ok(!emu.store.volumes.get(created.id)!.deletionRequestedAt, "not deleted");
        emu.faults.length = 0;

        await p(volumeProvider).delete(created.id, updated.outs);
        assert.equal(backups().length, 2, "one more, before the delete");
        assert.match(backups()[0], /^pulumi: before deleting volume /);
        assert.ok(emu.store.volumes.get(created.id)!.deletionRequestedAt, "then deleted");

        const off = await p(volumeProvider).create({ ...inputs, backupBeforeChange: false });
        const offInstance = [...emu.store.volumeInstances.values()].find((v) => v.volumeId === off.id)!.id;
        await p(volumeProvider).update(off.id, off.outs, { ...inputs, backupBeforeChange: false, mountPath: "/x" });
        assert.deepEqual(emu.store.backupsOf(offInstance), [], "none when turned off");
    });

    it("Volume: create in one environment, read (and import), re-attach in place keeping the volume, replace on environment, delete", async () => {
        const { projectId, environmentId } = await projectAndEnv();
        const postgres = await p(serviceProvider).create({ projectId, name: "postgres", apiUrl });
        const postgres2 = await p(serviceProvider).create({ projectId, name: "postgres-17", apiUrl });
        // A fork of staging, made before any volume: it has the services but no volume.
        const other = await p(environmentProvider).create({
            projectId,
            name: "production",
            forkFrom: "staging",
            apiUrl,
        });
        const inputs = {
            projectId,
            environmentId,
            serviceId: postgres.id,
            mountPath: "/var/lib/postgresql/data",
            apiUrl,
        };
        const created = await p(volumeProvider).create(inputs);
        const instances = () => [...emu.store.volumeInstances.values()];
        assert.deepEqual(
            instances().map((v) => [v.environmentId, v.serviceId, v.mountPath]),
            [[environmentId, postgres.id, "/var/lib/postgresql/data"]],
            "only this environment",
        );
        assert.equal((await p(volumeProvider).diff(created.id, created.outs, inputs)).changes, false);
        assert.equal(
            (await p(volumeProvider).read(`${environmentId}:${created.id}`)).props!.mountPath,
            "/var/lib/postgresql/data",
            "import ID <environmentId>:<volumeId>",
        );

        const moved = { ...inputs, serviceId: postgres2.id, mountPath: "/data" };
        const d = await p(volumeProvider).diff(created.id, created.outs, moved);
        assert.deepEqual([d.changes, d.replaces], [true, []], "re-attaching keeps the data: no replace");
        const updated = await p(volumeProvider).update(created.id, created.outs, moved);
        assert.deepEqual(
            instances().map((v) => [v.volumeId, v.serviceId, v.mountPath]),
            [[created.id, postgres2.id, "/data"]],
        );

        emu.store.volumeInstances.values().next().value!.mountPath = "/changed";
        assert.equal(
            (await p(volumeProvider).read(created.id, updated.outs)).props!.mountPath,
            "/changed",
            "drift is seen by read",
        );

        const again = await replace(volumeProvider, created.id, updated.outs, { ...moved, environmentId: other.id });
        assert.deepEqual(again.replaces, ["environmentId"]);
        assert.equal(
            (await p(volumeProvider).diff(again.id, again.outs, { ...moved, environmentId: other.id }))
                .deleteBeforeReplace,
            false,
            "a new volume exists before the old one goes",
        );
        assert.deepEqual(
            [...emu.store.volumes.values()].filter((v) => !v.deletionRequestedAt).map((v) => v.id),
            [again.id],
            "the old volume's deletion is queued",
        );
        assert.deepEqual(
            instances()
                .filter((v) => v.volumeId === again.id)
                .map((v) => v.environmentId),
            [other.id],
        );
        await p(volumeProvider).delete(again.id, again.outs);
        assert.equal(
            (await p(volumeProvider).read(again.id, again.outs)).id,
            "",
            "a volume whose deletion Railway queued reads as gone",
        );
        assert.ok(
            [...emu.store.volumes.values()].every((v) => v.deletionRequestedAt !== undefined),
            "every volume's deletion is queued on Railway",
        );
    });

    it("an idempotent write (settings, a whole variable set) is sent again after a 5xx, and applied once", async () => {
        const { projectId, environmentId } = await projectAndEnv();
        const service = await p(serviceProvider).create({ projectId, name: "web", apiUrl });
        emu.inject({ operation: "ServiceInstanceUpdate", status: 503, afterApply: true });
        emu.inject({ operation: "VariableCollectionUpsert", status: 502, afterApply: true });
        await p(serviceInstanceProvider).create({
            projectId,
            serviceId: service.id,
            environmentId,
            source: { image: "nginx:1" },
            replicas: { "us-west2": 1 },
            apiUrl,
        });
        await p(variablesProvider).create({
            projectId,
            environmentId,
            serviceId: service.id,
            variables: { A: "1" },
            secretVariables: {},
            skipDeploys: true,
            apiUrl,
        });
        assert.deepEqual(emu.store.vars(service.id, environmentId), { A: "1" });
        assert.deepEqual(
            emu.log
                .filter((l) => ["ServiceInstanceUpdate", "VariableCollectionUpsert"].includes(l.operationName))
                .map((l) => l.status),
            [503, 200, 502, 200],
        );
    });

    it("an imported variable set (all in the secret half) is no change when the program splits the same values", async () => {
        const { projectId, environmentId } = await projectAndEnv();
        const service = await p(serviceProvider).create({ projectId, name: "web", apiUrl });
        const scope = { projectId, environmentId, serviceId: service.id, apiUrl };
        await p(variablesProvider).create({
            ...scope,
            variables: { NODE_ENV: "production" },
            secretVariables: { TOKEN: "t" },
            skipDeploys: true,
        });
        const imported = await p(variablesProvider).read(`${projectId}:${environmentId}:${service.id}`);
        assert.deepEqual(imported.props!.secretVariables, { NODE_ENV: "production", TOKEN: "t" });
        assert.equal(
            (
                await p(variablesProvider).diff(imported.id!, imported.props, {
                    ...scope,
                    variables: { NODE_ENV: "production" },
                    secretVariables: { TOKEN: "t" },
                })
            ).changes,
            false,
        );
        assert.equal(
            (
                await p(variablesProvider).diff(imported.id!, imported.props, {
                    ...scope,
                    variables: { NODE_ENV: "staging" },
                    secretVariables: { TOKEN: "t" },
                })
            ).changes,
            true,
        );
    });

    it("invalid import IDs say the expected format", async () => {
        await assert.rejects(
            p(variablesProvider).read("just-one-part"),
            /invalid railway.Variables ID 'just-one-part': expected <projectId>:<environmentId>:<serviceId>/,
        );
    });

    it("every call passes environmentId to per-environment mutations", async () => {
        const { projectId, environmentId } = await projectAndEnv();
        const service = await p(serviceProvider).create({ projectId, name: "web", apiUrl });
        await p(serviceInstanceProvider).create({
            projectId,
            serviceId: service.id,
            environmentId,
            source: { image: "nginx:1" },
            replicas: { "us-west2": 1 },
            apiUrl,
        });
        const calls = emu.log.filter((l) => l.operationName === "ServiceInstanceUpdate");
        assert.ok(calls.length > 0 && calls.every((c) => c.variables.environmentId === environmentId));
    });
});
