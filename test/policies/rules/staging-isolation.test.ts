/** The staging-isolation policy (policies/rules/staging-isolation.ts): compliant baseline, one change per violation. */
import { strict as assert } from "assert";
import { assertCompliant, assertViolation, baseline, change, secret, sharedPack, UNKNOWN } from "../harness";

describe("policy staging-isolation", function () {
    this.timeout(60_000);
    let pack: Awaited<ReturnType<typeof sharedPack>>;
    before(async () => (pack = await sharedPack()));
    const P = "staging-isolation";
    it("passes staging as committed", async () =>
        assertCompliant(await pack.run("staging", await baseline("staging"), P)));
    it("fails a staging variable pointing at a production host, naming the host, not the value", async () => {
        const r = change(
            await baseline("staging"),
            "Variables",
            "platform-worker",
            (p) => (p.secretVariables.DATABASE_URL = secret("postgresql://u:PLANTEDpw@db.ainative.studio:5432/app")),
        );
        const d = await pack.run("staging", r, P);
        assertViolation(
            d,
            "advisory",
            "platform-worker",
            /DATABASE_URL points at production host db\.ainative\.studio/,
        );
        assert.ok(!d[0].message.includes("PLANTEDpw"));
    });
    it("fails a production custom domain on staging", async () => {
        const r = change(
            await baseline("staging"),
            "CustomDomain",
            (await baseline("staging")).find((x) => x.type.endsWith("CustomDomain"))!.name,
            (p) => (p.domain = "app.ainative.studio"),
        );
        assertViolation(
            await pack.run("staging", r, P),
            "advisory",
            undefined,
            /custom domain app\.ainative\.studio is a production host on staging/,
        );
    });
    it("skips an unknown value", async () => {
        const r = change(
            await baseline("staging"),
            "Variables",
            "platform-worker",
            (p) => (p.variables.REDIS_URL = UNKNOWN),
        );
        assertCompliant(await pack.run("staging", r, P));
    });
    it("follows productionHosts and applies only to staging", async () => {
        const r = change(
            await baseline("staging"),
            "Variables",
            "platform-worker",
            (p) => (p.variables.APP_API = "https://api.example.org"),
        );
        assertCompliant(await pack.run("staging", r, P));
        assertViolation(
            await pack.run("staging", r, P, { productionHosts: ["example.org"] }),
            "advisory",
            "platform-worker",
            /APP_API points at production host api\.example\.org/,
        );
        assertCompliant(
            await pack.run("production", await baseline("production"), P, { productionHosts: ["ainative.studio"] }),
        );
    });
});
