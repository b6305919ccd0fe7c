/**
 * What a failed engine run is reported as, wherever one is (a review comment, a rotation that was
 * undone, a lease that could not settle a stack): its error lines, not its stack outputs; the
 * values being rotated cut out; every line bounded.
 */
import { strict as assert } from "assert";
import { whyFailed } from "../../../scripts/engine/why-failed";

describe("why an engine run failed", () => {
    const failedUp = (secret: string) =>
        [
            "Updating (local):",
            ` ~  railway:index:Variables platform-web updating (0s) error: railway: the variable set was refused (AUTH_SECRET=${secret})`,
            " ~  railway:index:Variables platform-web **updating failed** 1 error",
            "Outputs:",
            ...Array.from({ length: 30 }, (_, i) => `    web${i}: "https://web-${i}.up.railway.app"`),
            "Resources:",
            "    2 errored",
        ].join("\n");

    it("a failed up with its outputs last: the error lines, the rotated value cut out", () => {
        const why = whyFailed(
            { code: 255, stdout: failedUp("s3cr3t-value"), stderr: "" },
            { lines: 12, values: ["s3cr3t-value"] },
        );
        assert.match(why, /the variable set was refused \(AUTH_SECRET=\[secret\]\)/);
        assert.match(why, /\*\*updating failed\*\*/);
        assert.doesNotMatch(why, /up\.railway\.app|s3cr3t-value/);
    });

    it("bounded: at most the lines asked for, each at most 300 characters", () => {
        const stderr = Array.from({ length: 100 }, (_, i) => `error: problem ${i} ${"x".repeat(1000)}`).join("\n");
        const why = whyFailed({ code: 1, stdout: "", stderr }, { lines: 5 });
        assert.equal(why.split("\n").length, 5);
        for (const line of why.split("\n")) assert.ok(line.length <= 301, `${line.length}`);
    });
});
