/**
 * Keeps modules an offline plan never uses from loading when the Pulumi SDK asks for them at
 * start-up. Each is replaced in the module cache by a stand-in that answers what the SDK reads
 * while loading (a version string, a function it re-exports) and loads the real module the first
 * time anything else touches it, so a path that does need one still works. Call before anything
 * loads `@pulumi/pulumi`.
 */
import Module = require("module");
import * as fs from "fs";

type Loaded = Record<PropertyKey, unknown> & ((...args: unknown[]) => unknown) & (new (...args: unknown[]) => object);

/** Each deferred module (as requested) and whether its real module has loaded since. */
const deferred = new Map<string, () => boolean>();

/** The deferred modules whose real module has not loaded (what the tests check). */
export function stillDeferred(): string[] {
    return [...deferred].filter(([, loaded]) => !loaded()).map(([request]) => request);
}

/** What a stand-in answers by itself, given the loader of the real module. */
type Answers = (load: () => Loaded) => Record<string, unknown>;

function defer(request: string, answers: Answers): void {
    let file: string;
    try {
        file = require.resolve(request);
    } catch {
        return; // another layout: nothing to defer, only slower
    }
    if (require.cache[file]) return;
    let real: Loaded | undefined;
    const load = (): Loaded => {
        if (!real) {
            delete require.cache[file];
            real = require(file) as Loaded;
            stub.exports = real;
        }
        return real;
    };
    const known = answers(load);
    deferred.set(request, () => real !== undefined);
    const stub = new Module(file);
    stub.filename = file;
    stub.loaded = true;
    stub.exports = new Proxy(function deferred() {}, {
        get: (_t, key) => (!real && typeof key === "string" && Object.hasOwn(known, key) ? known[key] : load()[key]),
        has: (_t, key) => key in load(),
        ownKeys: () => Reflect.ownKeys(load()),
        getOwnPropertyDescriptor: (_t, key) => {
            const d = Object.getOwnPropertyDescriptor(load(), key);
            return d ? { ...d, configurable: true } : undefined;
        },
        apply: (_t, self, args) => load().apply(self, args),
        construct: (_t, args) => new (load())(...args),
    });
    require.cache[file] = stub;
}

const versionOf = (pkg: string) =>
    (JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`), "utf8")) as { version: string }).version;

/**
 * The SDK's closure serializer: the TypeScript compiler (behind `typescript-shim`) and npm's
 * Arborist (behind `closure/codePaths`, whose one function the runtime re-exports at load). The
 * plan skips closure serialization (scripts/plan/plan.ts), so loading them was a third of a second
 * of every `npm run plan` for nothing.
 */
export function deferUnusedSdkParts(): void {
    defer("@pulumi/pulumi/typescript-shim", () => ({}));
    defer("@pulumi/pulumi/runtime/closure/codePaths", (load) => ({
        computeCodePaths: (...args: unknown[]) => (load().computeCodePaths as (...a: unknown[]) => unknown)(...args),
    }));
}

/**
 * For the policy pack's process only: `run-policy-pack` registers ts-node (with the TypeScript
 * compiler, half a second to load) for every pack, but the plan's pack is compiled JavaScript
 * (scripts/plan/pack-build.ts) and any TypeScript it might still reach goes through
 * scripts/register.js, preloaded. So the registration is a no-op here; the versions the runner
 * logs are read from the packages' manifests.
 */
export function skipTsNodeRegistration(): void {
    defer("typescript", () => ({ version: versionOf("typescript") }));
    defer("ts-node", () => ({ VERSION: versionOf("ts-node"), register: () => undefined }));
}
