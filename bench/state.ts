/**
 * `npm run bench:state [-- --only lease|up|reviews]`: team state's figures on each backend, every
 * server on 127.0.0.1 (PostgreSQL from Debian's packages, versitygw for S3, the Railway emulator,
 * the fake GitHub):
 *
 * 1. lease: take and release a stack's lease, median and p95 of 30 rounds per backend; and the
 *    hand-over, from a holder's release to a waiter holding it (median of 5);
 * 2. up: `npm run up` of the local stack on each backend (the first, then one with nothing to
 *    change), the file backend in the same run as the reference; and the bytes each backend holds;
 * 3. reviews: ten review stacks `npm run review -- up` one after another, then ten at once, on
 *    PostgreSQL (the shared backend a team is likeliest to pick).
 */
import { spawn } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { provideEngine } from "../scripts/engine/engine";
import { Workspace } from "../scripts/engine/workspace";
import { defineCommand, Option, parseCommand } from "../scripts/commands/cli";
import { CommandIO, EXIT, runMain } from "../scripts/commands/io";
import { openBackend, stateBytes } from "../scripts/state/backend";
import { acquireLease, currentHolder } from "../scripts/state/lease";
import { LOCAL_TOKEN_ENV, LocalFakes, startLocalFakes } from "../tools/fakes/local";
import { startPostgres, TestPostgres } from "../tools/local-servers/postgres";
import { startS3, TestS3 } from "../tools/local-servers/s3";
import { RailwayEmulator, startRailwayEmulator } from "../tools/railway-emulator";

const PARTS = ["lease", "up", "reviews"] as const;
type Part = (typeof PARTS)[number];
const REPO = "ainative/platform";

const unique = () => randomBytes(4).toString("hex");
const quantile = (xs: number[], q: number) =>
    [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];
const ms = (x: number) => `${x.toFixed(1)} ms`;
const s = (x: number) => `${(x / 1000).toFixed(1)} s`;

interface Backends {
    file: () => string;
    postgres: () => string;
    s3: () => string;
    /** What every process needs to reach them (the S3 keys). */
    env: NodeJS.ProcessEnv;
}

function backendsOf(pg: TestPostgres, s3: TestS3, scratch: string): Backends {
    return {
        file: () => `file://${fs.mkdtempSync(path.join(scratch, "file-"))}`,
        postgres: () => `${pg.url.replace(/^postgresql:/, "postgres:")}?sslmode=disable&table=bench_${unique()}`,
        s3: () => s3.url.replace(`s3://${s3.bucket}?`, `s3://${s3.bucket}/bench-${unique()}?`),
        env: s3.env,
    };
}

async function leaseFigures(b: Backends, scratch: string): Promise<void> {
    console.log("Lease: take and release (30 rounds), and the hand-over to a waiter (5 rounds):");
    for (const kind of ["file", "postgres", "s3"] as const) {
        const url = b[kind]();
        const opts = { timeoutMs: 60_000, env: { ...process.env, ...b.env }, cwd: scratch };
        const rounds: number[] = [];
        for (let i = 0; i < 30; i++) {
            const t = performance.now();
            const lease = await acquireLease(url, "bench/stack", currentHolder("bench"), opts);
            await lease.release();
            rounds.push(performance.now() - t);
        }
        const handovers: number[] = [];
        for (let i = 0; i < 5; i++) {
            const holder = await acquireLease(url, "bench/handover", currentHolder("bench holder"), opts);
            let releasedAt = 0;
            const waiter = acquireLease(url, "bench/handover", currentHolder("bench waiter"), opts).then((l) => {
                handovers.push(performance.now() - releasedAt);
                return l;
            });
            // The waiter has tried once and found it held before the holder lets go.
            await new Promise((r) => setTimeout(r, 100));
            releasedAt = performance.now();
            await holder.release();
            await (await waiter).release();
        }
        console.log(
            `  ${kind.padEnd(9)} take+release median ${ms(quantile(rounds, 0.5)).padStart(9)}, p95 ${ms(quantile(rounds, 0.95)).padStart(9)}; hand-over median ${ms(quantile(handovers, 0.5)).padStart(9)}`,
        );
    }
}

