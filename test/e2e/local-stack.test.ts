/**
 * `pulumi up` of the local stack under the real engine, against the Railway emulator: what it
 * creates, that it converges, that a change is exactly that change, that drift is reported, that a
 * config mistake is printed as validation lines, and that destroy empties Railway without a secret
 * ever printed or stored in clear.
 */
import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { parseDigest, parseEvents, resourceOutcomes } from "../../scripts/engine/output";
import { LocalStack, startLocalStack } from "../support/e2e";

const RAILWAY = "railway:index:";

/** Secrets planted for this suite: distinctive, so a leak anywhere is found. */
const PLANTED = {
    AUTH_SECRET: `planted-e2e-auth-${randomBytes(8).toString("hex")}`,
    POSTGRES_PASSWORD: `planted-e2e-pg-${randomBytes(8).toString("hex")}`,
    NEW_AUTH_SECRET: `planted-e2e-auth2-${randomBytes(8).toString("hex")}`,
};
const TOKEN = `planted-railway-token-${randomBytes(8).toString("hex")}`;

/** What the committed local stack declares for each service, with the planted secrets. */
const DECLARED: Record<string, Record<string, string>> = {
    web: {
        NODE_ENV: "development",
        APP_ENV: "local",
        DATABASE_URL: "${{postgres.DATABASE_URL}}",
        REDIS_URL: "${{redis.REDIS_URL}}",
        NEXT_PUBLIC_APP_URL: "http://localhost:3000",
        AUTH_SECRET: PLANTED.AUTH_SECRET,
    },
    postgres: {
        POSTGRES_DB: "app",
        POSTGRES_USER: "postgres",
        DATABASE_URL:
            "postgresql://${{POSTGRES_USER}}:${{POSTGRES_PASSWORD}}@${{RAILWAY_PRIVATE_DOMAIN}}:5432/${{POSTGRES_DB}}",
        POSTGRES_PASSWORD: PLANTED.POSTGRES_PASSWORD,
    },
    redis: { REDIS_URL: "redis://${{RAILWAY_PRIVATE_DOMAIN}}:6379" },
};

