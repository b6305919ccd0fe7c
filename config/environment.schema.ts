/**
 * The platform application's environment variables: one Zod schema per key, with the rules of each
 * deployment environment on top. Used by `npm run validate-env` (dotenv files, process env), by the
 * stack loader (each Railway service's variables) and by the CrossGuard policy pack.
 *
 * The app is a Next.js 16 (TypeScript) service on Railway with PostgreSQL, Redis, Stripe, OpenAI,
 * Sentry and Auth.js authentication, plus a background worker sharing the same code base.
 */
import { z } from "zod";
import type { ConfigIssue } from "./issues";
import { SecretValue } from "./secret";
import { unknownKeyFix } from "./suggest";
import {
    credentialShape,
    hasRailwayReference,
    isHostOrSubdomain,
    isLocalOrPrivateHost,
    literalText,
    REFERENCE_PLACEHOLDER,
    shown,
    startsWithReference,
    withPlaceholders,
} from "./values";

export { isLocalOrPrivateHost };

export const APP_ENVIRONMENTS = ["local", "staging", "production"] as const;
export type AppEnvironment = (typeof APP_ENVIRONMENTS)[number];

/** Application roles that run the app's code (datastores such as Postgres have their own variables). */
export const APP_ROLES = ["web", "worker", "cron"] as const;
export type AppRole = (typeof APP_ROLES)[number];

export interface EnvRuleContext {
    environment: AppEnvironment;
    /**
     * Hostnames that belong to production. On staging no URL may point at one of them or at a
     * subdomain of one (staging must never write to production's database or call its API).
     */
    productionHosts: string[];
}

export interface EnvKeySpec {
    description: string;
    /** Secret keys are never printed and must be Pulumi secrets in state. */
    secret: boolean;
    /** Environments in which the key must be set. */
    requiredIn: readonly AppEnvironment[];
    /** Roles the key is required for (default: every app role). */
    requiredFor?: readonly AppRole[];
    /** The value's schema in a given environment. */
    schema: (ctx: EnvRuleContext) => z.ZodType<string>;
}

// ---- rule building blocks ---------------------------------------------------------------

/** Railway resolves `${{Service.VAR}}` and `${{shared.VAR}}` references at deploy time. */
export function isRailwayReference(value: string): boolean {
    return hasRailwayReference(value);
}

/** Adds a custom issue whose message is the problem and whose `params.fix` says how to fix it. */
function fail(ctx: z.RefinementCtx, problem: string, fix: string): void {
    ctx.addIssue({ code: "custom", message: problem, params: { fix } });
}

interface UrlRule {
    schemes: readonly string[];
    /** Schemes that count as web URLs, for the production https-only rule. */
    web?: boolean;
    /** Production DATABASE_URL must ask for TLS. */
    requireSslModeInProduction?: boolean;
}

function urlSchema(rule: UrlRule) {
    return (rc: EnvRuleContext) =>
        z.string().superRefine((value, ctx) => {
            if (value.trim() === "") {
                fail(ctx, "is empty", "set a URL or remove the key");
                return;
            }
            const referenced = hasRailwayReference(value);
            if (referenced) {
                // Railway resolves the references; what is written around them is still checked.
                if (
                    rule.requireSslModeInProduction &&
                    rc.environment === "production" &&
                    !/sslmode=/.test(literalText(value))
                ) {
                    fail(
                        ctx,
                        "production database reference has no sslmode",
                        "append '?sslmode=require' to the reference",
                    );
                }
                // A reference at the start supplies the scheme and host: nothing more is literal to check.
                if (startsWithReference(value)) return;
            }
            let url: URL;
            try {
                url = new URL(referenced ? withPlaceholders(value) : value);
            } catch {
                fail(ctx, "is not a valid URL", `use a URL such as ${rule.schemes[0]}://host/...`);
                return;
            }
            const scheme = url.protocol.replace(/:$/, "");
            if (!rule.schemes.includes(scheme)) {
                fail(
                    ctx,
                    `has scheme '${scheme}', expected ${rule.schemes.map((s) => `'${s}'`).join(" or ")}`,
                    `use a ${rule.schemes[0]}:// URL`,
                );
                return;
            }
            if (rc.environment === "production") {
                if (rule.web && scheme !== "https") {
                    fail(ctx, "uses http in production", "use an https:// URL");
                }
                if (!url.hostname.includes(REFERENCE_PLACEHOLDER) && isLocalOrPrivateHost(url.hostname)) {
                    fail(
                        ctx,
                        "points at a local or private-range host in production",
                        "use the service's public or Railway hostname",
                    );
                }
                if (rule.requireSslModeInProduction && !referenced && !url.searchParams.has("sslmode")) {
                    fail(ctx, "production database URL has no sslmode parameter", "append '?sslmode=require'");
                }
            }
            if (rc.environment === "staging") {
                const hit = url.hostname.includes(REFERENCE_PLACEHOLDER)
                    ? undefined
                    : rc.productionHosts.find((p) => isHostOrSubdomain(url.hostname, p));
                if (hit) {
                    fail(
                        ctx,
                        `points at production host '${hit}' from staging`,
                        "use the staging host; staging must not reach production",
                    );
                }
            }
        });
}

