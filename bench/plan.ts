/**
 * `npm run bench:plan`: wall time of the offline plan.
 *
 * - staging and production together, in one process with one policy pack (what the pre-push gate
 *   and CI run), from a cold start of the pack; target on a 2-core machine: under 5 s;
 * - each real stack through the command as a person runs it (`npm run plan`), process start
 *   included;
 * - synthetic stacks of 10, 50 and 200 services, to show growth per service (target: linear);
 * - when the real engine is available: the local stack through `pulumi preview --policy-pack` and
 *   through `npm run plan`, five pairs in turn, medians and their ratio (target: the plan at least
 *   10x faster), the first `pulumi up` of the local stack against the emulator, and the first
 *   `pulumi up` of the whole stack (every integration on, against the emulator and the fakes).
 * Figures are printed, never asserted by the test suite.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { EngineUnavailable, provideEngine } from "../scripts/engine/engine";
import { Workspace } from "../scripts/engine/workspace";
import { LOCAL_TOKEN_ENV, pointStackAtFakes, startLocalFakes } from "../tools/fakes/local";
import { REPO_ROOT, runPlan, runtimeFromStackFile, startPolicyPack } from "../scripts/plan/plan";
import { startRailwayEmulator } from "../tools/railway-emulator";
import { defineCommand, parseCommand } from "../scripts/commands/cli";
import { CommandIO, EXIT, runMain } from "../scripts/commands/io";

const REPO = path.resolve(__dirname, "..");
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const fmt = (n: number) => `${(n / 1000).toFixed(2)} s`;

/**
 * Staging's config with `n` app services cloned from its worker (names svc-1..n), plus its
 * datastores. Secrets stay `secure:` (present but unknown), as in the plan of a stack file.
 */
function synthetic(n: number) {
    const runtime = runtimeFromStackFile(path.join(REPO_ROOT, "Pulumi.staging.yaml"));
    const c: Record<string, unknown> = Object.fromEntries(
        Object.entries(runtime.config).map(([k, v]) => [k, v.startsWith("{") || v.startsWith("[") ? JSON.parse(v) : v]),
    );
    {
        const railway = c["ainative-platform:railway"] as { services: { name: string; kind?: string }[] };
        const secrets = c["ainative-platform:secrets"] as { services: Record<string, unknown> };
        const worker = railway.services.find((s) => s.name === "worker");
        const datastores = railway.services.filter((s) => s.kind === "datastore");
        const clones = Array.from({ length: n }, (_, i) => ({ ...structuredClone(worker), name: `svc-${i + 1}` }));
        for (const clone of clones) secrets.services[clone.name] = structuredClone(secrets.services.worker);
        delete secrets.services.worker;
        delete secrets.services.web;
        railway.services = [...clones, ...datastores];
    }
    return {
        config: Object.fromEntries(
            Object.entries(c).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
        ),
        secretKeys: [],
    };
}