describe("the local stack under the real engine (pulumi up, preview, refresh, destroy)", function () {
    let s: LocalStack;
    const store = () => s.emu.store;
    const serviceId = (name: string) => [...store().services.values()].find((x) => x.name === name)!.id;
    const envId = () => [...store().environments.values()].find((e) => e.name === "local" && !e.deletedAt)!.id;
    const preview = async (...extra: string[]) => s.run(["preview", ...extra]);
    before(async () => {
        s = await startLocalStack({ emulator: { token: TOKEN } });
        await s.ws.setSecret("secrets.services.web.AUTH_SECRET", PLANTED.AUTH_SECRET);
        await s.ws.setSecret("secrets.services.postgres.POSTGRES_PASSWORD", PLANTED.POSTGRES_PASSWORD);
    });
    after(async () => s?.close());

    it("a. pulumi up creates the project, environment, services, settings, variables, volume and domain; one deployment per service, started with its variables", async () => {
        const up = await s.run(["up", "--yes", "--skip-preview"]);
        assert.equal(up.code, 0, up.stdout + up.stderr);
        assert.deepEqual(
            [...store().projects.values()].map((p) => [p.name, p.workspaceId]),
            [["ainative-platform-local", "local-workspace"]],
        );
        assert.deepEqual(
            store()
                .liveEnvironments([...store().projects.keys()][0])
                .map((e) => e.name),
            ["local"],
        );
        assert.deepEqual([...store().services.values()].map((x) => x.name).sort(), ["postgres", "redis", "web"]);
        const web = store().instance(serviceId("web"), envId());
        assert.deepEqual(
            [
                web.source,
                web.startCommand,
                web.healthcheckPath,
                web.healthcheckTimeout,
                web.restartPolicyType,
                web.restartPolicyMaxRetries,
            ],
            [{ repo: "ainative/platform" }, "npm run start", "/api/health", 60, "ON_FAILURE", 3],
        );
        assert.deepEqual(web.multiRegionConfig, { "us-west2": { numReplicas: 1 } });
        assert.equal(store().trigger(serviceId("web"), envId())?.branch, "main");
        assert.deepEqual(store().instance(serviceId("postgres"), envId()).source, { image: "postgres:16-alpine" });
        for (const [svc, vars] of Object.entries(DECLARED))
            assert.deepEqual(store().vars(serviceId(svc), envId()), vars, svc);
        const volumes = [...store().volumeInstances.values()];
        assert.deepEqual(
            volumes.map((v) => [v.serviceId, v.mountPath]),
            [[serviceId("postgres"), "/var/lib/postgresql/data"]],
        );
        const domains = [...store().domains.values()];
        assert.deepEqual(
            domains.map((d) => [d.serviceId, d.targetPort, d.custom]),
            [[serviceId("web"), 3000, false]],
        );
        for (const svc of Object.keys(DECLARED)) {
            const deployments = store().deploymentsOf(serviceId(svc), envId());
            assert.equal(
                deployments.length,
                1,
                `${svc}: exactly one deployment from the first up (community providers make 3-4)`,
            );
            assert.deepEqual(
                deployments[0].variables,
                DECLARED[svc],
                `${svc}: the deployment started with every variable in place`,
            );
        }
    });

    it("b. a second preview --expect-no-changes succeeds: no perpetual diff on any resource", async () => {
        const r = await preview("--expect-no-changes");
        assert.equal(r.code, 0, r.stdout + r.stderr);
    });

    it("b1. the state holds data, not code: every Railway resource is the railway package's, none dynamic, no serialized provider", async () => {
        const exported = await s.ws.exportState();
        const types = (JSON.parse(exported.text).deployment.resources as { type: string }[]).map((r) => r.type);
        assert.ok(types.filter((t) => t.startsWith(RAILWAY)).length >= 10, types.join("\n"));
        assert.deepEqual(
            types.filter((t) => t.startsWith("pulumi-nodejs:")),
            [],
            "no dynamic resource or dynamic provider",
        );
        assert.doesNotMatch(exported.text, /__provider/);
    });

    it("b2. the program and the policy pack type-check under the CLI's own TypeScript loader (as a user runs it, not transpile-only)", async () => {
        const checked = await s.run(
            [
                "preview",
                "--expect-no-changes",
                "--policy-pack",
                "policies",
                "--policy-pack-config",
                path.join(s.ws.dir, "policies", "config", "local.json"),
            ],
            {
                env: { PULUMI_NODEJS_TRANSPILE_ONLY: "false" },
            },
        );
        assert.equal(checked.code, 0, checked.stdout + checked.stderr);
        assert.doesNotMatch(checked.stdout + checked.stderr, /TSError|error TS\d+/);
    });

    it("c. a change of replicas, one variable and one secret previews as exactly those updates, and up applies them with one deployment", async () => {
        s.ws.editStackFile((c) => {
            const web = c["ainative-platform:railway"].services.find((x: { name: string }) => x.name === "web");
            web.replicas = 2;
            web.variables.NEXT_PUBLIC_APP_URL = "http://localhost:3001";
        });
        await s.ws.setSecret("secrets.services.web.AUTH_SECRET", PLANTED.NEW_AUTH_SECRET);
        const p = await preview("--json");
        assert.equal(p.code, 0, p.stderr);
        const digest = JSON.parse(p.stdout);
        const changed = digest.steps
            .filter((x: { op: string }) => x.op !== "same")
            .map(
                (x: { op: string; urn: string }) =>
                    `${x.op} ${x.urn.split("::").slice(-2).join("::").replace(/.*\$/, "")}`,
            );
        assert.deepEqual(changed.sort(), [
            `update ${RAILWAY}ServiceDeployment::platform-web`,
            `update ${RAILWAY}ServiceInstance::platform-web`,
            `update ${RAILWAY}Variables::platform-web`,
        ]);
        const up = await s.run(["up", "--yes", "--skip-preview"]);
        assert.equal(up.code, 0, up.stdout + up.stderr);
        assert.deepEqual(store().instance(serviceId("web"), envId()).multiRegionConfig, {
            "us-west2": { numReplicas: 2 },
        });
        assert.deepEqual(store().vars(serviceId("web"), envId()), {
            ...DECLARED.web,
            NEXT_PUBLIC_APP_URL: "http://localhost:3001",
            AUTH_SECRET: PLANTED.NEW_AUTH_SECRET,
        });
        assert.equal(store().deploymentsOf(serviceId("web"), envId()).length, 2, "one more deployment for web");
        for (const svc of ["postgres", "redis"])
            assert.equal(store().deploymentsOf(serviceId(svc), envId()).length, 1, `${svc} untouched`);
        assert.equal((await preview("--expect-no-changes")).code, 0);
    });

    it("d. out-of-band edits (a variable, a setting, a deleted service, a service made by hand) are drift: refresh --preview-only and npm run drift report them, preview --refresh --expect-no-changes exits 7", async () => {
        const web = serviceId("web");
        s.emu.store.outOfBand({
            kind: "variable",
            serviceId: web,
            environmentId: envId(),
            name: "NODE_ENV",
            value: "tampered",
        });
        s.emu.store.outOfBand({
            kind: "instance",
            serviceId: web,
            environmentId: envId(),
            patch: { healthcheckPath: "/changed" },
        });
        s.emu.store.outOfBand({ kind: "deleteService", serviceId: serviceId("redis") });
        const log = path.join(s.ws.dir, "refresh-events.json");
        const refresh = await s.run(["refresh", "--preview-only", "--json", "--event-log", log], {
            env: { PULUMI_DEBUG_COMMANDS: "true" },
        });
        assert.ok(refresh.stdout.trim(), `refresh printed nothing (exit ${refresh.code}): ${refresh.stderr}`);
        const digest = parseDigest(refresh.stdout);
        assert.deepEqual(
            [digest.changeSummary?.update, digest.changeSummary?.delete],
            [2, 3],
            JSON.stringify(digest.changeSummary),
        );
        // A dynamic provider has no detailed diff: each resource's verdict is in the event stream.
        const drift = resourceOutcomes(parseEvents(fs.readFileSync(log, "utf8")))
            .filter((o) => o.op !== "same" && o.op !== "refresh")
            .map((o) => `${o.op} ${o.type.split(":").pop()} ${o.name}`)
            .sort();
        assert.deepEqual(drift, [
            "delete Service platform-redis",
            "delete ServiceInstance platform-redis",
            "delete Variables platform-redis",
            "update ServiceInstance platform-web",
            "update Variables platform-web",
        ]);
        const drifted = await preview("--refresh", "--expect-no-changes");
        assert.equal(drifted.code, 7, drifted.stderr);
        assert.match(drifted.stderr, /no changes were expected/);

        // npm run drift runs that refresh itself, names each drifted resource with its property
        // paths, and finds what Railway holds that the stack does not manage (the refresh cannot).
        const handMade = s.emu.store.outOfBand({
            kind: "createService",
            projectId: [...store().projects.keys()][0],
            environmentId: envId(),
            name: "hand-made",
        }) as { id: string };
        const report = await s.drift();
        assert.equal(report.code, 7, report.io.all());
        const json = JSON.parse(report.io.stdout.join("\n"));
        const named = json.drifted
            .map(
                (d: { kind: string; type: string; name: string; paths: string[] }) =>
                    `${d.kind} ${d.type.split(":").pop()} ${d.name} ${d.paths.join(",")}`,
            )
            .sort();
        assert.deepEqual(named, [
            "changed ServiceInstance platform-web healthcheckPath",
            "changed Variables platform-web variables.NODE_ENV",
            "deleted Service platform-redis ",
            "deleted ServiceInstance platform-redis ",
            "deleted Variables platform-redis ",
        ]);
        assert.deepEqual(json.unmanaged, {
            status: "checked",
            resources: [{ kind: "service", id: handMade.id, name: "hand-made" }],
        });

        // Converge again for what follows: the stack's drift is undone, the unmanaged service is
        // still drift until it is removed in Railway.
        const up = await s.run(["up", "--yes", "--skip-preview", "--refresh"]);
        assert.equal(up.code, 0, up.stdout + up.stderr);
        assert.equal((await preview("--expect-no-changes")).code, 0);
        const unmanagedOnly = await s.drift();
        assert.equal(unmanagedOnly.code, 7, unmanagedOnly.io.all());
        assert.deepEqual(JSON.parse(unmanagedOnly.io.stdout.join("\n")).drifted, []);
        s.emu.store.outOfBand({ kind: "deleteService", serviceId: handMade.id });
        const clean = await s.drift();
        assert.equal(clean.code, 0, clean.io.all());
        assert.equal(JSON.parse(clean.io.stdout.join("\n")).status, "clean");
    });

    it("h. a config with mistakes makes preview exit non-zero and print each validation line, nothing else of the error", async () => {
        const saved = s.ws.stackFile;
        const before = fs.readFileSync(saved, "utf8");
        s.ws.editStackFile((c) => {
            const web = c["ainative-platform:railway"].services[0];
            web.replicas = 99;
            web.variables.NODE_ENVV = web.variables.NODE_ENV;
            delete web.variables.NODE_ENV;
        });
        try {
            const r = await preview();
            assert.notEqual(r.code, 0);
            const out = r.stdout + r.stderr;
            for (const line of [
                "local: ainative-platform:railway.services[0].replicas (service web): is above the maximum 50 (use a value of at most 50)",
                "local: ainative-platform:railway.services[0].variables.NODE_ENVV (service web): is not a known environment variable (did you mean 'NODE_ENV'?)",
            ]) {
                assert.ok(out.includes(line), `missing line: ${line}\n${out}`);
            }
            assert.doesNotMatch(out, /issues: \[|at Object\.|\.ts:\d+/, "no object dump or stack trace");
            assert.ok(!out.includes("\u001b["), "no colour codes");
        } finally {
            fs.writeFileSync(saved, before);
        }
    });

    it("g. destroy is blocked by a protected resource until it is unprotected, then empties Railway; no token or secret in any output or in the state", async () => {
        s.ws.editStackFile((c) => (c["ainative-platform:railway"].protect = true));
        const protect = await s.run(["up", "--yes", "--skip-preview"]);
        assert.equal(protect.code, 0, protect.stderr);
        const blocked = await s.run(["destroy", "--yes", "--skip-preview"]);
        assert.notEqual(blocked.code, 0);
        assert.match(blocked.stdout + blocked.stderr, /protected/);
        assert.ok(
            [...store().projects.values()].some((p) => !p.deletedAt),
            "nothing was deleted",
        );
        const unprotect = await s.ws.run(["state", "unprotect", "--all", "--yes", "--stack", "local"]);
        assert.equal(unprotect.code, 0, unprotect.stderr);

        const exported = await s.ws.exportState();
        s.outputs.push(exported.text);
        const destroy = await s.run(["destroy", "--yes", "--skip-preview"]);
        assert.equal(destroy.code, 0, destroy.stdout + destroy.stderr);
        store().sweepVolumes();
        assert.ok(
            [...store().projects.values()].every((p) => p.deletedAt !== undefined),
            "every project deleted",
        );
        assert.equal(store().services.size, 0);
        assert.equal([...store().volumes.values()].filter((v) => !v.deletionRequestedAt).length, 0);
        assert.equal(store().domains.size, 0);

        const everything = s.outputs.join("\n");
        for (const [name, value] of Object.entries({ ...PLANTED, TOKEN }))
            assert.ok(!everything.includes(value), `${name} appears in the engine's output or the exported state`);
        assert.ok(exported.text.includes("ciphertext"), "secrets are in state, encrypted");
    });
});
