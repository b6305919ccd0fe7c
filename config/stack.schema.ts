/**
 * The whole stack configuration (`Pulumi.<stack>.yaml`, namespace `ainative-platform`) as one Zod
 * schema. Every object is strict, so a misspelt key is an error with a "did you mean" hint rather
 * than a silently ignored setting.
 *
 * Secrets are not in these keys: they live under `ainative-platform:secrets` (see {@link secretsSchema}),
 * set with `pulumi config set --secret --path`, so that the rest of the configuration stays readable.
 */
import { z } from "zod";
import { APP_ENVIRONMENTS } from "./environment.schema";
import {
    RAILWAY_DEPLOY_SECONDS,
    RAILWAY_MAX_REPLICAS,
    RAILWAY_REGIONS,
    RAILWAY_SERVICE_NAME_MAX_LENGTH,
} from "./railway-limits";
import { SecretValue } from "./secret";

export const CONFIG_NAMESPACE = "ainative-platform";

const name = z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/, { message: "must be lower-case letters, digits and dashes, starting with a letter" })
    .max(RAILWAY_SERVICE_NAME_MAX_LENGTH, {
        message: `must be at most ${RAILWAY_SERVICE_NAME_MAX_LENGTH} characters (Railway's limit for service names)`,
    });

const envKey = z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, { message: "must be an environment variable name (A-Z, 0-9, _)" });

export { RAILWAY_REGIONS };

/** Where a service's code comes from: a GitHub repository and branch, or a Docker image. */
export const serviceSourceSchema = z.union([
    z.strictObject({
        repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, { message: "must be 'owner/repository'" }),
        branch: z.string().min(1),
        rootDirectory: z.string().optional(),
        /**
         * Railway's Check Suites on the branch's trigger: a push's deployment waits (WAITING) while
         * the commit's GitHub workflows run, and is skipped if one fails. Production sets it, so
         * that a merged commit reaches production only once the deploy workflow (with the canary)
         * has passed.
         */
        waitForChecks: z.boolean().optional(),
    }),
    z.strictObject({
        image: z.string().min(1),
    }),
]);

export const SERVICE_KINDS = ["web", "worker", "cron", "datastore"] as const;

