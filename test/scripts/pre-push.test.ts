import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { prePushCommand, PrePushSteps } from "../../scripts/commands/pre-push";
import { captureIO } from "../support/capture";
import { REPO_ROOT, stackDoc } from "../support/stack-files";

/** A folder with copies of the committed stack files, one of them changed. */
function stacksWith(stack: string, mutate: (config: Record<string, any>) => void): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ainative-prepush-"));
    for (const s of ["production", "staging", "local"]) {
        const doc = stackDoc(s);
        if (s === stack) mutate(doc.config);
        fs.writeFileSync(path.join(dir, `Pulumi.${s}.yaml`), stringify(doc));
    }
    return dir;
}

const typecheckOk: PrePushSteps = { typecheck: () => true };

describe("pre-push gate", function () {
    this.timeout(120_000);

    it("is installed as the git pre-push hook by npm ci (husky)", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
        assert.equal(pkg.scripts.prepare, "husky");
        const hook = path.join(REPO_ROOT, ".husky", "pre-push");
        assert.ok(fs.statSync(hook).mode & 0o111, "the hook is executable");
        assert.match(fs.readFileSync(hook, "utf8"), /npm run -s pre-push/);
    });

    it("passes the committed stacks", async () => {
        const io = captureIO();
        assert.equal(await prePushCommand([], io, REPO_ROOT, typecheckOk), 0, io.all());
        assert.match(
            io.all(),
            /pre-push: validate local(.|\n)*offline plan of staging(.|\n)*offline plan of production(.|\n)*pre-push: ok/,
        );
    });

    it("stops a push that a mandatory policy refuses, printing the plan's finding", async () => {
        const io = captureIO();
        const dir = stacksWith("production", (c) => (c["ainative-platform:railway"].services[1].replicas = 1));
        assert.equal(await prePushCommand([], io, dir, typecheckOk), 1);
        assert.match(
            io.all(),
            /\[railway-production-replicas\] railway:ServiceInstance platform-worker: service 'worker' runs 1 replica/,
        );
        assert.match(io.all(), /push stopped/);
    });

    it("stops a push with an invalid stack file before planning", async () => {
        const io = captureIO();
        const dir = stacksWith("local", (c) => (c["ainative-platform:railway"].services[0].replicas = 0));
        assert.equal(await prePushCommand([], io, dir, typecheckOk), 1);
        assert.match(io.all(), /local: ainative-platform:railway\.services\[0\]\.replicas/);
        assert.doesNotMatch(io.all(), /offline plan/);
    });

    it("stops a push that does not typecheck", async () => {
        const io = captureIO();
        assert.equal(await prePushCommand([], io, REPO_ROOT, { typecheck: () => false }), 1);
        assert.match(io.all(), /typecheck failed; push stopped/);
    });
});
