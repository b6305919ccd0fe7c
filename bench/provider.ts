/**
 * `npm run bench:provider [-- --only local|whole|synthetic]`: what the move from dynamic resources
 * to the `railway` provider package changed, before (the last dynamic program, by its commit) and
 * after (this checkout), under the real engine against the emulator (and the fakes):
 *
 * - the local stack: the first `pulumi up`, a `pulumi preview` with nothing to change, and the bytes
 *   of state per Railway resource (`pulumi stack export`);
 * - the whole stack (every integration on): the same;
 * - synthetic stacks of 10 and 50 services (the local stack plus copies of its Redis), to show the
 *   cost per service.
 *
 * Figures are printed, never asserted by the test suite.
 */
import * as fs from "fs";
import { checkoutCommit, LAST_DYNAMIC_COMMIT } from "../scripts/engine/checkout";
import { provideEngine, REPO_ROOT } from "../scripts/engine/engine";
import { Workspace } from "../scripts/engine/workspace";
import { defineCommand, Option, parseCommand } from "../scripts/commands/cli";
import { CommandIO, EXIT, runMain } from "../scripts/commands/io";
import { LOCAL_TOKEN_ENV, pointStackAtFakes, startLocalFakes } from "../tools/fakes/local";
import { startRailwayEmulator } from "../tools/railway-emulator";

const PARTS = ["local", "whole", "synthetic"] as const;
type Part = (typeof PARTS)[number];
const fmt = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

interface Figures {
    up: number;
    preview: number;
    railwayResources: number;
    bytesPerRailwayResource: number;
    stateBytes: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a stack file's config is arbitrary YAML that the bench edits in place
type Config = Record<string, any>;

/** One program (a checkout) on one stack shape: up, preview, and what the state holds. */
async function measure(sources: string, shape: (c: Config) => void, whole: boolean): Promise<Figures> {
    const emu = await startRailwayEmulator({ deployStageMs: 5 });
    const fakes = whole ? await startLocalFakes() : undefined;
    const ws = await Workspace.create({
        engine: provideEngine(),
        sources,
        mutate: (c) => {
            c["ainative-platform:railway"].apiUrl = emu.apiUrl;
            if (fakes) pointStackAtFakes(c, fakes);
            shape(c);
        },
        env: { RAILWAY_API_TOKEN: emu.token, RAILWAY_TOKEN: "", ...LOCAL_TOKEN_ENV },
    });
    try {
        const up = await ws.pulumi(["up", "--yes", "--skip-preview"]);
        if (up.code !== 0) throw new Error(`pulumi up failed:\n${up.stdout.slice(-3000)}${up.stderr.slice(-3000)}`);
        const preview = await ws.pulumi(["preview", "--expect-no-changes"]);
        if (preview.code !== 0) throw new Error(`pulumi preview failed:\n${preview.stdout.slice(-3000)}`);
        const exported = await ws.pulumi(["stack", "export"]);
        const resources = JSON.parse(exported.stdout).deployment.resources as { type: string }[];
        const railway = resources.filter((r) => /^(railway:index:|pulumi-nodejs:dynamic\/railway:)/.test(r.type));
        const bytes = railway.reduce((n, r) => n + Buffer.byteLength(JSON.stringify(r)), 0);
        return {
            up: up.ms,
            preview: preview.ms,
            railwayResources: railway.length,
            bytesPerRailwayResource: Math.round(bytes / Math.max(1, railway.length)),
            stateBytes: Buffer.byteLength(exported.stdout),
        };
    } finally {
        ws.dispose();
        await fakes?.close();
        await emu.close();
    }
}

/** The local stack with `n` more services: copies of its Redis (an image, no secret, no volume). */
function withServices(n: number) {
    return (c: Config) => {
        const services = c["ainative-platform:railway"].services as Config[];
        const redis = services.find((s) => s.name === "redis")!;
        for (let i = 1; i <= n; i++) services.push({ ...structuredClone(redis), name: `svc-${i}` });
    };
}

function row(label: string, before: Figures, after: Figures): void {
    const kb = (b: number) => `${(b / 1024).toFixed(1)} kB`;
    console.log(`  ${label}`);
    console.log(
        `    state per Railway resource  ${kb(before.bytesPerRailwayResource).padStart(9)} -> ${kb(after.bytesPerRailwayResource).padStart(9)}   (${before.railwayResources} resources; whole state ${kb(before.stateBytes)} -> ${kb(after.stateBytes)})`,
    );
    console.log(`    first pulumi up             ${fmt(before.up).padStart(9)} -> ${fmt(after.up).padStart(9)}`);
    console.log(
        `    pulumi preview (no change)  ${fmt(before.preview).padStart(9)} -> ${fmt(after.preview).padStart(9)}`,
    );
}

async function main(argv: string[], io: CommandIO): Promise<number> {
    const cmd = defineCommand(
        "bench:provider",
        "Before and after the railway provider package: state bytes per Railway resource, up and preview times.",
        io,
    ).addOption(new Option("--only <part>", "run one part").choices(PARTS));
    const parsed = parseCommand(cmd, argv);
    if (parsed !== true) return parsed;
    const only = cmd.opts().only as Part | undefined;
    const engine = provideEngine();
    const before = checkoutCommit(LAST_DYNAMIC_COMMIT);
    try {
        console.log(
            `Dynamic resources (${LAST_DYNAMIC_COMMIT.slice(0, 7)}) -> the railway provider package (this checkout), engine ${engine.version}:`,
        );
        const both = async (label: string, shape: (c: Config) => void, whole = false) =>
            row(label, await measure(before, shape, whole), await measure(REPO_ROOT, shape, whole));
        if (!only || only === "local") await both("the local stack (3 services)", () => {});
        if (!only || only === "whole") await both("the whole stack (every integration on)", () => {}, true);
        if (!only || only === "synthetic") {
            await both("synthetic: 10 services", withServices(7));
            await both("synthetic: 50 services", withServices(47));
        }
    } finally {
        fs.rmSync(before, { recursive: true, force: true });
    }
    return EXIT.ok;
}

runMain(main);