/** Runs an npm script in a project folder as a person does, resolving with its exit and how long it took. */
function npm(script: string, args: string[], ws: Workspace, env: NodeJS.ProcessEnv = {}) {
    const started = performance.now();
    return new Promise<{ code: number | null; ms: number; output: string }>((resolve) => {
        const child = spawn("npm", ["run", "--silent", script, "--", ...args], {
            cwd: ws.dir,
            env: { ...ws.env, ...env },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        child.stdout.on("data", (c) => (output += c));
        child.stderr.on("data", (c) => (output += c));
        child.once("close", (code) => resolve({ code, ms: performance.now() - started, output }));
    });
}

function must(what: string, r: { code: number | null; output: string }): void {
    if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}):\n${r.output.slice(-3000)}`);
}

async function localStack(url: string, b: Backends, extra: (c: Record<string, unknown>) => void = () => {}) {
    const emu = await startRailwayEmulator({ deployStageMs: 5 });
    const ws = await Workspace.create({
        engine: provideEngine(),
        backendUrl: url,
        mutate: (c) => {
            c["ainative-platform:railway"].apiUrl = emu.apiUrl;
            extra(c);
        },
        env: { RAILWAY_API_TOKEN: emu.token, RAILWAY_TOKEN: "", ...LOCAL_TOKEN_ENV, ...b.env },
    });
    return { emu, ws };
}

async function upFigures(b: Backends): Promise<void> {
    console.log("npm run up of the local stack (18 resources), each backend in this run:");
    for (const kind of ["file", "postgres", "s3"] as const) {
        const url = b[kind]();
        const { emu, ws } = await localStack(url, b);
        try {
            const first = await npm("up", ["--stack", "local", "--yes"], ws);
            must(`npm run up on ${kind}`, first);
            const again = await npm("up", ["--stack", "local", "--yes"], ws);
            must(`the second npm run up on ${kind}`, again);
            const backend = await openBackend(url, { env: ws.env, cwd: ws.dir });
            const bytes = await stateBytes(backend).finally(() => backend.close());
            console.log(
                `  ${kind.padEnd(9)} first up ${s(first.ms).padStart(7)}, up with nothing to change ${s(again.ms).padStart(7)}, state held ${(bytes / 1024).toFixed(0)} kB`,
            );
        } finally {
            ws.dispose();
            await emu.close();
        }
    }
}

async function reviewFigures(b: Backends): Promise<void> {
    console.log("Ten review stacks on PostgreSQL: npm run review -- up, one after another, then ten at once:");
    const fakes: LocalFakes = await startLocalFakes();
    const { emu, ws } = await localStack(b.postgres(), b, (c) => {
        c["ainative-platform:reviewEnvironments"] = { max: 12, idleDays: 7 };
    });
    const env = { GITHUB_API_URL: fakes.github.url };
    const runners: Workspace[] = [];
    const runner = () => {
        const r = ws.anotherCheckout();
        runners.push(r);
        return r;
    };
    try {
        must("npm run up of the local stack", await npm("up", ["--stack", "local", "--yes"], ws));
        const up = (emulator: RailwayEmulator, pr: number) => {
            const commit = randomBytes(20).toString("hex");
            emulator.store.push(REPO, `feature/${pr}`, commit);
            const args = ["up", "--pr", String(pr), "--branch", `feature/${pr}`, "--repo", REPO, "--commit", commit];
            return npm("review", [...args, "--base", "local"], runner(), env);
        };
        const down = (pr: number) =>
            npm("review", ["destroy", "--pr", String(pr), "--repo", REPO, "--base", "local"], runner(), env);
        const prs = () =>
            Array.from({ length: 10 }, (_, i) => fakes.github.addPullRequest("ainative", "platform", `bench ${i}`));

        const serialPrs = prs();
        const serialStart = performance.now();
        for (const pr of serialPrs) must(`review of #${pr}`, await up(emu, pr));
        const serial = performance.now() - serialStart;
        for (const r of await Promise.all(serialPrs.map(down))) must("a review destroy", r);

        const parallelPrs = prs();
        const parallelStart = performance.now();
        for (const r of await Promise.all(parallelPrs.map((pr) => up(emu, pr)))) must("a review up", r);
        const parallel = performance.now() - parallelStart;
        for (const r of await Promise.all(parallelPrs.map(down))) must("a review destroy", r);
        console.log(
            `  serial ${s(serial)} (${s(serial / 10)} each), at once ${s(parallel)}: ${(serial / parallel).toFixed(1)}x on ${os.cpus().length} cores`,
        );
    } finally {
        for (const r of runners) r.dispose();
        ws.dispose();
        await emu.close();
        await fakes.close();
    }
}

async function main(argv: string[], io: CommandIO): Promise<number> {
    const cmd = defineCommand(
        "bench:state",
        "Team state on file, PostgreSQL and S3: lease latency, npm run up per backend, ten review stacks serial and at once, state bytes.",
        io,
    ).addOption(new Option("--only <part>", "run one part").choices(PARTS));
    const parsed = parseCommand(cmd, argv);
    if (parsed !== true) return parsed;
    const only = cmd.opts().only as Part | undefined;
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "bench-state-"));
    const pg = await startPostgres();
    const s3 = await startS3().catch(async (e) => {
        await pg.close();
        throw e;
    });
    try {
        const b = backendsOf(pg, s3, scratch);
        if (!only || only === "lease") await leaseFigures(b, scratch);
        if (!only || only === "up") await upFigures(b);
        if (!only || only === "reviews") await reviewFigures(b);
    } finally {
        await s3.close();
        await pg.close();
        fs.rmSync(scratch, { recursive: true, force: true });
    }
    return EXIT.ok;
}

runMain(main);
