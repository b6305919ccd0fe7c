/** The secret-rotation policies (policies/rules/secret-rotation.ts): compliant baseline, one change per violation. */
import { strict as assert } from "assert";
import { assertCompliant, assertViolation, baseline, change, sharedPack } from "../harness";

const daysAgo = (n: number) => new Date(Date.now() - n * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);

/** A stack's resources with every declared secret rotated `days` ago, then `edit` applied to web's dates. */
async function rotated(days: number, edit: (web: Record<string, string>) => void = () => {}, stack = "production") {
    const resources = await baseline(stack);
    for (const r of resources.filter((x) => x.type === "railway:index:Variables")) {
        const dates = r.properties.secretRotations as Record<string, string>;
        for (const k of Object.keys(dates)) dates[k] = daysAgo(days);
    }
    return change(resources, "Variables", "platform-web", (p) => edit(p.secretRotations));
}

describe("policy secret-rotation-due", function () {
    this.timeout(60_000);
    let pack: Awaited<ReturnType<typeof sharedPack>>;
    before(async () => (pack = await sharedPack()));
    const P = "secret-rotation-due";
    it("passes production with every secret rotated this month", async () =>
        assertCompliant(await pack.run("production", await rotated(10), P)));
    it("reports a secret with no recorded rotation (advisory on production)", async () => {
        const r = await rotated(10, (web) => (web.AUTH_SECRET = "never"));
        assertViolation(
            await pack.run("production", r, P),
            "advisory",
            "platform-web",
            /web\.AUTH_SECRET has no recorded rotation/,
        );
    });
    it("reports a secret older than maxAgeDays, and follows the setting", async () => {
        const r = await rotated(10, (web) => (web.AUTH_SECRET = daysAgo(120)));
        assertViolation(
            await pack.run("production", r, P),
            "advisory",
            "platform-web",
            /web\.AUTH_SECRET was last rotated on .*, 120 days ago \(more than 90\)/,
        );
        assertCompliant(await pack.run("production", r, P, { maxAgeDays: 180 }));
    });
    it("the committed production stack declares its secrets to the policy, none rotated yet", async () => {
        const diags = await pack.run("production", await baseline("production"), P);
        assert.ok(diags.length >= 2, diags.map((d) => d.message).join("\n"));
        assert.ok(diags.every((d) => /has no recorded rotation/.test(d.message)));
    });
});

describe("policy secret-rotation-overdue", function () {
    this.timeout(60_000);
    let pack: Awaited<ReturnType<typeof sharedPack>>;
    before(async () => (pack = await sharedPack()));
    const P = "secret-rotation-overdue";
    it("passes production within the limit, and a secret with no recorded date (its age is not known)", async () => {
        assertCompliant(await pack.run("production", await rotated(200), P));
        assertCompliant(await pack.run("production", await baseline("production"), P));
    });
    it("fails production past the hard limit (mandatory), and follows hardLimitDays", async () => {
        const r = await rotated(10, (web) => (web.AUTH_SECRET = daysAgo(400)));
        assertViolation(
            await pack.run("production", r, P),
            "mandatory",
            "platform-web",
            /web\.AUTH_SECRET was last rotated on .*, 400 days ago, past the limit of 365/,
        );
        assertCompliant(await pack.run("production", r, P, { hardLimitDays: 500 }));
    });
    it("is advisory on staging", async () => {
        const r = await rotated(10, (web) => (web.AUTH_SECRET = daysAgo(400)), "staging");
        assertViolation(await pack.run("staging", r, P), "advisory", "platform-web", /past the limit of 365/);
    });
});
