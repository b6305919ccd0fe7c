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

    it("an error whose reasons follow it (a provider's initialization error): the reasons too", () => {
        const stdout = [
            " +  railway:index:Environment platform-pr-1 creating (0s) error: 1 error occurred:",
            " +  railway:index:Environment platform-pr-1 **creating failed** error: 1 error occurred:",
            "Diagnostics:",
            "  railway:index:Environment (platform-pr-1):",
            "    error: 2 errors occurred:",
            "    \t* railway.Environment 'pr-1': Railway was still copying 'staging' into it",
            "    \t* a second reason",
            "",
            "* a bullet of the outputs, after the errors",
            "Outputs:",
            '    web: "https://web-1.up.railway.app"',
        ].join("\n");
        const why = whyFailed({ code: 255, stdout, stderr: "" });
        assert.match(why, /Railway was still copying 'staging' into it\n\* a second reason/);
        assert.doesNotMatch(why, /bullet of the outputs|up\.railway\.app/);
    });

    it("bounded: at most the lines asked for, each at most 300 characters", () => {
        const stderr = Array.from({ length: 100 }, (_, i) => `error: problem ${i} ${"x".repeat(1000)}`).join("\n");
        const why = whyFailed({ code: 1, stdout: "", stderr }, { lines: 5 });
        assert.equal(why.split("\n").length, 5);
        for (const line of why.split("\n")) assert.ok(line.length <= 301, `${line.length}`);
    });
});
