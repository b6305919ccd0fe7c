/**
 * Defers two parts of the Pulumi SDK that `@pulumi/pulumi` loads at once and an offline plan never
 * uses: the TypeScript compiler (behind `typescript-shim`, for serializing a dynamic provider's
 * code) and npm's Arborist (behind `closure/codePaths`, for finding a closure's packages). The plan
 * skips closure serialization (scripts/plan/plan.ts), so loading them was a third of a second of
 * every `npm run plan` for nothing. Each is replaced in the module cache by a stand-in that loads
 * the real module the first time anything touches it, so a path that does need one still works.
 * Call before anything loads `@pulumi/pulumi`.
 */
import Module = require("module");

/**
 * Each module, and the exports its importers read while loading (`exports.x = m.x`): those are
 * answered with a function that loads the module when called. Anything else loads it at once.
 */
const DEFERRED: Record<string, string[]> = {
    "@pulumi/pulumi/typescript-shim": [],
    "@pulumi/pulumi/runtime/closure/codePaths": ["computeCodePaths"],
};

type Loaded = Record<PropertyKey, unknown> & ((...args: unknown[]) => unknown) & (new (...args: unknown[]) => object);

export function deferUnusedSdkParts(): void {
    for (const [request, functions] of Object.entries(DEFERRED)) {
        let file: string;
        try {
            file = require.resolve(request);
        } catch {
            continue; // another SDK layout: nothing to defer, the plan is only slower
        }
        if (require.cache[file]) continue;
        let real: Loaded | undefined;
        const load = (): Loaded => {
            if (!real) {
                delete require.cache[file];
                real = require(file) as Loaded;
                stub.exports = real;
            }
            return real;
        };
        const stub = new Module(file);
        stub.filename = file;
        stub.loaded = true;
        stub.exports = new Proxy(function deferred() {}, {
            get: (_t, key) =>
                typeof key === "string" && functions.includes(key) && !real
                    ? (...args: unknown[]) => (load()[key] as (...a: unknown[]) => unknown)(...args)
                    : load()[key],
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
}
