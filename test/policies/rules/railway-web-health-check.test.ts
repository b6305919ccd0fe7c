/** The railway-web-health-check policy (policies/rules/railway-web-health-check.ts): compliant baseline, one change per violation. */
import {
    assertCompliant,
    assertUnknownSkipped,
    assertViolation,
    baseline,
    change,
    sharedPack,
    UNKNOWN,
} from "../harness";

describe("policy railway-web-health-check", function () {
    this.timeout(60_000);
    let pack: Awaited<ReturnType<typeof sharedPack>>;
    before(async () => (pack = await sharedPack()));
    const P = "railway-web-health-check";
    it("passes production as committed", async () =>
        assertCompliant(await pack.run("production", await baseline("production"), P)));
    it("fails a web-facing service without a health check path", async () => {
        const r = change(
            await baseline("production"),
            "ServiceInstance",
            "platform-web",
            (p) => delete p.healthcheckPath,
        );
        assertViolation(
            await pack.run("production", r, P),
            "mandatory",
            "platform-web",
            /web-facing service 'web' has no health check path/,
        );
    });
    it("fails a timeout above 300 s", async () => {
        const r = change(
            await baseline("production"),
            "ServiceInstance",
            "platform-web",
            (p) => (p.healthcheckTimeout = 600),
        );
        assertViolation(
            await pack.run("production", r, P),
            "mandatory",
            "platform-web",
            /waits 600 s for its health check; at most 300 s/,
        );
    });
    it("cannot decide on an unknown path during preview", async () => {
        const r = change(
            await baseline("production"),
            "ServiceInstance",
            "platform-web",
            (p) => (p.healthcheckPath = UNKNOWN),
        );
        assertUnknownSkipped(await pack.run("production", r, P));
    });
    it("follows maxTimeoutSeconds", async () => {
        assertViolation(
            await pack.run("production", await baseline("production"), P, { maxTimeoutSeconds: 60 }),
            "mandatory",
            "platform-web",
            /waits 120 s/,
        );
    });
});
