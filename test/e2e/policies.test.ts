/**
 * The proof that the offline plan tells the truth: on violating variants of the local stack,
 * `pulumi preview --policy-pack policies --policy-pack-config <file>` under the real engine fails on
 * the mandatory violations, and its set of (policy, resource, enforcement level) is exactly what
 * `npm run plan` reports for the same stack file and policy config.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parseEvents } from "../../scripts/engine/output";
import { REPO_ROOT, runPlan } from "../../scripts/plan/plan";
import { LocalStack, startLocalStack } from "../support/e2e";

const PRODUCTION_PACK_CONFIG = path.join(REPO_ROOT, "policies", "config", "production.json");

type Config = Record<string, any>;
const web = (c: Config) => c["ainative-platform:railway"].services.find((x: { name: string }) => x.name === "web");

/** Three variants, each breaking something else under production's (mandatory) pack config. */
const VARIANTS: Record<string, (c: Config) => void> = {
    "the local stack as committed (one replica, nothing protected)": () => undefined,
    "web never restarts": (c) => (web(c).restartPolicy = { type: "NEVER" }),
    "web's health check may take 10 minutes": (c) => (web(c).healthcheck.timeoutSeconds = 600),
};

describe("policies under the real engine agree with the offline plan", function () {
    let s: LocalStack;
    before(async () => (s = await startLocalStack()));
    after(async () => s?.close());

    for (const [variant, mutate] of Object.entries(VARIANTS)) {
        it(`${variant}: preview fails on the mandatory violations, with the plan's verdicts`, async () => {
            s.ws.writeStackFile((doc) => {
                doc.config["ainative-platform:railway"].apiUrl = s.emu.apiUrl;
                mutate(doc.config);
            });
            const log = path.join(s.ws.dir, "policy-events.json");
            const preview = await s.run(
                [
                    "preview",
                    "--policy-pack",
                    "policies",
                    "--policy-pack-config",
                    PRODUCTION_PACK_CONFIG,
                    "--event-log",
                    log,
                ],
                {
                    env: { PULUMI_DEBUG_COMMANDS: "true" },
                },
            );
            const events = parseEvents(fs.readFileSync(log, "utf8"))
                .filter((e) => e.policyEvent)
                .map((e) => e.policyEvent);
            const engine = new Set(
                events.map((p) => `${p.policyName} | ${p.resourceUrn ?? "(stack)"} | ${p.enforcementLevel}`),
            );

            const plan = await runPlan({
                stack: "local",
                file: s.ws.stackFile,
                policyConfigFile: PRODUCTION_PACK_CONFIG,
            });
            assert.equal(plan.error, null);
            const offline = new Set(
                [...plan.policies!.mandatory, ...plan.policies!.advisory].map(
                    (v) => `${v.policy} | ${v.resource?.urn ?? "(stack)"} | ${v.enforcementLevel}`,
                ),
            );

            assert.deepEqual([...engine].sort(), [...offline].sort());
            assert.ok(plan.policies!.mandatory.length > 0, "the variant violates a mandatory policy");
            assert.notEqual(preview.code, 0, "the preview fails on it");
            assert.match(preview.stdout + preview.stderr, /mandatory/);
            assert.equal(plan.ok, false);
        });
    }
});
