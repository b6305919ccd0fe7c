/** The secrets-backup-production policy (policies/rules/secrets-backup-production.ts). */
import { assertCompliant, assertViolation, baseline, change, sharedPack, UNKNOWN } from "../harness";

describe("policy secrets-backup-production", function () {
    this.timeout(60_000);
    let pack: Awaited<ReturnType<typeof sharedPack>>;
    before(async () => (pack = await sharedPack()));
    const P = "secrets-backup-production";

    it("passes the committed production stack, whose file names its Vault", async () =>
        assertCompliant(await pack.run("production", await baseline("production"), P)));
    it("fails production without a Vault backup (mandatory), naming the fix", async () => {
        const r = change(
            await baseline("production"),
            "Environment",
            "platform-production",
            (p) => (p.secretsBackup = "none"),
        );
        assertViolation(
            await pack.run("production", r, P),
            "mandatory",
            "platform-production",
            /vault section.*secret:backup/,
        );
    });
    it("fails production whose environment records nothing (an older program)", async () => {
        const r = change(
            await baseline("production"),
            "Environment",
            "platform-production",
            (p) => delete p.secretsBackup,
        );
        assertViolation(await pack.run("production", r, P), "mandatory", "platform-production", /no backup/);
    });
    it("an unknown value is not a backup either", async () => {
        const r = change(
            await baseline("production"),
            "Environment",
            "platform-production",
            (p) => (p.secretsBackup = UNKNOWN),
        );
        assertViolation(await pack.run("production", r, P), "mandatory", "platform-production", /no backup/);
    });
    it("leaves staging alone: the backup is production's", async () =>
        assertCompliant(await pack.run("staging", await baseline("staging"), P)));
});
