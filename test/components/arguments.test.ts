import * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "assert";
import { DeploymentGate } from "../../components/deployment-gate";
import { ErrorTracking, ErrorTrackingArgs } from "../../components/error-tracking";
import { IncidentRouting, IncidentRoutingArgs } from "../../components/incident-routing";
import { RailwayApp, RailwayAppArgs, RailwayAppService } from "../../components/railway-app";
import { RepositoryProtection, RepositoryProtectionArgs } from "../../components/repository-protection";
import { serviceSchema } from "../../config/stack.schema";
import { CapturedResource, installMocks } from "../support/mocks";

/** A compliant staging service; each test changes one thing. */
function service(over: Partial<RailwayAppService> = {}): RailwayAppService {
    const base = serviceSchema.parse({
        name: "web",
        kind: "web",
        source: { image: "nginx:1" },
        healthcheck: { path: "/api/health" },
        variables: {
            NODE_ENV: "production",
            APP_ENV: "staging",
            DATABASE_URL: "${{postgres.DATABASE_URL}}?sslmode=require",
            REDIS_URL: "${{redis.REDIS_URL}}",
            AUTH_URL: "https://staging.example.com",
            NEXT_PUBLIC_APP_URL: "https://staging.example.com",
            NEXT_PUBLIC_API_URL: "https://staging.example.com/api",
            SENTRY_DSN: "${{shared.SENTRY_DSN}}",
        },
        secrets: ["AUTH_SECRET", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "OPENAI_API_KEY"],
    });
    const secretValues = Object.fromEntries(base.secrets.map((k) => [k, pulumi.secret(`value-of-${k}`)]));
    return { ...base, secretValues, ...over };
}

const appArgs = (services: RailwayAppService[]): RailwayAppArgs => ({
    appEnvironment: "staging",
    project: { name: "app" },
    environmentName: "staging",
    region: "us-west2",
    services,
});