/** Credential prefixes that are public knowledge, so naming one in an error reveals nothing. */
const PUBLIC_PREFIXES = [
    "sk_live_",
    "sk_test_",
    "rk_live_",
    "rk_test_",
    "pk_live_",
    "pk_test_",
    "whsec_",
    "sk-proj-",
    "sk-",
];

function prefixed(prefixes: Partial<Record<AppEnvironment, string>> & { default: string }, what: string) {
    return (rc: EnvRuleContext) =>
        z.string().superRefine((value, ctx) => {
            const expected = prefixes[rc.environment] ?? prefixes.default;
            if (!value.startsWith(expected)) {
                // Name the prefix it has only when it is one of the public, well-known ones; never the value.
                const actual = PUBLIC_PREFIXES.find((p) => value.startsWith(p));
                fail(
                    ctx,
                    `${what} must start with '${expected}' in ${rc.environment}${actual ? ` (it starts with '${actual}')` : ""}`,
                    `use the ${expected}... ${what} of the ${rc.environment} account`,
                );
            }
        });
}

function minLength(min: number, what: string) {
    return () =>
        z.string().superRefine((value, ctx) => {
            if (value.length < min) {
                fail(ctx, `is shorter than ${min} characters`, `generate ${what}, e.g. 'openssl rand -base64 32'`);
            }
        });
}

function oneOf(values: readonly string[], perEnv?: (env: AppEnvironment) => string | undefined) {
    return (rc: EnvRuleContext) =>
        z.string().superRefine((value, ctx) => {
            if (!values.includes(value)) {
                fail(ctx, `is ${shown(value)}, not one of ${values.join(", ")}`, `use one of: ${values.join(", ")}`);
                return;
            }
            const required = perEnv?.(rc.environment);
            if (required !== undefined && value !== required) {
                fail(ctx, `is ${shown(value)} in ${rc.environment}`, `set it to '${required}'`);
            }
        });
}

function integer(min: number, max: number) {
    return () =>
        z.string().superRefine((value, ctx) => {
            const n = Number(value);
            if (!/^\d+$/.test(value) || n < min || n > max) {
                fail(
                    ctx,
                    `is ${shown(value)}, not a whole number from ${min} to ${max}`,
                    `use a whole number from ${min} to ${max}`,
                );
            }
        });
}

function sentryDsn() {
    const base = urlSchema({ schemes: ["https", "http"], web: true });
    return (rc: EnvRuleContext) =>
        base(rc).superRefine((value, ctx) => {
            if (hasRailwayReference(value)) return;
            try {
                const url = new URL(value);
                if (!url.username || !/^\/\d+$/.test(url.pathname)) {
                    fail(
                        ctx,
                        "is not a Sentry DSN (https://<key>@<host>/<project id>)",
                        "copy the DSN from the Sentry project's Client Keys, or let the Sentry integration set it",
                    );
                }
            } catch {
                // already reported by the URL rule
            }
        });
}

// ---- the keys --------------------------------------------------------------------------

const ALL = APP_ENVIRONMENTS;
const DEPLOYED = ["staging", "production"] as const;

