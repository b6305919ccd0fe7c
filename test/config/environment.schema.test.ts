import { strict as assert } from "assert";
import {
    AppEnvironment,
    EnvValue,
    isLocalOrPrivateHost,
    validateAppEnvironment,
} from "../../config/environment.schema";
import { SecretValue } from "../../config/secret";

const base: Record<AppEnvironment, Record<string, string>> = {
    production: {
        NODE_ENV: "production",
        APP_ENV: "production",
        DATABASE_URL: "postgresql://app:pw@db.ainative.studio:5432/app?sslmode=require",
        REDIS_URL: "rediss://default:pw@cache.ainative.studio:6380",
        AUTH_SECRET: "0123456789abcdef0123456789abcdef",
        AUTH_URL: "https://app.ainative.studio",
        STRIPE_SECRET_KEY: "sk_live_fixture-51H-abc",
        STRIPE_WEBHOOK_SECRET: "whsec_abcdef",
        OPENAI_API_KEY: "sk-proj-abcdef",
        SENTRY_DSN: "https://abc123@o1.ingest.sentry.io/42",
        NEXT_PUBLIC_APP_URL: "https://app.ainative.studio",
        NEXT_PUBLIC_API_URL: "https://app.ainative.studio/api",
    },
    staging: {
        NODE_ENV: "production",
        APP_ENV: "staging",
        DATABASE_URL: "postgresql://app:pw@db.staging.ainative.dev:5432/app",
        REDIS_URL: "redis://default:pw@cache.staging.ainative.dev:6379",
        AUTH_SECRET: "0123456789abcdef0123456789abcdef",
        AUTH_URL: "https://staging.ainative.dev",
        STRIPE_SECRET_KEY: "sk_test_fixture-51H-abc",
        STRIPE_WEBHOOK_SECRET: "whsec_abcdef",
        OPENAI_API_KEY: "sk-proj-abcdef",
        SENTRY_DSN: "https://abc123@o1.ingest.sentry.io/43",
        NEXT_PUBLIC_APP_URL: "https://staging.ainative.dev",
        NEXT_PUBLIC_API_URL: "https://staging.ainative.dev/api",
    },
    local: {
        NODE_ENV: "development",
        APP_ENV: "local",
        DATABASE_URL: "postgresql://postgres:postgres@localhost:5432/app",
        REDIS_URL: "redis://localhost:6379",
        AUTH_SECRET: "0123456789abcdef0123456789abcdef",
        NEXT_PUBLIC_APP_URL: "http://localhost:3000",
    },
};

function check(
    environment: AppEnvironment,
    change: Record<string, string | undefined | SecretValue>,
    extra: { allowedExtras?: string[] } = {},
) {
    const vars: Record<string, EnvValue> = { ...base[environment] };
    for (const [k, v] of Object.entries(change)) {
        if (v === undefined) delete vars[k];
        else vars[k] = v;
    }
    return validateAppEnvironment(vars, { environment, productionHosts: ["ainative.studio"], ...extra });
}

function assertOneIssue(issues: ReturnType<typeof check>, key: string, pattern: RegExp) {
    assert.equal(issues.length, 1, `expected one issue, got: ${JSON.stringify(issues)}`);
    assert.equal(issues[0].path, key);
    assert.match(issues[0].problem, pattern);
    assert.ok(issues[0].fix.length > 0);
}

