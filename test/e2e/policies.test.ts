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

/**
 * Variants, each breaking something else under production's (mandatory) pack config; `asProduction`
 * also judges the stack as production's for the policies named (what production-only policies see).
 */
interface Variant {
    mutate: (c: Config) => void;
    asProduction?: string[];
    /** What the engine must report, or must not, beyond agreeing with the plan. */
    expect?: { reported?: RegExp; notReported?: RegExp };
}
const BACKUP = "secrets-backup-production";
const VARIANTS: Record<string, Variant> = {
    "the local stack as committed (one replica, nothing protected)": { mutate: () => undefined },
    "web never restarts": { mutate: (c) => (web(c).restartPolicy = { type: "NEVER" }) },
    "web's health check may take 10 minutes": { mutate: (c) => (web(c).healthcheck.timeoutSeconds = 600) },
    // The backup is recorded on the Environment resource: the engine shows policies no component's inputs.
    "no Vault backup, judged as production": {
        mutate: () => undefined,
        asProduction: [BACKUP],
        expect: { reported: /^secrets-backup-production \| .*railway:index:Environment::.* \| mandatory$/ },
    },
    "a Vault backup, judged as production (and web never restarts)": {
        mutate: (c) => {
            c["ainative-platform:vault"] = { address: "https://vault.ainative.invalid:8200" };
            web(c).restartPolicy = { type: "NEVER" };
        },
        asProduction: [BACKUP],
        expect: { notReported: /^secrets-backup-production / },
    },
};

describe("policies under the real engine agree with the offline plan", function () {
    let s: LocalStack;
    before(async () => (s = await startLocalStack()));
    after(async () => s?.close());

    for (const [variant, { mutate, asProduction, expect }] of Object.entries(VARIANTS)) {
        it(`${variant}: preview fails on the mandatory violations, with the plan's verdicts`, async () => {
            s.ws.writeStackFile((doc) => {
                doc.config["ainative-platform:railway"].apiUrl = s.emu.apiUrl;
                mutate(doc.config);
            });
            const log = path.join(s.ws.dir, "policy-events.json");
            let packConfig = PRODUCTION_PACK_CONFIG;
            if (asProduction) {
                const config = JSON.parse(fs.readFileSync(PRODUCTION_PACK_CONFIG, "utf8")) as Record<string, unknown>;
                for (const policy of asProduction) config[policy] = { environment: "production" };
                packConfig = path.join(s.ws.dir, "policy-config.json");
                fs.writeFileSync(packConfig, JSON.stringify(config));
            }
            const preview = await s.run(
                ["preview", "--policy-pack", "policies", "--policy-pack-config", packConfig, "--event-log", log],
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
                policyConfigFile: packConfig,
            });
            assert.equal(plan.error, null);
            const offline = new Set(
                [...plan.policies!.mandatory, ...plan.policies!.advisory].map(
                    (v) => `${v.policy} | ${v.resource?.urn ?? "(stack)"} | ${v.enforcementLevel}`,
                ),
            );

            assert.deepEqual([...engine].sort(), [...offline].sort());
            if (expect?.reported)
                assert.ok(
                    [...engine].some((v) => expect.reported!.test(v)),
                    [...engine].join("\n"),
                );
            if (expect?.notReported)
                assert.ok(![...engine].some((v) => expect.notReported!.test(v)), [...engine].join("\n"));
            assert.ok(plan.policies!.mandatory.length > 0, "the variant violates a mandatory policy");
            assert.notEqual(preview.code, 0, "the preview fails on it");
            assert.match(preview.stdout + preview.stderr, /mandatory/);
            assert.equal(plan.ok, false);
        });
    }
});
