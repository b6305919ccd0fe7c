/**
 * Adopting what exists on Railway under the real engine: a service made by hand (its settings,
 * variables and Railway domain) is imported with the documented ID formats through the stack's
 * `adopt` config, nothing is duplicated, and the following preview shows no changes. (`pulumi
 * import railway:index:<Type>` works as well since the provider package: provider-plugin.test.ts;
 * `adopt` is the same read, driven by the reviewed stack file.) An adoption that does not match
 * the config changes nothing on Railway and says which properties differ.
 */
import { strict as assert } from "assert";
import { RailwayClient } from "../../providers/railway/client";
import { DOCUMENTS } from "../../providers/railway/documents";
import { parseDigest } from "../../scripts/engine/output";
import { LocalStack, startLocalStack } from "../support/e2e";

type Config = Record<string, any>;

describe("adopting an existing Railway service under the real engine", function () {
    let s: LocalStack;
    let savedWeb: any;
    let savedWebSecrets: any;
    let ids: { projectId: string; environmentId: string; serviceId: string; domainId: string };
    const services = (c: Config) => c["ainative-platform:railway"].services as any[];

    before(async () => {
        s = await startLocalStack({
            mutate: (c) => {
                // The stack starts without web: web is what someone made by hand.
                savedWeb = services(c).find((x) => x.name === "web");
                c["ainative-platform:railway"].services = services(c).filter((x) => x.name !== "web");
                savedWebSecrets = c["ainative-platform:secrets"].services.web;
                delete c["ainative-platform:secrets"].services.web;
            },
        });
        const up = await s.run(["up", "--yes", "--skip-preview"]);
        assert.equal(up.code, 0, up.stdout + up.stderr);
        const store = s.emu.store;
        const projectId = [...store.projects.keys()][0];
        const environmentId = store.liveEnvironments(projectId)[0].id;
        // By hand, through Railway's API (what the dashboard does): the service as the config will declare it.
        const railway = new RailwayClient({ apiUrl: s.emu.apiUrl, env: { RAILWAY_API_TOKEN: s.emu.token } });
        const call = (op: keyof typeof DOCUMENTS, vars: Record<string, unknown>) =>
            railway.request<any>(op, DOCUMENTS[op], vars, true);
        const serviceId = (await call("ServiceCreate", { input: { projectId, name: "web", environmentId } }))
            .serviceCreate.id;
        await call("ServiceInstanceUpdate", {
            serviceId,
            environmentId,
            input: {
                source: { repo: savedWeb.source.repo },
                startCommand: savedWeb.startCommand,
                healthcheckPath: savedWeb.healthcheck.path,
                healthcheckTimeout: savedWeb.healthcheck.timeoutSeconds,
                multiRegionConfig: { "us-west2": { numReplicas: 1 } },
                restartPolicyType: savedWeb.restartPolicy.type,
                restartPolicyMaxRetries: savedWeb.restartPolicy.maxRetries,
            },
        });
        await call("DeploymentTriggerCreate", {
            input: {
                projectId,
                environmentId,
                serviceId,
                provider: "github",
                repository: savedWeb.source.repo,
                branch: savedWeb.source.branch,
            },
        });
        const localAuthSecret = "local-only-auth-secret-0123456789abcdef"; // the committed local value (Pulumi.local.yaml)
        await call("VariableCollectionUpsert", {
            input: {
                projectId,
                environmentId,
                serviceId,
                variables: { ...savedWeb.variables, AUTH_SECRET: localAuthSecret },
                skipDeploys: true,
            },
        });
        const domainId = (
            await call("ServiceDomainCreate", {
                input: { environmentId, serviceId, targetPort: savedWeb.domains.targetPort },
            })
        ).serviceDomainCreate.id;
        ids = { projectId, environmentId, serviceId, domainId };
    });
    after(async () => s?.close());

    const declareWeb = (adopt: Record<string, unknown> | undefined, change?: (web: any) => void) =>
        s.ws.writeStackFile((doc) => {
            doc.config["ainative-platform:railway"].apiUrl = s.emu.apiUrl;
            const web = structuredClone(savedWeb);
            if (adopt) web.adopt = adopt;
            change?.(web);
            doc.config["ainative-platform:railway"].services = [
                web,
                ...services(doc.config).filter((x) => x.name !== "web"),
            ];
            doc.config["ainative-platform:secrets"].services.web = savedWebSecrets;
        });
    const documented = () => ({
        service: ids.serviceId,
        serviceInstance: `${ids.projectId}:${ids.serviceId}:${ids.environmentId}`,
        variables: `${ids.projectId}:${ids.environmentId}:${ids.serviceId}`,
        serviceDomain: `${ids.projectId}:${ids.environmentId}:${ids.serviceId}:${ids.domainId}`,
    });

    it("an adoption that does not match the config changes nothing on Railway and names what differs", async () => {
        declareWeb(documented(), (web) => (web.startCommand = "npm run something-else"));
        const before = JSON.stringify(s.emu.store.snapshot());
        const r = await s.run(["up", "--yes", "--skip-preview"]);
        assert.notEqual(r.code, 0);
        assert.match(
            r.stdout + r.stderr,
            /adopt: railway:ServiceInstance '.*' is not what the stack declares \(differs in: startCommand\)/,
        );
        const snapshot = s.emu.store.snapshot() as { services: { name: string }[] };
        assert.equal(snapshot.services.filter((x) => x.name === "web").length, 1, "no second web");
        assert.equal(
            JSON.stringify({ ...snapshot, deployments: undefined }),
            JSON.stringify({ ...JSON.parse(before), deployments: undefined }),
            "nothing on Railway changed",
        );
    });

    it("f. imports the service, its settings, variables and domain by their documented IDs; the following preview shows no changes", async () => {
        declareWeb(documented());
        const p = await s.run(["preview", "--json"]);
        assert.equal(p.code, 0, p.stderr);
        const ops = Object.fromEntries(
            parseDigest(p.stdout)
                .steps!.filter((x) => x.op !== "same")
                .map((x) => [x.urn.split("::").slice(-2).join("::").replace(/.*\$/, ""), x.op]),
        );
        const R = "railway:index:";
        // The engine sees adoptions as creates (the provider adopts instead of creating). The failed
        // try above adopted the service already (it matched): kept. The variables and the domain
        // wait for the service's instance in the environment, so they are adopted now.
        assert.deepEqual(ops, {
            [`${R}ServiceInstance::platform-web`]: "create",
            [`${R}Variables::platform-web`]: "create",
            [`${R}ServiceDomain::platform-web`]: "create",
            // Adopted, the service is deployed once by the stack, so what runs is what the code says.
            [`${R}ServiceDeployment::platform-web`]: "create",
        });
        const up = await s.run(["up", "--yes", "--skip-preview"]);
        assert.equal(up.code, 0, up.stdout + up.stderr);
        const store = s.emu.store;
        assert.deepEqual(
            [...store.services.values()].filter((x) => x.name === "web").map((x) => x.id),
            [ids.serviceId],
            "adopted, not duplicated",
        );
        assert.deepEqual(
            [...store.domains.values()].map((d) => d.id),
            [ids.domainId],
        );
        declareWeb(undefined);
        const after = await s.run(["preview", "--expect-no-changes"]);
        assert.equal(after.code, 0, after.stdout + after.stderr);
    });
});
