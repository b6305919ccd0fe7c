/**
 * The `railway` provider plugin as a package another machine installs with
 * `pulumi plugin install resource railway <version> --file <tarball>`: the plugin bundled into one
 * JavaScript file (esbuild; its dependencies inside, so no checkout and no npm install is needed
 * where it runs, only Node.js 20 or later) and the `pulumi-resource-railway` launcher the engine
 * starts, in a gzipped tarball.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PACKAGE_NAME, PACKAGE_VERSION } from "../../providers/railway/plugin/schema";
import { REPO_ROOT } from "../engine/engine";

export const PLUGIN_ENTRY = path.join(REPO_ROOT, "providers", "railway", "plugin", "main.ts");
export const BINARY = `pulumi-resource-${PACKAGE_NAME}`;
export const defaultTarball = () =>
    path.join(REPO_ROOT, ".artifacts", `${BINARY}-v${PACKAGE_VERSION}-${os.platform()}-${archName()}.tar.gz`);

/** Pulumi's name for this machine's architecture (the plugin is JavaScript; the name is the convention). */
function archName(): string {
    return os.arch() === "x64" ? "amd64" : os.arch();
}

const LAUNCHER = `#!/bin/sh
# The railway provider plugin ${PACKAGE_VERSION}, bundled: Node.js 20 or later runs it.
exec node "$(dirname "$0")/${BINARY}.js" "$@"
`;

/** Builds the tarball at `outFile`; returns its size in bytes. */
export async function packagePlugin(outFile: string): Promise<number> {
    const esbuild = await import("esbuild");
    const staging = fs.mkdtempSync(path.join(os.tmpdir(), "railway-plugin-"));
    try {
        await esbuild.build({
            entryPoints: [PLUGIN_ENTRY],
            bundle: true,
            platform: "node",
            target: "node20",
            outfile: path.join(staging, `${BINARY}.js`),
            // @pulumi/pulumi's automation API names node-gyp for require.resolve; the plugin never runs it.
            logLevel: "error",
        });
        fs.writeFileSync(path.join(staging, BINARY), LAUNCHER, { mode: 0o755 });
        fs.mkdirSync(path.dirname(outFile), { recursive: true });
        execFileSync("tar", ["-czf", outFile, "-C", staging, BINARY, `${BINARY}.js`]);
        return fs.statSync(outFile).size;
    } finally {
        fs.rmSync(staging, { recursive: true, force: true });
    }
}