export const ENVIRONMENT_KEYS: Record<string, EnvKeySpec> = {
    NODE_ENV: {
        description: "Node.js mode; deployed environments run production builds",
        secret: false,
        requiredIn: ALL,
        schema: oneOf(["development", "production", "test"], (env) => (env === "local" ? undefined : "production")),
    },
    APP_ENV: {
        description: "Which deployment this is; must match the stack's environment",
        secret: false,
        requiredIn: ALL,
        schema: oneOf(APP_ENVIRONMENTS, (env) => env),
    },
    PORT: {
        description: "Port the server listens on (Railway sets it)",
        secret: false,
        requiredIn: [],
        schema: integer(1, 65535),
    },
    LOG_LEVEL: {
        description: "Server log level",
        secret: false,
        requiredIn: [],
        schema: oneOf(["trace", "debug", "info", "warn", "error", "fatal"]),
    },
    DATABASE_URL: {
        description: "PostgreSQL connection URL (usually a reference to the Railway Postgres service)",
        secret: true,
        requiredIn: ALL,
        schema: urlSchema({ schemes: ["postgres", "postgresql"], requireSslModeInProduction: true }),
    },
    DATABASE_POOL_MAX: {
        description: "Maximum PostgreSQL pool size",
        secret: false,
        requiredIn: [],
        schema: integer(1, 500),
    },
    REDIS_URL: {
        description: "Redis connection URL (usually a reference to the Railway Redis service)",
        secret: true,
        requiredIn: ALL,
        schema: urlSchema({ schemes: ["redis", "rediss"] }),
    },
    AUTH_SECRET: {
        description: "Auth.js session encryption secret (32+ characters)",
        secret: true,
        requiredIn: ALL,
        requiredFor: ["web"],
        schema: minLength(32, "a 32+ character random secret"),
    },
    AUTH_URL: {
        description: "Canonical URL Auth.js uses for callbacks",
        secret: false,
        requiredIn: DEPLOYED,
        requiredFor: ["web"],
        schema: urlSchema({ schemes: ["https", "http"], web: true }),
    },
    STRIPE_SECRET_KEY: {
        description: "Stripe API secret key (sk_live_ in production, sk_test_ elsewhere)",
        secret: true,
        requiredIn: DEPLOYED,
        schema: prefixed({ production: "sk_live_", default: "sk_test_" }, "Stripe secret key"),
    },
    STRIPE_WEBHOOK_SECRET: {
        description: "Stripe webhook signing secret",
        secret: true,
        requiredIn: DEPLOYED,
        requiredFor: ["web"],
        schema: prefixed({ default: "whsec_" }, "Stripe webhook secret"),
    },
    OPENAI_API_KEY: {
        description: "OpenAI API key",
        secret: true,
        requiredIn: DEPLOYED,
        schema: prefixed({ default: "sk-" }, "OpenAI API key"),
    },
    SENTRY_DSN: {
        description: "Sentry DSN of this service's Sentry project (set by the Sentry integration)",
        secret: true,
        requiredIn: DEPLOYED,
        schema: sentryDsn(),
    },
    SENTRY_ENVIRONMENT: {
        description: "Environment name reported to Sentry",
        secret: false,
        requiredIn: [],
        schema: oneOf(APP_ENVIRONMENTS, (env) => env),
    },
    NEXT_PUBLIC_APP_URL: {
        description: "Public URL of the web app, inlined into the browser bundle",
        secret: false,
        requiredIn: ALL,
        requiredFor: ["web"],
        schema: urlSchema({ schemes: ["https", "http"], web: true }),
    },
    NEXT_PUBLIC_API_URL: {
        description: "Public URL of the API, inlined into the browser bundle",
        secret: false,
        requiredIn: DEPLOYED,
        requiredFor: ["web"],
        schema: urlSchema({ schemes: ["https", "http"], web: true }),
    },
};

export const KNOWN_KEYS = Object.keys(ENVIRONMENT_KEYS);

/** Whether a key is secret by the schema. Unknown keys are not. */
export function isSecretKey(key: string): boolean {
    return Object.hasOwn(ENVIRONMENT_KEYS, key) && ENVIRONMENT_KEYS[key].secret === true;
}

// ---- validation -------------------------------------------------------------------------

export type EnvValue = string | SecretValue;

