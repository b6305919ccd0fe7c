/**
 * Stack files that are not what they claim, and commands asked to do the wrong thing with them:
 * the same exit code from validate and plan, the file and line named, no raw bytes echoed, and no
 * stack file ever overwritten.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planCommand } from "../../scripts/commands/plan";
import { validateCommand } from "../../scripts/commands/validate";
import { captureIO } from "../support/capture";
import { REPO_ROOT } from "../support/stack-files";

function stackFile(content: string | Buffer, name = "Pulumi.staging.yaml"): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-file-"));
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
}

const BOMB = [
    "a: &a [x, x, x, x, x, x, x, x, x]",
    ...Array.from(
        { length: 8 },
        (_, i) =>
            `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
                .fill(`*${String.fromCharCode(97 + i)}`)
                .join(", ")}]`,
    ),
    "config: {}",
].join("\n");

describe("stack files that cannot be read", function () {
    this.timeout(60_000);
    const cases: [string, string | Buffer, RegExp][] = [
        [
            "a YAML syntax error",
            "config:\n  ainative-platform:environment: staging\n  bad: [1, 2\n",
            /Pulumi\.staging\.yaml:\d+:\d+: /,
        ],
        [
            "a duplicate key",
            "config:\n  ainative-platform:environment: staging\n  ainative-platform:environment: production\n",
            /Pulumi\.staging\.yaml:3:\d+: .*[Mm]ap keys must be unique/,
        ],
        ["an alias bomb", BOMB, /Excessive alias count.*at most 100 aliases are expanded/],
        [
            "binary content",
            Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x7f, 0x1b, 0x5b]),
            /is binary, not a YAML stack file/,
        ],
        ["a document that is not a mapping", "- just\n- a list\n", /is not a Pulumi stack file/],
    ];
    for (const [what, content, message] of cases) {
        it(`${what}: validate and plan both exit 1, naming the file, echoing none of it`, async () => {
            const file = stackFile(content);
            const v = captureIO();
            assert.equal(validateCommand(["--file", file], v), 1, v.all());
            const p = captureIO();
            assert.equal(await planCommand(["--stack", "staging", "--file", file], p), 1, p.all());
            for (const out of [v.all(), p.all()]) {
                assert.match(out, message);
                assert.ok(out.includes(file), "the file is named");
                assert.ok(
                    ![...out].some(
                        (ch) => (ch.charCodeAt(0) < 32 && ch !== "\n" && ch !== "\t") || ch.charCodeAt(0) === 127,
                    ),
                    "no raw control bytes",
                );
            }
        });
    }
});

describe("npm run plan guards its inputs and outputs", function () {
    this.timeout(60_000);
    it("refuses another stack's own file (it would be planned with this stack's name and policy config)", async () => {
        const io = captureIO();
        assert.equal(
            await planCommand(
                ["--stack", "staging", "--file", path.join(REPO_ROOT, "Pulumi.production.yaml")],
                io,
                REPO_ROOT,
            ),
            2,
        );
        assert.match(io.all(), /is stack 'production''s file, not 'staging''s: pass --stack production/);
    });
    it("--out never overwrites a stack file or its input, and checks its folder before the work starts", async () => {
        const file = stackFile(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.staging.yaml")));
        const before = fs.readFileSync(file, "utf8");
        for (const [out, message] of [
            [file, /would overwrite a Pulumi project or stack file/],
            [path.join(path.dirname(file), "Pulumi.yaml"), /would overwrite a Pulumi project or stack file/],
            [path.join(path.dirname(file), "no-such-folder", "plan.md"), /does not exist or cannot be written/],
        ] as const) {
            const io = captureIO();
            assert.equal(await planCommand(["--stack", "staging", "--file", file, "--out", out], io), 2, io.all());
            assert.match(io.all(), message);
            assert.doesNotMatch(io.all(), /planning stack/, "refused before planning");
        }
        assert.equal(fs.readFileSync(file, "utf8"), before);
    });
    it("--out writes the whole plan atomically", async () => {
        const file = stackFile(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.staging.yaml")));
        const out = path.join(path.dirname(file), "plan.json");
        const io = captureIO();
        await planCommand(["--stack", "staging", "--file", file, "--format", "json", "--out", out], io);
        assert.equal(JSON.parse(fs.readFileSync(out, "utf8")).stack, "staging");
        assert.deepEqual(
            fs.readdirSync(path.dirname(out)).filter((f) => f.endsWith(".tmp")),
            [],
            "no temporary file left",
        );
    });
});
