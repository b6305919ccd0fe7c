/**
 * `npm run fixtures:engine [-- --out <dir>]`: records real Pulumi CLI output into
 * test/fixtures/pulumi/ (see scripts/engine/record-fixtures.ts). Needs the engine
 * (scripts/install-pulumi.sh); about a minute.
 */
import * as path from "path";
import { REPO_ROOT } from "../engine/engine";
import { recordFixtures } from "../engine/record-fixtures";
import { defineCommand, parseCommand } from "./cli";
import { CommandIO, EXIT } from "./io";

export async function fixturesEngineCommand(argv: string[], io: CommandIO): Promise<number> {
    const cmd = defineCommand(
        "fixtures:engine",
        "Records real Pulumi CLI output (preview, up, refresh, event logs) as test fixtures. Needs the engine.",
        io,
    ).option("--out <dir>", "where to write them", path.join(REPO_ROOT, "test", "fixtures", "pulumi"));
    const parsed = parseCommand(cmd, argv);
    if (parsed !== true) return parsed;
    const out = path.resolve(cmd.opts().out);
    const files = await recordFixtures(out, (line) => io.err(line));
    io.out(`recorded ${files.length} files in ${path.relative(process.cwd(), out) || "."}`);
    return EXIT.ok;
}
