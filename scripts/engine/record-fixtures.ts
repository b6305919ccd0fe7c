/**
 * Records real engine output into test/fixtures/pulumi/ (`npm run fixtures:engine`): the `local`
 * stack against the Railway emulator, under the real CLI, with distinctive secrets planted. The
 * PR-comment and drift tools are tested on these files, so they parse what the engine prints, not
 * what someone thought it prints.
 *
 * Recorded as printed, with two changes: the dynamic providers' serialized code (`__provider`,
 * tens of kB per resource, no information for the tools) is replaced by a placeholder, and the
 * event logs lose their debug-level diagnostics (the engine's own tracing, hundreds per run, with
 * this machine's paths in them).
 */
import * as fs from "fs";
import * as path from "path";
import { startRailwayEmulator } from "../../tools/railway-emulator";
import { provideEngine } from "./engine";
import { Workspace } from "./workspace";

/** Secrets the fixtures were recorded with: a test checks that no tool ever prints them. */
export const FIXTURE_SECRETS = {
    AUTH_SECRET: "planted-fixture-auth-secret-4f2d9a",
    POSTGRES_PASSWORD: "planted-fixture-postgres-password-77c1",
    RAILWAY_TOKEN: "planted-fixture-railway-token-0b8e",
} as const;

const PROVIDER_PLACEHOLDER = "<the dynamic provider's serialized code, omitted from the fixture>";

/** Replaces every `__provider` value (in JSON or NDJSON text) with a placeholder. */
export function withoutProviderCode(text: string): string {
    const strip = (v: unknown): unknown => {
        if (Array.isArray(v)) return v.map(strip);
        if (v && typeof v === "object")
            return Object.fromEntries(
                Object.entries(v).map(([k, x]) => [k, k === "__provider" ? PROVIDER_PLACEHOLDER : strip(x)]),
            );
        return v;
    };
    const trimmed = text.trim();
    if (!trimmed) return text;
    try {
        return JSON.stringify(strip(JSON.parse(trimmed)), null, 4) + "\n";
    } catch {
        // NDJSON: one event per line; the engine's debug tracing is left out.
        return (
            trimmed
                .split("\n")
                .filter((l) => l.trim())
                .map((l) => JSON.parse(l))
                .filter((e) => e.diagnosticEvent?.severity !== "debug")
                .map((e) => JSON.stringify(strip(e)))
                .join("\n") + "\n"
        );
    }
}

