/** The railway-production-replicas policy (policies/rules/railway-production-replicas.ts): compliant baseline, one change per violation. */
import { strict as assert } from "assert";
import { assertCompliant, assertViolation, baseline, change, sharedPack, UNKNOWN, without } from "../harness";

describe("policy railway-production-replicas", function () {
    this.timeout(60_000);
    let pack: Awaited<ReturnType<typeof sharedPack>>;
    before(async () => (pack = await sharedPack()));
    const P = "railway-production-replicas";
    it("passes production as committed", async () =>
        assertCompliant(await pack.run("production", await baseline("production"), P)));
    it("fails production when a service runs one replica (mandatory, naming the service)", async () => {
        const r = change(
            await baseline("production"),
            "ServiceInstance",
            "platform-worker",
            (p) => (p.replicas = { "us-west2": 1 }),
        );
        assertViolation(
            await pack.run("production", r, P),
            "mandatory",
            "platform-worker",
            /service 'worker' runs 1 replica\(s\) in production; production requires at least 2/,
        );
    });
    it("only advises on staging", async () => {
        const d = await pack.run("staging", await baseline("staging"), P);
        assert.deepEqual(d.map((x) => [x.enforcementLevel, x.urn?.split("::").pop()]).sort(), [
            ["advisory", "platform-web"],
            ["advisory", "platform-worker"],
        ]);
    });
    it("exempts cron jobs and services with a volume", async () => {
        let r = change(await baseline("production"), "ServiceInstance", "platform-worker", (p) =>
            Object.assign(p, { replicas: { "us-west2": 1 }, cronSchedule: "0 * * * *" }),
        );
        assertCompliant(await pack.run("production", r, P));
        r = without(await baseline("production"), (x) => x.type.endsWith("Volume") && x.name === "platform-postgres");
        r = change(
            r,
            "ServiceInstance",
            "platform-postgres",
            (p) => (p.source = { repo: "ainative/platform", branch: "main" }),
        );
        assertViolation(await pack.run("production", r, P), "mandatory", "platform-postgres", /'postgres' runs 1/);
    });
    it("counts an unknown replica count as compliant rather than guessing", async () => {
        const r = change(
            await baseline("production"),
            "ServiceInstance",
            "platform-worker",
            (p) => (p.replicas = { "us-west2": UNKNOWN }),
        );
        assertCompliant(await pack.run("production", r, P));
    });
    it("follows minReplicas and enforcement overrides", async () => {
        const d = await pack.run("production", await baseline("production"), P, {
            minReplicas: 3,
            enforcementLevel: "advisory",
        });
        assertViolation(
            d,
            "advisory",
            "platform-worker",
            /runs 2 replica\(s\) in production; production requires at least 3/,
        );
    });
});
