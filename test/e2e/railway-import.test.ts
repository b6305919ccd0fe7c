/**
 * Bringing a live Railway project under a stack, under the real engine: a realistic project seeded
 * only through Railway's API (two environments; a web service with a Railway domain and a custom
 * domain, a worker, PostgreSQL with a volume, variables referring to each other, every service
 * deployed), then `npm run railway:import` writes the stack file's section and an import file,
 * `npm run import` (pulumi import --file behind the stack's lease) takes everything into the state, and `pulumi up` changes nothing on
 * Railway: no mutation, no deployment. The secrets are set by name; no value is written in clear.
 */
import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { RailwayClient } from "../../providers/railway/client";
import { DOCUMENTS, isMutation, OperationName } from "../../providers/railway/documents";
import { railwayImportCommand } from "../../scripts/commands/railway-import";
import { parseDigest } from "../../scripts/engine/output";
import { captureIO } from "../support/capture";
import { LocalStack, startLocalStack } from "../support/e2e";
import { runNpm } from "../support/npm-process";
import { mutationsSince } from "../support/railway-log";

const PLANTED = {
    AUTH_SECRET: `planted-import-auth-${randomBytes(8).toString("hex")}`,
    POSTGRES_PASSWORD: `planted-import-pg-${randomBytes(8).toString("hex")}`,
    // Neither its name nor its shape says credential: the import cannot tell, so it is a secret.
    SMTP_LOGIN: `login${randomBytes(3).toString("hex")}`,
};

