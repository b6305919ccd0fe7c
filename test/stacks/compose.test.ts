import * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "assert";
import { PROJECT_ROOT } from "../../components/deployment-gate";
import { COMPONENT_TYPES } from "../../components/types";
import { isSecretKey } from "../../config/environment.schema";
import { isRailwayType, RESOURCE_TYPES } from "../../config/resource-types";
import { isSecretInput } from "../../scripts/plan/offline-runtime";
import { CapturedResource, countByType, inputValue, mockDeploymentId, promiseOf, runStack } from "../support/mocks";
import { PLANTED_SECRETS } from "../support/stack-files";

/** The type tokens, from their one home; the GitHub provider's own type is Pulumi's. */
const T = { ...RESOURCE_TYPES, ghProvider: "pulumi:providers:github" } as const;
const C = COMPONENT_TYPES;

/**
 * What each deployed stack declares: 4 Railway services (2 run our code), all integrations on.
 * Production owns the Railway project (and the Sentry team); staging shares both.
 */
const deployedStack = (owner: boolean) => ({
    [C.RailwayApp.token]: 1,
    [C.RepositoryProtection.token]: 1,
    [C.ErrorTracking.token]: 1,
    [C.IncidentRouting.token]: 1,
    // The web service has a health check: one gate.
    [C.DeploymentGate.token]: 1,
    [T.command]: 1,
    ...(owner ? { [T.project]: 1 } : { [T.projectLookup]: 1 }),
    [T.environment]: 1,
    [T.service]: 4,
    [T.instance]: 4,
    [T.variables]: 4,
    [T.deployment]: 4,
    [T.volume]: 2,
    [T.serviceDomain]: 1,
    [T.customDomain]: 1,
    [T.ghProvider]: 1,
    [T.branchProtection]: 1,
    [T.githubEnvironment]: 1,
    [T.githubDeploymentPolicy]: 1,
    [T.githubSecret]: 2,
    ...(owner ? { [T.sentryTeam]: 1 } : {}),
    [T.sentryProject]: 2,
    [T.sentryKey]: 2,
    [T.sentryIssueAlert]: 2,
    [T.sentryMetricAlert]: 4,
    [T.escalationPolicy]: 1,
    [T.pagerdutyService]: 2,
    [T.pagerdutyIntegration]: 2,
});

const EXPECTED_TYPES: Record<string, Record<string, number>> = {
    production: deployedStack(true),
    staging: deployedStack(false),
    local: {
        [C.RailwayApp.token]: 1,
        [T.project]: 1,
        [T.environment]: 1,
        [T.service]: 3,
        [T.instance]: 3,
        [T.variables]: 3,
        [T.deployment]: 3,
        [T.volume]: 1,
        [T.serviceDomain]: 1,
    },
};

const sorted = (o: Record<string, number>) =>
    Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
const one = (captured: CapturedResource[], type: string, name: string) => {
    const found = captured.filter((r) => r.type === type && r.name === name);
    assert.equal(found.length, 1, `expected one ${type} named ${name}, found ${found.length}`);
    return found[0];
};
const plain = (v: unknown) => inputValue(v).value as any;

/** Every string in a value that is not inside a secret. */
function plainStrings(value: unknown, out: string[] = []): string[] {
    if (isSecretInput(value)) return out;
    if (typeof value === "string") out.push(value);
    else if (Array.isArray(value)) value.forEach((v) => plainStrings(v, out));
    else if (value && typeof value === "object") Object.values(value).forEach((v) => plainStrings(v, out));
    return out;
}

/** Which component type owns which resource types. */
function ownerOf(type: string): string | undefined {
    if (isRailwayType(type)) return C.RailwayApp.token;
    if (type.startsWith("github:")) return C.RepositoryProtection.token;
    if (type.startsWith("sentry:")) return C.ErrorTracking.token;
    if (type.startsWith("pagerduty:")) return C.IncidentRouting.token;
    if (type.startsWith("command:")) return C.DeploymentGate.token;
    return undefined;
}