export const serviceSchema = z.strictObject({
    /** Railway service name, unique in the project. */
    name,
    /** web (public HTTP), worker, cron (scheduled job), datastore (PostgreSQL, Redis: not app code). */
    kind: z.enum(SERVICE_KINDS),
    source: serviceSourceSchema,
    /**
     * Deploy this commit of `source.branch` rather than its head (a review environment deploys its
     * pull request's head commit this way); a new value deploys again. Repository sources only.
     */
    commit: z
        .string()
        .regex(/^[0-9a-f]{7,40}$/, { message: "must be a commit SHA (7 to 40 hex digits)" })
        .optional(),
    startCommand: z.string().min(1).optional(),
    buildCommand: z.string().min(1).optional(),
    preDeployCommand: z.array(z.string().min(1)).optional(),
    watchPatterns: z.array(z.string().min(1)).optional(),
    healthcheck: z
        .strictObject({
            path: z.string().startsWith("/", { message: "must start with '/'" }),
            /** Railway waits this long for the first healthy answer of a new deployment (Railway's default 300). */
            timeoutSeconds: z.number().int().min(1).max(3600).default(300),
        })
        .optional(),
    /** Replicas in the stack's region; Railway allows at most 50 in total. */
    replicas: z.number().int().min(1).max(RAILWAY_MAX_REPLICAS).default(1),
    /** Extra regions and their replica counts (multi-region); the stack's region comes from `replicas`. */
    regions: z.partialRecord(z.enum(RAILWAY_REGIONS), z.number().int().min(1).max(RAILWAY_MAX_REPLICAS)).optional(),
    restartPolicy: z
        .strictObject({
            type: z.enum(["ALWAYS", "ON_FAILURE", "NEVER"]),
            maxRetries: z.number().int().min(0).max(100).optional(),
        })
        .default({ type: "ON_FAILURE", maxRetries: 10 }),
    cronSchedule: z
        .string()
        .regex(/^(\S+\s+){4}\S+$/, { message: "must be a 5-field cron expression" })
        .optional(),
    sleepApplication: z.boolean().optional(),
    /**
     * Blue-green by Railway's own switch (docs/review-environments.md "Release strategies"): seconds the previous
     * deployment keeps serving beside the new healthy one, and its instances' grace between SIGTERM
     * and SIGKILL. Unset: Railway's default (none).
     */
    overlapSeconds: z.number().int().min(RAILWAY_DEPLOY_SECONDS.min).max(RAILWAY_DEPLOY_SECONDS.max).optional(),
    drainingSeconds: z.number().int().min(RAILWAY_DEPLOY_SECONDS.min).max(RAILWAY_DEPLOY_SECONDS.max).optional(),
    /** A volume, for datastores (Railway allows one replica with a volume). */
    volume: z
        .strictObject({
            mountPath: z.string().startsWith("/"),
            /**
             * Take a Railway backup before deleting the volume (a replace deletes the old one) or
             * moving it to another service or path, and stop if it fails. Default true; production
             * may not turn it off (policy `volume-backup-before-change`).
             */
            backupBeforeChange: z.boolean().default(true),
        })
        .optional(),
    domains: z
        .strictObject({
            /** A `*.up.railway.app` domain. */
            railway: z.boolean().default(false),
            custom: z
                .array(
                    z
                        .string()
                        .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, { message: "must be a hostname such as app.example.com" }),
                )
                .default([]),
            targetPort: z.number().int().min(1).max(65535).optional(),
        })
        .optional(),
    /** Plain (non-secret) variables. Railway references such as `${{Postgres.DATABASE_URL}}` are allowed. */
    variables: z.record(envKey, z.string()).default({}),
    /** Names of secret variables; values are set with `pulumi config set --secret --path secrets.services.<name>.<KEY>`. */
    secrets: z.array(envKey).default([]),
    /** Variables outside the environment schema that are intended (typo protection otherwise rejects them). */
    allowedExtraVariables: z.array(envKey).default([]),
    /** Mark the Railway resources `protect` (refuse deletes): production datastores. */
    protect: z.boolean().default(false),
    /**
     * Adopt a service that already exists on Railway instead of creating it: each key holds the
     * import ID of one of its resources (docs/railway.md "Adopting existing Railway resources"). The next
     * `pulumi up` imports them (they must match the config, or nothing is adopted); remove the keys
     * afterwards.
     */
    adopt: z
        .strictObject({
            service: z.string().regex(/^[^:]+$/, { message: "must be '<serviceId>'" }),
            serviceInstance: z
                .string()
                .regex(/^[^:]+:[^:]+:[^:]+$/, { message: "must be '<projectId>:<serviceId>:<environmentId>'" })
                .optional(),
            variables: z
                .string()
                .regex(/^[^:]+:[^:]+:[^:]+$/, { message: "must be '<projectId>:<environmentId>:<serviceId>'" })
                .optional(),
            serviceDomain: z
                .string()
                .regex(/^[^:]+:[^:]+:[^:]+:[^:]+$/, {
                    message: "must be '<projectId>:<environmentId>:<serviceId>:<serviceDomainId>'",
                })
                .optional(),
            volume: z
                .string()
                .regex(/^[^:]+:[^:]+$/, { message: "must be '<environmentId>:<volumeId>'" })
                .optional(),
            customDomains: z
                .record(
                    z.string(),
                    z.string().regex(/^[^:]+:[^:]+$/, { message: "must be '<projectId>:<customDomainId>'" }),
                )
                .optional(),
        })
        .optional(),
});

export const railwaySchema = z.strictObject({
    /** Workspace that owns the project (needed to create one; narrows the search for a shared one). */
    workspaceId: z.string().min(1).optional(),
    /** Share an existing project, by id (the stack does not own it). */
    projectId: z.string().min(1).optional(),
    /** Project name (created by the owning stack; found by name by the others, unless projectId is set). */
    project: z.string().min(1),
    /**
     * Whether this stack owns the project-wide part: the project and each service's identity. The
     * owner creates them and deletes them on destroy; the other stacks of the project share them
     * (found by `projectId`, or by `project` name) and own only their environment. Default: true
     * unless `projectId` is set.
     */
    ownsProject: z.boolean().optional(),
    /** Railway environment name for this stack (staging, production). */
    environment: z.string().min(1),
    /**
     * Create this stack's environment, when it does not exist yet, as a duplicate of this one
     * (Railway copies its services, settings and variables; nothing is deployed until `pulumi up`).
     */
    duplicateFrom: z.string().min(1).optional(),
    /** Railway's ephemeral flag, read when the environment is created (review environments set it). */
    ephemeral: z.boolean().optional(),
    /** Removed: Railway deprecated forked environments. A clear error names what to use instead. */
    forkFrom: z
        .unknown()
        .refine(() => false, {
            message:
                "is no longer supported: Railway deprecated forked environments (January 2024), and each environment of a project is isolated",
            params: {
                fix: "remove it; to create this environment as a copy of another use railway.duplicateFrom: <environment>, and an environment that exists already (a fork too) is adopted by its name",
            },
        })
        .optional(),
    region: z.enum(RAILWAY_REGIONS).default("us-west2"),
    /** GraphQL endpoint override: the local emulator, or a proxy. */
    apiUrl: z.url().optional(),
    /** Protect the project and environment against `pulumi destroy`. */
    protect: z.boolean().default(false),
    services: z.array(serviceSchema).min(1, { message: "must list at least one service" }),
});

