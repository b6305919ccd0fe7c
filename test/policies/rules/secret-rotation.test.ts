/** The secret-rotation policies (policies/rules/secret-rotation.ts): compliant baseline, one change per violation. */
import { strict as assert } from "assert";
import { assertCompliant, assertViolation, baseline, change, sharedPack } from "../harness";

const daysAgo = (n: number) => new Date(Date.now() - n * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);

/** Production with every declared secret rotated `days` ago, then `edit` applied to the dates. */
async function rotated(days: number, edit: (r: Record<string, Record<string, string>>) => void = () => {}) {
    return change(await baseline("production"), "ainative:railway:RailwayApp", "platform", (p) => {
        const r = p.secretRotations as Record<string, Record<string, string>>;
        for (const keys of Object.values(r)) for (const k of Object.keys(keys)) keys[k] = daysAgo(days);
        edit(r);
    });
}

describe("policy secret-rotation-due", function () {
    this.timeout(60_000);
    let pack: Awaited<ReturnType<typeof sharedPack>>;
    before(async () => (pack = await sharedPack()));
    const P = "secret-rotation-due";
    it("passes production with every secret rotated this month", async () =>
        assertCompliant(await pack.run("production", await rotated(10), P)));
    it("reports a secret with no recorded rotation (advisory on production)", async () => {
        const r = await rotated(10, (d) => (d.web.AUTH_SECRET = "never"));
        assertViolation(
            await pack.run("production", r, P),
            "advisory",
            "platform",
            /web\.AUTH_SECRET has no recorded rotation/,
        );
    });
    it("reports a secret older than maxAgeDays, and follows the setting", async () => {
        const r = await rotated(10, (d) => (d.web.AUTH_SECRET = daysAgo(120)));
        assertViolation(
            await pack.run("production", r, P),
            "advisory",
            "platform",
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
        const r = await rotated(10, (d) => (d.web.AUTH_SECRET = daysAgo(400)));
        assertViolation(
            await pack.run("production", r, P),
            "mandatory",
            "platform",
            /web\.AUTH_SECRET was last rotated on .*, 400 days ago, past the limit of 365/,
        );
        assertCompliant(await pack.run("production", r, P, { hardLimitDays: 500 }));
    });
    it("is advisory on staging", async () => {
        const r = change(await baseline("staging"), "ainative:railway:RailwayApp", "platform", (p) => {
            const first = Object.values(p.secretRotations as Record<string, Record<string, string>>).find(
                (k) => Object.keys(k).length,
            )!;
            first[Object.keys(first)[0]] = daysAgo(400);
        });
        assertViolation(await pack.run("staging", r, P), "advisory", "platform", /past the limit of 365/);
    });
});
