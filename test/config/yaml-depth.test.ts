/**
 * Every reader of a stack or project file refuses one nested past the limit before anything
 * recursive sees it: a hundred thousand `[` used to overflow the yaml parser's stack.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseYaml, StackFileError } from "../../config/sources";
import { projectName } from "../../scripts/engine/project";
import { CouldNotDecide, reviewSettings } from "../../scripts/review/stack-file";

const DEEP = `config:\n  ainative-platform:railway: ${"[".repeat(100_000)}\n`;
const SAID = /nests deeper than 64 levels; a stack file is at most 64 levels deep/;

describe("YAML readers: a file nested past the limit", () => {
    it("the shared reader says so, naming the file, instead of overflowing", () => {
        assert.throws(
            () => parseYaml(DEEP, "Pulumi.deep.yaml"),
            (e: Error) =>
                e instanceof StackFileError && /^Pulumi\.deep\.yaml: /.test(e.message) && SAID.test(e.message),
        );
    });

    it("a review or canary base is 'could not decide', with the reason", () => {
        assert.throws(
            () => reviewSettings(DEEP, "staging"),
            (e: Error) =>
                e instanceof CouldNotDecide && /Pulumi\.staging\.yaml/.test(e.message) && SAID.test(e.message),
        );
    });

    it("a project file is refused the same way", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "deep-project-"));
        try {
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${"{a: ".repeat(100_000)}`);
            assert.throws(() => projectName(dir), SAID);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
