/** The production-data-protection policy (policies/rules/production-data-protection.ts): compliant baseline, one change per violation. */
import { strict as assert } from "assert";
import { assertCompliant, assertViolation, baseline, change, sharedPack, UNKNOWN } from "../harness";

describe("policy production-data-protection", function () {
    this.timeout(60_000);
    let pack: Awaited<ReturnType<typeof sharedPack>>;
    before(async () => (pack = await sharedPack()));
    const P = "production-data-protection";
    it("passes production as committed", async () =>
        assertCompliant(await pack.run("production", await baseline("production"), P)));
    it("fails an unprotected production datastore", async () => {
        const r = change(
            await baseline("production"),
            "railway:Service",
            "platform-postgres",
            (_p, res) => (res.protect = false),
        );
        assertViolation(
            await pack.run("production", r, P),
            "mandatory",
            "platform-postgres",
            /production datastore 'postgres' \(Service\) is not protected/,
        );
    });
    it("fails an unprotected production project", async () => {
        const r = change(
            await baseline("production"),
            "railway:Project",
            "platform",
            (_p, res) => (res.protect = false),
        );
        assertViolation(
            await pack.run("production", r, P),
            "mandatory",
            "platform",
            /production Railway project 'platform' is not protected/,
        );
    });
    it("fails a production volume that would be changed without a backup", async () => {
        const r = change(
            await baseline("production"),
            "railway:Volume",
            "platform-postgres",
            (p) => (p.backupBeforeChange = false),
        );
        assertViolation(
            await pack.run("production", r, P),
            "mandatory",
            "platform-postgres",
            /production datastore 'postgres' would have its volume deleted or moved without a backup/,
        );
    });
    it("recognises a datastore by its volume even when its image is unknown", async () => {
        let r = change(await baseline("production"), "ServiceInstance", "platform-redis", (p) => (p.source = UNKNOWN));
        r = change(r, "railway:Service", "platform-redis", (_p, res) => (res.protect = false));
        assertViolation(
            await pack.run("production", r, P),
            "mandatory",
            "platform-redis",
            /'redis' \(Service\) is not protected/,
        );
    });
    it("does not apply to staging, unless configured as production", async () => {
        assertCompliant(await pack.run("staging", await baseline("staging"), P));
        const d = await pack.run("staging", await baseline("staging"), P, { environment: "production" });
        assert.ok(d.length >= 3, d.map((x) => x.message).join("\n"));
    });
});
