/**
 * The second adversarial round, validation: one mistake is one line; hostile files (deep, huge,
 * endless, prototype keys, escape codes) get a clear exit-1 error naming the limit and the file,
 * within bounds of time and output; YAML merge keys work as Pulumi reads them.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { stringify } from "yaml";
import { readStackFile, STACK_FILE_LIMITS } from "../../config/sources";
import { MAX_REPORTED_ISSUES, reportedIssues, validateStackConfig } from "../../config/validate";
import { formatIssue } from "../../config/issues";
import { validateCommand } from "../../scripts/commands/validate";
import { validateEnvCommand } from "../../scripts/commands/validate-env";
import { captureIO } from "../support/capture";
import { stackDoc, writeStackVariant } from "../support/stack-files";

type Config = Record<string, any>;
const web = (c: Config) => c["ainative-platform:railway"].services.find((s: Config) => s.name === "web");

function lines(stack: string, file: string): string[] {
    const src = readStackFile(file, stack);
    return reportedIssues(src.issues, validateStackConfig(src.raw)).map((i) => formatIssue(stack, i));
}
const variant = (mutate: (c: Config) => void) => lines("production", writeStackVariant("production", mutate));
function tmpFile(name: string, text: string | Buffer): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hostile-"));
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
}
function validateText(text: string): { code: number; out: string } {
    const file = tmpFile("Pulumi.production.yaml", text);
    const io = captureIO();
    const code = validateCommand(["--file", file], io, path.dirname(file));
    return { code, out: io.all() };
}

describe("hardening, second round: validation", function () {
    this.timeout(60_000);

    for (const [what, mutate, where] of [
        ["a look-alike key", (c: Config) => (web(c).variables.LOG_LEVEl = "info"), "variables.LOG_LEVEl"],
        ["a secure: value", (c: Config) => (web(c).variables.LOG_LEVEL = { secure: "v1:AAAA" }), "variables.LOG_LEVEL"],
        ["a complex value", (c: Config) => (web(c).variables.FEATURES = { a: 1 }), "variables.FEATURES"],
        [
            "an escape code in a key",
            (c: Config) => (web(c).variables["LOG\u001b[31m"] = "info"),
            "variables.LOG\\u001b[31m",
        ],
        [
            "a bad health-check timeout",
            (c: Config) => (web(c).healthcheck.timeoutSeconds = "soon"),
            "healthcheck.timeoutSeconds",
        ],
    ] as const) {
        it(`10. ${what} is reported once, and nothing else is`, () => {
            const found = variant(mutate);
            assert.equal(found.length, 1, found.join("\n"));
            assert.ok(found[0].includes(where), found[0]);
        });
    }

    it("10. a !!binary tag under variables is one line", () => {
        const doc = stackDoc("production");
        const text = stringify(doc).replace("          LOG_LEVEL: info", "          LOG_LEVEL: !!binary aGVsbG8=");
        assert.ok(text.includes("!!binary"));
        const found = lines("production", tmpFile("Pulumi.production.yaml", text));
        assert.equal(found.length, 1, found.join("\n"));
    });

    it("11. nesting 3,000 or 100,000 deep is a clear error naming the limit and the file, exit 1", () => {
        for (const n of [3_000, 100_000]) {
            for (const text of [
                `config:\n  x: ${"[".repeat(n)}${"]".repeat(n)}\n`,
                `config:\n${Array.from({ length: Math.min(n, 1500) }, (_, i) => `${" ".repeat(i + 2)}k:`).join("\n")}\n`,
            ]) {
                const r = validateText(text);
                assert.equal(r.code, 1, r.out);
                assert.match(
                    r.out,
                    new RegExp(
                        `Pulumi\\.production\\.yaml: (nests deeper than ${STACK_FILE_LIMITS.depth} levels|is \\d+ bytes; at most)`,
                    ),
                );
                assert.doesNotMatch(r.out, /Maximum call stack/);
            }
        }
    });

    it("12. __proto__ anywhere is refused; a service named constructor works like any other name", () => {
        const text = stringify(stackDoc("production")).replace(
            "        variables:\n",
            "        variables:\n          __proto__:\n            NODE_ENV: development\n",
        );
        const found = lines("production", tmpFile("Pulumi.production.yaml", text));
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /variables\.__proto__: is not allowed as a key/);
        const renamed = variant((c) => {
            const worker = c["ainative-platform:railway"].services.find((s: Config) => s.name === "worker");
            worker.name = "constructor";
            const secrets = c["ainative-platform:secrets"].services;
            secrets.constructor = secrets.worker;
            delete secrets.worker;
        });
        assert.deepEqual(renamed, []);
    });

    it("12. any legal service name works, the names plain objects carry included (property); a bad name is one line", () => {
        const rename = (name: string) =>
            variant((c) => {
                const worker = c["ainative-platform:railway"].services.find((s: Config) => s.name === "worker");
                worker.name = name;
                const secrets = c["ainative-platform:secrets"].services;
                secrets[name] = secrets.worker;
                delete secrets.worker;
            });
        fc.assert(
            fc.property(
                fc.oneof(
                    fc.constantFrom("constructor", "prototype", "tostring", "valueof"),
                    fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
                ),
                (name) => {
                    fc.pre(!["web", "postgres", "redis"].includes(name));
                    const found = rename(name);
                    assert.deepEqual(found, [], `${name}:\n${found.join("\n")}`);
                },
            ),
            { numRuns: 40 },
        );
        const bad = rename("hasOwnProperty");
        assert.equal(bad.length, 1, bad.join("\n"));
        assert.match(bad[0], /services\[1\]\.name: must be lower-case/);
    });

    it("13. thousands of unknown keys: bounded output, summarised past the limit, in bounded work", () => {
        const found = variant((c) => {
            for (let i = 0; i < 5_000; i++) web(c)[`unknown${i}`] = i;
        });
        assert.equal(found.length, MAX_REPORTED_ISSUES + 1);
        assert.match(found[found.length - 1], /4950 more problems not listed/);
        const big = validateText(`config:\n${"  k: 1\n".repeat(200_000)}`);
        assert.equal(big.code, 1);
        assert.match(big.out, /is \d+ bytes; at most 1048576 bytes are read/);
        assert.ok(big.out.length < 2_000);
    });

    it("13. validate-env: a file with too many keys, or too many problems, is bounded", () => {
        const file = tmpFile(".env", Array.from({ length: 20_000 }, (_, i) => `K${i}=v`).join("\n"));
        const io = captureIO();
        assert.equal(validateEnvCommand(["--env", "staging", "--file", file], io, {}, path.dirname(file)), 1);
        assert.match(io.all(), /has 20000 keys; at most 10000 are checked/);
        const many = tmpFile(".env", Array.from({ length: 500 }, (_, i) => `UNKNOWN_${i}=v`).join("\n"));
        const io2 = captureIO();
        validateEnvCommand(["--env", "staging", "--file", many], io2, {}, path.dirname(many));
        assert.ok(io2.stderr.length <= MAX_REPORTED_ISSUES + 2, `${io2.stderr.length} lines`);
        assert.match(io2.all(), /more problems not listed/);
    });

    it("14. non-regular files are refused at once: /dev/zero, a directory", () => {
        for (const file of ["/dev/zero", os.tmpdir()]) {
            const io = captureIO();
            assert.equal(validateEnvCommand(["--env", "staging", "--file", file], io, {}, "/"), 1);
            assert.match(io.all(), /is not a regular file/);
            const v = captureIO();
            assert.equal(validateCommand(["--file", file, "--stack", "production"], v, "/"), 1);
            assert.match(v.all(), /is not a regular file/);
        }
    });

    it("15. escape codes and right-to-left marks in keys are printed escaped", () => {
        const file = tmpFile(".env", "A\u001b]0;owned\u0007B=1\nC\u202eD=2\n");
        const io = captureIO();
        validateEnvCommand(["--env", "staging", "--file", file], io, {}, path.dirname(file));
        assert.ok(![..."\u001b\u0007\u202e"].some((c) => io.all().includes(c)), JSON.stringify(io.all()));
        assert.match(io.all(), /A\\u001b\]0;owned\\u0007B/);
        const found = variant((c) => (web(c).variables["X\u202eY"] = "1"));
        assert.ok(
            found.every((l) => !l.includes("\u202e")) && found.some((l) => l.includes("X\\u202eY")),
            found.join("\n"),
        );
    });

    it("16. an env key set twice is reported whichever value is the bad one", () => {
        for (const text of ["LOG_LEVEL=loud\nLOG_LEVEL=info\n", "LOG_LEVEL=info\nLOG_LEVEL=loud\n"]) {
            const file = tmpFile(".env", text);
            const io = captureIO();
            assert.equal(validateEnvCommand(["--env", "local", "--file", file], io, {}, path.dirname(file)), 1);
            assert.match(io.all(), /LOG_LEVEL: is set 2 times \(lines 1, 2\); only the last one counts/);
        }
    });

    it("17. YAML merge keys work as Pulumi reads them", () => {
        const text = stringify(stackDoc("production"));
        const gate = "  ainative-platform:gate:\n";
        assert.ok(text.includes(gate));
        const merged = text.replace(gate, `${gate}    <<: {monitoringWindowMinutes: 12, intervalSeconds: 5}\n`);
        assert.deepEqual(lines("production", tmpFile("Pulumi.production.yaml", merged)), []);
        const src = readStackFile(tmpFile("Pulumi.production.yaml", merged), "production");
        const r = validateStackConfig(src.raw);
        assert.ok(r.ok);
        assert.equal(r.config.gate.monitoringWindowMinutes, 10, "a key written beside the merge wins, as in YAML");
        assert.equal(r.config.gate.intervalSeconds, 5);
    });
});
