/**
 * What an exception that escapes a command prints and how the process ends: an expected error is
 * its message and its kind's exit code; a machine's failure is "could not decide"; anything else is
 * a bug, printed with its stack and a request for a report, with an exit code of its own.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { ConfigurationError, RefusedError, UndecidedError, UsageError } from "../../config/errors";
import { ConfigValidationError } from "../../config/issues";
import { StackFileError } from "../../config/sources";
import { EXIT, reportEscaped } from "../../scripts/commands/io";
import { REPO_ROOT } from "../../scripts/engine/engine";
import { captureIO } from "../support/capture";

describe("an exception that escapes a command", () => {
    it("an expected error prints its message alone and exits with its kind's code", () => {
        const cases: [Error, number][] = [
            [new UsageError("--stack is required"), EXIT.usage],
            [new UndecidedError("Railway did not answer"), EXIT.usage],
            [new ConfigurationError("Pulumi.x.yaml: not YAML"), EXIT.findings],
            [new RefusedError("the target already holds the stack"), EXIT.findings],
            [new StackFileError("Pulumi.x.yaml line 3: bad indentation"), EXIT.findings],
            [new ConfigValidationError("x", [{ path: "a.b", problem: "is wrong", fix: "fix it" }]), EXIT.findings],
        ];
        for (const [e, code] of cases) {
            const io = captureIO();
            assert.equal(reportEscaped(e, io), code, e.name);
            assert.match(io.all(), /^error: /);
            assert.doesNotMatch(io.all(), /\bat |internal error|bug/, `${e.name}: no stack, no bug report`);
        }
    });

    it("a refused connection or a missing file is the machine's: its message, no stack, exit 2", () => {
        const refused = Object.assign(new TypeError("fetch failed"), {
            cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }),
        });
        const io = captureIO();
        assert.equal(reportEscaped(refused, io), EXIT.usage);
        assert.equal(io.all(), "error: fetch failed (ECONNREFUSED); nothing was decided.");
    });

    it("anything else is a bug: its stack, a request for a report, the internal-error code, bounded", () => {
        const io = captureIO();
        const bug = new TypeError(`Cannot read properties of undefined (reading 'id') ${"x".repeat(10_000)}`);
        assert.equal(reportEscaped(bug, io), EXIT.internal);
        const text = io.all();
        assert.match(text, /^internal error: TypeError: Cannot read properties of undefined/);
        assert.match(text, /\n\s+at .*errors\.test\.ts/, "the stack names where it was thrown");
        assert.match(text, /This is a bug in ainative-platform[^]*Exit code 70/);
        assert.ok(text.length < 8_000, "an unbounded message is cut");
        assert.notEqual(EXIT.internal, EXIT.usage);
        assert.notEqual(EXIT.internal, EXIT.findings);
    });

    it("an injected bug inside a command run as a process prints its stack and exits 70", () => {
        // A command module whose body throws, run through the same runner every command uses.
        const program = `
            const { runMain } = require(${JSON.stringify(path.join(REPO_ROOT, "scripts/commands/io.ts"))});
            runMain(async () => { const svc = undefined; return svc.name.length; });`;
        const r = spawnSync(process.execPath, ["-r", path.join(REPO_ROOT, "scripts/register.js"), "-e", program], {
            encoding: "utf8",
            timeout: 60_000,
        });
        assert.equal(r.status, EXIT.internal, r.stderr);
        assert.match(r.stderr, /^internal error: TypeError: Cannot read properties of undefined \(reading 'name'\)/);
        assert.match(r.stderr, /\n\s+at /);
        assert.match(r.stderr, /please open an issue/i);
    });
});