export interface EnvValidationOptions extends EnvRuleContext {
    /** The role of the service whose variables these are (decides role-specific required keys). */
    role?: AppRole;
    /** Keys that are not in the schema but are allowed (for example a feature flag). */
    allowedExtras?: readonly string[];
    /** Keys whose values another part of the system provides (e.g. SENTRY_DSN from Sentry). */
    providedKeys?: readonly string[];
    /** How to spell a key's location in an issue (default: the key itself). */
    pathOf?: (key: string) => string;
    /** How to say "set it" for a missing key (default: env-file wording). */
    howToSet?: (key: string, spec: EnvKeySpec) => string;
}

/**
 * The Zod schema of a whole set of variables in one environment. Secret values may be
 * {@link SecretValue}s; unknown ones (encrypted in a stack file) count as present.
 */
export function environmentSchema(opts: EnvValidationOptions) {
    const role = opts.role ?? "web";
    const allowed = new Set(opts.allowedExtras ?? []);
    const provided = new Set(opts.providedKeys ?? []);
    return z
        .record(z.string(), z.union([z.string(), z.custom<SecretValue>((v) => v instanceof SecretValue)]))
        .superRefine((vars, ctx) => {
            for (const [key, spec] of Object.entries(ENVIRONMENT_KEYS)) {
                const required =
                    spec.requiredIn.includes(opts.environment) && (spec.requiredFor ?? APP_ROLES).includes(role);
                if (required && !(key in vars) && !provided.has(key)) {
                    ctx.addIssue({
                        code: "custom",
                        path: [key],
                        message: `is required in ${opts.environment} but not set`,
                        params: { fix: opts.howToSet?.(key, spec) ?? `set ${key}` },
                    });
                }
            }
            /** A credential typed into a key that is not secret would be stored and shown in clear. */
            const plainCredential = (key: string, value: string, spec?: EnvKeySpec) => {
                const shape = credentialShape(literalText(value));
                if (!shape) return;
                ctx.addIssue({
                    code: "custom",
                    path: [key],
                    message: `holds what looks like ${shape}, but ${key} is not a secret, so it would be stored and shown in clear`,
                    params: {
                        fix:
                            opts.howToSet?.(key, {
                                ...(spec ?? { description: key, requiredIn: [], schema: () => z.string() }),
                                secret: true,
                            }) ?? "keep credentials out of plain variables: make it a secret",
                    },
                });
            };
            for (const [key, raw] of Object.entries(vars)) {
                const spec = Object.hasOwn(ENVIRONMENT_KEYS, key) ? ENVIRONMENT_KEYS[key] : undefined;
                if (!spec) {
                    if (typeof raw === "string") plainCredential(key, raw);
                    if (!allowed.has(key)) {
                        ctx.addIssue({
                            code: "custom",
                            path: [key],
                            message: "is not a known environment variable",
                            params: {
                                fix: unknownKeyFix(
                                    key,
                                    KNOWN_KEYS,
                                    "remove it, or list it in allowedExtraVariables if it is intended",
                                ),
                            },
                        });
                    }
                    continue;
                }
                const value = raw instanceof SecretValue ? raw.reveal() : raw;
                if (value === undefined) continue; // encrypted and not decryptable here: present, content unchecked
                if (!(raw instanceof SecretValue) && !spec.secret) plainCredential(key, value, spec);
                const result = spec.schema(opts).safeParse(value);
                if (!result.success) {
                    for (const issue of result.error.issues) {
                        const fix = (issue as { params?: { fix?: string } }).params?.fix ?? "correct the value";
                        ctx.addIssue({ code: "custom", path: [key], message: issue.message, params: { fix } });
                    }
                }
            }
        });
}

/** Every problem in a set of variables, as issues keyed by `pathOf(key)`. Never includes a secret value. */
export function validateAppEnvironment(vars: Record<string, EnvValue>, opts: EnvValidationOptions): ConfigIssue[] {
    const result = environmentSchema(opts).safeParse(vars);
    if (result.success) return [];
    const pathOf = opts.pathOf ?? ((k: string) => k);
    return result.error.issues.map((issue) => ({
        path: pathOf(String(issue.path[0] ?? "")),
        problem: issue.message,
        fix: (issue as { params?: { fix?: string } }).params?.fix ?? "correct the value",
    }));
}
