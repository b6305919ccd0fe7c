import { strict as assert } from "assert";
import { planCommand } from "../../scripts/commands/plan";
import { PolicyAnalyzer } from "../../scripts/plan/analyzer";
import { PLAN_FORMAT_VERSION, PlanResult, runPlan, startPolicyPack } from "../../scripts/plan/plan";
import { render, renderMarkdown } from "../../scripts/plan/render";
import { captureIO } from "../support/capture";
import { PLANTED_SECRETS, REPO_ROOT, runtimeConfig, writeStackVariant } from "../support/stack-files";

const planted = Object.values(PLANTED_SECRETS);
const leaks = (text: string) => planted.filter((p) => text.includes(p));

describe("npm run plan (offline plan)", function () {
    this.timeout(120_000);

    it("exits 0 on the committed production stack and says why", async () => {
        const io = captureIO();
        assert.equal(await planCommand(["--stack", "production"], io, REPO_ROOT), 0, io.all());
        const text = io.stdout.join("\n");
        assert.match(text, /Config: valid/);
        assert.match(text, /mandatory: none/);
        assert.match(text, /railway:ServiceInstance platform-web .*replicas=\{"europe-west4-drams3a":1,"us-west2":3\}/);
        assert.match(text, /Result: OK \(exit 0\)/);
    });

    it("exits 1 on production with a one-replica service, naming the policy and the resource", async () => {
        const file = writeStackVariant("production", (c) => (c["ainative-platform:railway"].services[1].replicas = 1));
        const io = captureIO();
        assert.equal(await planCommand(["--stack", "production", "--file", file], io, REPO_ROOT), 1);
        assert.match(
            io.stdout.join("\n"),
            /mandatory: 1\n\s+\[railway-production-replicas\] railway:ServiceInstance platform-worker: service 'worker' runs 1 replica/,
        );
    });

    it("exits 0 on staging with the same change, reporting it as advisory", async () => {
        const file = writeStackVariant("staging", (c) => (c["ainative-platform:railway"].services[1].replicas = 1));
        const io = captureIO();
        assert.equal(await planCommand(["--stack", "staging", "--file", file], io, REPO_ROOT), 0);
        assert.match(
            io.stdout.join("\n"),
            /advisory: \d+\n(.*\n)*\s+\[railway-production-replicas\] railway:ServiceInstance platform-worker/,
        );
    });

    it("exits 1 with every config problem and runs nothing when the config is invalid", async () => {
        const file = writeStackVariant("production", (c) => {
            c["ainative-platform:railway"].services[0].replicas = 0;
            c["ainative-platform:railway"].services[1].variables.NODE_ENV = "development";
        });
        for (const format of ["text", "json", "markdown"]) {
            const io = captureIO();
            assert.equal(
                await planCommand(["--stack", "production", "--file", file, "--format", format], io, REPO_ROOT),
                1,
            );
            assert.match(io.stdout.join("\n"), /services\[0\]\.replicas(.|\n)*services\[1\]\.variables\.NODE_ENV/);
        }
    });

    it("exits 1 naming the problem when the policy pack cannot start", async () => {
        const broken = require("fs").mkdtempSync(require("path").join(require("os").tmpdir(), "broken-pack-"));
        require("fs").writeFileSync(require("path").join(broken, "index.ts"), "const x: number = 'not a number';\n");
        const plan = await runPlan({ stack: "local", packDir: broken });
        assert.equal(plan.ok, false);
        assert.match(
            plan.error ?? "",
            /the policy pack could not start: the policy pack does not compile:(.|\n)*not assignable to type 'number'/,
        );
        assert.match(render(plan, "text"), /Result: FAILED: the policy pack could not start/);
    });

    it("exits 2 on usage errors", async () => {
        for (const argv of [
            [],
            ["--stack", "production", "--format", "yaml"],
            ["--stack", "nope"],
            ["--stak", "production"],
        ]) {
            const io = captureIO();
            assert.equal(await planCommand(argv, io, REPO_ROOT), 2, argv.join(" "));
            assert.match(io.stderr.join("\n"), /^error: [^]*Usage: npm run plan -- \[options\]/);
        }
    });

    describe("formats and secrets", () => {
        let pack: PolicyAnalyzer;
        let plan: PlanResult;
        before(async () => {
            pack = await startPolicyPack();
            // The runtime's view after decryption: every secret is a known, planted value.
            plan = await runPlan({ stack: "production", runtime: runtimeConfig("production"), analyzer: pack });
        });
        after(async () => pack?.close());

        it("never prints a secret value in any format, even when the values are known", () => {
            assert.equal(plan.ok, true);
            for (const format of ["text", "json", "markdown"] as const)
                assert.deepEqual(leaks(render(plan, format)), [], format);
            assert.match(render(plan, "text"), /secretVariables=\{AUTH_SECRET=\[secret\], OPENAI_API_KEY=\[secret\]/);
        });

        it("never prints a secret that was misplaced in plain config, in any format", async () => {
            const file = writeStackVariant(
                "production",
                (c) =>
                    (c["ainative-platform:railway"].services[0].variables.STRIPE_SECRET_KEY =
                        PLANTED_SECRETS.STRIPE_SECRET_KEY_LIVE),
            );
            for (const format of ["text", "json", "markdown"]) {
                const io = captureIO();
                assert.equal(
                    await planCommand(["--stack", "production", "--file", file, "--format", format], io, REPO_ROOT),
                    1,
                );
                assert.match(io.all(), /STRIPE_SECRET_KEY/);
                assert.deepEqual(leaks(io.all()), [], format);
            }
        });

        it("JSON carries a version, the config verdict, resources with parents and protect, counts and violations", () => {
            const json = JSON.parse(render(plan, "json"));
            assert.equal(json.version, PLAN_FORMAT_VERSION);
            assert.deepEqual(Object.keys(json), [
                "version",
                "stack",
                "project",
                "ok",
                "config",
                "resources",
                "counts",
                "policies",
                "error",
            ]);
            assert.equal(json.error, null);
            const project = json.resources.find((r: any) => r.type === "railway:index:Project");
            assert.equal(project.protect, true);
            assert.match(project.parent, /ainative:railway:RailwayApp::platform$/);
            assert.equal(json.counts["railway:index:Service"], 4);
            assert.deepEqual(json.policies.mandatory, []);
        });

        it("markdown adds a Mermaid diagram of components and resources up to 100 resources", () => {
            const md = renderMarkdown(plan);
            assert.match(md, /```mermaid\ngraph LR\n/);
            assert.match(md, /subgraph \w+\["ainative:railway:RailwayApp platform"\]/);
            assert.equal((md.match(/\["railway:Service<br\/>/g) ?? []).length, 4);
            assert.doesNotMatch(renderMarkdown(plan, { diagramLimit: 10 }), /mermaid/);
        });

        it("writes to --out", async () => {
            const out = require("path").join(require("os").tmpdir(), `plan-${process.pid}.md`);
            const io = captureIO();
            assert.equal(
                await planCommand(["--stack", "local", "--format", "markdown", "--out", out], io, REPO_ROOT),
                0,
            );
            assert.match(require("fs").readFileSync(out, "utf8"), /### Offline plan: `local`/);
        });
    });
});
