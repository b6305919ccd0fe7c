/**
 * The `railway` provider plugin's parts that the engine test does not reach one by one: its
 * schema (every resource, the secret token), its configuration (into the environment the CRUD
 * reads), and its secrets (wrapped on the way out, so state never holds one in plain text).
 */
import { strict as assert } from "assert";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { gql } from "../../../providers/railway/api";
import { applyConfig } from "../../../providers/railway/plugin/config";
import { engineAddress } from "../../../providers/railway/plugin/engine-log";
import { railwayProvider } from "../../../providers/railway/plugin/provider";
import { RESOURCES } from "../../../providers/railway/plugin/resources";
import { packageSchema } from "../../../providers/railway/plugin/schema";
import { RailwayEmulator, startRailwayEmulator } from "../../../tools/railway-emulator";
import { mutationsSince } from "../../support/railway-log";

const secret = (value: unknown) => ({ [specialSigKey]: specialSecretSig, value });
const urn = (type: string, name: string) => `urn:pulumi:test::ainative::${type}::${name}`;

describe("the railway provider plugin", () => {
    it("its schema names every resource railway:index:<Name>, documents each import ID, and keeps the token secret", () => {
        const schema = packageSchema() as {
            resources: Record<string, { description: string; requiredInputs: string[] }>;
            config: { variables: Record<string, { secret?: boolean }> };
        };
        assert.deepEqual(
            Object.keys(schema.resources).sort(),
            Object.keys(RESOURCES)
                .map((n) => `railway:index:${n}`)
                .sort(),
        );
        for (const [name, spec] of Object.entries(RESOURCES))
            if (spec.importId)
                assert.ok(
                    schema.resources[`railway:index:${name}`].description.includes(
                        `pulumi import railway:index:${name} <name> ${spec.importId}`,
                    ),
                    name,
                );
        assert.equal(schema.config.variables.token.secret, true);
        assert.deepEqual(schema.resources["railway:index:Service"].requiredInputs, ["projectId", "name"]);
    });

    it("finds the engine's address among the arguments the engine starts a plugin with", () => {
        assert.equal(engineAddress(["127.0.0.1:4000"]), "127.0.0.1:4000");
        assert.equal(
            engineAddress(["--logtostderr", "-v=9", "--tracing", "file:/t", "127.0.0.1:4000"]),
            "127.0.0.1:4000",
        );
        assert.equal(engineAddress(["--logtostderr"]), undefined);
    });

    it("its configuration becomes the environment the CRUD reads; an explicit token wins over a project token", () => {
        const env: NodeJS.ProcessEnv = { RAILWAY_TOKEN: "project-token" };
        const vars = new Map([
            ["railway:config:apiUrl", "http://127.0.0.1:1/graphql/v2"],
            ["railway:config:token", "account-token"],
        ]);
        applyConfig(vars, env);
        assert.deepEqual(env, { RAILWAY_API_URL: "http://127.0.0.1:1/graphql/v2", RAILWAY_API_TOKEN: "account-token" });
        const untouched: NodeJS.ProcessEnv = { RAILWAY_TOKEN: "project-token" };
        applyConfig(new Map(), untouched);
        assert.deepEqual(untouched, { RAILWAY_TOKEN: "project-token" });
    });

    describe("against the emulator", () => {
        let emu: RailwayEmulator;
        const saved = { token: process.env.RAILWAY_API_TOKEN, url: process.env.RAILWAY_API_URL };
        before(async () => {
            emu = await startRailwayEmulator();
            process.env.RAILWAY_API_TOKEN = emu.token;
            process.env.RAILWAY_API_URL = emu.apiUrl;
        });
        after(async () => {
            for (const [k, v] of [
                ["RAILWAY_API_TOKEN", saved.token],
                ["RAILWAY_API_URL", saved.url],
            ] as const)
                if (v === undefined) delete process.env[k];
                else process.env[k] = v;
            await emu.close();
        });

        it("secret variables go in wrapped and come out wrapped, in create and in read; plain ones stay plain", async () => {
            const p = railwayProvider();
            const project = emu.store.createProject({ name: "plugin", defaultEnvironmentName: "production" });
            const environmentId = emu.store.liveEnvironments(project.id)[0].id;
            const serviceId = emu.store.createService({ projectId: project.id, name: "web" }).id;
            const type = "railway:index:Variables";
            const inputs = {
                projectId: project.id,
                environmentId,
                serviceId,
                variables: { NODE_ENV: "production" },
                secretVariables: secret({ AUTH_SECRET: "s3cr3t-value-for-the-plugin" }),
                skipDeploys: true,
            };
            const checked = await p.check!(urn(type, "web"), {}, inputs);
            assert.deepEqual(checked.failures, []);
            const created = await p.create!(urn(type, "web"), checked.inputs);
            assert.deepEqual(created.outs.secretVariables, secret({ AUTH_SECRET: "s3cr3t-value-for-the-plugin" }));
            assert.deepEqual(created.outs.variables, { NODE_ENV: "production" });
            assert.equal(emu.store.vars(serviceId, environmentId).AUTH_SECRET, "s3cr3t-value-for-the-plugin");
            // The rotation dates are for the policies: a change of them alone is no change on Railway.
            const dated = { ...checked.inputs, secretRotations: { AUTH_SECRET: "2026-12-01" } };
            assert.equal((await p.diff!(created.id, urn(type, "web"), created.outs, dated)).changes, false);
            assert.deepEqual(Object.keys(emu.store.vars(serviceId, environmentId)).sort(), ["AUTH_SECRET", "NODE_ENV"]);
            // An import reads it back: the secret half is secret in what the engine stores and in the inputs it writes.
            const read = await p.read!(`${project.id}:${environmentId}:${serviceId}`, urn(type, "web"), {});
            assert.equal(read.id, `${project.id}:${environmentId}:${serviceId}`);
            assert.equal((read.props.secretVariables as Record<string, unknown>)[specialSigKey], specialSecretSig);
            assert.equal((read.inputs.secretVariables as Record<string, unknown>)[specialSigKey], specialSecretSig);
        });

        it("a resource moved from the dynamic provider: its serialized code leaves the state in an update that calls no Railway mutation; a real change still applies", async () => {
            const p = railwayProvider();
            const project = emu.store.createProject({ name: "moved", defaultEnvironmentName: "production" });
            const web = emu.store.createService({ projectId: project.id, name: "web" });
            const type = "railway:index:Service";
            const olds = { projectId: project.id, name: "web", __provider: "exports.handler = ...serialized code" };
            const news = { projectId: project.id, name: "web" };
            assert.deepEqual(await p.diff!(web.id, urn(type, "web"), olds, news), {
                changes: true,
                replaces: [],
                deleteBeforeReplace: true,
            });
            const logged = emu.log.length;
            const updated = await p.update!(web.id, urn(type, "web"), olds, news);
            assert.deepEqual(updated.outs, news);
            assert.deepEqual(mutationsSince(emu, logged), [], "nothing sent to Railway but reads");
            const renamed = await p.update!(web.id, urn(type, "web"), olds, { ...news, name: "web-2" });
            assert.equal(renamed.outs.name, "web-2");
            assert.equal(emu.store.services.get(web.id)!.name, "web-2");
            assert.ok(!("__provider" in renamed.outs));
            // Nothing to move: no change is no change.
            assert.equal((await p.diff!(web.id, urn(type, "web"), news, news)).changes, false);
        });

        it("getProject, getEnvironment, getService: by ID or by name; none, two of a name, or both keys are failures that say so", async () => {
            const p = railwayProvider();
            const project = emu.store.createProject({ name: "lookups", defaultEnvironmentName: "production" });
            const production = emu.store.liveEnvironments(project.id)[0];
            const web = emu.store.createService({ projectId: project.id, name: "web" });
            const byName = await p.invoke!("railway:index:getProject", { name: "lookups" });
            assert.deepEqual(byName.outputs, {
                id: project.id,
                name: "lookups",
                environments: { production: production.id },
            });
            assert.deepEqual((await p.invoke!("railway:index:getProject", { id: project.id })).outputs, byName.outputs);
            assert.deepEqual(
                (await p.invoke!("railway:index:getEnvironment", { projectId: project.id, name: "production" }))
                    .outputs,
                { id: production.id, name: "production", projectId: project.id },
            );
            assert.deepEqual(
                (await p.invoke!("railway:index:getService", { projectId: project.id, name: "web" })).outputs,
                { id: web.id, name: "web", projectId: project.id },
            );
            emu.store.createProject({ name: "lookups", defaultEnvironmentName: "production" });
            const reasons = async (token: string, inputs: Record<string, unknown>) =>
                ((await p.invoke!(token, inputs)).failures ?? []).map((f) => `${f.property}: ${f.reason}`);
            assert.deepEqual(await reasons("railway:index:getProject", { name: "lookups" }), [
                "name: 2 projects are named 'lookups' that the token can see: give its id",
            ]);
            assert.deepEqual(await reasons("railway:index:getService", { projectId: project.id, name: "api" }), [
                `name: no service named 'api' in project ${project.id}`,
            ]);
            assert.deepEqual(
                await reasons("railway:index:getService", { projectId: project.id, id: "x", name: "web" }),
                ["id: give the service's id or its name, not both"],
            );
            assert.deepEqual(await reasons("railway:index:getEnvironment", { name: "production" }), [
                "projectId: give the project's id",
            ]);
            await assert.rejects(p.invoke!("railway:index:getVolume", {}), /has no function 'railway:index:getVolume'/);
        });

        it("a resource deleted on Railway reads back with an empty id (what the engine takes for gone)", async () => {
            const p = railwayProvider();
            const project = emu.store.createProject({ name: "gone", defaultEnvironmentName: "production" });
            const service = emu.store.createService({ projectId: project.id, name: "web" });
            const type = "railway:index:Service";
            const state = { projectId: project.id, name: "web" };
            assert.equal((await p.read!(service.id, urn(type, "web"), state)).id, service.id);
            emu.store.outOfBand({ kind: "deleteService", serviceId: service.id });
            assert.deepEqual(await p.read!(service.id, urn(type, "web"), state), { id: "", props: {} });
        });

        it("a type it does not have, and a type that cannot be imported, are refused by name", async () => {
            const p = railwayProvider();
            await assert.rejects(
                p.create!(urn("railway:index:Nope", "x"), {}),
                /has no resource type 'railway:index:Nope'/,
            );
            await assert.rejects(
                p.read!("any", urn("railway:index:ProjectLookup", "x"), {}),
                /railway:index:ProjectLookup cannot be imported/,
            );
        });

        it("a ServiceDeployment imports the deployment running; its first update keeps it (no redeploy); nothing running fails the import", async () => {
            const p = railwayProvider();
            const type = "railway:index:ServiceDeployment";
            const project = emu.store.createProject({ name: "deployed", defaultEnvironmentName: "production" });
            const environmentId = emu.store.liveEnvironments(project.id)[0].id;
            const web = emu.store.createService({ projectId: project.id, name: "web", source: { image: "nginx:1" } });
            await assert.rejects(
                p.read!(`${web.id}:${environmentId}`, urn(type, "web"), {}),
                /no deployment is running there \(SUCCESS or SLEEPING\), so there is none to import/,
            );
            const scope = { projectId: project.id, serviceId: web.id, environmentId };
            const created = await p.create!(urn(type, "web"), { ...scope, fingerprint: secret("first") });
            const deploymentId = created.outs.deploymentId as string;
            const live = () => emu.store.status(emu.store.deployments.get(deploymentId)!);
            while (live() !== "SUCCESS") await new Promise((r) => setImmediate(r));
            // More than a page of newer deployments that failed do not hide the one serving.
            emu.nextDeployments("FAILED", 25, web.id);
            for (let i = 0; i < 25; i++)
                await gql(emu.apiUrl, "ServiceInstanceDeploy", { serviceId: web.id, environmentId });
            const importId = `${web.id}:${environmentId}`;
            const read = await p.read!(importId, urn(type, "web"), {});
            assert.deepEqual(
                [read.id, read.props.deploymentId],
                [`${web.id}:${environmentId}`, created.outs.deploymentId],
            );
            const deployments = emu.store.deployments.size;
            const news = { ...scope, fingerprint: secret("of the program") };
            assert.equal((await p.diff!(importId, urn(type, "web"), read.props, news)).changes, true);
            const first = await p.update!(importId, urn(type, "web"), read.props, news);
            assert.equal(first.outs.deploymentId, created.outs.deploymentId);
            assert.equal(emu.store.deployments.size, deployments, "the import's first update deploys nothing");
            const next = await p.update!(importId, urn(type, "web"), first.outs, {
                ...scope,
                fingerprint: secret("changed"),
            });
            assert.notEqual(next.outs.deploymentId, created.outs.deploymentId, "a change after that deploys");
        });
    });
});
