/**
 * Config validation that cannot be sidestepped: each block is one class of mistake an adversarial
 * try got through, with more than the one example it used.
 */
import { strict as assert } from "assert";
import { formatIssue } from "../../config/issues";
import { readStackFile } from "../../config/sources";
import { validateStackConfig } from "../../config/validate";
import { credentialShape, isLocalOrPrivateHost, shown } from "../../config/values";
import { writeStackVariant } from "../support/stack-files";

type Config = Record<string, any>;
const services = (c: Config) => c["ainative-platform:railway"].services as any[];
const svc = (c: Config, name: string) => services(c).find((s) => s.name === name);

/** Validates a changed copy of a committed stack file: its error lines and warning lines. */
function check(stack: string, mutate: (c: Config) => void): { errors: string[]; warnings: string[] } {
    const source = readStackFile(writeStackVariant(stack, mutate), stack);
    const result = validateStackConfig(source.raw);
    return {
        errors: [...source.issues, ...(result.ok ? [] : result.issues)].map((i) => formatIssue(stack, i)),
        warnings: result.warnings.map((i) => formatIssue(stack, i)),
    };
}
const has = (lines: string[], path: string, problem: RegExp) =>
    assert.ok(
        lines.some((l) => l.includes(path) && problem.test(l)),
        `no '${path}' line matching ${problem}:\n${lines.join("\n")}`,
    );

/** Shaped like credentials, assembled here so that no credential-shaped string is committed. */
const LIVE_KEY = ["sk", "live", "PLANTED0123456789abcdefghij"].join("_");
const GH_TOKEN = ["ghp", "PLANTED0123456789abcdefghijklmnopqrstuv"].join("_");

describe("config validation: a Railway reference exempts only itself", () => {
    it("a live Stripe key around a reference is still a secret in plain text", () => {
        const { errors } = check(
            "production",
            (c) => (svc(c, "web").variables.STRIPE_SECRET_KEY = `${LIVE_KEY}\${{worker.RAILWAY_SERVICE_ID}}`),
        );
        has(
            errors,
            "services[0].variables.STRIPE_SECRET_KEY",
            /text around its Railway reference holds what looks like a Stripe secret key/,
        );
    });
    for (const [what, value] of [
        ["an http private-range URL", "http://10.0.0.7/${{web.RAILWAY_PUBLIC_DOMAIN}}"],
        ["an http localhost URL", "http://localhost:3000/${{web.RAILWAY_SERVICE_ID}}"],
    ]) {
        it(`${what} with a reference in its path is checked in production`, () => {
            const { errors } = check("production", (c) => (svc(c, "web").variables.NEXT_PUBLIC_API_URL = value));
            has(errors, "variables.NEXT_PUBLIC_API_URL", /uses http in production/);
            has(errors, "variables.NEXT_PUBLIC_API_URL", /local or private-range host in production/);
        });
    }
    it("a reference that supplies the scheme and host leaves only the literal rest to check", () => {
        const ok = check(
            "production",
            (c) => (svc(c, "web").variables.DATABASE_URL = "${{postgres.DATABASE_URL}}?sslmode=require"),
        );
        assert.ok(!ok.errors.some((l) => l.includes("variables.DATABASE_URL")), ok.errors.join("\n"));
        const bad = check("production", (c) => (svc(c, "web").variables.DATABASE_URL = "${{postgres.DATABASE_URL}}"));
        has(bad.errors, "variables.DATABASE_URL", /production database reference has no sslmode/);
    });
});

