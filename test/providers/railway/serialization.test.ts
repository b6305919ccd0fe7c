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
import { startRailwayEmulator } from "../../../tools/railway-emulator";
import { PLANTED_SECRETS } from "../../support/stack-files";

describe("serialized Railway providers (what Pulumi stores in state)", function () {
    this.timeout(60_000);
    const providers = {
        projectProvider,
        environmentProvider,
        serviceProvider,
        serviceInstanceProvider,
        variablesProvider,
        serviceDomainProvider,
        customDomainProvider,
        volumeProvider,
        serviceDeploymentProvider,
    };
    const saved = process.env.RAILWAY_API_TOKEN;
    before(() => (process.env.RAILWAY_API_TOKEN = PLANTED_SECRETS.RAILWAY_TOKEN));
    after(() => (saved === undefined ? delete process.env.RAILWAY_API_TOKEN : (process.env.RAILWAY_API_TOKEN = saved)));

    for (const [name, provider] of Object.entries(providers)) {
        it(`${name} serializes as Pulumi serializes it, with no token and no secret value`, async () => {
            // The same call @pulumi/pulumi's dynamic.Resource makes for the __provider property.
            const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
            assert.ok(sf.text.length > 1000, "the provider's code is in the serialized text");
            for (const value of Object.values(PLANTED_SECRETS))
                assert.ok(!sf.text.includes(value), `${name} captured a secret`);
            assert.equal(sf.containsSecrets, false);
            // The token is looked up when a method runs, not captured.
            assert.match(sf.text, /RAILWAY_API_TOKEN/);
        });
    }

    /**
     * Serialization can change what code means (a captured Set arrives as a plain object): so the
     * providers are loaded back the way the engine's dynamic-provider host loads them, and run.
     */
    it("the serialized providers, loaded as the engine loads them, run a whole stack's lifecycle against the emulator, lost answers included", async () => {
        const requireFromString = require("require-from-string") as (code: string) => {
            handler: () => pulumi.dynamic.ResourceProvider;
        };
        const load = async (provider: pulumi.dynamic.ResourceProvider) => {
            const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
            return requireFromString(sf.text).handler() as Required<pulumi.dynamic.ResourceProvider>;
        };
        const [project, environment, service, instance, variables, volume, domain, deployment] = await Promise.all(
            [
                projectProvider,
                environmentProvider,
                serviceProvider,
                serviceInstanceProvider,
                variablesProvider,
                volumeProvider,
                serviceDomainProvider,
                serviceDeploymentProvider,
            ].map(load),
        );
        const emu = await startRailwayEmulator({
            deployStageMs: 5,
            maxPageSize: 2,
            workspaces: ["ws", "ws1", "ws2", "ws-lost"],
        });
        process.env.RAILWAY_API_TOKEN = emu.token;
        try {
            const apiUrl = emu.apiUrl;
            emu.inject({ operation: "ProjectCreate", status: 502, afterApply: true });
            const p = await project.create({
                name: "serialized",
                workspaceId: "ws",
                defaultEnvironmentName: "production",
                apiUrl,
            });
            const e = await environment.create({ projectId: p.id, name: "production", apiUrl });
            const svc = await service.create({ projectId: p.id, name: "pg", environmentId: e.id, apiUrl });
            const scope = { projectId: p.id, environmentId: e.id, serviceId: svc.id, apiUrl };
            emu.inject({ operation: "ServiceInstanceUpdate", status: 503, afterApply: true });
            await instance.create({ ...scope, source: { image: "postgres:16" }, replicas: { "us-west2": 1 } });
            await variables.create({ ...scope, variables: { A: "1" }, secretVariables: { B: "2" }, skipDeploys: true });
            emu.inject({ operation: "VolumeCreate", status: 429, retryAfter: 0, afterApply: true });
            await volume.create({ ...scope, mountPath: "/data" });
            await domain.create({ ...scope, targetPort: 5432 });
            await deployment.create({ ...scope, fingerprint: "f" });
            assert.equal(emu.store.projects.size, 1);
            assert.equal(emu.store.volumes.size, 1);
            assert.equal(emu.store.deploymentsOf(svc.id, e.id).length, 1);
            // Errors keep their message through serialization (an Error subclass would arrive empty).
            await assert.rejects(
                service.create({ projectId: p.id, name: "x".repeat(40), apiUrl }),
                /Railway ServiceCreate failed: Service name must be 32 characters or less/,
            );
            // A Railway that cannot be reached: the never-sent path, named.
            await assert.rejects(
                service.create({ projectId: p.id, name: "x", apiUrl: "http://127.0.0.1:9/graphql/v2" }),
                /Railway ProjectServices failed: cannot reach 127\.0\.0\.1:9/,
            );
        } finally {
            await emu.close();
            process.env.RAILWAY_API_TOKEN = PLANTED_SECRETS.RAILWAY_TOKEN;
        }
    });
});
