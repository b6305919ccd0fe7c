/**
 * The emulator behaves like Railway where real deployments go wrong. One block per behaviour of
 * the strictness issue; each test fails against the lenient emulator this replaced.
 */
import { strict as assert } from "assert";
import { RailwayClient } from "../../providers/railway/client";
import { DOCUMENTS, OperationName, isMutation } from "../../providers/railway/documents";
import {
    DEFAULT_DUPLICATE_MS,
    headCommit,
    ManualClock,
    RailwayEmulator,
    startRailwayEmulator,
} from "../../tools/railway-emulator";

const STAGE = 1000;

describe("Railway emulator (as strict as Railway)", () => {
    let emu: RailwayEmulator;
    let clock: ManualClock;
    let client: RailwayClient;
    const call = (op: OperationName, vars: Record<string, unknown>, c = client): Promise<any> =>
        c.request(op, DOCUMENTS[op], vars, isMutation(op));
    /** Any document, with any headers: for what the project's own documents never send. */
    const raw = async (
        query: string,
        variables: Record<string, unknown> = {},
        headers: Record<string, string> = { authorization: `Bearer ${emu.token}` },
        operationName?: string,
    ) => {
        const res = await fetch(emu.apiUrl, {
            method: "POST",
            headers: { "content-type": "application/json", ...headers },
            body: JSON.stringify({ query, variables, operationName }),
        });
        return { status: res.status, headers: res.headers, body: (await res.json().catch(() => undefined)) as any };
    };
    const settle = (stages = 4) => clock.advance(stages * STAGE);

    before(async () => {
        clock = new ManualClock();
        emu = await startRailwayEmulator({ deployStageMs: STAGE, clock, maxPageSize: 3, workspaces: ["ws"] });
        client = new RailwayClient({
            apiUrl: emu.apiUrl,
            env: { RAILWAY_API_TOKEN: emu.token },
            retry: { maxAttempts: 1 },
        });
    });
    after(() => emu.close());
    beforeEach(() => {
        emu.store.clear();
        emu.faults.length = 0;
        emu.log.length = 0;
    });

    async function project(name = "p", env = "production") {
        const { projectCreate } = await call("ProjectCreate", {
            input: { name, defaultEnvironmentName: env, workspaceId: "ws" },
        });
        const envs = await call("ProjectEnvironments", { id: projectCreate.id });
        return {
            projectId: projectCreate.id as string,
            environmentId: envs.project.environments.edges[0].node.id as string,
        };
    }
    const deploymentsOf = (serviceId: string) =>
        [...emu.store.deployments.values()].filter((d) => d.serviceId === serviceId);

    it("answers an invalid document as Railway does: HTTP 400, GRAPHQL_VALIDATION_FAILED", async () => {
        const r = await raw('{ service(id: "x") { id branch } }');
        assert.equal(r.status, 400);
        assert.equal(r.body.errors[0].extensions.code, "GRAPHQL_VALIDATION_FAILED");
    });

    describe("1. environment scoping (each rule with the Railway text it rests on)", () => {
        it("a service created in one environment has an instance in every environment (terraform-provider-railway issue #23)", async () => {
            const { projectId, environmentId: production } = await project();
            const staging = (await call("EnvironmentCreate", { input: { projectId, name: "staging" } }))
                .environmentCreate.id;
            const svc = (await call("ServiceCreate", { input: { projectId, name: "web", environmentId: staging } }))
                .serviceCreate.id;
            assert.ok(emu.store.hasInstance(svc, production) && emu.store.hasInstance(svc, staging));
        });

        it("a write that names its environment stays in it: settings, variables, volumes, domains (docs: every change to a service is scoped to one environment)", async () => {
            const { projectId, environmentId: production } = await project();
            const staging = (await call("EnvironmentCreate", { input: { projectId, name: "staging" } }))
                .environmentCreate.id;
            const svc = (await call("ServiceCreate", { input: { projectId, name: "web", environmentId: staging } }))
                .serviceCreate.id;
            const before = (await raw(`{ environment(id: "${production}") { configEtag } }`)).body.data.environment
                .configEtag;
            await call("ServiceInstanceUpdate", {
                serviceId: svc,
                environmentId: staging,
                input: { startCommand: "npm start", multiRegionConfig: { "us-west2": { numReplicas: 1 } } },
            });
            await call("VariableCollectionUpsert", {
                input: { projectId, environmentId: staging, serviceId: svc, variables: { A: "1" }, skipDeploys: true },
            });
            await call("VolumeCreate", {
                input: { projectId, environmentId: staging, serviceId: svc, mountPath: "/data" },
            });
            await call("ServiceDomainCreate", { input: { environmentId: staging, serviceId: svc } });
            assert.equal(
                emu.store.instance(svc, production).startCommand ?? null,
                null,
                "production's settings did not move",
            );
            assert.deepEqual(emu.store.vars(svc, production), {});
            assert.deepEqual(
                [...emu.store.volumeInstances.values()].map((v) => v.environmentId),
                [staging],
            );
            assert.equal([...emu.store.domains.values()].filter((d) => d.environmentId === production).length, 0);
            const after = (await raw(`{ environment(id: "${production}") { configEtag } }`)).body.data.environment
                .configEtag;
            assert.equal(after, before, "production's configEtag is unchanged");
        });

        it("serviceInstanceUpdate without an environment reaches every environment (the schema's description of a null environmentId)", async () => {
            const { projectId, environmentId: production } = await project();
            const staging = (await call("EnvironmentCreate", { input: { projectId, name: "staging" } }))
                .environmentCreate.id;
            const svc = (await call("ServiceCreate", { input: { projectId, name: "web" } })).serviceCreate.id;
            await call("ServiceInstanceUpdate", {
                serviceId: svc,
                environmentId: null,
                input: { buildCommand: "npm run build" },
            });
            assert.equal(emu.store.instance(svc, production).buildCommand, "npm run build");
            assert.equal(emu.store.instance(svc, staging).buildCommand, "npm run build");
        });

        it("serviceDelete with an environment removes that instance only; without one, the whole service", async () => {
            const { projectId, environmentId: production } = await project();
            const staging = (await call("EnvironmentCreate", { input: { projectId, name: "staging" } }))
                .environmentCreate.id;
            const svc = (await call("ServiceCreate", { input: { projectId, name: "web" } })).serviceCreate.id;
            await call("ServiceDelete", { id: svc, environmentId: staging });
            assert.ok(
                emu.store.hasInstance(svc, production) &&
                    !emu.store.hasInstance(svc, staging) &&
                    emu.store.services.has(svc),
            );
            await call("ServiceDelete", { id: svc });
            assert.ok(!emu.store.services.has(svc));
        });

        it("an environment is created empty, or as a duplicate carrying the source's variables, settings and volumes (environmentCreate.sourceEnvironmentId)", async () => {
            const { projectId, environmentId: production } = await project();
            const svc = (await call("ServiceCreate", { input: { projectId, name: "web", environmentId: production } }))
                .serviceCreate.id;
            await call("ServiceInstanceUpdate", {
                serviceId: svc,
                environmentId: production,
                input: { startCommand: "npm start" },
            });
            await call("VariableCollectionUpsert", {
                input: {
                    projectId,
                    environmentId: production,
                    serviceId: svc,
                    variables: { A: "prod" },
                    skipDeploys: true,
                },
            });
            await call("VolumeCreate", {
                input: { projectId, environmentId: production, serviceId: svc, mountPath: "/data" },
            });
            const empty = (await call("EnvironmentCreate", { input: { projectId, name: "dev" } })).environmentCreate.id;
            assert.ok(!emu.store.hasInstance(svc, empty), "an environment made without a source has no services");
            const dup = (
                await call("EnvironmentCreate", {
                    input: {
                        projectId,
                        name: "pr-1",
                        sourceEnvironmentId: production,
                        ephemeral: true,
                        skipInitialDeploys: true,
                    },
                })
            ).environmentCreate;
            assert.equal(dup.sourceEnvironment.id, production);
            assert.deepEqual(emu.store.vars(svc, dup.id), { A: "prod" }, "variables copied");
            assert.equal(emu.store.instance(svc, dup.id).startCommand, "npm start", "settings copied");
            assert.ok(
                [...emu.store.volumeInstances.values()].some((v) => v.environmentId === dup.id && v.serviceId === svc),
                "volume instance copied",
            );
            assert.equal(deploymentsOf(svc).length, 0, "skipInitialDeploys: nothing deployed");
            await call("ServiceInstanceUpdate", {
                serviceId: svc,
                environmentId: dup.id,
                input: { startCommand: "dup-only" },
            });
            assert.equal(
                emu.store.instance(svc, production).startCommand,
                "npm start",
                "the duplicate's change stayed in it",
            );
            const listed = (
                await raw(
                    `{ environments(projectId: "${projectId}", isEphemeral: true) { edges { node { id name isEphemeral } } } }`,
                )
            ).body.data.environments.edges;
            assert.deepEqual(
                listed.map((e: any) => e.node.name),
                ["pr-1"],
                "the root environments query filters ephemeral ones",
            );
        });

        it("a duplicate's copy takes a while, as on Railway: APPLYING until it lands, a write naming it refused before, and without applyChangesInBackground the answer waits for it", async () => {
            const { projectId, environmentId: production } = await project();
            const svc = (await call("ServiceCreate", { input: { projectId, name: "web", environmentId: production } }))
                .serviceCreate.id;
            await call("VariableCollectionUpsert", {
                input: {
                    projectId,
                    environmentId: production,
                    serviceId: svc,
                    variables: { A: "prod" },
                    skipDeploys: true,
                },
            });
            const status = async (environmentId: string) =>
                (await call("EnvironmentStagedChanges", { environmentId })).environmentStagedChanges;
            const background = (
                await call("EnvironmentCreate", {
                    input: {
                        projectId,
                        name: "pr-2",
                        sourceEnvironmentId: production,
                        applyChangesInBackground: true,
                        skipInitialDeploys: true,
                    },
                })
            ).environmentCreate.id;
            assert.equal((await status(background)).status, "APPLYING");
            assert.ok(!emu.store.hasInstance(svc, background), "nothing copied yet");
            const early = {
                input: {
                    projectId,
                    environmentId: background,
                    serviceId: svc,
                    variables: { A: "early" },
                    skipDeploys: true,
                },
            };
            await assert.rejects(
                call("VariableCollectionUpsert", early),
                /Environment pr-2 is still being created from production/,
            );
            const literal = await raw(
                `mutation { serviceInstanceRedeploy(serviceId: "${svc}", environmentId: "${background}") }`,
            );
            assert.match(
                literal.body.errors[0].message,
                /still being created/,
                "an id written in the document counts too",
            );
            clock.advance(DEFAULT_DUPLICATE_MS);
            assert.deepEqual(await status(background), { status: "COMMITTED", lastAppliedError: null });
            assert.deepEqual(
                emu.store.vars(svc, background),
                { A: "prod" },
                "the copy landed, and the refused write left nothing",
            );
            await call("VariableCollectionUpsert", early);
            assert.deepEqual(emu.store.vars(svc, background), { A: "early" }, "writable once the copy is done");

            const withinRequest = (
                await call("EnvironmentCreate", {
                    input: { projectId, name: "pr-3", sourceEnvironmentId: production, skipInitialDeploys: true },
                })
            ).environmentCreate.id;
            assert.equal((await status(withinRequest)).status, "COMMITTED", "answered once the copy was made");
            assert.deepEqual(emu.store.vars(svc, withinRequest), { A: "prod" });

            // A source deleted before its copy is made: the copy fails, as Railway reports it.
            const orphan = emu.store.createEnvironment({ projectId, name: "pr-4", sourceEnvironmentId: withinRequest });
            emu.store.deleteEnvironment(withinRequest);
            clock.advance(DEFAULT_DUPLICATE_MS);
            const failed = await status(orphan.id);
            assert.equal(failed.status, "COMMITTED");
            assert.match(failed.lastAppliedError, /source environment was deleted/);
            assert.ok(!emu.store.hasInstance(svc, orphan.id));
        });

        it("volumeCreate: an omitted environment makes an instance everywhere, an explicit null none (Railway's schema; the community Terraform provider's acceptance test reads the mount path and size back)", async () => {
            const { projectId, environmentId } = await project();
            const staging = (await call("EnvironmentCreate", { input: { projectId, name: "staging" } }))
                .environmentCreate.id;
            const svc = (await call("ServiceCreate", { input: { projectId, name: "db" } })).serviceCreate.id;
            await call("VolumeCreate", { input: { projectId, serviceId: svc, mountPath: "/data" } });
            const made = [...emu.store.volumeInstances.values()];
            assert.deepEqual(made.map((v) => v.environmentId).sort(), [environmentId, staging].sort());
            for (const v of made) assert.deepEqual([v.mountPath, v.serviceId, v.sizeMB > 0], ["/data", svc, true]);
            const other = (await call("ServiceCreate", { input: { projectId, name: "cache" } })).serviceCreate.id;
            await raw(`mutation($input: VolumeCreateInput!) { volumeCreate(input: $input) { id } }`, {
                input: { projectId, serviceId: other, mountPath: "/cache", environmentId: null },
            });
            assert.equal(emu.store.volumeInstances.size, 2, "an explicit null environment makes no instance");
        });
    });

    describe("1b. environment config and patches (the shape of Railway's CLI)", () => {
        const cfg = async (environmentId: string) =>
            (
                await raw(
                    `query($id: String!) { environment(id: $id) { configEtag unmergedChangesCount config(decryptVariables: true) } }`,
                    { id: environmentId },
                )
            ).body.data.environment;
        const commit = (environmentId: string, patch: unknown) =>
            raw(
                `mutation($e: String!, $p: EnvironmentConfig) { environmentPatchCommit(environmentId: $e, patch: $p, commitMessage: "test") }`,
                { e: environmentId, p: patch },
            );

        it("config reflects each service's source, build, deploy, variables and volume mounts; configEtag moves with it", async () => {
            const { projectId, environmentId } = await project();
            const svc = (await call("ServiceCreate", { input: { projectId, name: "db", environmentId } })).serviceCreate
                .id;
            await call("ServiceInstanceUpdate", {
                serviceId: svc,
                environmentId,
                input: { source: { image: "postgres:16" }, startCommand: "postgres" },
            });
            await call("VariableCollectionUpsert", {
                input: {
                    projectId,
                    environmentId,
                    serviceId: svc,
                    variables: { PGDATA: "/data/pg" },
                    skipDeploys: true,
                },
            });
            const vol = (
                await call("VolumeCreate", { input: { projectId, environmentId, serviceId: svc, mountPath: "/data" } })
            ).volumeCreate.id;
            const first = await cfg(environmentId);
            const s = first.config.services[svc];
            assert.deepEqual(s.source, { image: "postgres:16" });
            assert.equal(s.deploy.startCommand, "postgres");
            assert.deepEqual(s.variables.PGDATA, { value: "/data/pg", isSealed: false });
            assert.deepEqual(s.volumeMounts, { [vol]: { mountPath: "/data" } });
            await call("ServiceInstanceUpdate", {
                serviceId: svc,
                environmentId,
                input: { startCommand: "postgres -c fsync=on" },
            });
            assert.notEqual((await cfg(environmentId)).configEtag, first.configEtag);
        });

        it("a patch materialises and removes an instance in one environment, changes settings and variables, and applies all or nothing", async () => {
            const { projectId, environmentId: production } = await project();
            const staging = (await call("EnvironmentCreate", { input: { projectId, name: "staging" } }))
                .environmentCreate.id;
            const svc = (await call("ServiceCreate", { input: { projectId, name: "web", environmentId: production } }))
                .serviceCreate.id;
            await call("ServiceDelete", { id: svc, environmentId: staging });
            const ok = await commit(staging, {
                services: {
                    [svc]: {
                        isCreated: true,
                        source: { image: "nginx:1" },
                        deploy: { startCommand: "nginx", multiRegionConfig: { "us-west2": { numReplicas: 2 } } },
                        variables: { A: { value: "1" } },
                    },
                },
            });
            assert.equal(ok.body.errors, undefined, JSON.stringify(ok.body.errors));
            assert.equal(emu.store.instance(svc, staging).startCommand, "nginx");
            assert.deepEqual(emu.store.instance(svc, staging).multiRegionConfig, { "us-west2": { numReplicas: 2 } });
            assert.deepEqual(emu.store.vars(svc, staging), { A: "1" });
            assert.equal(emu.store.instance(svc, production).startCommand ?? null, null, "production untouched");
            assert.equal(
                deploymentsOf(svc).filter((d) => d.environmentId === staging).length,
                1,
                "a commit deploys what it changed",
            );
            const etag = (await cfg(staging)).configEtag;
            const bad = await commit(staging, {
                services: { [svc]: { deploy: { startCommand: "changed" }, variables: { B: { value: 1 } } } },
            });
            assert.match(bad.body.errors[0].message, /variables\.B must be \{value: string\}/);
            assert.equal((await cfg(staging)).configEtag, etag, "nothing of a refused patch was applied");
            const unknown = await commit(staging, { services: { [svc]: { deploy: { nope: 1 } } } });
            assert.match(unknown.body.errors[0].message, /'nope' is not modelled by the Railway emulator/);
            await commit(staging, { services: { [svc]: { isDeleted: true } } });
            assert.ok(
                !emu.store.hasInstance(svc, staging) && emu.store.hasInstance(svc, production),
                "isDeleted removed staging's instance only",
            );
            const missing = await commit(staging, { services: { [svc]: { deploy: { startCommand: "x" } } } });
            assert.match(
                missing.body.errors[0].message,
                /ServiceInstance not found/,
                "a service not in the environment needs isCreated",
            );
        });

        it("staged changes are counted, merged, and committed with skipDeploys; a direct commit over staged changes is refused", async () => {
            const { projectId, environmentId } = await project();
            const svc = (await call("ServiceCreate", { input: { projectId, name: "web", environmentId } }))
                .serviceCreate.id;
            await call("ServiceInstanceUpdate", {
                serviceId: svc,
                environmentId,
                input: { source: { image: "nginx:1" } },
            });
            const stage = (input: unknown) =>
                raw(
                    `mutation($e: String!, $i: EnvironmentConfig!) { environmentStageChanges(environmentId: $e, input: $i, merge: true) { id status } }`,
                    {
                        e: environmentId,
                        i: input,
                    },
                );
            assert.equal(
                (await stage({ services: { [svc]: { deploy: { startCommand: "a" } } } })).body.data
                    .environmentStageChanges.status,
                "STAGED",
            );
            await stage({ services: { [svc]: { variables: { X: { value: "1" } } } } });
            assert.equal((await cfg(environmentId)).unmergedChangesCount, 1);
            assert.match((await commit(environmentId, {})).body.errors[0].message, /staged changes/);
            const done = await raw(
                `mutation($e: String!) { environmentPatchCommitStaged(environmentId: $e, skipDeploys: true) }`,
                { e: environmentId },
            );
            assert.equal(done.body.errors, undefined);
            assert.equal(emu.store.instance(svc, environmentId).startCommand, "a");
            assert.deepEqual(emu.store.vars(svc, environmentId), { X: "1" }, "both staged parts, merged");
            assert.equal(deploymentsOf(svc).length, 0, "skipDeploys");
            assert.equal((await cfg(environmentId)).unmergedChangesCount, 0);
        });
    });

    describe("2. what deploys", () => {
        it("choosing a source deploys; settings never do; variables do unless skipDeploys; a deploy needs a source and a known commit", async () => {
            const { projectId, environmentId } = await project();
            const svc = (await call("ServiceCreate", { input: { projectId, name: "web" } })).serviceCreate.id;
            await call("ServiceInstanceUpdate", {
                serviceId: svc,
                environmentId,
                input: { startCommand: "npm start" },
            });
            await assert.rejects(call("ServiceInstanceDeploy", { serviceId: svc, environmentId }), /no source/);
            await call("VariableCollectionUpsert", {
                input: { projectId, environmentId, serviceId: svc, variables: { A: "1" } },
            });
            assert.equal(deploymentsOf(svc).length, 0, "nothing to deploy without a source");
            await call("ServiceInstanceUpdate", {
                serviceId: svc,
                environmentId,
                input: { source: { repo: "acme/app" } },
            });
            assert.equal(deploymentsOf(svc).length, 0, "serviceInstanceUpdate only stores settings");
            await assert.rejects(
                call("ServiceInstanceDeploy", { serviceId: svc, environmentId, commitSha: "0".repeat(40) }),
                /Commit not found/,
            );
            await call("VariableCollectionUpsert", {
                input: { projectId, environmentId, serviceId: svc, variables: { B: "2" }, skipDeploys: true },
            });
            assert.equal(deploymentsOf(svc).length, 0, "skipDeploys");
            await call("ServiceInstanceDeploy", { serviceId: svc, environmentId });
            await call("VariableCollectionUpsert", {
                input: { projectId, environmentId, serviceId: svc, variables: { C: "3" } },
            });
            const [first, second] = deploymentsOf(svc).sort((a, b) => a.createdAt - b.createdAt);
            assert.deepEqual(
                first.variables,
                { A: "1", B: "2" },
                "each deployment snapshots the variables it started with",
            );
            assert.deepEqual(second.variables, { A: "1", B: "2", C: "3" });
            assert.equal(first.commitHash, headCommit("acme/app", "main"));
            const connected = (await call("ServiceCreate", { input: { projectId, name: "img" } })).serviceCreate.id;
            await raw(`mutation { serviceConnect(id: "${connected}", input: { image: "redis:7" }) { id } }`);
            assert.equal(deploymentsOf(connected).length, 1, "serviceConnect deploys");
        });
    });

    describe("3. rollback", () => {
        it("is allowed only where canRollback, restores the target's image and variables, and records what it rolled back to", async () => {
            const { projectId, environmentId } = await project();
            const svc = (
                await call("ServiceCreate", {
                    input: { projectId, name: "web", source: { image: "app:v1" }, variables: { V: "1" } },
                })
            ).serviceCreate.id;
            settle();
            await call("ServiceInstanceUpdate", {
                serviceId: svc,
                environmentId,
                input: { source: { image: "app:v2" } },
            });
            await call("VariableCollectionUpsert", {
                input: { projectId, environmentId, serviceId: svc, variables: { V: "2" } },
            });
            settle();
            const list = (
                await call("Deployments", { input: { serviceId: svc, environmentId }, first: 10 })
            ).deployments.edges.map((e: any) => e.node);
            assert.deepEqual(
                list.map((d: any) => d.status),
                ["SUCCESS", "REMOVED"],
            );
            await assert.rejects(call("DeploymentRollback", { id: list[0].id }), /cannot be rolled back/);
            await call("DeploymentRollback", { id: list[1].id });
            assert.deepEqual(emu.store.vars(svc, environmentId), { V: "1" }, "the target's variables are back");
            const rolled = (await call("Deployments", { input: { serviceId: svc, environmentId }, first: 1 }))
                .deployments.edges[0].node;
            assert.equal(rolled.meta.image, "app:v1");
            assert.equal(rolled.meta.reason, "rollback");
            assert.equal(rolled.meta.rollbackTargetDeploymentId, list[1].id);
        });

        it("refuses a rollback past the image retention", async () => {
            const retention = 10 * STAGE;
            const e2 = await startRailwayEmulator({
                deployStageMs: STAGE,
                clock,
                rollbackRetentionMs: retention,
                workspaces: ["ws"],
            });
            try {
                const c = new RailwayClient({
                    apiUrl: e2.apiUrl,
                    env: { RAILWAY_API_TOKEN: e2.token },
                    retry: { maxAttempts: 1 },
                });
                const p = e2.store.createProject({ name: "r" });
                const env = e2.store.liveEnvironments(p.id)[0].id;
                const svc = e2.store.createService({ projectId: p.id, name: "web", source: { image: "a:1" } });
                const old = [...e2.store.deployments.values()][0];
                settle();
                e2.store.deploy(svc.id, env, "deploy");
                clock.advance(retention);
                assert.equal(e2.store.canRollback(old), false);
                await assert.rejects(call("DeploymentRollback", { id: old.id }, c), /cannot be rolled back/);
            } finally {
                await e2.close();
            }
        });
    });

    describe("4. volumes", () => {
        it("one per service, absolute mount paths, no replicas beside a volume, a per-project limit, and queued deletion", async () => {
            const { projectId, environmentId } = await project();
            const svc = (await call("ServiceCreate", { input: { projectId, name: "pg" } })).serviceCreate.id;
            await assert.rejects(
                call("VolumeCreate", { input: { projectId, environmentId, serviceId: svc, mountPath: "data" } }),
                /absolute/,
            );
            const vol = (
                await call("VolumeCreate", { input: { projectId, environmentId, serviceId: svc, mountPath: "/data" } })
            ).volumeCreate.id;
            await assert.rejects(
                call("VolumeCreate", { input: { projectId, environmentId, serviceId: svc, mountPath: "/other" } }),
                /already has a volume/,
            );
            await assert.rejects(
                call("ServiceInstanceUpdate", {
                    serviceId: svc,
                    environmentId,
                    input: { multiRegionConfig: { "us-west2": { numReplicas: 2 } } },
                }),
                /volume can only run 1 replica/,
            );
            await call("VolumeDelete", { volumeId: vol });
            const pending = (
                await call("EnvironmentVolumeInstances", { id: environmentId })
            ).environment.volumeInstances.edges.map((e: any) => e.node);
            assert.deepEqual(
                pending.map((v: any) => [v.volumeId, v.isPendingDeletion, v.state]),
                [[vol, true, "DELETING"]],
                "the deleted volume lingers, marked",
            );
            settle();
            assert.equal(
                (await call("EnvironmentVolumeInstances", { id: environmentId })).environment.volumeInstances.edges
                    .length,
                0,
            );
            for (let i = 0; i < 20; i++) {
                const s = (await call("ServiceCreate", { input: { projectId, name: `s${i}` } })).serviceCreate.id;
                await call("VolumeCreate", { input: { projectId, environmentId, serviceId: s, mountPath: "/data" } });
            }
            const extra = (await call("ServiceCreate", { input: { projectId, name: "extra" } })).serviceCreate.id;
            await assert.rejects(
                call("VolumeCreate", { input: { projectId, environmentId, serviceId: extra, mountPath: "/data" } }),
                /allows 20 volumes per project/,
            );
        });
    });

    describe("5. project tokens", () => {
        it("are scoped to one environment of one project, and cannot create projects or connect sources", async () => {
            const { projectId, environmentId } = await project();
            const staging = (await call("EnvironmentCreate", { input: { projectId, name: "staging" } }))
                .environmentCreate.id;
            const svc = (await call("ServiceCreate", { input: { projectId, name: "web" } })).serviceCreate.id;
            const token = emu.projectToken(projectId, environmentId);
            const scoped = new RailwayClient({
                apiUrl: emu.apiUrl,
                env: { RAILWAY_TOKEN: token },
                retry: { maxAttempts: 1 },
            });
            await call(
                "VariableCollectionUpsert",
                { input: { projectId, environmentId, serviceId: svc, variables: { A: "1" }, skipDeploys: true } },
                scoped,
            );
            await assert.rejects(
                call("ProjectCreate", { input: { name: "x" } }, scoped),
                /Not Authorized.*set RAILWAY_API_TOKEN/,
            );
            await assert.rejects(
                call("Variables", { projectId, environmentId: staging, serviceId: svc }, scoped),
                /Not Authorized/,
            );
            await assert.rejects(
                call(
                    "ServiceInstanceUpdate",
                    { serviceId: svc, environmentId: null, input: { startCommand: "x" } },
                    scoped,
                ),
                /Not Authorized/,
            );
            const connect = await raw(
                `mutation { serviceConnect(id: "${svc}", input: { image: "x" }) { id } }`,
                {},
                { "project-access-token": token },
            );
            assert.equal(connect.body.errors[0].message, "Not Authorized");
            const other = await project("other");
            await assert.rejects(call("Project", { id: other.projectId }, scoped), /Not Authorized/);
        });
    });

    describe("6. validation Railway does", () => {
        it("service names, replicas, regions, ports, domains, railwayConfigFile, and answerable domain statuses", async () => {
            const { projectId, environmentId } = await project();
            await assert.rejects(
                call("ServiceCreate", { input: { projectId, name: "x".repeat(33) } }),
                /32 characters or less/,
            );
            const svc = (await call("ServiceCreate", { input: { projectId, name: "web" } })).serviceCreate.id;
            await assert.rejects(
                call("ServiceInstanceUpdate", {
                    serviceId: svc,
                    environmentId,
                    input: { multiRegionConfig: { "us-west2": { numReplicas: 0 } } },
                }),
                /at least 1/,
            );
            await assert.rejects(
                call("ServiceInstanceUpdate", {
                    serviceId: svc,
                    environmentId,
                    input: { multiRegionConfig: { "europe-west4": { numReplicas: 1 } } },
                }),
                /Invalid region: europe-west4/,
            );
            await assert.rejects(
                call("ServiceDomainCreate", { input: { environmentId, serviceId: svc, targetPort: 70000 } }),
                /Invalid target port/,
            );
            await assert.rejects(
                call("CustomDomainCreate", {
                    input: { projectId, environmentId, serviceId: svc, domain: "not a domain" },
                }),
                /Invalid domain/,
            );
            const rcf = await raw(
                `mutation { serviceInstanceUpdate(serviceId: "${svc}", environmentId: "${environmentId}", input: { railwayConfigFile: "railway.json" }) }`,
            );
            assert.match(rcf.body.errors[0].message, /Config as Code .* deprecated/);
            const custom = (
                await call("CustomDomainCreate", {
                    input: { projectId, environmentId, serviceId: svc, domain: "app.example.com" },
                })
            ).customDomainCreate;
            const status = await raw(
                `{ customDomain(id: "${custom.id}", projectId: "${projectId}") { syncStatus status { certificateStatus verified dnsRecords { status currentValue purpose } } } }`,
            );
            assert.equal(status.body.errors, undefined, JSON.stringify(status.body.errors));
            assert.equal(status.body.data.customDomain.syncStatus, "ACTIVE");
        });
    });

    describe("7. connections", () => {
        it("pages with real cursors: first, after, hasNextPage when a page is cut", async () => {
            const { projectId } = await project();
            for (const name of ["a", "b", "c", "d", "e"]) await call("ServiceCreate", { input: { projectId, name } });
            const first = (await call("ProjectServices", { id: projectId })).project.services;
            assert.deepEqual(
                first.edges.map((e: any) => e.node.name),
                ["a", "b", "c"],
                "capped at the page size",
            );
            assert.equal(first.pageInfo.hasNextPage, true);
            const second = (await call("ProjectServices", { id: projectId, after: first.pageInfo.endCursor })).project
                .services;
            assert.deepEqual(
                second.edges.map((e: any) => e.node.name),
                ["d", "e"],
            );
            assert.equal(second.pageInfo.hasNextPage, false);
            await assert.rejects(call("ProjectServices", { id: projectId, after: "bogus" }), /Invalid cursor/);
        });
    });

    describe("8. deployment statuses", () => {
        it("goes INITIALIZING → BUILDING → DEPLOYING → SUCCESS; FAILED, CRASHED, SKIPPED, REMOVING, REMOVED, SLEEPING as Railway", async () => {
            const { projectId, environmentId } = await project();
            const svc = (await call("ServiceCreate", { input: { projectId, name: "web", source: { image: "a:1" } } }))
                .serviceCreate.id;
            const status = async () =>
                (
                    await call("Deployments", { input: { serviceId: svc, environmentId }, first: 10 })
                ).deployments.edges.map((e: any) => e.node.status);
            const seen: string[] = [];
            for (let i = 0; i < 4; i++) {
                seen.push((await status())[0]);
                clock.advance(STAGE);
            }
            assert.deepEqual(seen, ["INITIALIZING", "BUILDING", "DEPLOYING", "SUCCESS"]);
            emu.nextDeployments("FAILED", 1, svc);
            await call("ServiceInstanceDeploy", { serviceId: svc, environmentId });
            settle();
            assert.deepEqual(await status(), ["FAILED", "SUCCESS"], "a failed build leaves the old deployment live");
            emu.nextDeployments("CRASHED", 1, svc);
            await call("ServiceInstanceDeploy", { serviceId: svc, environmentId });
            settle();
            assert.equal((await status())[0], "CRASHED");
            await call("ServiceInstanceDeploy", { serviceId: svc, environmentId });
            await call("ServiceInstanceDeploy", { serviceId: svc, environmentId });
            assert.equal((await status())[1], "SKIPPED", "superseded while building");
            clock.advance(4 * STAGE);
            const oldest = [...emu.store.deployments.values()]
                .filter((d) => d.serviceId === svc)
                .sort((a, b) => a.createdAt - b.createdAt)[0];
            assert.ok(["REMOVING", "REMOVED"].includes(emu.store.status(oldest)), "the first live one was replaced");
            const meta = (await call("Deployments", { input: { serviceId: svc, environmentId }, first: 1 })).deployments
                .edges[0].node.meta;
            assert.equal(meta.serviceManifest.source.image, "a:1", "meta.serviceManifest as the CLI reads it");
            await call("ServiceInstanceUpdate", { serviceId: svc, environmentId, input: { sleepApplication: true } });
            await call("ServiceInstanceDeploy", { serviceId: svc, environmentId });
            clock.advance(6 * STAGE);
            assert.equal((await status())[0], "SLEEPING");
        });
    });

    describe("9. deletes", () => {
        it("deleted projects and environments come back with deletedAt; a missing service instance is 'not found'", async () => {
            const { projectId, environmentId } = await project();
            const svc = (await call("ServiceCreate", { input: { projectId, name: "web" } })).serviceCreate.id;
            const staging = (
                await call("EnvironmentCreate", {
                    input: { projectId, name: "staging", sourceEnvironmentId: environmentId },
                })
            ).environmentCreate.id;
            await call("ServiceDelete", { id: svc, environmentId: staging });
            await assert.rejects(
                call("ServiceInstance", { serviceId: svc, environmentId: staging }),
                /ServiceInstance not found/,
            );
            await call("EnvironmentDelete", { id: staging });
            assert.notEqual((await call("Environment", { id: staging })).environment.deletedAt, null);
            await call("ProjectDelete", { id: projectId });
            assert.notEqual((await call("Project", { id: projectId })).project.deletedAt, null);
        });
    });

    describe("10. rate limits", () => {
        it("sends X-RateLimit-* on every answer and Retry-After on every 429, with an optional quota", async () => {
            const limited = await startRailwayEmulator({ rateLimit: { limit: 2, windowMs: 60_000 } });
            try {
                const q = (t = limited.token) =>
                    fetch(limited.apiUrl, {
                        method: "POST",
                        headers: { "content-type": "application/json", authorization: `Bearer ${t}` },
                        body: JSON.stringify({ query: '{ project(id: "x") { id } }' }),
                    });
                const a = await q();
                assert.equal(a.headers.get("x-ratelimit-limit"), "2");
                assert.equal(a.headers.get("x-ratelimit-remaining"), "1");
                assert.ok(Number(a.headers.get("x-ratelimit-reset")) > Date.now() / 1000);
                await q("wrong-token");
                const c = await q();
                assert.equal(c.status, 429);
                assert.ok(Number(c.headers.get("retry-after")) >= 1);
            } finally {
                await limited.close();
            }
            emu.inject({ operation: "Project", status: 429 });
            const r = await raw(
                'query Project { project(id: "x") { id } }',
                {},
                { authorization: `Bearer ${emu.token}` },
                "Project",
            );
            assert.equal(r.status, 429);
            assert.ok(r.headers.get("retry-after"), "an injected 429 says when to come back too");
        });
    });

    describe("12. what real clients send (shapes of Railway's CLI and the community Terraform provider)", () => {
        const ok = (r: { body: any }) => {
            assert.equal(r.body.errors, undefined, JSON.stringify(r.body.errors));
            return r.body.data;
        };

        // The community Terraform provider's calls that the emulator did not serve before (issue 35):
        // each document is written here in the shape the provider sends, from its public source.
        it("the Terraform provider's variableUpsert, shared variables, TCP proxies, regions and prDeploys round trip", async () => {
            const { projectId, environmentId } = await project();
            const svc = ok(
                await raw(
                    `mutation($input: ServiceCreateInput!) { serviceCreate(input: $input) { id name projectId } }`,
                    {
                        input: { projectId, name: "api", environmentId, source: { image: "nginx" } },
                    },
                ),
            ).serviceCreate.id;
            // variableUpsert, one variable at a time (a service's, then a shared one), read back unrendered.
            const upsert = `mutation upsertVariable($input: VariableUpsertInput!) { variableUpsert(input: $input) }`;
            ok(
                await raw(upsert, {
                    input: {
                        projectId,
                        environmentId,
                        serviceId: svc,
                        name: "HOST",
                        value: "${{shared.DOMAIN}}",
                        skipDeploys: true,
                    },
                }),
            );
            ok(await raw(upsert, { input: { projectId, environmentId, name: "DOMAIN", value: "api.example.com" } }));
            const vars = (serviceId?: string, unrendered = true) =>
                raw(
                    `query($projectId: String!, $environmentId: String!, $serviceId: String, $unrendered: Boolean) { variables(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId, unrendered: $unrendered) }`,
                    { projectId, environmentId, serviceId, unrendered },
                ).then((r) => ok(r).variables);
            assert.deepEqual(
                await vars(),
                { DOMAIN: "api.example.com" },
                "getSharedVariables: no service, the shared ones",
            );
            assert.deepEqual(await vars(svc), { HOST: "${{shared.DOMAIN}}" });
            assert.deepEqual(await vars(svc, false), { HOST: "api.example.com" }, "rendered unless unrendered");
            ok(
                await raw(`mutation($input: VariableDeleteInput!) { variableDelete(input: $input) }`, {
                    input: { projectId, environmentId, name: "DOMAIN" },
                }),
            );
            assert.deepEqual(await vars(), {});
            // TCP proxies: create, get (a list per service instance), delete.
            const fragment = `id applicationPort proxyPort domain environmentId serviceId`;
            const proxy = ok(
                await raw(`mutation($input: TCPProxyCreateInput!) { tcpProxyCreate(input: $input) { ${fragment} } }`, {
                    input: { environmentId, serviceId: svc, applicationPort: 5432 },
                }),
            ).tcpProxyCreate;
            assert.equal(proxy.applicationPort, 5432);
            assert.match(proxy.domain, /\.proxy\.rlwy\.net$/);
            const list = ok(
                await raw(
                    `query($e: String!, $s: String!) { tcpProxies(environmentId: $e, serviceId: $s) { ${fragment} } }`,
                    {
                        e: environmentId,
                        s: svc,
                    },
                ),
            ).tcpProxies;
            assert.deepEqual(list, [proxy]);
            const deployed = ok(
                await raw(
                    `query($p: String!, $e: String!, $s: String!) { variablesForServiceDeployment(projectId: $p, environmentId: $e, serviceId: $s) }`,
                    {
                        p: projectId,
                        e: environmentId,
                        s: svc,
                    },
                ),
            ).variablesForServiceDeployment;
            assert.equal(deployed.RAILWAY_TCP_PROXY_PORT, String(proxy.proxyPort), "Railway's TCP proxy variables");
            ok(await raw(`mutation($id: String!) { tcpProxyDelete(id: $id) }`, { id: proxy.id }));
            assert.equal(emu.store.tcpProxies.size, 0);
            // Regions with the fields the provider and the CLI read.
            const regions = ok(
                await raw(
                    `query { regions { name region country location workspaceId deploymentConstraints { deprecationInfo { isDeprecated } } } }`,
                ),
            ).regions;
            assert.ok(
                regions.some(
                    (r: any) => r.name === "us-west2" && r.location === "US West" && r.deploymentConstraints === null,
                ),
            );
            // prDeploys: what is written reads back (it read back false whatever was set).
            const projectFragment = `id name description isPublic prDeploys workspace { id }`;
            const updated = ok(
                await raw(
                    `mutation($id: String!, $input: ProjectUpdateInput!) { projectUpdate(id: $id, input: $input) { ${projectFragment} } }`,
                    {
                        id: projectId,
                        input: { prDeploys: true },
                    },
                ),
            ).projectUpdate;
            assert.equal(updated.prDeploys, true);
            const read = ok(
                await raw(`query($id: String!) { project(id: $id) { ${projectFragment} } }`, { id: projectId }),
            ).project;
            assert.equal(read.prDeploys, true);
        });

        it("serviceInstanceUpdate with numReplicas and no region applies it to the default region", async () => {
            const { projectId, environmentId } = await project();
            const svc = (await call("ServiceCreate", { input: { projectId, name: "web", environmentId } }))
                .serviceCreate.id;
            ok(
                await raw(
                    `mutation($s: String!, $e: String) { serviceInstanceUpdate(serviceId: $s, environmentId: $e, input: { numReplicas: 3 }) }`,
                    { s: svc, e: environmentId },
                ),
            );
            assert.deepEqual(emu.store.instance(svc, environmentId).multiRegionConfig, {
                "us-west2": { numReplicas: 3 },
            });
        });

        it("volumeCreate answers with its volume instances; deployments with their instances, service and environment; serviceInstances with activeDeployments", async () => {
            const { projectId, environmentId } = await project();
            const svc = (
                await call("ServiceCreate", {
                    input: { projectId, name: "db", environmentId, source: { image: "postgres:16" } },
                })
            ).serviceCreate.id;
            const v = ok(
                await raw(
                    `mutation($i: VolumeCreateInput!) { volumeCreate(input: $i) { id name volumeInstances { edges { node { id mountPath environmentId serviceId } } } } }`,
                    {
                        i: { projectId, environmentId, serviceId: svc, mountPath: "/var/lib/postgresql/data" },
                    },
                ),
            ).volumeCreate;
            assert.equal(v.volumeInstances.edges[0].node.mountPath, "/var/lib/postgresql/data");
            settle();
            const env = ok(
                await raw(
                    `query($id: String!) { environment(id: $id) { serviceInstances { edges { node { serviceId activeDeployments { id status instances { id status } service { name } environment { name } } } } } } }`,
                    { id: environmentId },
                ),
            ).environment;
            const active = env.serviceInstances.edges[0].node.activeDeployments;
            assert.equal(active.length, 1);
            assert.equal(active[0].status, "SUCCESS");
            assert.equal(active[0].instances[0].status, "RUNNING");
            assert.equal(active[0].service.name, "db");
            assert.equal(active[0].environment.name, "production");
        });

        it("serves the root environments, me, variablesForServiceDeployment and projectToken queries", async () => {
            const { projectId, environmentId } = await project();
            const web = (await call("ServiceCreate", { input: { projectId, name: "web", environmentId } }))
                .serviceCreate.id;
            const db = (await call("ServiceCreate", { input: { projectId, name: "db", environmentId } })).serviceCreate
                .id;
            await call("VariableCollectionUpsert", {
                input: { projectId, environmentId, serviceId: db, variables: { PGPORT: "5432" }, skipDeploys: true },
            });
            await call("VariableCollectionUpsert", {
                input: {
                    projectId,
                    environmentId,
                    serviceId: web,
                    variables: { DB_PORT: "${{db.PGPORT}}", GONE: "${{nope.X}}" },
                    skipDeploys: true,
                },
            });
            const me = ok(await raw(`{ me { id email workspaces { id name } } }`)).me;
            assert.ok(me.workspaces.some((w: any) => w.id === "ws"));
            const rendered = ok(
                await raw(
                    `query($p: String!, $e: String!, $s: String!) { variablesForServiceDeployment(projectId: $p, environmentId: $e, serviceId: $s) }`,
                    {
                        p: projectId,
                        e: environmentId,
                        s: web,
                    },
                ),
            ).variablesForServiceDeployment;
            assert.equal(rendered.DB_PORT, "5432", "a reference renders");
            assert.equal(rendered.GONE, "", "a reference to nothing renders empty");
            assert.equal(rendered.RAILWAY_ENVIRONMENT_NAME, "production");
            const envs = ok(
                await raw(`query($p: String!) { environments(projectId: $p) { edges { node { id name } } } }`, {
                    p: projectId,
                }),
            ).environments.edges;
            assert.deepEqual(
                envs.map((e: any) => e.node.id),
                [environmentId],
            );
            const token = ok(
                await raw(`mutation($i: ProjectTokenCreateInput!) { projectTokenCreate(input: $i) }`, {
                    i: { projectId, environmentId, name: "ci" },
                }),
            ).projectTokenCreate;
            const asProject = { "project-access-token": token };
            const info = ok(
                await raw(`{ projectToken { id projectId environmentId name displayToken } }`, {}, asProject),
            ).projectToken;
            assert.equal(info.projectId, projectId);
            assert.equal(info.environmentId, environmentId);
            assert.ok(!info.displayToken.includes(token), "a token is never shown whole");
            assert.match(
                (await raw(`{ me { id } }`, {}, asProject)).body.errors[0].message,
                /Not Authorized/,
                "a project token has no user",
            );
            ok(await raw(`mutation($id: String!) { projectTokenDelete(id: $id) }`, { id: info.id }));
            assert.match(
                (await raw(`{ projectToken { id } }`, {}, asProject)).body.errors[0].message,
                /Not Authorized/,
                "a deleted token is refused",
            );
        });

        it("serves volumeUpdate, deploymentRedeploy, deploymentRestart, deploymentRemove and serviceDisconnect", async () => {
            const { projectId, environmentId } = await project();
            const svc = (
                await call("ServiceCreate", {
                    input: { projectId, name: "web", environmentId, source: { image: "nginx:1" } },
                })
            ).serviceCreate.id;
            const vol = (
                await call("VolumeCreate", { input: { projectId, environmentId, serviceId: svc, mountPath: "/data" } })
            ).volumeCreate.id;
            assert.equal(
                ok(
                    await raw(
                        `mutation($v: String!) { volumeUpdate(volumeId: $v, input: { name: "web-data" }) { id name } }`,
                        { v: vol },
                    ),
                ).volumeUpdate.name,
                "web-data",
            );
            settle();
            const first = deploymentsOf(svc)[0];
            ok(await raw(`mutation($id: String!) { deploymentRestart(id: $id) }`, { id: first.id }));
            const again = ok(
                await raw(`mutation($id: String!) { deploymentRedeploy(id: $id) { id status } }`, { id: first.id }),
            ).deploymentRedeploy;
            assert.notEqual(again.id, first.id);
            ok(await raw(`mutation($id: String!) { deploymentRemove(id: $id) }`, { id: again.id }));
            assert.equal(emu.store.status(emu.store.deployment(again.id)), "REMOVED");
            ok(await raw(`mutation($id: String!) { serviceDisconnect(id: $id) { id } }`, { id: svc }));
            assert.equal(emu.store.instance(svc, environmentId).source, undefined);
        });

        it("serves Service.serviceInstances, Environment.variables (names only), Project.buckets and Project.workspace; refuses an unknown workspace", async () => {
            const { projectId, environmentId } = await project();
            const svc = (await call("ServiceCreate", { input: { projectId, name: "web", environmentId } }))
                .serviceCreate.id;
            await call("VariableCollectionUpsert", {
                input: { projectId, environmentId, serviceId: svc, variables: { SECRET: "s3cr3t" }, skipDeploys: true },
            });
            const data = ok(
                await raw(
                    `query($p: String!, $s: String!, $e: String!) {
                        project(id: $p) { workspace { id } buckets { edges { node { id } } } }
                        service(id: $s) { serviceInstances { edges { node { environmentId } } } }
                        environment(id: $e) { variables { edges { node { name serviceId isSealed } } } }
                    }`,
                    { p: projectId, s: svc, e: environmentId },
                ),
            );
            assert.equal(data.project.workspace.id, "ws");
            assert.deepEqual(data.project.buckets.edges, []);
            assert.equal(data.service.serviceInstances.edges[0].node.environmentId, environmentId);
            assert.deepEqual(data.environment.variables.edges[0].node, {
                name: "SECRET",
                serviceId: svc,
                isSealed: false,
            });
            const refused = await raw(
                `mutation { projectCreate(input: { name: "x", workspaceId: "no-such-workspace" }) { id } }`,
            );
            assert.match(refused.body.errors[0].message, /Workspace not found/);
        });

        it("a field it does not model is an error that says so, never a null; a mutation selecting one is undone", async () => {
            const { projectId } = await project();
            const q = await raw(`query($p: String!) { project(id: $p) { id subscriptionType } }`, { p: projectId });
            assert.match(q.body.errors[0].message, /does not model Project\.subscriptionType/);
            const before = emu.store.services.size;
            const m = await raw(
                `mutation($i: ServiceCreateInput!) { serviceCreate(input: $i) { id repoTriggers { edges { node { id } } } } }`,
                {
                    i: { projectId, name: "orphan" },
                },
            );
            assert.match(m.body.errors[0].message, /does not model Service\.repoTriggers/);
            assert.equal(emu.store.services.size, before, "the create was undone: no orphan the client cannot know");
        });
    });

    describe("11. tokens", () => {
        it("refuses to start with an empty token", async () => {
            await assert.rejects(startRailwayEmulator({ token: "" }), /must not be empty/);
            await assert.rejects(startRailwayEmulator({ token: "  " }), /must not be empty/);
        });
    });

    it("accepts faults, out-of-band edits, pushes and outcomes over its admin endpoint", async () => {
        const admin = (route: string, body: unknown) =>
            fetch(`http://127.0.0.1:${emu.port}/admin/${route}`, { method: "POST", body: JSON.stringify(body) });
        assert.equal((await admin("faults", { operation: "Project", status: 503 })).status, 200);
        await assert.rejects(call("Project", { id: "x" }), /HTTP 503/);
        const { projectId, environmentId } = await project();
        const svc = (await call("ServiceCreate", { input: { projectId, name: "api" } })).serviceCreate.id;
        await admin("edit", { kind: "variable", serviceId: svc, environmentId, name: "X", value: "1" });
        assert.deepEqual((await call("Variables", { projectId, environmentId, serviceId: svc })).variables, { X: "1" });
        await call("ServiceInstanceUpdate", { serviceId: svc, environmentId, input: { source: { repo: "acme/api" } } });
        await call("DeploymentTriggerCreate", {
            input: {
                projectId,
                environmentId,
                serviceId: svc,
                provider: "github",
                repository: "acme/api",
                branch: "main",
            },
        });
        const pushed = (await (
            await admin("push", { repo: "acme/api", branch: "main", sha: "a".repeat(40) })
        ).json()) as { deployments: string[] };
        assert.equal(pushed.deployments.length, 1, "a push deploys where a trigger follows the branch");
        const log = (await (await fetch(`http://127.0.0.1:${emu.port}/admin/log`)).json()) as Array<{
            operationName: string;
        }>;
        assert.ok(log.some((l) => l.operationName === "ServiceCreate"));
    });
});
