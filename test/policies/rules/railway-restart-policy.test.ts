/** The railway-restart-policy policy (policies/rules/railway-restart-policy.ts): compliant baseline, one change per violation. */
import {
    assertCompliant,
    assertUnknownSkipped,
    assertViolation,
    baseline,
    change,
    sharedPack,
    UNKNOWN,
} from "../harness";

describe("policy railway-restart-policy", function () {
    this.timeout(60_000);
    let pack: Awaited<ReturnType<typeof sharedPack>>;
    before(async () => (pack = await sharedPack()));
    const P = "railway-restart-policy";
    it("passes production as committed (ON_FAILURE with retries, ALWAYS for datastores)", async () =>
        assertCompliant(await pack.run("production", await baseline("production"), P)));
    it("fails NEVER", async () => {
        const r = change(
            await baseline("production"),
            "ServiceInstance",
            "platform-worker",
            (p) => (p.restartPolicyType = "NEVER"),
        );
        assertViolation(await pack.run("production", r, P), "mandatory", "platform-worker", /restart policy is NEVER/);
    });
    it("fails ON_FAILURE without bounded retries", async () => {
        const r = change(
            await baseline("production"),
            "ServiceInstance",
            "platform-worker",
            (p) => delete p.restartPolicyMaxRetries,
        );
        assertViolation(await pack.run("production", r, P), "mandatory", "platform-worker", /has no max retries/);
    });
    it("cannot decide on an unknown policy type during preview", async () => {
        const r = change(
            await baseline("production"),
            "ServiceInstance",
            "platform-worker",
            (p) => (p.restartPolicyType = UNKNOWN),
        );
        assertUnknownSkipped(await pack.run("production", r, P));
    });
    it("follows maxRetries", async () => {
        assertViolation(
            await pack.run("production", await baseline("production"), P, { maxRetries: 8 }),
            "mandatory",
            "platform-worker",
            /10 max retries; set restartPolicy.maxRetries between 1 and 8/,
        );
    });
});
