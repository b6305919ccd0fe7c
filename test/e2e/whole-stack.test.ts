/**
 * The whole stack under the real engine, every integration on, on one machine: the Railway
 * emulator, and the real GitHub, Sentry and PagerDuty provider plugins against the
 * contract-checked fakes (tools/fakes/). The same composition as production.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parseDigest, parseEvents, resourceOutcomes } from "../../scripts/engine/output";
import { REPO_ROOT, runPlan } from "../../scripts/plan/plan";
import { LOCAL_TOKENS, LocalFakes, pointStackAtFakes, startLocalFakes } from "../../tools/fakes/local";
import { LocalStack, startLocalStack } from "../support/e2e";

const PRODUCTION_PACK_CONFIG = path.join(REPO_ROOT, "policies", "config", "production.json");

describe("the whole stack under the real engine: Railway, GitHub, Sentry and PagerDuty against their fakes", function () {
    let s: LocalStack;
    let fakes: LocalFakes;
    const project = () => fakes.sentry.projects.get("ainative-platform-local-web")!;
    const policy = () =>
        [...fakes.pagerduty.policies.values()].find((p) => p.name === "ainative-platform-local (local)")!;

    before(async () => {
        fakes = await startLocalFakes();
        // What the stack does not own and must leave alone.
        fakes.sentry.addTeam("data");
        fakes.pagerduty.addUser("POTHER1");
        try {
            s = await startLocalStack({
                mutate: (c) => pointStackAtFakes(c, fakes),
                env: {
                    GITHUB_TOKEN: LOCAL_TOKENS.github,
                    SENTRY_AUTH_TOKEN: LOCAL_TOKENS.sentry,
                    PAGERDUTY_TOKEN: LOCAL_TOKENS.pagerduty,
                },
            });
        } catch (e) {
            await fakes.close();
            throw e;
        }
        await s.ws.setSecret("secrets.services.web.AUTH_SECRET", "local-auth-secret-for-the-whole-stack");
        await s.ws.setSecret(
            "secrets.services.postgres.POSTGRES_PASSWORD",
            "local-postgres-password-for-the-whole-stack",
        );
    });
    after(async () => {
        await s?.close();
        await fakes?.close();
    });

    it("pulumi up makes the Sentry team, project, key and alerts, PagerDuty's policy, service and integration, GitHub's protection, and Railway, with SENTRY_DSN wired and kept secret", async () => {
        const up = await s.run(["up", "--yes", "--skip-preview"]);
        const refused = [...fakes.sentry.log, ...fakes.pagerduty.log].filter(
            (l) => l.status >= 400 && l.status !== 404,
        );
        assert.equal(up.code, 0, `${up.stdout}${up.stderr}\nrefused by the fakes: ${JSON.stringify(refused)}`);
        // Sentry
        assert.ok(fakes.sentry.teams.has("platform"));
        const p = project();
        assert.ok(p, `projects: ${[...fakes.sentry.projects.keys()].join(", ")}`);
        assert.deepEqual([p.platform, p.teams], ["other", ["platform"]]);
        assert.equal(p.keys.length, 1);
        assert.equal(p.rules.length, 1, "the new-issue alert");
        assert.deepEqual(p.alertRules.map((r) => r.body.aggregate).sort(), [
            "failure_rate()",
            "p95(transaction.duration)",
        ]);
        // PagerDuty
        assert.equal(policy().escalation_rules.length, 2);
        const svc = [...fakes.pagerduty.services.values()].find((x) => x.body.name === "ainative-platform-local web")!;
        assert.ok(svc, "the web service");
        assert.equal(svc.integrations[0].type, "events_api_v2_inbound_integration");
        // GitHub
        assert.ok(fakes.github.repo("ainative", "platform").rules.some((r) => r.pattern === "main"));
        // Railway: the app's SENTRY_DSN is the key's DSN.
        const web = [...s.emu.store.services.values()].find((x) => x.name === "web")!;
        const env = [...s.emu.store.environments.values()].find((e) => e.name === "local" && !e.deletedAt)!;
        assert.equal(s.emu.store.vars(web.id, env.id).SENTRY_DSN, p.keys[0].dsn);
        // Secrets stay secret: the DSN, the key's secret and the routing key appear nowhere in clear.
        // (Sentry's key id is its public key: an id cannot be a secret, and Sentry calls the public
        // key safe to publish, as it only lets events in; the DSN around it is kept secret here.)
        const exported = await s.ws.exportState();
        for (const secret of [
            p.keys[0].dsn,
            p.keys[0].secret,
            svc.integrations[0].integration_key,
            LOCAL_TOKENS.pagerduty,
        ])
            assert.ok(
                !exported.text.includes(secret) && !s.outputs.join("\n").includes(secret),
                `${secret.slice(0, 8)}… in clear`,
            );
        const outputs = exported.deployment.resources.find(
            (r: { type: string }) => r.type === "pulumi:pulumi:Stack",
        ).outputs;
        assert.ok(
            outputs.pagerdutyRoutingKeys?.web?.["4dabf18193072939515e22adb298388d"],
            `the routing key is a secret output: ${JSON.stringify(outputs.pagerdutyRoutingKeys)?.slice(0, 200)}`,
        );
        assert.ok(outputs.sentryDsns?.web?.["4dabf18193072939515e22adb298388d"], "the DSN is a secret output");
        for (const fake of [fakes.sentry.log, fakes.pagerduty.log])
            assert.deepEqual(
                fake.filter((l) => l.status === 400 || l.status === 501 || l.status === 401),
                [],
                "a request the fake refused",
            );
    });

    it("a second preview shows no changes; an error-rate threshold change is exactly one update of its alert rule", async () => {
        const same = await s.run(["preview", "--expect-no-changes"]);
        assert.equal(same.code, 0, same.stdout + same.stderr);
        s.ws.editStackFile((c) => (c["ainative-platform:sentry"].alerts.errorRatePercent = 7));
        const digest = parseDigest((await s.run(["preview", "--json"])).stdout);
        assert.deepEqual(
            (digest.steps ?? []).filter((x) => x.op !== "same").map((x) => `${x.op} ${x.urn.split("::").pop()}`),
            ["update errors-web-error-rate"],
        );
        const up = await s.run(["up", "--yes", "--skip-preview"]);
        assert.equal(up.code, 0, up.stdout + up.stderr);
        assert.equal(
            project().alertRules.find((r) => r.body.aggregate === "failure_rate()")!.body.triggers[0].alertThreshold,
            0.07,
        );
    });

    it("out-of-band changes (an alert threshold edited, an escalation level removed) are found by refresh and reported by npm run drift", async () => {
        project().alertRules.find((r) => r.body.aggregate === "failure_rate()")!.body.triggers[0].alertThreshold = 0.5;
        policy().escalation_rules.pop();
        const log = path.join(s.ws.dir, "whole-refresh.ndjson");
        const refresh = await s.run(["refresh", "--preview-only", "--json", "--event-log", log], {
            env: { PULUMI_DEBUG_COMMANDS: "true" },
        });
        assert.equal(refresh.code, 0, refresh.stderr);
        const drifted = resourceOutcomes(parseEvents(fs.readFileSync(log, "utf8")))
            .filter((o) => o.op === "update" || o.op === "delete")
            .map((o) => `${o.op} ${o.type}`)
            .sort();
        assert.deepEqual(drifted, [
            "update pagerduty:index/escalationPolicy:EscalationPolicy",
            "update sentry:index/sentryMetricAlert:SentryMetricAlert",
        ]);
        const { code, io } = await s.drift();
        assert.equal(code, 7, io.all());
        const report = JSON.parse(io.stdout.join("\n"));
        assert.deepEqual(report.drifted.map((d: { type: string }) => d.type.split(":").pop()).sort(), [
            "EscalationPolicy",
            "SentryMetricAlert",
        ]);
        const up = await s.run(["up", "--yes", "--skip-preview", "--refresh"]);
        assert.equal(up.code, 0, up.stdout + up.stderr);
        assert.equal(policy().escalation_rules.length, 2, "put back as the code says");
    });

    it("a variant without Sentry and with one escalation level fails sentry-every-service and pagerduty-production-escalation under production's pack, as npm run plan says", async () => {
        s.ws.editStackFile((c) => {
            c["ainative-platform:integrations"].sentry = false;
            c["ainative-platform:pagerduty"].escalationLevels = c["ainative-platform:pagerduty"].escalationLevels.slice(
                0,
                1,
            );
        });
        // Production's pack config, judging this stack as production: the environment-scoped
        // policies otherwise take the stack's name (local) from the URNs.
        const packConfig = path.join(s.ws.dir, "production-as-local.json");
        const production = JSON.parse(fs.readFileSync(PRODUCTION_PACK_CONFIG, "utf8"));
        fs.writeFileSync(
            packConfig,
            JSON.stringify({
                ...production,
                "pagerduty-production-escalation": {
                    ...production["pagerduty-production-escalation"],
                    environment: "production",
                },
            }),
        );
        const log = path.join(s.ws.dir, "whole-policy.ndjson");
        const preview = await s.run(
            ["preview", "--policy-pack", "policies", "--policy-pack-config", packConfig, "--event-log", log],
            { env: { PULUMI_DEBUG_COMMANDS: "true" } },
        );
        assert.notEqual(preview.code, 0);
        const engine = new Set(
            parseEvents(fs.readFileSync(log, "utf8"))
                .filter((e) => e.policyEvent)
                .map(
                    (e) =>
                        `${e.policyEvent.policyName} | ${e.policyEvent.resourceUrn ?? "(stack)"} | ${e.policyEvent.enforcementLevel}`,
                ),
        );
        for (const policyName of ["sentry-every-service", "pagerduty-production-escalation"])
            assert.ok(
                [...engine].some((v) => v.startsWith(`${policyName} |`) && v.endsWith("| mandatory")),
                `${policyName} not violated:\n${[...engine].join("\n")}`,
            );
        const plan = await runPlan({ stack: "local", file: s.ws.stackFile, policyConfigFile: packConfig });
        assert.equal(plan.error, null);
        const offline = new Set(
            [...plan.policies!.mandatory, ...plan.policies!.advisory].map(
                (v) => `${v.policy} | ${v.resource?.urn ?? "(stack)"} | ${v.enforcementLevel}`,
            ),
        );
        assert.deepEqual([...engine].sort(), [...offline].sort());
        s.ws.editStackFile((c) => pointStackAtFakes(c, fakes));
        s.ws.writeStackFile((doc) => {
            doc.config["ainative-platform:railway"].apiUrl = s.emu.apiUrl;
            pointStackAtFakes(doc.config, fakes);
            doc.config["ainative-platform:sentry"].alerts.errorRatePercent = 7;
        });
    });

    it("destroy removes what the stack made and nothing else", async () => {
        const destroy = await s.run(["destroy", "--yes", "--skip-preview"]);
        assert.equal(destroy.code, 0, destroy.stdout + destroy.stderr);
        assert.deepEqual([...fakes.sentry.projects.keys()], []);
        assert.deepEqual([...fakes.sentry.teams.keys()], ["data"]);
        assert.deepEqual([...fakes.pagerduty.policies.keys()], []);
        assert.deepEqual([...fakes.pagerduty.services.keys()], []);
        assert.ok(fakes.pagerduty.users.has("POTHER1"));
        assert.deepEqual(fakes.github.repo("ainative", "platform").rules, []);
        assert.equal(s.emu.store.services.size, 0);
    });
});