describe("bringing a live Railway project under a stack (npm run railway:import, npm run import)", function () {
    let s: LocalStack;
    let out: string;
    const call = (op: OperationName, vars: Record<string, unknown>): Promise<any> =>
        new RailwayClient({ apiUrl: s.emu.apiUrl, env: { RAILWAY_API_TOKEN: s.emu.token } }).request(
            op,
            DOCUMENTS[op],
            vars,
            isMutation(op),
        );

    /** The project, as someone made it in Railway's dashboard (every call one the dashboard's API has). */
    async function seed(): Promise<{ projectId: string; production: string }> {
        const { projectCreate } = await call("ProjectCreate", {
            input: { name: "acme", defaultEnvironmentName: "production", workspaceId: "local-workspace" },
        });
        const projectId: string = projectCreate.id;
        const production: string = s.emu.store.liveEnvironments(projectId)[0].id;
        await call("EnvironmentCreate", { input: { projectId, name: "staging" } });
        const service = async (name: string, input: Record<string, unknown>, variables: Record<string, string>) => {
            const id: string = (await call("ServiceCreate", { input: { projectId, name } })).serviceCreate.id;
            await call("ServiceInstanceUpdate", {
                serviceId: id,
                environmentId: production,
                input: { multiRegionConfig: { "us-west2": { numReplicas: 1 } }, ...input },
            });
            await call("VariableCollectionUpsert", {
                input: { projectId, environmentId: production, serviceId: id, variables, skipDeploys: true },
            });
            return id;
        };
        const postgres = await service(
            "postgres",
            { source: { image: "postgres:16-alpine" }, restartPolicyType: "ALWAYS", restartPolicyMaxRetries: 10 },
            {
                POSTGRES_DB: "app",
                POSTGRES_USER: "postgres",
                POSTGRES_PASSWORD: PLANTED.POSTGRES_PASSWORD,
                DATABASE_URL:
                    "postgresql://${{POSTGRES_USER}}:${{POSTGRES_PASSWORD}}@${{RAILWAY_PRIVATE_DOMAIN}}:5432/${{POSTGRES_DB}}",
            },
        );
        await call("VolumeCreate", {
            input: { projectId, environmentId: production, serviceId: postgres, mountPath: "/var/lib/postgresql/data" },
        });
        const redis = await service(
            "redis",
            { source: { image: "redis:7.4-alpine" }, restartPolicyType: "ALWAYS", restartPolicyMaxRetries: 10 },
            { REDIS_URL: "redis://${{RAILWAY_PRIVATE_DOMAIN}}:6379" },
        );
        const app = {
            NODE_ENV: "development",
            APP_ENV: "local",
            DATABASE_URL: "${{postgres.DATABASE_URL}}",
            REDIS_URL: "${{redis.REDIS_URL}}",
        };
        const web = await service(
            "web",
            {
                source: { repo: "ainative/platform" },
                startCommand: "npm run start",
                healthcheckPath: "/api/health",
                healthcheckTimeout: 60,
                restartPolicyType: "ON_FAILURE",
                restartPolicyMaxRetries: 3,
            },
            {
                ...app,
                NEXT_PUBLIC_APP_URL: "http://localhost:3000",
                AUTH_SECRET: PLANTED.AUTH_SECRET,
                SMTP_LOGIN: PLANTED.SMTP_LOGIN,
            },
        );
        const worker = await service(
            "worker",
            {
                source: { repo: "ainative/platform" },
                startCommand: "npm run worker",
                restartPolicyType: "ON_FAILURE",
                restartPolicyMaxRetries: 10,
            },
            { ...app, AUTH_SECRET: PLANTED.AUTH_SECRET },
        );
        for (const id of [web, worker])
            await call("DeploymentTriggerCreate", {
                input: {
                    projectId,
                    environmentId: production,
                    serviceId: id,
                    provider: "github",
                    repository: "ainative/platform",
                    branch: "main",
                },
            });
        await call("ServiceDomainCreate", { input: { environmentId: production, serviceId: web, targetPort: 3000 } });
        await call("CustomDomainCreate", {
            input: { projectId, environmentId: production, serviceId: web, domain: "app.acme.test", targetPort: 3000 },
        });
        for (const id of [postgres, web, worker, redis])
            await call("ServiceInstanceDeploy", { serviceId: id, environmentId: production });
        return { projectId, production };
    }

    before(async () => {
        s = await startLocalStack({
            emulator: { deployStageMs: 5 },
            // The committed local stack's secrets are for its own services; this stack's are set below.
            mutate: (c) => (c["ainative-platform:secrets"] = { services: {} }),
        });
        out = path.join(s.ws.dir, ".artifacts", "railway-import");
    });
    after(async () => s?.close());

    it("writes the section and the import file; import then up creates, replaces, deletes and deploys nothing", async () => {
        const { projectId } = await seed();
        // Every deployment goes live three of the emulator's 5 ms stages after it starts.
        const live = () => [...s.emu.store.deployments.values()].every((d) => s.emu.store.status(d) === "SUCCESS");
        while (!live()) await new Promise((r) => setImmediate(r));
        const io = captureIO();
        const saved = { token: process.env.RAILWAY_API_TOKEN, url: process.env.RAILWAY_API_URL };
        process.env.RAILWAY_API_TOKEN = s.emu.token;
        process.env.RAILWAY_API_URL = s.emu.apiUrl;
        let code: number;
        try {
            code = await railwayImportCommand(
                ["--project", projectId, "--environment", "production", "--stack-file", s.ws.stackFile, "--out", out],
                io,
                s.ws.dir,
            );
        } finally {
            for (const [k, v] of [
                ["RAILWAY_API_TOKEN", saved.token],
                ["RAILWAY_API_URL", saved.url],
            ] as const)
                if (v === undefined) delete process.env[k];
                else process.env[k] = v;
        }
        assert.equal(code, 0, io.all());
        s.outputs.push(io.all());
        assert.match(io.stdout.join("\n"), /secrets\.services\.web\.AUTH_SECRET/);
        assert.match(io.stdout.join("\n"), /secrets\.services\.postgres\.POSTGRES_PASSWORD/);
        assert.match(io.stdout.join("\n"), /other environments \(staging\)/);
        assert.match(io.stdout.join("\n"), /npm run import -- --stack local --file /);
        assert.match(
            io.stdout.join("\n"),
            /could not tell whether these are credentials, so they are secrets: web\.SMTP_LOGIN/,
        );
        const stackFile = fs.readFileSync(s.ws.stackFile, "utf8");
        for (const value of Object.values(PLANTED)) assert.ok(!stackFile.includes(value), "no secret written in clear");
        assert.match(
            stackFile,
            /DATABASE_URL: \$\{\{postgres\.DATABASE_URL\}\}/,
            "a reference stays a plain reference",
        );

        await s.ws.setSecret("secrets.services.web.AUTH_SECRET", PLANTED.AUTH_SECRET);
        await s.ws.setSecret("secrets.services.worker.AUTH_SECRET", PLANTED.AUTH_SECRET);
        await s.ws.setSecret("secrets.services.web.SMTP_LOGIN", PLANTED.SMTP_LOGIN);
        await s.ws.setSecret("secrets.services.postgres.POSTGRES_PASSWORD", PLANTED.POSTGRES_PASSWORD);
        const before = s.emu.log.length;
        const deployments = s.emu.store.deployments.size;
        const snapshot = JSON.stringify({ ...(s.emu.store.snapshot() as object), deployments: undefined });

        // As the import's output says: npm run import, pulumi import --file behind the stack's lease.
        const imported = await runNpm(
            "import",
            ["--stack", "local", "--file", path.join(out, "import.json"), "--yes"],
            {
                cwd: s.ws.dir,
                env: s.ws.env,
            },
        );
        s.outputs.push(imported.stdout, imported.stderr);
        assert.equal(imported.code, 0, imported.stdout + imported.stderr);
        const preview = await s.run(["preview", "--json"]);
        assert.equal(preview.code, 0, preview.stdout + preview.stderr);
        const changes = parseDigest(preview.stdout)
            .steps!.filter((x) => !["same", "update"].includes(x.op))
            .map((x) => `${x.op} ${x.urn.split("::").slice(-2).join("::")}`);
        assert.deepEqual(changes, [], "nothing created, replaced or deleted");

        const up = await s.run(["up", "--yes", "--skip-preview"]);
        assert.equal(up.code, 0, up.stdout + up.stderr);
        assert.deepEqual(mutationsSince(s.emu, before), [], "no Railway mutation");
        assert.equal(s.emu.store.deployments.size, deployments, "no deployment");
        assert.equal(
            JSON.stringify({ ...(s.emu.store.snapshot() as object), deployments: undefined }),
            snapshot,
            "Railway is as it was",
        );
        const again = await s.run(["preview", "--expect-no-changes"]);
        assert.equal(again.code, 0, again.stdout + again.stderr);
        const exported = await s.run(["stack", "export"]);
        for (const value of Object.values(PLANTED))
            for (const text of [...s.outputs, exported.stdout]) assert.ok(!text.includes(value), "no secret in clear");
    });

    it("a project the stack file cannot describe as it runs: every problem at once, nothing written", async () => {
        const { projectCreate } = await call("ProjectCreate", {
            input: { name: "odd", defaultEnvironmentName: "production", workspaceId: "local-workspace" },
        });
        const production = s.emu.store.liveEnvironments(projectCreate.id)[0].id;
        for (const name of ["Api", "jobs"]) {
            const id = (await call("ServiceCreate", { input: { projectId: projectCreate.id, name } })).serviceCreate.id;
            await call("ServiceInstanceUpdate", {
                serviceId: id,
                environmentId: production,
                input: {
                    source: { repo: "ainative/platform" },
                    multiRegionConfig: { "us-east4-eqdc4a": { numReplicas: 1 } },
                },
            });
        }
        const stackBefore = fs.readFileSync(s.ws.stackFile, "utf8");
        const dir = path.join(s.ws.dir, "odd");
        const io = captureIO();
        process.env.RAILWAY_API_TOKEN = s.emu.token;
        process.env.RAILWAY_API_URL = s.emu.apiUrl;
        try {
            const code = await railwayImportCommand(
                [
                    "--project",
                    projectCreate.id,
                    "--environment",
                    "production",
                    "--stack-file",
                    s.ws.stackFile,
                    "--out",
                    dir,
                ],
                io,
                s.ws.dir,
            );
            assert.equal(code, 1);
        } finally {
            delete process.env.RAILWAY_API_TOKEN;
            delete process.env.RAILWAY_API_URL;
        }
        assert.match(io.stderr.join("\n"), /service 'Api': its name is not one the stack file accepts/);
        assert.match(
            io.stderr.join("\n"),
            /service 'Api': its source is ainative\/platform with no branch to deploy from/,
        );
        assert.match(
            io.stderr.join("\n"),
            /service 'jobs': its source is ainative\/platform with no branch to deploy from/,
        );
        assert.equal(fs.readFileSync(s.ws.stackFile, "utf8"), stackBefore, "the stack file is untouched");
        assert.ok(!fs.existsSync(dir), "no import file");
    });
});
