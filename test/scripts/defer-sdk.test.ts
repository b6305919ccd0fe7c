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
        assert.deepStrictEqual(inFreshProcess(true, probe), { ts: false, arborist: false });
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
