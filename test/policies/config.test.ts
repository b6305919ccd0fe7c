import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import type { AnalyzerInfo } from "../../scripts/plan/analyzer";
import { PolicyConfigError, policyPackConfig } from "../../scripts/plan/policy-config";
import { REPO_ROOT, stackDoc } from "../support/stack-files";

/** A pack description as GetAnalyzerInfo returns it. */
const INFO: AnalyzerInfo = {
    name: "ainative-platform",
    version: "0.1.0",
    policies: [
        {
            name: "a",
            description: "",
            enforcementLevel: "mandatory",
            configSchema: {
                properties: {
                    min: { type: "integer", minimum: 1, default: 2 },
                    hosts: { type: "array", items: { type: "string" } },
                },
                required: [],
            },
        },
        { name: "b", description: "", enforcementLevel: "mandatory" },
    ],
};

describe("policy pack config (--policy-pack-config)", () => {
    it("applies 'all', per-policy levels and the schema's defaults", () => {
        const c = policyPackConfig(INFO, { all: "advisory", b: "disabled", a: { hosts: ["x.example"] } });
        assert.deepEqual(c, {
            a: { enforcementLevel: "advisory", properties: { hosts: ["x.example"], min: 2 } },
            b: { enforcementLevel: "disabled", properties: {} },
        });
    });

    it("keeps the pack's own levels without a file", () => {
        assert.equal(policyPackConfig(INFO, {}).a.enforcementLevel, "mandatory");
    });

    it("reports every problem of a file at once, naming policy and setting", () => {
        assert.throws(
            () =>
                policyPackConfig(
                    INFO,
                    {
                        all: "loud",
                        c: "advisory",
                        a: { min: 0, hosts: [1], colour: "red", enforcementLevel: "sometimes" },
                    },
                    "x.json",
                ),
            (e: unknown) => {
                assert.ok(e instanceof PolicyConfigError);
                assert.equal(e.problems.length, 6, e.message);
                for (const re of [
                    /^all: must be one of/,
                    /^c: no such policy/,
                    /^a\.min: must be at least 1/,
                    /^a\.hosts\[0\]: expected string/,
                    /^a\.colour: not a setting of this policy \(settings: min, hosts\)/,
                    /^a\.enforcementLevel: must be one of/,
                ]) {
                    assert.ok(
                        e.problems.some((p) => re.test(p)),
                        `${re} in ${e.problems.join("; ")}`,
                    );
                }
                return true;
            },
        );
    });

    it("staging's production hosts in the policy config match the staging stack's", () => {
        const file = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "policies", "config", "staging.json"), "utf8"));
        const hosts = stackDoc("staging").config["ainative-platform:productionHosts"];
        assert.deepEqual(file["staging-isolation"].productionHosts, hosts);
        assert.deepEqual(file["railway-variables-schema"].productionHosts, hosts);
    });
});