async function main(argv: string[], io: CommandIO): Promise<number> {
    const parsed = parseCommand(
        defineCommand(
            "bench:plan",
            "Prints the offline plan's timings, and the real engine side by side when it is available. No options.",
            io,
        ),
        argv,
    );
    if (parsed !== true) return parsed;
    console.log(
        "Offline plan benchmark (wall time; machine: %d CPUs, Node %s)\n",
        require("os").cpus().length,
        process.version,
    );

    let t0 = process.hrtime.bigint();
    const pack = await startPolicyPack();
    const packStart = ms(t0);
    const times: Record<string, number> = {};
    for (const stack of ["production", "staging"]) {
        const t = process.hrtime.bigint();
        const plan = await runPlan({ stack, analyzer: pack });
        times[stack] = ms(t);
        if (!plan.config.valid) throw new Error(`${stack} config is invalid`);
    }
    const together = ms(t0);
    console.log("Real stacks, one process, one policy pack (pre-push / CI):");
    console.log(`  policy pack start      ${fmt(packStart)}`);
    console.log(`  production             ${fmt(times.production)}   (first plan also loads the program's modules)`);
    console.log(`  staging                ${fmt(times.staging)}`);
    console.log(
        `  together               ${fmt(together)}   target < 5.00 s: ${together < 5000 ? "met" : "NOT met"}\n`,
    );

    console.log("Each stack as a person runs it (npm run plan, process start included):");
    for (const stack of ["production", "staging"]) {
        t0 = process.hrtime.bigint();
        const res = spawnSync("npm", ["run", "-s", "plan", "--", "--stack", stack, "--format", "json"], {
            cwd: REPO,
            encoding: "utf8",
        });
        console.log(`  ${stack.padEnd(22)} ${fmt(ms(t0))}   exit ${res.status}`);
    }

    console.log(
        "\nSynthetic stacks (staging with N app services; each adds a Railway service, instance, variables, Sentry and PagerDuty resources):",
    );
    const sizes = [10, 50, 200];
    const synth: number[] = [];
    for (const n of sizes) {
        const t = process.hrtime.bigint();
        const plan = await runPlan({ stack: "staging", runtime: synthetic(n), analyzer: pack });
        const elapsed = ms(t);
        synth.push(elapsed);
        console.log(
            `  ${String(n).padStart(3)} services  ${String(plan.resources.length).padStart(5)} resources  ${fmt(elapsed)}  ${(elapsed / n).toFixed(1)} ms/service`,
        );
    }
    const slope = (synth[2] - synth[0]) / (sizes[2] - sizes[0]);
    const predicted200 = synth[1] + slope * (sizes[2] - sizes[1]);
    console.log(
        `  slope (10 → 200): ${slope.toFixed(1)} ms per service; 200 services took ${fmt(synth[2])} vs ${fmt(predicted200)} on the 10→200 line extended from 50`,
    );
    console.log(
        `  growth: ${synth[2] <= predicted200 * 1.25 ? "linear (within 25% of the line)" : "WORSE than linear"}`,
    );
    await pack.close();
    await againstTheEngine();
    return EXIT.ok;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The same stack through the real engine and through the offline plan, side by side. */
async function againstTheEngine(): Promise<void> {
    let engine;
    try {
        engine = provideEngine();
    } catch (e) {
        if (!(e instanceof EngineUnavailable)) throw e;
        console.log(`\nReal engine: not available, side-by-side skipped (${e.message.split("\n")[0]})`);
        return;
    }
    const emu = await startRailwayEmulator({ deployStageMs: 20 });
    // As a user runs it: Pulumi's default TypeScript loader, which type-checks the program and the pack.
    const ws = await Workspace.create({
        engine,
        mutate: (c) => (c["ainative-platform:railway"].apiUrl = emu.apiUrl),
        env: { RAILWAY_API_TOKEN: emu.token, RAILWAY_TOKEN: "", PULUMI_NODEJS_TRANSPILE_ONLY: "false" },
    });
    try {
        console.log(`\nThe local stack, real engine (${engine.version}) vs offline plan, five pairs in turn:`);
        const preview: number[] = [];
        const plan: number[] = [];
        for (let i = 0; i < 5; i++) {
            const p = await ws.pulumi([
                "preview",
                "--policy-pack",
                "policies",
                "--policy-pack-config",
                path.join(REPO_ROOT, "policies", "config", "local.json"),
            ]);
            if (p.code !== 0) throw new Error(`pulumi preview failed:\n${p.stdout}${p.stderr}`);
            preview.push(p.ms);
            const t = process.hrtime.bigint();
            const r = spawnSync(
                "npm",
                ["run", "-s", "plan", "--", "--stack", "local", "--file", ws.stackFile, "--format", "json"],
                { cwd: REPO, encoding: "utf8" },
            );
            if (r.status !== 0) throw new Error(`npm run plan failed:\n${r.stderr}`);
            plan.push(ms(t));
        }
        const ratio = median(preview) / median(plan);
        console.log(
            `  pulumi preview --policy-pack  median ${fmt(median(preview))}   (${preview.map(fmt).join(", ")})`,
        );
        console.log(`  npm run plan                  median ${fmt(median(plan))}   (${plan.map(fmt).join(", ")})`);
        console.log(
            `  ratio                         ${ratio.toFixed(1)}x   target >= 10x: ${ratio >= 10 ? "met" : "NOT met"}`,
        );
        const up = await ws.pulumi(["up", "--yes", "--skip-preview"]);
        if (up.code !== 0) throw new Error(`pulumi up failed:\n${up.stdout}${up.stderr}`);
        console.log(`  first pulumi up of the local stack (against the emulator): ${fmt(up.ms)}`);
    } finally {
        ws.dispose();
        await emu.close();
    }
    await wholeStack(engine);
}

/** A first `pulumi up` of the whole stack: every integration on, against the emulator and the fakes. */
async function wholeStack(engine: ReturnType<typeof provideEngine>): Promise<void> {
    const emu = await startRailwayEmulator({ deployStageMs: 20 });
    const fakes = await startLocalFakes();
    const ws = await Workspace.create({
        engine,
        mutate: (c) => {
            c["ainative-platform:railway"].apiUrl = emu.apiUrl;
            pointStackAtFakes(c, fakes);
        },
        env: {
            RAILWAY_API_TOKEN: emu.token,
            RAILWAY_TOKEN: "",
            ...LOCAL_TOKEN_ENV,
            PULUMI_NODEJS_TRANSPILE_ONLY: "false",
        },
    });
    try {
        const up = await ws.pulumi(["up", "--yes", "--skip-preview"]);
        if (up.code !== 0) throw new Error(`pulumi up of the whole stack failed:\n${up.stdout}${up.stderr}`);
        const resources = /(\d+) created/.exec(up.stdout)?.[1] ?? "?";
        console.log(
            `  first pulumi up of the whole stack (Railway, GitHub, Sentry, PagerDuty; emulator and fakes): ${fmt(up.ms)} for ${resources} resources`,
        );
    } finally {
        ws.dispose();
        await fakes.close();
        await emu.close();
    }
}

runMain(main);
