/**
 * Stacks that share one Railway project, under the real engine: the stack that owns the project
 * (here "production") creates it and the services' identities; a stack that shares it ("staging")
 * finds it by name and owns its environment only. Each `up` changes only its own environment (the
 * other one is read before and after), a second `up` changes nothing, a duplicate environment is
 * created from staging, `destroy` of staging leaves production whole, a project seeded through
 * Railway's API with two environments is taken over without duplicating anything, and a stack file
 * that still says `forkFrom` is refused with its key path.
 */
import { strict as assert } from "assert";
import { provideEngine } from "../../scripts/engine/engine";
import { Workspace } from "../../scripts/engine/workspace";
import { RailwayClient } from "../../providers/railway/client";
import { DOCUMENTS, OperationName, isMutation } from "../../providers/railway/documents";
import { RailwayEmulator, startRailwayEmulator } from "../../tools/railway-emulator";

type Config = Record<string, any>;

describe("stacks sharing one Railway project under the real engine", function () {
    let emu: RailwayEmulator;
    const workspaces: Workspace[] = [];
    let production: Workspace;
    let staging: Workspace;
    let railway: RailwayClient;
    const call = (op: OperationName, vars: Record<string, unknown>): Promise<any> =>
        railway.request(op, DOCUMENTS[op], vars, isMutation(op));

    /** A workspace of the committed local stack, as the Railway environment `environment` of the shared project. */
    async function stackFor(
        environment: string,
        change: (railwayConfig: Config) => void = () => {},
    ): Promise<Workspace> {
        const ws = await Workspace.create({
            engine: provideEngine(),
            mutate: (config) => {
                config["ainative-platform:railway"].apiUrl = emu.apiUrl;
                config["ainative-platform:railway"].environment = environment;
                change(config["ainative-platform:railway"]);
            },
            env: { RAILWAY_API_TOKEN: emu.token, RAILWAY_TOKEN: "", RAILWAY_API_URL: emu.apiUrl },
        });
        workspaces.push(ws);
        return ws;
    }
    const up = async (ws: Workspace) => {
        const r = await ws.pulumi(["up", "--yes", "--skip-preview"]);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        return r;
    };
    const project = () =>
        [...emu.store.projects.values()].find((p) => p.name === "ainative-platform-local" && !p.deletedAt)!;
    const env = (name: string) => emu.store.liveEnvironments(project().id).find((e) => e.name === name);
    /** Everything of one environment that another stack could disturb: its config (values included), its deployments, its domains and volumes. */
    const fingerprint = async (name: string) => {
        const e = env(name)!;
        const { environment } = await call("EnvironmentScope", { id: e.id });
        return {
            config: environment.config,
            deployments: [...emu.store.deployments.values()]
                .filter((d) => d.environmentId === e.id)
                // Where each deployment ends up: one still building when the snapshot is taken finishes
                // while the other stack runs, which is no disturbance (a new deployment, or one replaced, is).
                .map((d) => `${d.id}:${emu.store.status(d, Number.MAX_SAFE_INTEGER)}`)
                .sort(),
            domains: [...emu.store.domains.values()].filter((d) => d.environmentId === e.id).map((d) => d.id),
            volumes: [...emu.store.volumeInstances.values()]
                .filter((v) => v.environmentId === e.id)
                .map((v) => `${v.volumeId}:${v.serviceId}`),
        };
    };
    const serviceNames = () =>
        [...emu.store.services.values()]
            .filter((s) => s.projectId === project().id)
            .map((s) => s.name)
            .sort();

    before(async () => {
        // A slow clock: nothing changes status between the two reads of a comparison.
        emu = await startRailwayEmulator({ deployStageMs: 50 });
        railway = new RailwayClient({ apiUrl: emu.apiUrl, env: { RAILWAY_API_TOKEN: emu.token } });
        production = await stackFor("production");
        staging = await stackFor("staging", (r) => {
            r.ownsProject = false;
        });
    });
    after(async () => {
        for (const ws of workspaces) ws.dispose();
        await emu?.close();
    });

    it("a. production (the owner) creates the project and the services; staging finds it by name and changes nothing of production", async () => {
        await up(production);
        assert.deepEqual(serviceNames(), ["postgres", "redis", "web"]);
        const before = await fingerprint("production");
        await up(staging);
        assert.ok(env("staging"), "staging's environment was created in production's project");
        assert.equal(emu.store.projects.size, 1, "no second project");
        assert.deepEqual(serviceNames(), ["postgres", "redis", "web"], "the same services: none duplicated");
        assert.deepEqual(
            await fingerprint("production"),
            before,
            "production's settings, variables, deployments, domains and volumes did not move",
        );
        const web = [...emu.store.services.values()].find((s) => s.name === "web")!;
        assert.equal(
            emu.store.instance(web.id, env("staging")!.id).startCommand,
            "npm run start",
            "staging's settings are in staging",
        );
        assert.equal(
            [...emu.store.deployments.values()].filter(
                (d) => d.environmentId === env("staging")!.id && d.serviceId === web.id,
            ).length,
            1,
            "one deployment of web in staging",
        );
    });

    it("b. a second preview of each stack shows no changes", async () => {
        for (const ws of [production, staging]) {
            const r = await ws.pulumi(["preview", "--expect-no-changes"]);
            assert.equal(r.code, 0, r.stdout + r.stderr);
        }
    });

    it("c. a change in staging is a change of staging only, and production's up leaves staging alone", async () => {
        const prodBefore = await fingerprint("production");
        staging.editStackFile((c) => {
            c["ainative-platform:railway"].services.find((s: Config) => s.name === "web").startCommand =
                "npm run start:staging";
        });
        await up(staging);
        assert.deepEqual(await fingerprint("production"), prodBefore);
        const stagingBefore = await fingerprint("staging");
        production.editStackFile((c) => {
            c["ainative-platform:railway"].services.find((s: Config) => s.name === "web").startCommand =
                "npm run start:production";
        });
        await up(production);
        assert.deepEqual(await fingerprint("staging"), stagingBefore);
    });

    it("c2. staging's and production's ups at the same moment, each changing its own web: both succeed, each changes its own environment only", async () => {
        const web = (c: Config) => c["ainative-platform:railway"].services.find((s: Config) => s.name === "web");
        staging.editStackFile((c) => {
            web(c).startCommand = "npm run start:staging-2";
            web(c).variables.LOG_LEVEL = "debug";
        });
        production.editStackFile((c) => {
            web(c).startCommand = "npm run start:production-2";
            web(c).variables.LOG_LEVEL = "warn";
        });
        await Promise.all([up(staging), up(production)]);
        const svc = [...emu.store.services.values()].find((x) => x.name === "web" && x.projectId === project().id)!;
        for (const [name, start, level] of [
            ["staging", "npm run start:staging-2", "debug"],
            ["production", "npm run start:production-2", "warn"],
        ]) {
            const id = env(name)!.id;
            assert.equal(emu.store.instance(svc.id, id).startCommand, start, `${name}'s start command`);
            assert.equal(emu.store.vars(svc.id, id).LOG_LEVEL, level, `${name}'s LOG_LEVEL`);
        }
    });

    it("d. an environment created as a duplicate of staging carries staging's settings, and neither staging nor production moves", async () => {
        const before = { production: await fingerprint("production"), staging: await fingerprint("staging") };
        const review = await stackFor("pr-1", (r) => {
            r.ownsProject = false;
            r.duplicateFrom = "staging";
        });
        await up(review);
        const pr = env("pr-1")!;
        assert.equal(pr.sourceEnvironmentId, env("staging")!.id, "created as a duplicate of staging");
        const web = [...emu.store.services.values()].find((s) => s.name === "web")!;
        assert.equal(
            emu.store.instance(web.id, pr.id).startCommand,
            "npm run start",
            "then made what its own config says",
        );
        assert.deepEqual(await fingerprint("production"), before.production);
        assert.deepEqual(await fingerprint("staging"), before.staging);
        const destroyed = await review.pulumi(["destroy", "--yes", "--skip-preview"]);
        assert.equal(destroyed.code, 0, destroyed.stdout + destroyed.stderr);
        assert.equal(env("pr-1"), undefined, "the review environment is gone");
        assert.deepEqual(
            await fingerprint("staging"),
            before.staging,
            "staging's volumes survived the duplicate's destroy",
        );
        assert.deepEqual(await fingerprint("production"), before.production);
    });

    it("e. destroy of staging removes staging's environment and nothing else: production keeps every service, setting, variable and deployment", async () => {
        const before = await fingerprint("production");
        const destroyed = await staging.pulumi(["destroy", "--yes", "--skip-preview"]);
        assert.equal(destroyed.code, 0, destroyed.stdout + destroyed.stderr);
        assert.equal(env("staging"), undefined);
        assert.deepEqual(serviceNames(), ["postgres", "redis", "web"], "no service deleted");
        assert.deepEqual(await fingerprint("production"), before);
        const r = await production.pulumi(["preview", "--refresh", "--expect-no-changes"]);
        assert.equal(r.code, 0, r.stdout + r.stderr);
    });

    it("e2. staging's destroy while production deploys a change: production gets its change and keeps everything, staging is gone", async () => {
        await up(staging);
        assert.ok(env("staging"), "staging is back");
        production.editStackFile((c) => {
            c["ainative-platform:railway"].services.find((x: Config) => x.name === "web").startCommand =
                "npm run start:production-3";
        });
        const [destroyed, deployed] = await Promise.all([
            staging.pulumi(["destroy", "--yes", "--skip-preview"]),
            production.pulumi(["up", "--yes", "--skip-preview"]),
        ]);
        assert.equal(destroyed.code, 0, destroyed.stdout + destroyed.stderr);
        assert.equal(deployed.code, 0, deployed.stdout + deployed.stderr);
        assert.equal(env("staging"), undefined);
        assert.deepEqual(serviceNames(), ["postgres", "redis", "web"], "no service deleted");
        const web = [...emu.store.services.values()].find((x) => x.name === "web" && x.projectId === project().id)!;
        assert.equal(emu.store.instance(web.id, env("production")!.id).startCommand, "npm run start:production-3");
        const r = await production.pulumi(["preview", "--refresh", "--expect-no-changes"]);
        assert.equal(r.code, 0, r.stdout + r.stderr);
    });

    it("h. the owner drops a service staging still declares: its up removes its own instance and stops, naming staging, whose worker runs on; once staging drops it too, the owner's up deletes it", async () => {
        const worker = {
            name: "worker",
            kind: "worker",
            source: { repo: "ainative/platform", branch: "main" },
            startCommand: "npm run worker",
            replicas: 1,
            variables: {
                NODE_ENV: "development",
                APP_ENV: "local",
                DATABASE_URL: "${{postgres.DATABASE_URL}}",
                REDIS_URL: "${{redis.REDIS_URL}}",
            },
        };
        const services = (c: Config) => c["ainative-platform:railway"].services as Config[];
        for (const ws of [production, staging]) ws.editStackFile((c) => void services(c).push(worker));
        await up(production);
        await up(staging);
        const service = [...emu.store.services.values()].find((x) => x.name === "worker")!;
        const stagingDeployments = () =>
            [...emu.store.deployments.values()].filter(
                (d) => d.serviceId === service.id && d.environmentId === env("staging")!.id,
            ).length;
        const before = stagingDeployments();

        production.editStackFile((c) => {
            c["ainative-platform:railway"].services = services(c).filter((x) => x.name !== "worker");
        });
        const refused = await production.pulumi(["up", "--yes", "--skip-preview"]);
        assert.notEqual(refused.code, 0, refused.stdout);
        assert.match(
            refused.stdout + refused.stderr,
            /railway\.Service 'worker' is not deleted: environment\(s\) staging of the project still run it, and deleting the service would delete it there too/,
        );
        assert.ok(emu.store.services.has(service.id), "the service is still there");
        assert.ok(emu.store.hasInstance(service.id, env("staging")!.id), "staging's worker runs on");
        assert.equal(stagingDeployments(), before, "and nothing of it was redeployed");
        assert.ok(!emu.store.hasInstance(service.id, env("production")!.id), "production's own instance is gone");
        const stagingPreview = await staging.pulumi(["preview", "--expect-no-changes"]);
        assert.equal(stagingPreview.code, 0, stagingPreview.stdout + stagingPreview.stderr);

        staging.editStackFile((c) => {
            c["ainative-platform:railway"].services = services(c).filter((x) => x.name !== "worker");
        });
        await up(staging);
        assert.ok(emu.store.services.has(service.id), "staging never deletes a service");
        await up(production);
        assert.ok(!serviceNames().includes("worker"), "the owner deleted it once nobody ran it");
        const again = await production.pulumi(["preview", "--expect-no-changes"]);
        assert.equal(again.code, 0, again.stdout + again.stderr);
    });

    it("f. a project seeded through Railway's API with two environments and its services everywhere is taken over without duplicating anything", async () => {
        const { projectCreate } = await call("ProjectCreate", {
            input: { name: "seeded", defaultEnvironmentName: "production", workspaceId: "local-workspace" },
        });
        const projectId: string = projectCreate.id;
        const prod = emu.store.liveEnvironments(projectId)[0].id;
        const stg = (await call("EnvironmentCreate", { input: { projectId, name: "staging" } })).environmentCreate.id;
        const ids: Record<string, string> = {};
        for (const name of ["web", "postgres", "redis"]) {
            ids[name] = (await call("ServiceCreate", { input: { projectId, name } })).serviceCreate.id;
            await call("ServiceInstanceUpdate", {
                serviceId: ids[name],
                environmentId: prod,
                input: { startCommand: `${name}-in-production` },
            });
        }
        const prodConfig = (await call("EnvironmentScope", { id: prod })).environment.config;
        const seeded = await stackFor("staging", (r) => {
            r.projectId = projectId;
            delete r.workspaceId;
        });
        await up(seeded);
        assert.deepEqual(
            [...emu.store.services.values()]
                .filter((s) => s.projectId === projectId)
                .map((s) => s.id)
                .sort(),
            Object.values(ids).sort(),
            "the existing services were taken, none created",
        );
        assert.equal(
            emu.store.instance(ids.web, stg).startCommand,
            "npm run start",
            "staging's instance now runs staging's settings",
        );
        assert.deepEqual(
            (await call("EnvironmentScope", { id: prod })).environment.config,
            prodConfig,
            "production of the seeded project did not move",
        );
        const again = await seeded.pulumi(["preview", "--expect-no-changes"]);
        assert.equal(again.code, 0, again.stdout + again.stderr);
    });

    it("g. a stack file that still has railway.forkFrom is refused with its key path and the replacement", async () => {
        const forked = await stackFor("qa", (r) => {
            r.ownsProject = false;
            r.forkFrom = "production";
        });
        const r = await forked.pulumi(["preview"]);
        assert.notEqual(r.code, 0);
        assert.match(
            r.stdout + r.stderr,
            /ainative-platform:railway\.forkFrom: is no longer supported[^\n]*\(remove it; to create this environment as a copy of another use railway\.duplicateFrom/,
        );
        assert.equal(env("qa"), undefined, "nothing was created");
    });
});