/** A third-party API's base URL: https, or plain http on this machine only (the local fakes). */
const apiBaseUrl = z.url().refine((u) => {
    if (!URL.canParse(u)) return true; // z.url() has said so already
    const url = new URL(u);
    return (
        url.protocol === "https:" ||
        (url.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname))
    );
}, "must be an https URL (plain http only on 127.0.0.1, for the local fakes)");

export const githubSchema = z.strictObject({
    owner: z.string().min(1),
    repository: z.string().min(1),
    /**
     * GitHub Enterprise Server's URL (`https://github.example.com/`), or the local fake GitHub.
     * Any base URL other than github.com puts the provider on GHES paths (`/api/v3/`, `/api/graphql`).
     */
    baseUrl: apiBaseUrl.optional(),
    /** Milliseconds the provider waits after each write (its default is 1000; 0 for the local fake). */
    writeDelayMs: z.number().int().min(0).max(60_000).optional(),
    protectedBranch: z.string().min(1).default("main"),
    /** Status check contexts that must pass before merging (tests, policy, preview). */
    requiredStatusChecks: z.array(z.string().min(1)).min(1).default(["test", "policy", "preview"]),
    requiredApprovingReviews: z.number().int().min(0).max(6).default(1),
    /** Who approves deployments to the production GitHub environment. */
    productionReviewers: z
        .strictObject({
            users: z.array(z.string().min(1)).default([]),
            teams: z.array(z.string().min(1)).default([]),
        })
        .default({ users: [], teams: [] }),
});

export const sentrySchema = z.strictObject({
    organization: z.string().min(1),
    team: z.string().min(1),
    /** A self-hosted Sentry's URL, or the local fake Sentry (the provider appends `api/0/…`). */
    baseUrl: apiBaseUrl.optional(),
    /**
     * Create the team from this stack. Teams are organization-wide: one stack (production) creates
     * it, the others set false and use it.
     */
    manageTeam: z.boolean().default(true),
    platform: z.string().min(1).default("javascript-nextjs"),
    alerts: z
        .strictObject({
            /** Metric alert when errors exceed this share of transactions (seed: 5%). */
            errorRatePercent: z.number().positive().max(100).default(5),
            /** Metric alert when p95 latency exceeds this multiple of the baseline (seed: 2x). */
            p95LatencyMultiplier: z.number().min(1).default(2),
            /** The baseline p95 in milliseconds that the multiplier applies to. */
            baselineP95Ms: z.number().int().positive().default(400),
        })
        .default({ errorRatePercent: 5, p95LatencyMultiplier: 2, baselineP95Ms: 400 }),
});

const escalationTarget = z.strictObject({
    type: z.enum(["user", "schedule"]),
    id: z.string().min(1),
});

export const pagerdutySchema = z.strictObject({
    /** Where the provider sends its REST calls instead of api.pagerduty.com: the local fake PagerDuty. */
    apiUrl: apiBaseUrl.optional(),
    escalationLevels: z
        .array(
            z.strictObject({
                delayMinutes: z.number().int().min(1).max(1440).default(15),
                targets: z.array(escalationTarget).min(1),
            }),
        )
        .min(1),
    /** high pages someone now; low and none notify without paging (none: for stacks nobody is on call for). */
    urgency: z.enum(["high", "low", "none"]),
});

/**
 * A smoke test of the health gate's level 3: one HTTP request and what must come back. Header and
 * body values may reference environment variables as `${env:NAME}` (CI secrets); the gate resolves
 * them at run time and never prints them.
 */
