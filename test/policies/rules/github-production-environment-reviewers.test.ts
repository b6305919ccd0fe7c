/** The github-production-environment-reviewers policy (policies/rules/github-production-environment-reviewers.ts): compliant baseline, one change per violation. */
import {
    assertCompliant,
    assertUnknownSkipped,
    assertViolation,
    baseline,
    change,
    sharedPack,
    UNKNOWN,
} from "../harness";

describe("policy github-production-environment-reviewers", function () {
    this.timeout(60_000);
    let pack: Awaited<ReturnType<typeof sharedPack>>;
    before(async () => (pack = await sharedPack()));
    const P = "github-production-environment-reviewers";
    it("passes production as committed (reviewer ids unknown offline still count)", async () =>
        assertCompliant(await pack.run("production", await baseline("production"), P)));
    it("fails a production environment without reviewers", async () => {
        const r = change(
            await baseline("production"),
            "RepositoryEnvironment",
            "repository-production",
            (p) => (p.reviewers = []),
        );
        assertViolation(
            await pack.run("production", r, P),
            "mandatory",
            "repository-production",
            /'production' GitHub environment has no required reviewers/,
        );
    });
    it("cannot decide on unknown reviewers during preview", async () => {
        const r = change(
            await baseline("production"),
            "RepositoryEnvironment",
            "repository-production",
            (p) => (p.reviewers = UNKNOWN),
        );
        assertUnknownSkipped(await pack.run("production", r, P));
    });
    it("follows environmentName", async () => {
        const r = change(
            await baseline("staging"),
            "RepositoryEnvironment",
            "repository-staging",
            (p) => (p.reviewers = []),
        );
        assertCompliant(await pack.run("staging", r, P));
        assertViolation(
            await pack.run("staging", r, P, { environmentName: "staging" }),
            "advisory",
            "repository-staging",
            /'staging' GitHub environment/,
        );
    });
});
