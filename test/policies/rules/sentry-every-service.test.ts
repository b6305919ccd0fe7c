/** The sentry-every-service policy (policies/rules/sentry-every-service.ts): compliant baseline, one change per violation. */
import { assertCompliant, assertViolation, baseline, change, sharedPack, UNKNOWN, without } from "../harness";

describe("policy sentry-every-service", function () {
    this.timeout(60_000);
    let pack: Awaited<ReturnType<typeof sharedPack>>;
    before(async () => (pack = await sharedPack()));
    const P = "sentry-every-service";
    it("passes production as committed (datastores exempt)", async () =>
        assertCompliant(await pack.run("production", await baseline("production"), P)));
    it("fails a service without a Sentry project", async () => {
        const r = without(
            await baseline("production"),
            (x) => x.type.endsWith("SentryProject") && x.name === "errors-worker",
        );
        assertViolation(
            await pack.run("production", r, P),
            "mandatory",
            "platform-worker",
            /'worker' has no Sentry project/,
        );
    });
    it("fails a service without SENTRY_DSN", async () => {
        const r = change(
            await baseline("production"),
            "Variables",
            "platform-web",
            (p) => delete p.secretVariables.SENTRY_DSN,
        );
        assertViolation(
            await pack.run("production", r, P),
            "mandatory",
            "platform-web",
            /'web' has no SENTRY_DSN variable/,
        );
    });
    it("reports nothing while a whole variable set is unknown", async () => {
        const r = change(
            await baseline("production"),
            "Variables",
            "platform-web",
            (p) => (p.secretVariables = UNKNOWN),
        );
        assertCompliant(await pack.run("production", r, P));
    });
    it("sees the name of a DSN whose value is unknown", async () => {
        const r = change(
            await baseline("production"),
            "Variables",
            "platform-web",
            (p) => (p.secretVariables.SENTRY_DSN = UNKNOWN),
        );
        assertCompliant(await pack.run("production", r, P));
    });
    it("follows exempt", async () => {
        const r = without(
            await baseline("production"),
            (x) => x.type.endsWith("SentryProject") && x.name === "errors-worker",
        );
        assertCompliant(await pack.run("production", r, P, { exempt: ["worker"] }));
    });
});