describe("environment schema", () => {
    for (const env of ["production", "staging", "local"] as const) {
        it(`accepts the compliant ${env} baseline`, () => assert.deepEqual(check(env, {}), []));
    }

    describe("production", () => {
        it("rejects an http URL", () =>
            assertOneIssue(
                check("production", { AUTH_URL: "http://app.ainative.studio" }),
                "AUTH_URL",
                /http in production/,
            ));
        it("accepts https", () =>
            assert.deepEqual(check("production", { AUTH_URL: "https://app.ainative.studio/" }), []));
        it("rejects a test Stripe key and names only its public prefix", () => {
            const issues = check("production", { STRIPE_SECRET_KEY: "sk_test_SECRETVALUE123" });
            assertOneIssue(issues, "STRIPE_SECRET_KEY", /must start with 'sk_live_'/);
            assert.ok(!JSON.stringify(issues).includes("SECRETVALUE123"));
        });
        for (const host of ["localhost", "127.0.0.1", "10.1.2.3", "172.20.0.1", "192.168.1.10", "[::1]"]) {
            it(`rejects a private or loopback host: ${host}`, () => {
                const issues = check("production", { REDIS_URL: `rediss://default:pw@${host}:6380` });
                assertOneIssue(issues, "REDIS_URL", /local or private-range host/);
            });
        }
        it("accepts a public host in the 172.x range outside 172.16/12", () =>
            assert.deepEqual(check("production", { REDIS_URL: "rediss://172.32.0.1:6380" }), []));
        it("rejects a database URL without sslmode", () =>
            assertOneIssue(
                check("production", { DATABASE_URL: "postgresql://app:pw@db.ainative.studio:5432/app" }),
                "DATABASE_URL",
                /sslmode/,
            ));
        it("rejects a database URL that is not postgres", () =>
            assertOneIssue(
                check("production", { DATABASE_URL: "mysql://app:pw@db.ainative.studio/app?sslmode=x" }),
                "DATABASE_URL",
                /scheme 'mysql'/,
            ));
        it("accepts a Railway reference with sslmode and rejects one without", () => {
            assert.deepEqual(check("production", { DATABASE_URL: "${{postgres.DATABASE_URL}}?sslmode=require" }), []);
            assertOneIssue(
                check("production", { DATABASE_URL: "${{postgres.DATABASE_URL}}" }),
                "DATABASE_URL",
                /sslmode/,
            );
        });
        it("requires NODE_ENV=production", () =>
            assertOneIssue(check("production", { NODE_ENV: "development" }), "NODE_ENV", /in production/));
        it("requires APP_ENV to match", () =>
            assertOneIssue(check("production", { APP_ENV: "staging" }), "APP_ENV", /'staging' in production/));
    });

    describe("staging", () => {
        it("rejects a live Stripe key", () =>
            assertOneIssue(check("staging", { STRIPE_SECRET_KEY: "sk_live_abc" }), "STRIPE_SECRET_KEY", /'sk_test_'/));
        it("rejects a URL on a production host or its subdomain", () => {
            assertOneIssue(
                check("staging", { NEXT_PUBLIC_API_URL: "https://ainative.studio/api" }),
                "NEXT_PUBLIC_API_URL",
                /production host 'ainative.studio'/,
            );
            assertOneIssue(
                check("staging", { DATABASE_URL: "postgresql://a:b@db.ainative.studio/app" }),
                "DATABASE_URL",
                /production host/,
            );
        });
        it("accepts a host that merely ends with the same letters", () =>
            assert.deepEqual(check("staging", { NEXT_PUBLIC_API_URL: "https://notainative.studio/api" }), []));
        it("allows http outside production", () =>
            assert.deepEqual(check("staging", { AUTH_URL: "http://staging.ainative.dev" }), []));
    });

    describe("every environment", () => {
        it("reports an unknown key with a did-you-mean hint", () => {
            const issues = check("local", { REDIS_UR: "redis://x" });
            assertOneIssue(issues, "REDIS_UR", /not a known environment variable/);
            assert.match(issues[0].fix, /did you mean 'REDIS_URL'\?/);
        });
        it("reports an unknown key far from any known one without a hint", () => {
            const issues = check("local", { FEATURE_ZEBRA: "1" });
            assertOneIssue(issues, "FEATURE_ZEBRA", /not a known/);
            assert.doesNotMatch(issues[0].fix, /did you mean/);
        });
        it("accepts an unknown key listed as an allowed extra", () =>
            assert.deepEqual(check("local", { FEATURE_ZEBRA: "1" }, { allowedExtras: ["FEATURE_ZEBRA"] }), []));
        it("reports a missing required key", () =>
            assertOneIssue(check("local", { DATABASE_URL: undefined }), "DATABASE_URL", /required in local/));
        it("counts an unknown (encrypted) secret as present without checking it", () =>
            assert.deepEqual(check("production", { STRIPE_SECRET_KEY: SecretValue.unknown() }), []));
        it("checks a known secret value", () =>
            assertOneIssue(
                check("production", { STRIPE_SECRET_KEY: SecretValue.of("sk_test_x") }),
                "STRIPE_SECRET_KEY",
                /sk_live_/,
            ));
        it("rejects a short auth secret without saying its length or value", () => {
            const issues = check("local", { AUTH_SECRET: "tiny-secret" });
            assertOneIssue(issues, "AUTH_SECRET", /shorter than 32/);
            assert.ok(!JSON.stringify(issues).includes("tiny-secret"));
        });
    });

    it("classifies hosts", () => {
        assert.equal(isLocalOrPrivateHost("app.ainative.studio"), false);
        assert.equal(isLocalOrPrivateHost("postgres.railway.internal"), false);
        assert.equal(isLocalOrPrivateHost("foo.localhost"), true);
        assert.equal(isLocalOrPrivateHost("fd00::1"), true);
        assert.equal(isLocalOrPrivateHost("8.8.8.8"), false);
    });
});
