/** The pagerduty-production-escalation policy (policies/rules/pagerduty-production-escalation.ts): compliant baseline, one change per violation. */
import { strict as assert } from "assert";
import { assertCompliant, assertViolation, baseline, change, sharedPack, UNKNOWN, without } from "../harness";

describe("policy pagerduty-production-escalation", function () {
    this.timeout(60_000);
    let pack: Awaited<ReturnType<typeof sharedPack>>;
    before(async () => (pack = await sharedPack()));
    const P = "pagerduty-production-escalation";
    it("passes production as committed, and does not apply to staging", async () => {
        assertCompliant(await pack.run("production", await baseline("production"), P));
        assertCompliant(await pack.run("staging", await baseline("staging"), P));
    });
    it("fails a one-level escalation policy", async () => {
        const r = change(
            await baseline("production"),
            "EscalationPolicy",
            "incidents",
            (p) => (p.rules = p.rules.slice(0, 1)),
        );
        const d = await pack.run("production", r, P);
        assert.deepEqual(d.map((x) => x.urn?.split("::").pop()).sort(), ["incidents-web", "incidents-worker"]);
        assert.match(d[0].message, /escalates through 1 level\(s\); at least 2/);
    });
    it("fails a production service without a PagerDuty service", async () => {
        const r = without(
            await baseline("production"),
            (x) => x.type === "pagerduty:index/service:Service" && x.name === "incidents-web",
        );
        assertViolation(
            await pack.run("production", r, P),
            "mandatory",
            "platform-web",
            /'web' has no PagerDuty service/,
        );
    });
    it("raises no false alarm while the rules are unknown", async () => {
        const r = change(await baseline("production"), "EscalationPolicy", "incidents", (p) => (p.rules = UNKNOWN));
        assertCompliant(await pack.run("production", r, P));
    });
    it("follows minLevels", async () => {
        const d = await pack.run("production", await baseline("production"), P, { minLevels: 3 });
        assert.equal(d.length, 2);
        assert.match(d[0].message, /at least 3/);
    });
});