export const smokeTestSchema = z.strictObject({
    name: z.string().min(1),
    method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]).default("GET"),
    path: z.string().startsWith("/", { message: "must start with '/'" }),
    headers: z.record(z.string(), z.string()).default({}),
    /** A JSON body (sent with content-type application/json). */
    body: z.unknown().optional(),
    expectStatus: z.number().int().min(100).max(599).default(200),
    /** Fields of the JSON response that must equal these values (dotted paths, e.g. `user.id`). */
    expectBody: z.record(z.string(), z.unknown()).default({}),
    /** A failing critical test rolls back at once; a non-critical one is recorded only. */
    critical: z.boolean().default(true),
    timeoutMs: z.number().int().positive().default(5000),
});

const GATE_DEFAULTS = {
    healthPath: "/api/health",
    intervalSeconds: 5,
    healthBudgetMs: 100,
    consecutive5xxForRollback: 3,
    memoryPercentForRollback: 95,
    monitoringWindowMinutes: 10,
    errorRatePercentForRollback: 5,
    p95LatencyMultiplierForRollback: 2,
    dbPoolPercentForRollback: 90,
    resourcePercentForRollback: 90,
    sustainedBuckets: 4,
    minSamplesForRates: 20,
    rollbackTimeoutSeconds: 600,
    imageRetentionHours: 24,
    smokeTests: [],
    enabled: true,
};

/**
 * Where the gate finds the stack's secret values to cut out of what it reports: a JSON array of
 * strings in this environment variable (DeploymentGate sets it, kept secret, under `pulumi up`).
 */
export const GATE_REDACT_VARIABLE = "GATE_REDACT_VALUES";

/** Health gate thresholds (DESIGN.md §7); the defaults are the seed's numbers. */
/** Bounds of the gate's timing settings, shared by the stack schema and the gate command's flags. */
export const GATE_LIMITS = {
    intervalSeconds: { min: 0.05, max: 300 },
    monitoringWindowMinutes: { min: 0.01, max: 60 },
} as const;

export const gateSchema = z
    .strictObject({
        healthPath: z.string().startsWith("/").default(GATE_DEFAULTS.healthPath),
        /** Between health probes: 50 ms to 5 minutes. */
        intervalSeconds: z
            .number()
            .min(GATE_LIMITS.intervalSeconds.min)
            .max(GATE_LIMITS.intervalSeconds.max)
            .default(GATE_DEFAULTS.intervalSeconds),
        /** Level 1: a health answer slower than this is recorded as over budget (not a failure). */
        healthBudgetMs: z.number().int().positive().default(GATE_DEFAULTS.healthBudgetMs),
        consecutive5xxForRollback: z.number().int().min(1).default(GATE_DEFAULTS.consecutive5xxForRollback),
        memoryPercentForRollback: z.number().min(1).max(100).default(GATE_DEFAULTS.memoryPercentForRollback),
        /** Level 4's window (the seed: 5 to 15 minutes). */
        monitoringWindowMinutes: z
            .number()
            .min(GATE_LIMITS.monitoringWindowMinutes.min)
            .max(GATE_LIMITS.monitoringWindowMinutes.max)
            .default(GATE_DEFAULTS.monitoringWindowMinutes),
        errorRatePercentForRollback: z.number().min(0).max(100).default(GATE_DEFAULTS.errorRatePercentForRollback),
        p95LatencyMultiplierForRollback: z.number().min(1).default(GATE_DEFAULTS.p95LatencyMultiplierForRollback),
        dbPoolPercentForRollback: z.number().min(1).max(100).default(GATE_DEFAULTS.dbPoolPercentForRollback),
        resourcePercentForRollback: z.number().min(1).max(100).default(GATE_DEFAULTS.resourcePercentForRollback),
        /** "Sustained" means in every one of this many equal parts of the window. */
        sustainedBuckets: z.number().int().min(1).max(20).default(GATE_DEFAULTS.sustainedBuckets),
        /** Fewer probes than this in the window: rates are recorded but decide nothing. */
        minSamplesForRates: z.number().int().min(1).default(GATE_DEFAULTS.minSamplesForRates),
        /** How long to wait for a rollback deployment to reach SUCCESS. */
        rollbackTimeoutSeconds: z.number().int().positive().default(GATE_DEFAULTS.rollbackTimeoutSeconds),
        /**
         * How long Railway keeps a deployment's image, by plan (its docs: Free 24 h, Hobby 72 h,
         * Pro 120 h, Enterprise 360 h). A rollback restores the image without a rebuild only
         * within it; the gate attempts none past it. The default is the most conservative plan's.
         */
        imageRetentionHours: z.number().int().min(1).max(8760).default(GATE_DEFAULTS.imageRetentionHours),
        /**
         * Page PagerDuty (PAGERDUTY_ROUTING_KEY) when a deployment fails to build or crashes.
         * Default: on for the production stack only; the other channels are always told.
         */
        pageOnFailedDeployment: z.boolean().optional(),
        smokeTests: z.array(smokeTestSchema).default([]),
        /** Run the gate under `pulumi up` after deployment-affecting changes. */
        enabled: z.boolean().default(GATE_DEFAULTS.enabled),
        /**
         * Where the gate reaches a service, by name (default: its first custom domain, else its
         * Railway domain): for services that answer elsewhere, such as the local stack's dev server.
         */
        baseUrls: z.record(z.string(), z.url()).optional(),
    })
    .default(GATE_DEFAULTS);