describe("config validation: references name what exists", () => {
    it("a reference to a service the stack does not have is an error with a did-you-mean", () => {
        const { errors } = check(
            "production",
            (c) => (svc(c, "web").variables.DATABASE_URL = "${{postgress.DATABASE_URL}}?sslmode=require"),
        );
        has(
            errors,
            "variables.DATABASE_URL",
            /references service 'postgress', which is not a service of this stack \(did you mean 'postgres'\?\)/,
        );
    });
    it("a reference to a variable the target neither defines nor gets from Railway is an error", () => {
        const { errors } = check(
            "production",
            (c) => (svc(c, "web").variables.DATABASE_URL = "${{postgres.DATABSE_URL}}?sslmode=require"),
        );
        has(
            errors,
            "variables.DATABASE_URL",
            /references DATABSE_URL of service 'postgres', which it does not define and Railway does not provide \(did you mean 'DATABASE_URL'\?\)/,
        );
    });
    it("Railway-provided variables, the service's own and shared or malformed references", () => {
        const ok = check(
            "local",
            (c) => (svc(c, "redis").variables.REDIS_URL = "redis://${{RAILWAY_PRIVATE_DOMAIN}}:${{PORT}}"),
        );
        assert.ok(!ok.errors.some((l) => l.includes("REDIS_URL")), ok.errors.join("\n"));
        const own = check(
            "local",
            (c) =>
                (svc(c, "postgres").variables.DATABASE_URL =
                    "postgresql://${{POSTGRES_USR}}@${{RAILWAY_PRIVATE_DOMAIN}}/app"),
        );
        has(
            own.errors,
            "services[1].variables.DATABASE_URL",
            /references POSTGRES_USR of service 'postgres'.*did you mean 'POSTGRES_USER'/,
        );
        const shared = check("local", (c) => (svc(c, "web").variables.REDIS_URL = "${{shared.REDIS_URL}}"));
        has(
            shared.errors,
            "variables.REDIS_URL",
            /references shared variable REDIS_URL, which this stack does not declare/,
        );
        const malformed = check("local", (c) => (svc(c, "web").variables.REDIS_URL = "${{secret(32)}}"));
        has(malformed.errors, "variables.REDIS_URL", /which is not a Railway reference/);
    });
});

describe("config validation: local and private hosts, in every notation", () => {
    for (const host of [
        "localhost",
        "localhost.",
        "api.localhost",
        "0.0.0.0",
        "[::]",
        "[::1]",
        "[::ffff:7f00:1]",
        "[::ffff:c0a8:101]",
        "2130706433",
        "0x7f000001",
        "0177.0.0.1",
        "127.1",
        "10.0.0.7",
        "169.254.169.254",
        "[fd00::1]",
    ]) {
        it(`${host} is local or private`, () => {
            assert.equal(isLocalOrPrivateHost(new URL(`http://${host}/`).hostname), true);
            const { errors } = check(
                "production",
                (c) => (svc(c, "web").variables.NEXT_PUBLIC_API_URL = `https://${host}/api`),
            );
            has(errors, "variables.NEXT_PUBLIC_API_URL", /local or private-range host in production/);
        });
    }
    for (const host of ["api.ainative.studio", "8.8.8.8", "[2606:4700::1]"]) {
        it(`${host} is public`, () => assert.equal(isLocalOrPrivateHost(new URL(`http://${host}/`).hostname), false));
    }
});

describe("config validation: credentials never sit under a key that is not secret", () => {
    for (const stack of ["local", "staging", "production"]) {
        it(`a GitHub token in an allowed extra variable is an error on ${stack}`, () => {
            const { errors } = check(stack, (c) => {
                svc(c, "web").allowedExtraVariables = ["FEATURE_TOKEN"];
                svc(c, "web").variables.FEATURE_TOKEN = GH_TOKEN;
            });
            has(errors, "variables.FEATURE_TOKEN", /looks like a GitHub token, but FEATURE_TOKEN is not a secret/);
            assert.ok(!errors.join("\n").includes(GH_TOKEN), "the token is not printed");
        });
    }
    it("shapes: keys, tokens, private keys, JWTs, random strings; not words, URLs or paths", () => {
        for (const v of [
            LIVE_KEY,
            GH_TOKEN,
            ["-----BEGIN RSA", "PRIVATE KEY-----"].join(" "),
            ["eyJhbGciOiJIUzI1NiJ9", "eyJzdWIiOiIxMjM0NTY3ODkwIn0", "abcdefghij0123"].join("."),
            "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdo",
        ]) {
            assert.ok(credentialShape(v), v.slice(0, 12));
        }
        for (const v of [
            "production",
            "https://app.ainative.studio/api/v1/health",
            "/var/lib/postgresql/data",
            "${{postgres.DATABASE_URL}}",
            "redis://${{RAILWAY_PRIVATE_DOMAIN}}:6379",
        ]) {
            assert.equal(credentialShape(v), undefined, v);
        }
    });
    it("a 500 KB value is never printed whole: error lines show it cut, with its length", () => {
        const huge = "x".repeat(500_000);
        const { errors } = check("production", (c) => (svc(c, "web").variables.NODE_ENV = huge));
        const line = errors.find((l) => l.includes("variables.NODE_ENV"))!;
        assert.ok(line.length < 400, `${line.length} characters`);
        assert.match(line, /\(500000 characters\)/);
        assert.equal(shown("a\u0000b\u001b[31m"), "'a\\u0000b\\u001b[31m'", "control characters are escaped");
    });
});

