/**
 * `npm run provider:sdk [-- --check]`: writes the `railway` package's schema file and generates
 * its Node.js SDK (providers/railway/sdk/nodejs) with the engine's generator; `--check` says
 * which committed files are stale instead (exit 1). Needs the engine (scripts/install-pulumi.sh).
 */
import * as path from "path";
import { REPO_ROOT } from "../engine/engine";
import { generate, SCHEMA_FILE, SDK_DIR, staleFiles } from "../provider/sdk";
import { defineCommand, parseCommand } from "./cli";
import { CommandIO, EXIT } from "./io";

export async function providerSdkCommand(argv: string[], io: CommandIO): Promise<number> {
    const cmd = defineCommand(
        "provider:sdk",
        "Writes the railway provider's package schema and generates its Node.js SDK from it. Needs the engine.",
        io,
        "Exit 0 written (or, with --check, up to date), 1 stale (the files named), 2 usage.",
    ).option("--check", "only say which committed files differ from a fresh generation");
    const parsed = parseCommand(cmd, argv);
    if (parsed !== true) return parsed;
    if (cmd.opts().check) {
        const stale = staleFiles();
        if (!stale.length) {
            io.out("provider:sdk: the schema file and the SDK are up to date");
            return EXIT.ok;
        }
        io.err(`provider:sdk: stale, run 'npm run provider:sdk':\n${stale.map((f) => `  ${f}`).join("\n")}`);
        return EXIT.findings;
    }
    generate(SCHEMA_FILE, SDK_DIR);
    io.out(`provider:sdk: wrote ${path.relative(REPO_ROOT, SCHEMA_FILE)} and ${path.relative(REPO_ROOT, SDK_DIR)}/`);
    return EXIT.ok;
}
