/**
 * Properties of validation over arbitrary configs (fast-check): random keys, values, names,
 * references, unicode and huge strings. Validation never throws (it only reports lines), never
 * prints a planted secret, reports every mistake injected, and the offline plan agrees with it on
 * validity.
 */
import { strict as assert } from "assert";
import * as fc from "fast-check";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { formatIssue } from "../../config/issues";
import { fromConfigMap } from "../../config/sources";
import { validateStackConfig } from "../../config/validate";
import { runPlan } from "../../scripts/plan/plan";
import { decryptedSecrets, PLANTED_SECRETS, stackDoc } from "../support/stack-files";

type Config = Record<string, any>;

/** The committed stack's config, with planted plaintext secrets as the runtime would see them. */
function base(stack: string): Config {
    const doc = stackDoc(stack);
    return structuredClone({ ...doc.config, "ainative-platform:secrets": decryptedSecrets(stack, doc) });
}

function validate(stack: string, config: Config): string[] {
    const source = fromConfigMap(stack, config, (k) => k === "ainative-platform:secrets");
    const result = validateStackConfig(source.raw);
    return [...source.issues, ...(result.ok ? [] : result.issues), ...result.warnings].map((i) =>
        formatIssue(stack, i),
    );
}

const PLANTED = Object.values(PLANTED_SECRETS);
const web = (c: Config) => c["ainative-platform:railway"].services[0];

/** Values of every kind, including hostile ones. */
const value = fc.oneof(
    fc.string(),
    fc.string({ unit: "grapheme" }),
    fc.string({ unit: "binary" }),
    fc.constantFrom(
        "${{postgres.DATABASE_URL}}",
        "${{nope.X}}",
        "${{shared.Y}}",
        "${{",
        "}}",
        "http://[::ffff:7f00:1]/",
        "https://app.ainative.studio/",
        "0x7f000001",
    ),
    fc
        .tuple(fc.string(), fc.constantFrom("${{web.RAILWAY_PUBLIC_DOMAIN}}", "${{POSTGRES_USER}}"), fc.string())
        .map(([a, r, b]) => a + r + b),
    fc.integer({ min: 10_000, max: 200_000 }).map((n) => "z".repeat(n)),
);
const key = fc.oneof(
    fc.string(),
    fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,20}$/),
    fc.constantFrom("constructor", "__proto__", "toString", "NODE_ENV", "DATABASE_URL"),
);
const serviceName = fc.oneof(
    fc.string(),
    fc.stringMatching(/^[a-z][a-z0-9-]{0,40}$/),
    fc.constantFrom("constructor", "__proto__", "hasownproperty", "web", "postgres"),
);

/** Mistakes with the path each must be reported at. */
const MISTAKES: Record<string, [(c: Config) => void, string]> = {
    replicas: [(c) => (web(c).replicas = 99), "railway.services[0].replicas"],
    region: [(c) => (c["ainative-platform:railway"].region = "mars-1"), "railway.region"],
    unknownKey: [(c) => (web(c).variables.STRIPE_SECRT_KEY = "x"), "railway.services[0].variables.STRIPE_SECRT_KEY"],
    nodeEnv: [(c) => (web(c).variables.NODE_ENV = "development"), "railway.services[0].variables.NODE_ENV"],
    badReference: [
        (c) => (web(c).variables.DATABASE_URL = "${{postgress.DATABASE_URL}}?sslmode=require"),
        "railway.services[0].variables.DATABASE_URL",
    ],
    plainCredential: [
        (c) => {
            web(c).allowedExtraVariables = [...(web(c).allowedExtraVariables ?? []), "EXTRA_TOKEN"];
            web(c).variables.EXTRA_TOKEN = ["ghp", "PLANTEDabcdefghijklmnopqrstuvwxyz0123"].join("_");
        },
        "railway.services[0].variables.EXTRA_TOKEN",
    ],
    privateHost: [
        (c) => (web(c).variables.NEXT_PUBLIC_API_URL = "https://10.1.2.3/api"),
        "railway.services[0].variables.NEXT_PUBLIC_API_URL",
    ],
    unknownSetting: [(c) => (c["ainative-platform:railway"].protekt = true), "railway.protekt"],
};

describe("validation properties (fast-check)", function () {
    this.timeout(300_000);

    it("never throws and never prints a planted secret, whatever the keys, values and names", () => {
        fc.assert(
            fc.property(
                fc.array(fc.tuple(key, value), { maxLength: 6 }),
                fc.array(serviceName, { maxLength: 2 }),
                (vars, names) => {
                    const c = base("production");
                    for (const [k, v] of vars) web(c).variables[k] = v;
                    names.forEach((n, i) => (c["ainative-platform:railway"].services[i + 1].name = n));
                    const lines = validate("production", c);
                    for (const line of lines) {
                        for (const secret of PLANTED) assert.ok(!line.includes(secret), "a planted secret was printed");
                        assert.ok(line.length < 2000, `a line of ${line.length} characters`);
                    }
                },
            ),
            { numRuns: 150 },
        );
    });

    it("reports every injected mistake, at its path, whatever else is wrong", () => {
        fc.assert(
            fc.property(fc.subarray(Object.keys(MISTAKES), { minLength: 1 }), (picked) => {
                const c = base("production");
                for (const m of picked) MISTAKES[m][0](c);
                const lines = validate("production", c);
                for (const m of picked)
                    assert.ok(
                        lines.some((l) => l.includes(`ainative-platform:${MISTAKES[m][1]}`)),
                        `${m} not reported:\n${lines.join("\n")}`,
                    );
            }),
            { numRuns: 60 },
        );
    });

    it("the offline plan agrees with validate on whether a config is valid", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "prop-plan-"));
        await fc.assert(
            fc.asyncProperty(fc.subarray(Object.keys(MISTAKES)), async (picked) => {
                const doc = stackDoc("staging");
                for (const m of picked) MISTAKES[m][0](doc.config);
                const file = path.join(dir, "Pulumi.staging.yaml");
                fs.writeFileSync(file, stringify(doc));
                const valid = validate("staging", { ...doc.config }).filter((l) => !l.includes("warning")).length === 0;
                const plan = await runPlan({ stack: "staging", file });
                assert.equal(
                    plan.config.valid,
                    valid,
                    `${picked.join(", ")}: plan says ${plan.config.valid}, validate ${valid}\n${plan.config.issues.join("\n")}`,
                );
            }),
            { numRuns: 12 },
        );
    });
});