export const integrationsSchema = z
    .strictObject({
        railway: z.boolean().default(true),
        github: z.boolean().default(true),
        sentry: z.boolean().default(true),
        pagerduty: z.boolean().default(true),
    })
    .default({ railway: true, github: true, sentry: true, pagerduty: true });

/** A secret leaf: the loader turns `secure:` values and runtime secrets into {@link SecretValue}s. */
const secretLeaf = z.custom<SecretValue>((v) => v instanceof SecretValue, { message: "is stored in plain text" });

/**
 * The secret part of the configuration. Leaves are {@link SecretValue}s: `secure:` ciphertexts in a
 * stack file, secret config at run time. A plain-text leaf is an error. Never printed.
 */
export const secretsSchema = z
    .strictObject({
        /** Per service: secret variable name → value. */
        services: z.record(z.string(), z.record(envKey, secretLeaf)).default({}),
        /** Secrets the deploy pipeline needs as GitHub Actions environment secrets. */
        deploy: z
            .strictObject({
                railwayApiToken: secretLeaf.optional(),
                pulumiConfigPassphrase: secretLeaf.optional(),
                /**
                 * The Railway project token of the stack's environment, for the jobs that act on it
                 * alone (the deploy watcher's `RAILWAY_TOKEN` in GitHub environment `drift-<stack>`).
                 * Rotated by `npm run railway:rotate-token`, never set by hand.
                 */
                railwayProjectToken: secretLeaf.optional(),
            })
            .default({}),
    })
    .default({ services: {}, deploy: {} });

/**
 * Review environments of pull requests made from this stack (`npm run review`): on the base stack
 * (staging). Each is a stack of its own whose Railway environment duplicates this stack's.
 */
export const reviewEnvironmentsSchema = z.strictObject({
    /** At most this many at once: a pull request past it is refused, with a comment saying why. */
    max: z.number().int().min(1).max(100).default(5),
    /** The sweeper destroys a review environment this many days after its last update (not its creation). */
    idleDays: z.number().min(1).max(365).default(7),
});

/**
 * What makes a stack a pull request's review environment: written by `npm run review` into the
 * review stack's file (a copy of its base's), never by hand. The program derives the rest
 * (config/derived-environment.ts).
 */
export const reviewSchema = z.strictObject({
    pullRequest: z.number().int().min(1),
    /** The pull request's head branch: services built from `repository` deploy it. */
    branch: z.string().min(1).max(255),
    /** The repository of the pull request (owner/name). */
    repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/, { message: "must be 'owner/repository'" }),
    /** The stack it was made from (staging). */
    base: z.string().min(1),
    /** The pull request's head commit: what its services deploy. */
    commit: z
        .string()
        .regex(/^[0-9a-f]{7,40}$/, { message: "must be a commit SHA (7 to 40 hex digits)" })
        .optional(),
});

/**
 * What makes a stack the canary: written by `npm run canary` into the canary stack's file (a copy
 * of production's), never by hand. The program derives the rest (config/derived-environment.ts).
 */
export const canarySchema = z.strictObject({
    /** The stack it was made from (production). */
    base: z.string().min(1),
    /** The repository whose services run `commit`. */
    repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/, { message: "must be 'owner/repository'" }),
    /** The commit to prove before production gets it. */
    commit: z.string().regex(/^[0-9a-f]{7,40}$/, { message: "must be a commit SHA (7 to 40 hex digits)" }),
});

