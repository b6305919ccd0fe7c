/** The railway-no-plaintext-secrets policy (policies/rules/railway-no-plaintext-secrets.ts): compliant baseline, one change per violation. */
import { strict as assert } from "assert";
import { assertCompliant, assertViolation, baseline, change, sharedPack, UNKNOWN } from "../harness";

/** Shaped like a live Stripe key, assembled here so that no credential-shaped string is committed. */
const FAKE_LIVE_KEY = ["sk", "live", "PLANTED0123456789abcdef"].join("_");

describe("policy railway-no-plaintext-secrets", function () {
    this.timeout(60_000);
    let pack: Awaited<ReturnType<typeof sharedPack>>;
    before(async () => (pack = await sharedPack()));
    const P = "railway-no-plaintext-secrets";
    it("passes production as committed (references to secrets are fine)", async () =>
        assertCompliant(await pack.run("production", await baseline("production"), P)));
    it("fails a schema-secret key in the plain half", async () => {
        const r = change(
            await baseline("production"),
            "Variables",
            "platform-web",
            (p) => (p.variables.AUTH_SECRET = "not-a-reference-0123456789abcdef0123"),
        );
        assertViolation(
            await pack.run("production", r, P),
            "mandatory",
            "platform-web",
            /AUTH_SECRET is a secret by the environment schema but is a plain value/,
        );
    });
    it("fails a value shaped like a credential under any name, naming the shape not the value", async () => {
        const r = change(
            await baseline("production"),
            "Variables",
            "platform-worker",
            (p) => (p.variables.LEGACY_KEY = FAKE_LIVE_KEY),
        );
        const d = await pack.run("production", r, P);
        assertViolation(d, "mandatory", "platform-worker", /LEGACY_KEY holds what looks like a Stripe secret key/);
        assert.ok(!d[0].message.includes("PLANTED"));
    });
    it("fails when secretVariables is not a secret output", async () => {
        const r = change(
            await baseline("production"),
            "Variables",
            "platform-worker",
            (_p, res) => (res.additionalSecretOutputs = []),
        );
        assertViolation(
            await pack.run("production", r, P),
            "mandatory",
            "platform-worker",
            /secretVariables is not declared a secret output/,
        );
    });
    it("skips an unknown plain value", async () => {
        const r = change(
            await baseline("production"),
            "Variables",
            "platform-worker",
            (p) => (p.variables.AUTH_SECRET = UNKNOWN),
        );
        assertCompliant(await pack.run("production", r, P));
    });
    it("follows allowPlain", async () => {
        const r = change(
            await baseline("production"),
            "Variables",
            "platform-worker",
            (p) => (p.variables.LEGACY_KEY = FAKE_LIVE_KEY),
        );
        assertCompliant(await pack.run("production", r, P, { allowPlain: ["LEGACY_KEY"] }));
    });
});
