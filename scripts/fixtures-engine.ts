/**
 * `npm run fixtures:engine [-- --out <dir>]`: records real Pulumi CLI output into
 * test/fixtures/pulumi/ (see scripts/engine/record-fixtures.ts). Needs the engine
 * (scripts/install-pulumi.sh); about a minute.
 */
import * as path from "path";
import { REPO_ROOT } from "./engine/engine";
import { recordFixtures } from "./engine/record-fixtures";
import { EXIT, parseCommandArgs, processIO, runMain } from "./commands/io";

const USAGE = "usage: npm run fixtures:engine -- [--out <dir>]   (default test/fixtures/pulumi)";

runMain(async (argv, io) => {
    const flags = parseCommandArgs<{ out?: string }>(argv, { out: { type: "string" } }, USAGE, io);
    if (typeof flags === "number") return flags;
    const out = path.resolve(flags.out ?? path.join(REPO_ROOT, "test", "fixtures", "pulumi"));
    const files = await recordFixtures(out, (line) => processIO.err(line));
    io.out(`recorded ${files.length} files in ${path.relative(process.cwd(), out) || "."}`);
    return EXIT.ok;
});