export async function recordFixtures(outDir: string, log: (line: string) => void): Promise<string[]> {
    const engine = provideEngine();
    const emu = await startRailwayEmulator({ token: FIXTURE_SECRETS.RAILWAY_TOKEN, deployStageMs: 20 });
    const written: string[] = [];
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a stack file's config is arbitrary YAML that callers edit in place
    const services = (c: Record<string, any>) => c["ainative-platform:railway"].services as any[];
    const ws = await Workspace.create({
        engine,
        mutate: (c) => {
            c["ainative-platform:railway"].apiUrl = emu.apiUrl;
            services(c).find((x) => x.name === "web").domains.custom = ["app.local.ainative.dev"];
        },
        env: { RAILWAY_API_TOKEN: FIXTURE_SECRETS.RAILWAY_TOKEN, RAILWAY_TOKEN: "", RAILWAY_API_URL: emu.apiUrl },
        log,
    });
    const write = (name: string, text: string) => {
        fs.writeFileSync(path.join(outDir, name), withoutProviderCode(text));
        written.push(name);
        log(`fixtures: wrote ${name}`);
    };
    const run = async (name: string, command: string[], opts: { events?: string; expectFailure?: boolean } = {}) => {
        const eventLog = opts.events ? path.join(ws.dir, "events.ndjson") : undefined;
        const r = await ws.pulumi([...command, ...(eventLog ? ["--event-log", eventLog] : [])], {
            env: eventLog ? { PULUMI_DEBUG_COMMANDS: "true" } : {},
        });
        if (!opts.expectFailure && r.code !== 0 && r.code !== 7)
            throw new Error(`${command.join(" ")} failed (exit ${r.code}):\n${r.stderr}${r.stdout.slice(-3000)}`);
        if (name) write(name, r.stdout);
        if (eventLog && opts.events) write(opts.events, fs.readFileSync(eventLog, "utf8"));
        return r;
    };
    try {
        fs.mkdirSync(outDir, { recursive: true });
        await ws.setSecret("secrets.services.web.AUTH_SECRET", FIXTURE_SECRETS.AUTH_SECRET);
        await ws.setSecret("secrets.services.postgres.POSTGRES_PASSWORD", FIXTURE_SECRETS.POSTGRES_PASSWORD);

        await run("preview-create.json", ["preview", "--json"], { events: "preview-create.events.ndjson" });
        await run("", ["up", "--yes", "--skip-preview"]);
        await run("preview-no-changes.json", ["preview", "--json"]);
        await run("refresh-clean.json", ["refresh", "--preview-only", "--json"], {
            events: "refresh-clean.events.ndjson",
        });

        // Updates, a replace (the region moves the datastore's volume: a new one), a custom domain
        // renamed (one created, one deleted) and deletes (a datastore removed).
        ws.editStackFile((c) => {
            c["ainative-platform:railway"].region = "us-east4-eqdc4a";
            const web = services(c).find((x) => x.name === "web");
            web.startCommand = "npm run start:v2";
            web.domains.custom = ["www.local.ainative.dev"];
            c["ainative-platform:railway"].services = services(c).filter((x) => x.name !== "redis");
            web.variables.REDIS_URL = "redis://${{postgres.RAILWAY_PRIVATE_DOMAIN}}:6379";
            web.variables.APP_ENV = "local";
        });
        await run("preview-changes.json", ["preview", "--json"], { events: "preview-changes.events.ndjson" });

        // Policy violations: production's (mandatory) pack config on the local stack.
        const packConfig = path.join(ws.dir, "policies", "config", "production.json");
        await run(
            "preview-policy.json",
            ["preview", "--json", "--policy-pack", "policies", "--policy-pack-config", packConfig],
            {
                events: "preview-policy.events.ndjson",
                expectFailure: true,
            },
        );
        // A pack that failed to load also fails the preview: only violations make this fixture.
        if (!fs.readFileSync(path.join(outDir, "preview-policy.events.ndjson"), "utf8").includes('"policyEvent"'))
            throw new Error(
                "the policy preview reported no violation (did the pack fail to load? see preview-policy.json's diagnostics)",
            );

        // Back to what is deployed, then drift made by hand on Railway.
        ws.writeStackFile((doc) => {
            doc.config["ainative-platform:railway"].apiUrl = emu.apiUrl;
            services(doc.config).find((x) => x.name === "web").domains.custom = ["app.local.ainative.dev"];
        });
        await ws.setSecret("secrets.services.web.AUTH_SECRET", FIXTURE_SECRETS.AUTH_SECRET);
        await ws.setSecret("secrets.services.postgres.POSTGRES_PASSWORD", FIXTURE_SECRETS.POSTGRES_PASSWORD);
        const store = emu.store;
        const id = (name: string) => [...store.services.values()].find((x) => x.name === name)!.id;
        const env = store.liveEnvironments([...store.projects.keys()][0])[0].id;
        store.outOfBand({
            kind: "variable",
            serviceId: id("web"),
            environmentId: env,
            name: "NODE_ENV",
            value: "production",
        });
        store.outOfBand({
            kind: "instance",
            serviceId: id("postgres"),
            environmentId: env,
            patch: { startCommand: "postgres -c max_connections=500" },
        });
        store.outOfBand({ kind: "deleteService", serviceId: id("redis") });
        store.outOfBand({
            kind: "createService",
            projectId: [...store.projects.keys()][0],
            environmentId: env,
            name: "hand-made",
        });
        await run("refresh-drift.json", ["refresh", "--preview-only", "--json"], {
            events: "refresh-drift.events.ndjson",
        });

        const exported = await ws.run(["stack", "export", "--stack", ws.stack]);
        write("stack-export.json", exported.stdout);

        // A preview that fails: a config mistake.
        ws.editStackFile((c) => (services(c)[0].replicas = 99));
        const failed = await run("preview-failed.json", ["preview", "--json"], { expectFailure: true });
        write("preview-failed.stderr.txt", failed.stderr);

        const all = written.map((f) => fs.readFileSync(path.join(outDir, f), "utf8")).join("\n");
        for (const [name, value] of Object.entries(FIXTURE_SECRETS)) {
            if (all.includes(value))
                throw new Error(`the engine printed the planted ${name}: refusing to keep these fixtures`);
        }
        const manifest = {
            recordedWith: engine.version,
            recordedAt: new Date().toISOString().slice(0, 10),
            by: "npm run fixtures:engine",
            note: "__provider values (serialized dynamic-provider code) are replaced by a placeholder and debug-level diagnostic events are left out; everything else is as the CLI printed it",
            plantedSecrets: FIXTURE_SECRETS,
            files: written.sort(),
        };
        fs.writeFileSync(path.join(outDir, "MANIFEST.json"), JSON.stringify(manifest, null, 2) + "\n");
        return written;
    } finally {
        ws.dispose();
        await emu.close();
    }
}
