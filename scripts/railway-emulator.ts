/**
 * `npm run railway:emulator -- [--port 4010] [--token <token>] [--workspace <id>]...`: a local Railway on 127.0.0.1 for
 * the `local` stack. Point the provider at it with RAILWAY_API_URL or the stack's railway.apiUrl,
 * and set RAILWAY_API_TOKEN to the token it prints.
 */
import { startRailwayEmulator } from "../tools/railway-emulator";
import { EXIT, parseCommandArgs, processIO } from "./commands/io";

const USAGE =
    "usage: npm run railway:emulator -- [--port 4010] [--token <token>] [--workspace <id>]... (workspaces besides local-workspace)";

async function main() {
    // The same flag handling as every other command: unknown flags and --help print the usage.
    const values = parseCommandArgs<{ port?: string; token?: string; workspace?: string[] }>(
        process.argv.slice(2),
        {
            port: { type: "string", default: "4010" },
            token: { type: "string" },
            workspace: { type: "string", multiple: true },
        },
        USAGE,
        processIO,
    );
    if (typeof values === "number") process.exit(values);
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
        console.error(`--port must be a port number, got '${values.port}'\n${USAGE}`);
        process.exit(EXIT.usage);
    }
    // An empty token is no token: the default then, never the empty string.
    const emu = await startRailwayEmulator({
        port,
        token: values.token?.trim() || process.env.RAILWAY_API_TOKEN?.trim() || "emulator-token",
        workspaces: values.workspace,
    });
    console.log(`railway emulator: ${emu.apiUrl}`);
    console.log(`  token: set RAILWAY_API_TOKEN to the token you passed (default 'emulator-token')`);
    console.log(`  admin: GET /admin/store, GET /admin/log, POST /admin/faults, POST /admin/edit, POST /admin/reset`);
    const stop = () => emu.close().then(() => process.exit(0));
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
}

main().catch((e) => {
    console.error(`railway emulator: ${(e as Error).message}`);
    process.exit(1);
});
