/** The github-branch-protection policy (policies/rules/github-branch-protection.ts): compliant baseline, one change per violation. */
import {
    assertCompliant,
    assertUnknownSkipped,
    assertViolation,
    baseline,
    change,
    sharedPack,
    UNKNOWN,
} from "../harness";

describe("policy github-branch-protection", function () {
    this.timeout(60_000);
    let pack: Awaited<ReturnType<typeof sharedPack>>;
    before(async () => (pack = await sharedPack()));
    const P = "github-branch-protection";
    it("passes production as committed", async () =>
        assertCompliant(await pack.run("production", await baseline("production"), P)));
    it("fails one review where production's config asks for 2", async () => {
        const r = change(
            await baseline("production"),
            "BranchProtection",
            "repository-main",
            (p) => (p.requiredPullRequestReviews[0].requiredApprovingReviewCount = 1),
        );
        assertViolation(
            await pack.run("production", r, P),
            "mandatory",
            "repository-main",
            /requires 1 approving review\(s\); at least 2/,
        );
    });
    it("fails a missing policy check", async () => {
        const r = change(
            await baseline("production"),
            "BranchProtection",
            "repository-main",
            (p) => (p.requiredStatusChecks[0].contexts = ["test", "preview"]),
        );
        assertViolation(
            await pack.run("production", r, P),
            "mandatory",
            "repository-main",
            /does not require the status check\(s\) policy/,
        );
    });
    it("fails force pushes, deletion or admin bypass", async () => {
        for (const [key, value, message] of [
            ["allowsForcePushes", true, /allows force pushes/],
            ["allowsDeletions", true, /can be deleted/],
            ["enforceAdmins", false, /admins bypass/],
        ] as const) {
            const r = change(
                await baseline("production"),
                "BranchProtection",
                "repository-main",
                (p) => (p[key] = value),
            );
            assertViolation(await pack.run("production", r, P), "mandatory", "repository-main", message);
        }
    });
    it("cannot decide on unknown reviews during preview", async () => {
        const r = change(
            await baseline("production"),
            "BranchProtection",
            "repository-main",
            (p) => (p.requiredPullRequestReviews = UNKNOWN),
        );
        assertUnknownSkipped(await pack.run("production", r, P));
    });
    it("follows minApprovingReviews (staging's default is 1)", async () => {
        assertCompliant(await pack.run("staging", await baseline("staging"), P));
        assertViolation(
            await pack.run("staging", await baseline("staging"), P, { minApprovingReviews: 3 }),
            "advisory",
            "repository-develop",
            /at least 3/,
        );
    });
});
