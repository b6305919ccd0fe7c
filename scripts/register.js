// The loader every npm script runs TypeScript with (`node -r ./scripts/register.js <file>.ts`):
// each .ts file is transpiled once per content into .cache/transpiled/ and read from there after,
// so a command's start costs neither loading the TypeScript compiler nor transpiling the modules it
// needs (ts-node --transpile-only did both at every start: about a second of `npm run plan`). Like
// ts-node's transpile-only mode it does not type-check: `npm run typecheck`, the pre-push hook and
// the tests do. Plain JavaScript, because it must run before anything can load TypeScript.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const CACHE = path.join(ROOT, ".cache", "transpiled");

/** What changes the output besides a file's text: the compiler's version and the project's options. */
const SALT = [
    fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8"),
    JSON.parse(fs.readFileSync(require.resolve("typescript/package.json"), "utf8")).version,
    "register-v1",
].join("\0");

let ts;
let compilerOptions;

function transpile(source, filename) {
    // Loaded only on a cache miss: the compiler takes half a second to load.
    ts ??= require("typescript");
    if (!compilerOptions) {
        const config = ts.readConfigFile(path.join(ROOT, "tsconfig.json"), ts.sys.readFile).config;
        compilerOptions = ts.convertCompilerOptionsFromJson(config.compilerOptions, ROOT).options;
        // Source maps inline, so an error's stack still names TypeScript lines (Node maps them below).
        Object.assign(compilerOptions, { sourceMap: false, inlineSourceMap: true, inlineSources: false });
    }
    return ts.transpileModule(source, { fileName: filename, compilerOptions }).outputText;
}

function load(module, filename) {
    const source = fs.readFileSync(filename, "utf8");
    const key = crypto.createHash("sha256").update(SALT).update("\0").update(filename).update("\0").update(source);
    const cached = path.join(CACHE, `${key.digest("hex").slice(0, 40)}.js`);
    let js;
    try {
        js = fs.readFileSync(cached, "utf8");
    } catch {
        js = transpile(source, filename);
        // Written beside and renamed: a concurrent start never reads half a file.
        try {
            fs.mkdirSync(CACHE, { recursive: true });
            const tmp = `${cached}.${process.pid}.tmp`;
            fs.writeFileSync(tmp, js);
            fs.renameSync(tmp, cached);
        } catch {
            // A read-only checkout still runs; it transpiles at every start.
        }
    }
    module._compile(js, filename);
}

if (!require.extensions[".ts"]) {
    require.extensions[".ts"] = load;
    process.setSourceMapsEnabled(true);
}
