/**
 * The `railway` package's schema file and its Node.js SDK, generated: the schema from the plugin's
 * resource table (providers/railway/plugin/schema.ts), the SDK by the engine's own generator
 * (`pulumi package gen-sdk`), so that what a program imports and what the plugin serves come from
 * one table. `check` regenerates into a temporary folder and lists what differs from the
 * committed files (a stale SDK), as the GraphQL code generator's check does.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PACKAGE_VERSION, packageSchema } from "../../providers/railway/plugin/schema";
import { engineEnv, provideEngine, REPO_ROOT } from "../engine/engine";

export const SCHEMA_FILE = path.join(REPO_ROOT, "providers", "railway", "plugin", "package-schema.json");
export const SDK_DIR = path.join(REPO_ROOT, "providers", "railway", "sdk", "nodejs");

export const schemaText = () => `${JSON.stringify(packageSchema(), null, 4)}\n`;

/** Generates the schema file and the SDK into `schemaFile` and `sdkDir` (replaced whole). */
export function generate(schemaFile: string, sdkDir: string): void {
    fs.mkdirSync(path.dirname(schemaFile), { recursive: true });
    fs.writeFileSync(schemaFile, schemaText());
    const engine = provideEngine();
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "railway-sdk-"));
    try {
        const res = spawnSync(
            path.join(engine.bin, "pulumi"),
            ["package", "gen-sdk", schemaFile, "--language", "nodejs", "--out", out],
            {
                encoding: "utf8",
                env: engineEnv(engine, { backendUrl: `file://${out}` }),
                maxBuffer: 16 * 1024 * 1024,
            },
        );
        if (res.status !== 0)
            throw new Error(`pulumi package gen-sdk failed:\n${(res.stderr || res.stdout).slice(0, 4000)}`);
        const generated = path.join(out, "nodejs");
        // The generator leaves the version to a publishing step; the SDK reads it at run time.
        const pkg = path.join(generated, "package.json");
        fs.writeFileSync(pkg, fs.readFileSync(pkg, "utf8").replace("${VERSION}", PACKAGE_VERSION));
        fs.rmSync(sdkDir, { recursive: true, force: true });
        fs.mkdirSync(path.dirname(sdkDir), { recursive: true });
        fs.cpSync(generated, sdkDir, { recursive: true });
    } finally {
        fs.rmSync(out, { recursive: true, force: true });
    }
}

function files(dir: string, base = dir): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) =>
            e.isDirectory() ? files(path.join(dir, e.name), base) : [path.relative(base, path.join(dir, e.name))],
        )
        .sort();
}

/** The committed files that differ from a fresh generation (missing, extra or changed). */
export function staleFiles(): string[] {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "railway-sdk-check-"));
    try {
        const schema = path.join(tmp, "schema.json");
        const sdk = path.join(tmp, "nodejs");
        generate(schema, sdk);
        const stale: string[] = [];
        if (!fs.existsSync(SCHEMA_FILE) || fs.readFileSync(SCHEMA_FILE, "utf8") !== fs.readFileSync(schema, "utf8"))
            stale.push(path.relative(REPO_ROOT, SCHEMA_FILE));
        const fresh = files(sdk);
        const committed = files(SDK_DIR);
        for (const f of new Set([...fresh, ...committed]))
            if (
                !fresh.includes(f) ||
                !committed.includes(f) ||
                !fs.readFileSync(path.join(sdk, f)).equals(fs.readFileSync(path.join(SDK_DIR, f)))
            )
                stale.push(path.relative(REPO_ROOT, path.join(SDK_DIR, f)));
        return stale.sort();
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}
