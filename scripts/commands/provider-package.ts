/**
 * `npm run provider:package [-- --out <file>]`: the railway provider plugin as a tarball that
 * `pulumi plugin install resource railway <version> --file <tarball>` accepts (scripts/provider/package.ts).
 */
import * as path from "path";
import { PACKAGE_VERSION } from "../../providers/railway/plugin/schema";
import { defineCommand, parseCommand } from "./cli";
import { CommandIO, EXIT } from "./io";
import { defaultTarball, packagePlugin } from "../provider/package";

export async function providerPackageCommand(argv: string[], io: CommandIO): Promise<number> {
    const cmd = defineCommand(
        "provider:package",
        "Bundles the railway provider plugin into a tarball for `pulumi plugin install --file`.",
        io,
        "Exit 0 written, 2 usage.",
    ).option(
        "--out <file>",
        "where to write the tarball (default .artifacts/pulumi-resource-railway-v<version>-<os>-<arch>.tar.gz)",
    );
    const parsed = parseCommand(cmd, argv);
    if (parsed !== true) return parsed;
    const out = path.resolve(cmd.opts().out ?? defaultTarball());
    const bytes = await packagePlugin(out);
    io.out(`provider:package: wrote ${out} (${(bytes / 1024 / 1024).toFixed(1)} MB)`);
    io.out(`install it with: pulumi plugin install resource railway ${PACKAGE_VERSION} --file ${out}`);
    return EXIT.ok;
}