for (const stack of ["production", "staging", "local"]) {
    describe(`stack composition: ${stack} (mock runtime)`, function () {
        this.timeout(30_000);
        let captured: CapturedResource[];
        let exports: Record<string, any>;
        before(async () => ({ captured, exports } = await runStack(stack)));

        it("declares exactly the expected resource types and counts", () => {
            assert.deepEqual(countByType(captured), sorted(EXPECTED_TYPES[stack]));
        });

        it("parents every resource to the component that owns it", () => {
            const urnType = new Map(captured.map((r) => [r.urn, r.type]));
            for (const r of captured) {
                const owner = ownerOf(r.type);
                if (!owner) continue; // components and providers sit at the stack
                assert.ok(r.parent, `${r.type} ${r.name} has no parent`);
                assert.equal(urnType.get(r.parent!), owner, `${r.type} ${r.name} is parented to ${r.parent}`);
            }
        });

        it("keeps every secret secret: variables, config secrets, DSNs and routing keys", async () => {
            for (const v of captured.filter((r) => r.type === T.variables)) {
                const empty =
                    !isSecretInput(v.inputs.secretVariables) && Object.keys(v.inputs.secretVariables).length === 0;
                assert.ok(
                    empty || isSecretInput(v.inputs.secretVariables),
                    `${v.name}: secretVariables are not a secret input`,
                );
                assert.ok(
                    v.additionalSecretOutputs.includes("secretVariables"),
                    `${v.name}: secretVariables not a secret output`,
                );
                // The plain half holds no schema-secret value (a Railway reference is fine).
                for (const [k, value] of Object.entries(v.inputs.variables as Record<string, string>)) {
                    assert.ok(!isSecretKey(k) || value.includes("${{"), `${v.name}: ${k} is plain`);
                }
            }
            for (const s of captured.filter((r) => r.type === T.githubSecret)) {
                assert.ok(isSecretInput(s.inputs.value), `${s.name}: value is not a secret input`);
            }
            for (const k of captured.filter((r) => r.type === T.sentryKey))
                assert.ok(k.additionalSecretOutputs.includes("dsnPublic"));
            for (const k of captured.filter((r) => r.type === T.pagerdutyIntegration))
                assert.ok(k.additionalSecretOutputs.includes("integrationKey"));
            for (const out of [exports.sentryDsns, exports.pagerdutyRoutingKeys]) {
                for (const [svc, o] of Object.entries((out ?? {}) as Record<string, pulumi.Output<string>>)) {
                    assert.equal(await pulumi.isSecret(o), true, `export for ${svc} is not secret`);
                }
            }
            const leaks = captured.flatMap((r) =>
                plainStrings(r.inputs)
                    .filter((s) => Object.values(PLANTED_SECRETS).some((p) => s.includes(p)))
                    .map(() => `${r.type} ${r.name}`),
            );
            assert.deepEqual(leaks, [], "a planted secret appears outside a secret");
        });

        it("sets health checks and restart policies on the web service", () => {
            const web = one(captured, T.instance, "platform-web");
            assert.equal(web.inputs.healthcheckPath, "/api/health");
            assert.ok(web.inputs.healthcheckTimeout <= 300);
            assert.ok(["ON_FAILURE", "ALWAYS"].includes(web.inputs.restartPolicyType));
        });

        if (stack === "production") {
            it("runs every production app service with at least 2 replicas, the web service in two regions", () => {
                const web = one(captured, T.instance, "platform-web");
                assert.deepEqual(web.inputs.replicas, { "us-west2": 3, "europe-west4-drams3a": 1 });
                const worker = one(captured, T.instance, "platform-worker");
                assert.ok((Object.values(worker.inputs.replicas) as number[]).reduce((a, b) => a + b) >= 2);
            });

            it("deploys each service once, after its settings, variables and volume are in place", () => {
                for (const svc of ["web", "worker", "postgres", "redis"]) {
                    const deployment = one(captured, T.deployment, `platform-${svc}`);
                    for (const before of [T.instance, T.variables])
                        assert.ok(
                            deployment.dependencies.includes(one(captured, before, `platform-${svc}`).urn),
                            `${svc}: ${before}`,
                        );
                    assert.equal(
                        inputValue(one(captured, T.variables, `platform-${svc}`).inputs.skipDeploys).value,
                        true,
                        `${svc}: variables never deploy by themselves`,
                    );
                    assert.ok(
                        isSecretInput(deployment.inputs.fingerprint),
                        `${svc}: the fingerprint derives from secrets and is secret`,
                    );
                }
                for (const ds of ["postgres", "redis"])
                    assert.ok(
                        one(captured, T.deployment, `platform-${ds}`).dependencies.includes(
                            one(captured, T.volume, `platform-${ds}`).urn,
                        ),
                        ds,
                    );
            });

            it("protects the project, the environment and the datastores", () => {
                assert.equal(one(captured, T.project, "platform").protect, true);
                assert.equal(one(captured, T.environment, "platform-production").protect, true);
                for (const ds of ["postgres", "redis"]) {
                    assert.equal(one(captured, T.service, `platform-${ds}`).protect, true, ds);
                    assert.equal(one(captured, T.variables, `platform-${ds}`).protect, true, ds);
                }
                assert.equal(one(captured, T.service, "platform-web").protect, false);
            });

            it("protects main: 2 reviews, strict checks for tests, policy and preview, no force push or deletion, admins included", () => {
                const bp = one(captured, T.branchProtection, "repository-main");
                assert.equal(bp.inputs.pattern, "main");
                assert.equal(bp.inputs.repositoryId, "platform");
                assert.deepEqual(
                    [
                        bp.inputs.enforceAdmins,
                        bp.inputs.allowsForcePushes,
                        bp.inputs.allowsDeletions,
                        bp.inputs.requiredLinearHistory,
                    ],
                    [true, false, false, true],
                );
                assert.deepEqual(bp.inputs.requiredStatusChecks, [
                    { strict: true, contexts: ["test", "policy", "preview"] },
                ]);
                const reviews = bp.inputs.requiredPullRequestReviews[0];
                assert.deepEqual(
                    [
                        reviews.requiredApprovingReviewCount,
                        reviews.dismissStaleReviews,
                        reviews.requireCodeOwnerReviews,
                    ],
                    [2, true, true],
                );
            });

            it("requires reviewers on the production GitHub environment and deploys it from main only", () => {
                const env = one(captured, T.githubEnvironment, "repository-production");
                assert.equal(env.inputs.environment, "production");
                const [reviewers] = env.inputs.reviewers;
                assert.equal(reviewers.teams.length, 1, "team platform-leads");
                assert.equal(reviewers.users.length, 1, "user ainative-oncall");
                assert.ok(reviewers.teams.every((id: unknown) => typeof id === "number" && id > 0));
                assert.deepEqual(env.inputs.deploymentBranchPolicy, {
                    protectedBranches: false,
                    customBranchPolicies: true,
                });
                assert.equal(
                    one(captured, T.githubDeploymentPolicy, "repository-production-main").inputs.branchPattern,
                    "main",
                );
                const secrets = captured
                    .filter((r) => r.type === T.githubSecret)
                    .map((r) => [r.inputs.environment, r.inputs.secretName]);
                assert.deepEqual(secrets.sort(), [
                    ["production", "PULUMI_CONFIG_PASSPHRASE"],
                    ["production", "RAILWAY_API_TOKEN"],
                ]);
            });

            it("pages at high urgency through a two-level escalation policy", () => {
                const policy = one(captured, T.escalationPolicy, "incidents");
                assert.equal(policy.inputs.rules.length, 2);
                assert.deepEqual(policy.inputs.rules[0].targets, [{ type: "schedule_reference", id: "P8PRIMARY" }]);
                for (const s of captured.filter((r) => r.type === T.pagerdutyService)) {
                    assert.deepEqual(s.inputs.incidentUrgencyRule, { type: "constant", urgency: "high" }, s.name);
                    assert.equal(s.inputs.escalationPolicy, "incidents-id");
                }
                assert.deepEqual(
                    captured
                        .filter((r) => r.type === T.pagerdutyService)
                        .map((r) => r.name)
                        .sort(),
                    ["incidents-web", "incidents-worker"],
                );
            });

            it("alerts at the seed's thresholds: error rate above 5%, p95 above 2x the baseline", () => {
                const rate = one(captured, T.sentryMetricAlert, "errors-web-error-rate");
                assert.equal(rate.inputs.aggregate, "failure_rate()");
                assert.equal(rate.inputs.triggers[0].alertThreshold, 0.05);
                const p95 = one(captured, T.sentryMetricAlert, "errors-web-p95-latency");
                assert.equal(p95.inputs.triggers[0].alertThreshold, 800);
                assert.equal(
                    one(captured, T.sentryIssueAlert, "errors-web-new-issue").inputs.environment,
                    "production",
                );
            });
        }

        if (stack === "production") {
            it("owns the Railway project and its services (a destroy deletes them)", () => {
                assert.equal(one(captured, T.project, "platform").inputs.name, "ainative-platform");
                assert.ok(captured.filter((r) => r.type === T.service).every((r) => !r.retainOnDelete));
                assert.equal(one(captured, T.sentryProject, "errors-web").inputs.name, "ainative-platform-web");
            });
        }

        if (stack !== "local") {
            it("gates the web service's deployments: the gate command runs for each new deployment and watches it", () => {
                const cmd = one(captured, T.command, "gate-web");
                const deploymentId = inputValue(one(captured, T.deployment, "platform-web").inputs.fingerprint).value;
                assert.equal(cmd.inputs.dir, undefined, "no machine's path in state");
                assert.equal(
                    plain(cmd.inputs.create),
                    `${PROJECT_ROOT} && npm run -s gate -- --stack ${stack} --service web --url https://${stack === "production" ? "app.ainative.studio" : "staging.ainative.dev"} --deployment ${mockDeploymentId(String(deploymentId))}`,
                );
                assert.equal(plain(cmd.inputs.update), plain(cmd.inputs.create));
                // The environment carries the stack's secret values for the gate to cut out of what it reports: secret.
                const environment = inputValue(cmd.inputs.environment);
                assert.ok(environment.secret, "the gate's environment is secret");
                const env = environment.value as Record<string, string>;
                assert.equal(env.RAILWAY_PROJECT_ID, "platform-id");
                const redact = JSON.parse(env.GATE_REDACT_VALUES) as unknown[];
                assert.ok(
                    redact.length > 0 && redact.every((v) => typeof v === "string" && v.length > 0),
                    "every secret value of the stack",
                );
                assert.deepEqual(plain(cmd.inputs.triggers), [mockDeploymentId(String(deploymentId))]);
            });
        }

        if (stack === "staging") {
            it("shares production's Railway project: finds it by name, takes the services without owning them (never deletes one)", () => {
                assert.equal(one(captured, T.projectLookup, "platform").inputs.name, "ainative-platform");
                assert.equal(captured.filter((r) => r.type === T.project).length, 0, "no project of its own");
                const services = captured.filter((r) => r.type === T.service);
                assert.ok(
                    services.length > 0 && services.every((r) => r.retainOnDelete),
                    "every service retained on delete",
                );
                assert.equal(
                    one(captured, T.environment, "platform-staging").retainOnDelete,
                    false,
                    "its environment is its own",
                );
                assert.ok(
                    captured.filter((r) => r.type === T.instance).every((r) => !r.retainOnDelete),
                    "its instances are its own",
                );
                assert.equal(
                    one(captured, T.sentryProject, "errors-web").inputs.name,
                    "ainative-platform-staging-web",
                    "its names stay apart from production's",
                );
            });

            it("runs one replica per service, protects nothing, and pages at low urgency", () => {
                assert.deepEqual(one(captured, T.instance, "platform-web").inputs.replicas, { "us-west2": 1 });
                assert.ok(
                    captured.every((r) => !r.protect),
                    "staging protects nothing",
                );
                for (const s of captured.filter((r) => r.type === T.pagerdutyService))
                    assert.equal(s.inputs.incidentUrgencyRule.urgency, "low");
            });

            it("protects develop and its own staging environment, not main or production", () => {
                const bp = one(captured, T.branchProtection, "repository-develop");
                assert.equal(bp.inputs.pattern, "develop");
                assert.equal(one(captured, T.githubEnvironment, "repository-staging").inputs.environment, "staging");
                assert.equal(
                    one(captured, T.githubDeploymentPolicy, "repository-staging-develop").inputs.branchPattern,
                    "develop",
                );
            });
        }

        if (stack !== "local") {
            it("wires each service's Sentry DSN into that service's SENTRY_DSN, and only there", () => {
                for (const svc of ["web", "worker"]) {
                    const vars = inputValue(one(captured, T.variables, `platform-${svc}`).inputs.secretVariables);
                    assert.equal(vars.secret, true);
                    assert.equal(
                        (vars.value as any).SENTRY_DSN,
                        `https://key-of-errors-${svc}@o1.ingest.sentry.example/1`,
                    );
                }
                for (const ds of ["postgres", "redis"]) {
                    const r = one(captured, T.variables, `platform-${ds}`);
                    assert.equal(
                        plain(r.inputs.secretVariables).SENTRY_DSN ?? r.inputs.variables.SENTRY_DSN,
                        undefined,
                        ds,
                    );
                }
                const sentryProjects = captured.filter((r) => r.type === T.sentryProject).map((r) => r.inputs.slug);
                const prefix = stack === "production" ? "ainative-platform" : "ainative-platform-staging";
                assert.deepEqual(sentryProjects.sort(), [`${prefix}-web`, `${prefix}-worker`]);
            });
        }

        if (stack === "local") {
            it("creates no GitHub, Sentry or PagerDuty resource and talks to the local emulator", () => {
                assert.deepEqual(
                    captured.filter((r) =>
                        /^(github|sentry|pagerduty)|providers:(github|sentry|pagerduty)/.test(r.type),
                    ),
                    [],
                );
                assert.equal(one(captured, T.project, "platform").inputs.apiUrl, "http://127.0.0.1:4010/graphql/v2");
                assert.equal(exports.sentryDsns, undefined);
                assert.equal(exports.pagerdutyRoutingKeys, undefined);
            });
        }
    });
}

