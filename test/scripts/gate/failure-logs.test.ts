/**
 * A failed deployment's log lines on their way out of a run (stdout, the gate's record, Slack,
 * PagerDuty, GitHub): an app's log is hostile text.
 */
import { strict as assert } from "assert";
import { LOG_LINE_CHARS, redactLine } from "../../../scripts/gate/failure-logs";

describe("a log line fit to leave the run", () => {
    const stackSecret = "stack-plain-secret-value";
    const clean = (line: string) => redactLine(line, [stackSecret]);

    it("cuts out credential shapes an app prints, keeping what they were", () => {
        const cases: [string, RegExp, string][] = [
            ["login failed: password hunter2 for admin", /password \[redacted\] for admin/, "hunter2"],
            ["> Authorization: Bearer abc.def.ghijklmnop", /Authorization: \[redacted\]/, "ghijklmnop"],
            ["curl -H 'authorization: Basic dXNlcjpwYXNzd29yZA=='", /authorization: \[redacted\]/, "dXNlcjpw"],
            ["retrying with token=tok_12345678 now", /token=\[redacted\] now/, "tok_12345678"],
            ['{"client_secret": "s3cr3t-value", "ok": true}', /client_secret": \[redacted\]/, "s3cr3t-value"],
            ["X-Api-Key: 9f8e7d6c5b4a", /X-Api-Key: \[redacted\]/, "9f8e7d6c5b4a"],
            ["db at postgres://app:pa55word@db:5432/app", /<url>/, "pa55word"],
        ];
        for (const [line, kept, gone] of cases) {
            const out = clean(line);
            assert.match(out, kept, line);
            assert.ok(!out.includes(gone), `${line} -> ${out}`);
        }
    });

    it("cuts the stack's own values anywhere on the line, even past the part it keeps", () => {
        const out = clean(`${"x".repeat(LOG_LINE_CHARS + 10)} ${stackSecret}`);
        assert.ok(!out.includes(stackSecret));
        assert.ok(!clean(`boot ${stackSecret}`).includes(stackSecret));
    });

    it("removes terminal escapes instead of passing them on as text", () => {
        const out = clean("\u001b[31mERROR\u001b[0m crashed \u001b]0;title\u0007 here");
        assert.equal(out, "ERROR crashed  here");
        assert.ok(!out.includes("\u001b") && !out.includes("\\u001b"));
    });

    it("bounds a megabyte on one line (it used to hang the watcher past its own timeout)", () => {
        for (const line of ["a".repeat(1_000_000), "ab1".repeat(400_000), "x://".repeat(250_000)]) {
            const out = clean(line);
            assert.ok(out.length <= 300, `${out.length} characters`);
        }
    });
});
