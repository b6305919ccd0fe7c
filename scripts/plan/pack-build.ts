/**
 * Compiles the policy pack to JavaScript once per change of its sources, into
 * `.cache/policy-pack/<hash>/`, so that starting it takes about a second instead of the five that
 * the SDK's type-checking TypeScript loader needs. The compiled pack is started through the same
 * `run-policy-pack` entry point and answers the same Analyzer calls; compilation type-checks the
 * pack, so a type error still stops the plan.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type * as TS from "typescript";

function sourcesOf(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) return e.name === "node_modules" || e.name === "config" ? [] : sourcesOf(p);
        return /\.(ts|json|yaml)$/.test(e.name) ? [p] : [];
    });
}

/** Returns the folder of the compiled pack (with its package.json), compiling it if needed. */
export function compiledPack(packDir: string, repoRoot: string): string {
    // The pack imports config/ (schemas): its sources count too.
    const files = [...sourcesOf(packDir), ...sourcesOf(path.join(repoRoot, "config"))].sort();
    const hash = createHash("sha256");
    for (const f of files) hash.update(f).update(fs.readFileSync(f));
    const out = path.join(repoRoot, ".cache", "policy-pack", hash.digest("hex").slice(0, 16));
    const packOut = path.join(out, path.relative(repoRoot, packDir));
    if (fs.existsSync(path.join(packOut, "index.js"))) return packOut;

    // Loaded only to compile: typescript takes a third of a second to load, and the cache usually hits.
    const ts = require("typescript") as typeof TS;
    const program = ts.createProgram([path.join(packDir, "index.ts")], {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        esModuleInterop: true,
        strict: true,
        skipLibCheck: true,
        resolveJsonModule: true,
        types: ["node"],
        rootDir: repoRoot,
        outDir: out,
    });
    const emitted = program.emit();
    const problems = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
    if (problems.length) {
        fs.rmSync(out, { recursive: true, force: true });
        const text = ts.formatDiagnostics(problems, {
            getCanonicalFileName: (f) => f,
            getCurrentDirectory: () => repoRoot,
            getNewLine: () => "\n",
        });
        throw new Error(`the policy pack does not compile:\n${text}`);
    }
    for (const f of ["package.json", "PulumiPolicy.yaml"])
        fs.copyFileSync(path.join(packDir, f), path.join(packOut, f));
    return packOut;
}