describe("stack composition: integrations switched off", function () {
    this.timeout(30_000);
    it("creates no Sentry or PagerDuty component for a stack of datastores only", async () => {
        const { captured } = await runStack("staging", (c) => {
            const railway = c["ainative-platform:railway"] as any;
            railway.services = railway.services.filter((s: any) => s.kind === "datastore");
            const secrets = c["ainative-platform:secrets"] as any;
            delete secrets.services.web;
            delete secrets.services.worker;
        });
        assert.ok(captured.some((r) => r.type === T.volume));
        assert.ok(!captured.some((r) => r.type === C.ErrorTracking.token || r.type === C.IncidentRouting.token));
    });

    it("gates local deployments only when asked (gate.enabled)", async () => {
        const { captured } = await runStack("local", (c) => ((c["ainative-platform:gate"] as any).enabled = true));
        assert.equal(captured.filter((r) => r.type === T.command).length, 1);
    });

    it("deploys again (and reruns the gate) when a deployment-affecting setting changes, and only then", async () => {
        const fingerprint = async (mutate?: (c: Record<string, any>) => void) => {
            const { captured } = await runStack("staging", mutate);
            const value = inputValue(one(captured, T.deployment, "platform-web").inputs.fingerprint).value;
            assert.deepEqual(
                plain(one(captured, T.command, "gate-web").inputs.triggers),
                [mockDeploymentId(String(value))],
                "the gate follows the deployment",
            );
            return value;
        };
        const base = await fingerprint();
        assert.equal(
            await fingerprint((c) => (c["ainative-platform:railway"].services[1].replicas = 2)),
            base,
            "another service's change",
        );
        assert.notEqual(
            await fingerprint((c) => (c["ainative-platform:railway"].services[0].startCommand = "npm run start:v2")),
            base,
        );
        assert.notEqual(
            await fingerprint(
                (c) =>
                    (c["ainative-platform:secrets"].services.web.AUTH_SECRET =
                        "another-planted-auth-secret-0123456789"),
            ),
            base,
        );
    });

    it("creates nothing for an integration that config turns off", async () => {
        const { captured } = await runStack("production", (c) => {
            c["ainative-platform:integrations"] = { railway: true, github: false, sentry: false, pagerduty: true };
            // With Sentry off, SENTRY_DSN must come from secret config: give each app service one.
            const secrets = c["ainative-platform:secrets"] as any;
            for (const svc of (c["ainative-platform:railway"] as any).services) {
                if (svc.kind === "datastore") continue;
                svc.secrets.push("SENTRY_DSN");
                secrets.services[svc.name].SENTRY_DSN = "https://public@o1.ingest.sentry.io/1";
            }
        });
        const families = new Set(captured.map((r) => r.type.split(":")[0]));
        assert.ok(!families.has("github") && !families.has("sentry"), [...families].join(", "));
        assert.ok(captured.some((r) => r.type === T.pagerdutyService));
        assert.ok(!captured.some((r) => r.type === T.ghProvider));
    });

    it("uses an existing Railway project by id instead of creating one", async () => {
        const { captured, exports } = await runStack("staging", (c) => {
            (c["ainative-platform:railway"] as any).projectId = "existing-project-id";
        });
        assert.equal(captured.filter((r) => r.type === T.project).length, 0);
        assert.equal(one(captured, T.environment, "platform-staging").inputs.projectId, "existing-project-id");
        assert.ok(
            captured.filter((r) => r.type === T.service).every((r) => r.inputs.projectId === "existing-project-id"),
        );
        assert.equal(await promiseOf(exports.railwayProjectId as pulumi.Output<string>), "existing-project-id");
    });
});
