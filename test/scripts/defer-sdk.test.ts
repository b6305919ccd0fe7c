/**
 * The plan's deferral of the SDK parts it never uses: in a fresh process, loading `@pulumi/pulumi`
 * after it loads neither the TypeScript compiler nor npm's Arborist, and a caller that does need
 * them (closure serialization, code paths) still gets the real modules.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { REPO_ROOT } from "../../scripts/engine/engine";

function inFreshProcess(defer: boolean, body: string): Record<string, unknown> {
    const script = [
        defer
            ? `require(${JSON.stringify(path.join(REPO_ROOT, "scripts", "plan", "defer-sdk.ts"))}).deferUnusedSdkParts();`
            : "",
        `const pulumi = require("@pulumi/pulumi");`,
        `const loaded = (part) => Object.keys(require.cache).some((k) => k.includes(part));`,
        body,
    ].join("\n");
    const r = spawnSync(process.execPath, ["-r", path.join(REPO_ROOT, "scripts", "register.js"), "-e", script], {
        cwd: REPO_ROOT,
        encoding: "utf8",
        timeout: 60_000,
    });
    assert.strictEqual(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
}

describe("plan: deferred SDK parts", function () {
    this.timeout(120_000);
    const probe = `console.log(JSON.stringify({ ts: loaded("/typescript/lib/"), arborist: loaded("/@npmcli/arborist/") }));`;

    it("without the deferral, @pulumi/pulumi loads the compiler and Arborist (what the deferral saves)", () => {
        assert.deepStrictEqual(inFreshProcess(false, probe), { ts: true, arborist: true });
    });

    it("with it, neither loads", () => {
        // The compiler may be in memory anyway (scripts/register.js uses it on a cold transpile
        // cache): what counts is that the SDK's shim of it stayed deferred.
        const deferred = `console.log(JSON.stringify({
            deferred: require(${JSON.stringify(path.join(REPO_ROOT, "scripts", "plan", "defer-sdk.ts"))}).stillDeferred(),
            arborist: loaded("/@npmcli/arborist/"),
        }));`;
        assert.deepStrictEqual(inFreshProcess(true, deferred), {
            deferred: ["@pulumi/pulumi/typescript-shim", "@pulumi/pulumi/runtime/closure/codePaths"],
            arborist: false,
        });
    });

    it("in the pack's process, run-policy-pack's ts-node registration loads neither ts-node nor the compiler", () => {
        const defer = path.join(REPO_ROOT, "scripts", "plan", "defer-sdk.ts");
        const script = `
            require(${JSON.stringify(path.join(REPO_ROOT, "scripts", "plan", "pack-preload.ts"))});
            const { stillDeferred } = require(${JSON.stringify(defer)});
            const tsn = require("ts-node");
            const ts = require("typescript");
            const out = { version: ts.version, VERSION: tsn.VERSION, registered: tsn.register({ typeCheck: true }) ?? null };
            out.deferredBefore = stillDeferred();
            out.kind = ts.SyntaxKind.Identifier > 0;
            out.deferredAfter = stillDeferred();
            console.log(JSON.stringify(out));`;
        const r = spawnSync(process.execPath, ["-r", path.join(REPO_ROOT, "scripts", "register.js"), "-e", script], {
            cwd: REPO_ROOT,
            encoding: "utf8",
            timeout: 60_000,
        });
        assert.strictEqual(r.status, 0, r.stderr);
        const all = [
            "@pulumi/pulumi/typescript-shim",
            "@pulumi/pulumi/runtime/closure/codePaths",
            "typescript",
            "ts-node",
        ];
        assert.deepStrictEqual(JSON.parse(r.stdout), {
            version: require("typescript/package.json").version,
            VERSION: require("ts-node/package.json").version,
            registered: null,
            deferredBefore: all,
            kind: true,
            deferredAfter: all.filter((m) => m !== "typescript"),
        });
    });

    it("a caller that needs them still gets the real modules", () => {
        const r = inFreshProcess(
            true,
            `pulumi.runtime.serializeFunction(() => 42).then(async (s) => {
                const paths = await pulumi.runtime.computeCodePaths();
                console.log(JSON.stringify({ text: s.text.includes("42"), ts: loaded("/typescript/lib/"), paths: paths.size > 0 }));
            });`,
        );
        assert.deepStrictEqual(r, { text: true, ts: true, paths: true });
    });
});
