/**
 * `npm run railway:emulator`: a local Railway on 127.0.0.1 for the `local` stack. Point the
 * provider at it with RAILWAY_API_URL or the stack's railway.apiUrl, and set RAILWAY_API_TOKEN to
 * the token it prints. Runs until Ctrl-C.
 */
import { DEFAULT_DUPLICATE_MS, startRailwayEmulator } from "../../tools/railway-emulator";
import { defineCommand, integerIn, parseCommand, repeated } from "./cli";
import { CommandIO, EXIT, untilStopped } from "./io";

export async function railwayEmulatorCommand(argv: string[], io: CommandIO): Promise<number> {
    const cmd = defineCommand(
        "railway:emulator",
        "A local Railway (its public GraphQL API) on 127.0.0.1, with an admin API for tests and demos.",
        io,
        "Admin: GET /admin/store, GET /admin/log, POST /admin/faults, /admin/edit, /admin/reset, /admin/push, /admin/deployment-outcome, /admin/logs, /admin/metrics.",
    )
        .option("--port <port>", "the port to listen on (0 picks a free one)", integerIn(0, 65535), 4010)
        .option("--token <token>", "the API token it accepts (default: RAILWAY_API_TOKEN, else emulator-token)")
        .option("--workspace <id>", "a workspace besides local-workspace (repeatable)", repeated, [] as string[])
        .option(
            "--duplicate-ms <ms>",
            "how long copying an environment into a duplicate takes, as on Railway (review environments are duplicates)",
            integerIn(0, 3_600_000),
            DEFAULT_DUPLICATE_MS,
        );
    const parsed = parseCommand(cmd, argv);
    if (parsed !== true) return parsed;
    const values = cmd.opts();
    // An empty token is no token: the default then, never the empty string.
    const emu = await startRailwayEmulator({
        port: values.port,
        token: values.token?.trim() || process.env.RAILWAY_API_TOKEN?.trim() || "emulator-token",
        workspaces: values.workspace,
        duplicateMs: values.duplicateMs,
    });
    io.out(`railway emulator: ${emu.apiUrl}`);
    io.out(`  token: set RAILWAY_API_TOKEN to the token you passed (default 'emulator-token')`);
    await untilStopped();
    await emu.close();
    return EXIT.ok;
}