describe("config validation: odd service names", () => {
    for (const name of ["constructor", "hasownproperty", "tostring", "valueof"]) {
        it(`a service named '${name}' is validated like any other`, () => {
            const { errors } = check("local", (c) => {
                svc(c, "redis").name = name;
                svc(c, "web").variables.REDIS_URL = `\${{${name}.REDIS_URL}}`;
            });
            assert.deepEqual(errors, []);
        });
    }
    for (const name of ["__proto__", "toString", "Web Service"]) {
        it(`'${name}' fails the name rule once, with no cascade about a service that does not exist`, () => {
            const { errors } = check("local", (c) => {
                const web = svc(c, "web");
                web.name = name;
                c["ainative-platform:secrets"].services = {
                    [name]: c["ainative-platform:secrets"].services.web,
                    postgres: c["ainative-platform:secrets"].services.postgres,
                };
            });
            // `__proto__` as a key of the secrets section is refused where it is written, once.
            const about = errors.filter(
                (l) =>
                    (l.includes("services[0]") || l.includes(name)) &&
                    !l.includes("secrets.services.__proto__: is not allowed as a key"),
            );
            assert.equal(about.length, 1, errors.join("\n"));
            assert.match(about[0], /services\[0\]\.name: must be lower-case letters, digits and dashes/);
        });
    }
});

describe("config validation: warnings", () => {
    it("a cron service with a health check is a warning (Railway does not probe cron jobs), not an error", () => {
        const { errors, warnings } = check("production", (c) => {
            const worker = svc(c, "worker");
            Object.assign(worker, {
                healthcheck: { path: "/health" },
                kind: "cron",
                cronSchedule: "0 * * * *",
                replicas: 1,
            });
            delete worker.regions;
        });
        assert.ok(!errors.some((l) => l.includes("healthcheck")), errors.join("\n"));
        has(warnings, "services[1].healthcheck", /is set on a cron service, which Railway does not health-check/);
    });
});

describe("config validation: where GitHub is", () => {
    it("github.baseUrl is https, or plain http on this machine only (the local fake)", () => {
        has(
            check("production", (c) => (c["ainative-platform:github"].baseUrl = "http://github.example.com/")).errors,
            "github.baseUrl",
            /must be an https URL/,
        );
        has(
            check("production", (c) => (c["ainative-platform:github"].baseUrl = "not a url")).errors,
            "github.baseUrl",
            /URL/i,
        );
        assert.deepEqual(
            check("production", (c) => (c["ainative-platform:github"].baseUrl = "https://github.example.com/")).errors,
            [],
        );
        assert.deepEqual(
            check("local", (c) => (c["ainative-platform:github"].baseUrl = "http://127.0.0.1:4020/")).errors,
            [],
        );
    });
    it("github.writeDelayMs is a whole number of milliseconds up to a minute", () => {
        has(
            check("production", (c) => (c["ainative-platform:github"].writeDelayMs = -1)).errors,
            "github.writeDelayMs",
            /./,
        );
        has(
            check("production", (c) => (c["ainative-platform:github"].writeDelayMs = 1.5)).errors,
            "github.writeDelayMs",
            /./,
        );
    });
});
