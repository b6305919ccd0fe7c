/**
 * The end-to-end suite's set-up: the real Pulumi engine (found or built by install-pulumi.sh; its
 * absence fails the suite with that script's message, never a skip), the Railway emulator on
 * 127.0.0.1, and a throwaway project whose `local` stack points at it.
 */
import { driftCommand } from "../../scripts/commands/drift";
import { provideEngine, RunResult } from "../../scripts/engine/engine";
import { Workspace, WorkspaceOptions } from "../../scripts/engine/workspace";
import { EmulatorOptions, RailwayEmulator, startRailwayEmulator } from "../../tools/railway-emulator";
import { CapturedIO, captureIO } from "./capture";
import { RailwayCli, startRailwayCli } from "./railway-cli";

export interface LocalStack {
    emu: RailwayEmulator;
    /** Railway's own CLI against the same emulator, when asked for (`railwayCli`). */
    cli?: RailwayCli;
    ws: Workspace;
    /** Every stdout and stderr the engine printed in this suite (searched for secrets at the end). */
    outputs: string[];
    run(command: string[], opts?: { env?: NodeJS.ProcessEnv }): Promise<RunResult>;
    /** `npm run drift -- --format json` in the workspace, with the engine and Railway credentials a CI job would have. */
    drift(): Promise<{ code: number; io: CapturedIO }>;
    close(): Promise<void>;
}

/** The local stack, against its own emulator. `mutate` changes the stack file (the emulator URL is set already). */
export async function startLocalStack(
    opts: {
        emulator?: EmulatorOptions;
        mutate?: WorkspaceOptions["mutate"];
        env?: NodeJS.ProcessEnv;
        sources?: string;
        /** Also run Railway's own CLI against the stack's emulator (test/support/railway-cli). */
        railwayCli?: boolean;
        /** A shared state backend (postgres://, s3://) instead of the workspace's own folder. */
        backendUrl?: string;
    } = {},
): Promise<LocalStack> {
    const engine = provideEngine();
    const cli = opts.railwayCli ? await startRailwayCli({ deployStageMs: 50, ...opts.emulator }) : undefined;
    const emu = cli?.emulator ?? (await startRailwayEmulator({ deployStageMs: 50, ...opts.emulator }));
    const outputs: string[] = [];
    let ws: Workspace;
    try {
        ws = await Workspace.create({
            engine,
            sources: opts.sources,
            backendUrl: opts.backendUrl,
            mutate: (config) => {
                config["ainative-platform:railway"].apiUrl = emu.apiUrl;
                opts.mutate?.(config);
            },
            // RAILWAY_API_URL: what `pulumi import` reads with (no stored apiUrl yet), as a user would set it.
            env: { RAILWAY_API_TOKEN: emu.token, RAILWAY_TOKEN: "", RAILWAY_API_URL: emu.apiUrl, ...opts.env },
        });
    } catch (e) {
        await (cli ?? emu).close();
        throw e;
    }
    return {
        emu,
        cli,
        ws,
        outputs,
        async run(command, runOpts) {
            const r = await ws.pulumi(command, runOpts);
            outputs.push(r.stdout, r.stderr);
            return r;
        },
        async drift() {
            const io = captureIO();
            // The unmanaged-resource check reads Railway with the process's credentials, as in CI.
            const saved = { api: process.env.RAILWAY_API_TOKEN, project: process.env.RAILWAY_TOKEN };
            process.env.RAILWAY_API_TOKEN = emu.token;
            delete process.env.RAILWAY_TOKEN;
            try {
                const code = await driftCommand(["--stack", ws.stack, "--format", "json"], io, ws.dir, {
                    ...ws.env,
                    RAILWAY_API_TOKEN: emu.token,
                    RAILWAY_TOKEN: "",
                });
                outputs.push(io.all());
                return { code, io };
            } finally {
                if (saved.api === undefined) delete process.env.RAILWAY_API_TOKEN;
                else process.env.RAILWAY_API_TOKEN = saved.api;
                if (saved.project !== undefined) process.env.RAILWAY_TOKEN = saved.project;
            }
        },
        async close() {
            ws.dispose();
            await (cli ?? emu).close();
        },
    };
}

/** The engine is there, or the suite fails here with install-pulumi.sh's message. */
export function requireEngine(): void {
    provideEngine();
}
