/** The railway-variables-schema policy (policies/rules/railway-variables-schema.ts): compliant baseline, one change per violation. */
import { strict as assert } from "assert";
import { assertCompliant, assertViolation, baseline, change, secret, sharedPack, UNKNOWN } from "../harness";

describe("policy railway-variables-schema", function () {
    this.timeout(60_000);
    let pack: Awaited<ReturnType<typeof sharedPack>>;
    before(async () => (pack = await sharedPack()));
    const P = "railway-variables-schema";
    it("passes production and staging as committed", async () => {
        assertCompliant(await pack.run("production", await baseline("production"), P));
        assertCompliant(await pack.run("staging", await baseline("staging"), P));
    });
    it("fails a plain value that breaks the production rules", async () => {
        const r = change(
            await baseline("production"),
            "Variables",
            "platform-web",
            (p) => (p.variables.NEXT_PUBLIC_APP_URL = "http://app.ainative.studio"),
        );
        assertViolation(
            await pack.run("production", r, P),
            "mandatory",
            "platform-web",
            /service 'web': NEXT_PUBLIC_APP_URL/,
        );
    });
    it("checks known secret values too, without printing them", async () => {
        const r = change(
            await baseline("production"),
            "Variables",
            "platform-worker",
            (p) => (p.secretVariables.STRIPE_SECRET_KEY = secret("sk_test_PLANTEDvalue0123456789")),
        );
        const d = await pack.run("production", r, P);
        assertViolation(d, "mandatory", "platform-worker", /STRIPE_SECRET_KEY/);
        assert.ok(!d[0].message.includes("PLANTEDvalue"));
    });
    it("checks nothing while a whole variable set is unknown", async () => {
        const r = change(
            await baseline("production"),
            "Variables",
            "platform-web",
            (p) => (p.secretVariables = UNKNOWN),
        );
        assertCompliant(await pack.run("production", r, P));
    });
    it("counts an unknown value (a DSN not created yet) as present", async () => {
        const r = change(
            await baseline("production"),
            "Variables",
            "platform-web",
            (p) => (p.secretVariables.AUTH_SECRET = UNKNOWN),
        );
        assertCompliant(await pack.run("production", r, P));
    });
    it("follows allowedExtras", async () => {
        const r = change(
            await baseline("production"),
            "Variables",
            "platform-web",
            (p) => (p.variables.FEATURE_FLAGS = "beta"),
        );
        assertViolation(await pack.run("production", r, P), "mandatory", "platform-web", /FEATURE_FLAGS/);
        assertCompliant(await pack.run("production", r, P, { allowedExtras: ["FEATURE_FLAGS"] }));
    });
});