/**
 * Who hears of this stack's events by email, beside Slack and PagerDuty (scripts/notify/email.ts):
 * each address gets `failures` (a failed deployment, a rollback, a rollback that failed) or
 * `everything` (drift, a rotation overdue, a review environment refused by the cap, too). The SMTP
 * server and its credentials come from the environment (SMTP_URL), never from here.
 */
export const alertsSchema = z.strictObject({
    email: z
        .strictObject({
            recipients: z
                .array(
                    z.strictObject({
                        address: z.email({ message: "must be an email address such as oncall@example.com" }),
                        gets: z.enum(["failures", "everything"], {
                            message: "must be 'failures' (failed deployments and rollbacks) or 'everything'",
                        }),
                    }),
                )
                .min(1)
                .max(50),
        })
        .optional(),
});

/** A path segment in Vault (a mount, a folder): letters, digits, dashes and underscores. */
const vaultSegment = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, {
    message: "must be 1 to 64 letters, digits, dashes and underscores (one path segment)",
});

/**
 * Where the stack's secrets are backed up: HashiCorp Vault's KV version 2, one entry per secret at
 * `<mount>/data/<prefix>/<stack>/<service>/<KEY>` (`npm run secret:backup`, scripts/vault/).
 * Production must have one (policy secrets-backup-production). Who may write is Vault's business:
 * VAULT_TOKEN for a person, VAULT_ROLE_ID and VAULT_SECRET_ID (AppRole) for CI; never in a file.
 */
export const vaultBackupSchema = z.strictObject({
    /** Vault's address; VAULT_ADDR in the environment wins (a tunnel, the tests). */
    address: z.url({ protocol: /^https?$/, message: "must be Vault's URL, such as https://vault.example.com:8200" }),
    /** The KV version 2 secrets engine's mount. */
    mount: vaultSegment.default("secret"),
    /** The folder under the mount that holds every stack's secrets. */
    prefix: vaultSegment.default("ainative-platform"),
    /** Where the AppRole auth method is mounted (CI's login). */
    approleMount: vaultSegment.default("approle"),
});

/** Every key under the `ainative-platform` namespace. */
export const stackConfigSchema = z.strictObject({
    environment: z.enum(APP_ENVIRONMENTS),
    /** Production hostnames: a staging URL pointing at one of them is an error. */
    productionHosts: z.array(z.string().min(1)).default([]),
    integrations: integrationsSchema,
    railway: railwaySchema,
    github: githubSchema.optional(),
    sentry: sentrySchema.optional(),
    pagerduty: pagerdutySchema.optional(),
    gate: gateSchema,
    secrets: secretsSchema,
    /**
     * When each secret was last rotated (`npm run secret:rotate` writes it): service → variable →
     * an ISO date. Not secret: it says when, never what.
     */
    rotations: z
        .record(z.string(), z.record(envKey, z.iso.date({ message: "must be a date such as 2026-12-03" })))
        .default({}),
    reviewEnvironments: reviewEnvironmentsSchema.optional(),
    review: reviewSchema.optional(),
    canary: canarySchema.optional(),
    alerts: alertsSchema.optional(),
    /** The Vault that keeps a copy of every secret of the stack (required on production). */
    vault: vaultBackupSchema.optional(),
});

export type StackConfigInput = z.input<typeof stackConfigSchema>;
export type ParsedStackConfig = z.output<typeof stackConfigSchema>;
export type ServiceConfig = z.output<typeof serviceSchema>;
export type RailwayConfig = z.output<typeof railwaySchema>;
export type GithubConfig = z.output<typeof githubSchema>;
export type SentryConfig = z.output<typeof sentrySchema>;
export type PagerdutyConfig = z.output<typeof pagerdutySchema>;
export type GateConfig = z.output<typeof gateSchema>;
export type VaultBackupConfig = z.output<typeof vaultBackupSchema>;
export type SmokeTest = z.output<typeof smokeTestSchema>;
export type Integrations = z.output<typeof integrationsSchema>;
export type ReviewConfig = z.output<typeof reviewSchema>;
export type CanaryConfig = z.output<typeof canarySchema>;
export type ReviewEnvironmentsConfig = z.output<typeof reviewEnvironmentsSchema>;