describe("component arguments", () => {
    let captured: CapturedResource[];
    beforeEach(() => {
        captured = installMocks("staging", {}, []);
    });

    /** Asserts a ResourceError naming the component and each argument, and that nothing was registered. */
    function rejects(build: () => unknown, token: string, ...args: RegExp[]) {
        assert.throws(build, (e: unknown) => {
            assert.ok(e instanceof pulumi.ResourceError, `not a ResourceError: ${e}`);
            assert.match((e as Error).message, new RegExp(`^${token} 'x'`));
            for (const a of args) assert.match((e as Error).message, a);
            return true;
        });
        assert.deepEqual(captured, [], "nothing is registered");
    }

    it("accepts the compliant baseline (so each failure below is caused by its one change)", () => {
        assert.doesNotThrow(() => new RailwayApp("x", appArgs([service()])));
    });

    it("RailwayApp: no services", () => {
        rejects(() => new RailwayApp("x", appArgs([])), "ainative:railway:RailwayApp", /services: is empty/);
    });

    it("RailwayApp: duplicate service names", () => {
        rejects(
            () => new RailwayApp("x", appArgs([service(), service()])),
            "ainative:railway:RailwayApp",
            /services\[1\]\.name: 'web' is used by another service/,
        );
    });

    it("RailwayApp: replicas above 50, counting every region", () => {
        rejects(
            () => new RailwayApp("x", appArgs([service({ replicas: 45, regions: { "europe-west4-drams3a": 6 } })])),
            "ainative:railway:RailwayApp",
            /services\[0\] \(web\)\.replicas: gives 51 replicas in total across regions, Railway allows 50/,
        );
    });

    it("RailwayApp: a cron schedule with more than one replica", () => {
        rejects(
            () => new RailwayApp("x", appArgs([service({ kind: "cron", cronSchedule: "0 * * * *", replicas: 2 })])),
            "ainative:railway:RailwayApp",
            /services\[0\] \(web\)\.cronSchedule: is set on a service with more than one replica/,
        );
    });

    it("RailwayApp: a volume with more than one replica", () => {
        rejects(
            () =>
                new RailwayApp(
                    "x",
                    appArgs([
                        service({
                            kind: "datastore",
                            volume: { mountPath: "/data", backupBeforeChange: true },
                            replicas: 2,
                        }),
                    ]),
                ),
            "ainative:railway:RailwayApp",
            /services\[0\] \(web\)\.volume: is attached to a service with more than one replica/,
        );
    });

    it("RailwayApp: variables that break the environment schema, all reported together", () => {
        const bad = service({ variables: { ...service().variables, APP_ENV: "production", DATABSE_URL: "x" } });
        rejects(
            () => new RailwayApp("x", appArgs([bad])),
            "ainative:railway:RailwayApp",
            /variables\.APP_ENV/,
            /variables\.DATABSE_URL/,
            /2 invalid arguments/,
        );
    });

    it("RailwayApp: a declared secret without a value", () => {
        rejects(
            () => new RailwayApp("x", appArgs([service({ secretValues: {} })])),
            "ainative:railway:RailwayApp",
            /secretValues\.AUTH_SECRET: is declared secret but has no value/,
        );
    });

    const sentryArgs = (over: Partial<ErrorTrackingArgs> = {}): ErrorTrackingArgs => ({
        organization: "o",
        team: "t",
        manageTeam: true,
        platform: "javascript-nextjs",
        projectPrefix: "app",
        services: ["web"],
        environment: "staging",
        alerts: { errorRatePercent: 5, p95LatencyMultiplier: 2, baselineP95Ms: 400 },
        ...over,
    });
    it("ErrorTracking: no services, or a multiplier below 1", () => {
        rejects(
            () => new ErrorTracking("x", sentryArgs({ services: [] })),
            "ainative:sentry:ErrorTracking",
            /services: is empty/,
        );
        rejects(
            () =>
                new ErrorTracking(
                    "x",
                    sentryArgs({ alerts: { errorRatePercent: 5, p95LatencyMultiplier: 0.5, baselineP95Ms: 400 } }),
                ),
            "ainative:sentry:ErrorTracking",
            /alerts\.p95LatencyMultiplier/,
        );
    });

    const pdArgs = (over: Partial<IncidentRoutingArgs> = {}): IncidentRoutingArgs => ({
        prefix: "app",
        environment: "production",
        urgency: "high",
        services: ["web"],
        escalationLevels: [
            { delayMinutes: 10, targets: [{ type: "schedule", id: "P1" }] },
            { delayMinutes: 10, targets: [{ type: "user", id: "U1" }] },
        ],
        ...over,
    });
    it("IncidentRouting: production with one escalation level, or duplicate services", () => {
        rejects(
            () => new IncidentRouting("x", pdArgs({ escalationLevels: pdArgs().escalationLevels.slice(0, 1) })),
            "ainative:pagerduty:IncidentRouting",
            /escalationLevels: production has 1 level, needs at least 2/,
        );
        rejects(
            () => new IncidentRouting("x", pdArgs({ services: ["web", "web"] })),
            "ainative:pagerduty:IncidentRouting",
            /services: 'web' is listed twice/,
        );
    });

    const ghArgs = (over: Partial<RepositoryProtectionArgs> = {}): RepositoryProtectionArgs => ({
        repository: "platform",
        protectedBranch: "main",
        requiredStatusChecks: ["test", "policy", "preview"],
        requiredApprovingReviews: 2,
        environment: "production",
        reviewers: { teams: ["leads"] },
        ...over,
    });
    it("RepositoryProtection: production without reviewers, reviews above GitHub's 6, no status checks", () => {
        rejects(
            () =>
                new RepositoryProtection(
                    "x",
                    ghArgs({ reviewers: {}, requiredApprovingReviews: 7, requiredStatusChecks: [] }),
                ),
            "ainative:github:RepositoryProtection",
            /reviewers: the production environment has no required reviewers/,
            /requiredApprovingReviews: 7/,
            /requiredStatusChecks: is empty/,
        );
    });

    it("DeploymentGate: a service name that is not one, and an empty folder", () => {
        rejects(
            () =>
                new DeploymentGate("x", {
                    stack: "production",
                    service: "Web Service",
                    projectId: "p",
                    url: "https://app.example.com",
                    deploymentId: "f",
                    dir: "",
                }),
            "ainative:gate:DeploymentGate",
            /service: 'Web Service' is not a service name/,
            /dir: is empty/,
        );
    });
});
