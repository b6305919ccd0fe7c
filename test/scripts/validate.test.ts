import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { validateCommand } from "../../scripts/commands/validate";
import { validateEnvCommand } from "../../scripts/commands/validate-env";
import { captureIO } from "../support/capture";
import { PLANTED_SECRETS, REPO_ROOT, writeStackVariant } from "../support/stack-files";

function assertNoPlantedSecret(text: string) {
    for (const [name, value] of Object.entries(PLANTED_SECRETS))
        assert.ok(!text.includes(value), `${name} was printed`);
}

describe("npm run validate", () => {
    for (const stack of ["staging", "production", "local"]) {
        it(`prints ok for the committed ${stack} stack and exits 0`, () => {
            const io = captureIO();
            assert.equal(validateCommand(["--stack", stack], io, REPO_ROOT), 0, io.all());
            assert.deepEqual(io.stdout, [`ok: ${stack}`]);
        });
    }

    it("exits 1 with one line per problem for a bad --file, printing no secret", () => {
        const file = writeStackVariant(
            "production",
            (c) => {
                c["ainative-platform:railway"].services[0].replicas = 51;
                c["ainative-platform:secrets"].services.web.STRIPE_SECRET_KEY = PLANTED_SECRETS.STRIPE_SECRET_KEY_TEST;
            },
            true,
        );
        const io = captureIO();
        assert.equal(validateCommand(["--file", file], io), 1);
        const lines = io.stderr.filter((l) => l.startsWith("production: ainative-platform:"));
        assert.ok(
            lines.some((l) => l.includes("railway.services[0].replicas (service web): is above the maximum 50")),
            io.all(),
        );
        // Planted plaintext secrets are themselves an error (stored in plain text), reported by path only.
        assert.ok(
            lines.some((l) => l.includes("secrets.services.web.STRIPE_SECRET_KEY: is stored in plain text")),
            io.all(),
        );
        assertNoPlantedSecret(io.all());
    });

    it("exits 2 on usage errors", () => {
        for (const argv of [[], ["--stak", "x"], ["--stack", "nope"]]) {
            const io = captureIO();
            assert.equal(validateCommand(argv, io, REPO_ROOT), 2, `${argv.join(" ")}: ${io.all()}`);
            assert.match(io.all(), /^error: [^]*Usage: npm run validate -- \[options\]/);
        }
    });
});

describe("npm run validate-env", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ainative-env-"));
    const write = (name: string, lines: string[]) => {
        const f = path.join(dir, name);
        fs.writeFileSync(f, lines.join("\n") + "\n");
        return f;
    };
    const good = [
        "NODE_ENV=production",
        "APP_ENV=production",
        "DATABASE_URL=postgresql://app:" +
            PLANTED_SECRETS.POSTGRES_PASSWORD +
            "@db.ainative.studio:5432/app?sslmode=require",
        "REDIS_URL=rediss://default:" + PLANTED_SECRETS.REDIS_PASSWORD + "@cache.ainative.studio:6380",
        "AUTH_SECRET=" + PLANTED_SECRETS.AUTH_SECRET,
        "AUTH_URL=https://app.ainative.studio",
        "STRIPE_SECRET_KEY=" + PLANTED_SECRETS.STRIPE_SECRET_KEY_LIVE,
        "STRIPE_WEBHOOK_SECRET=" + PLANTED_SECRETS.STRIPE_WEBHOOK_SECRET,
        "OPENAI_API_KEY=" + PLANTED_SECRETS.OPENAI_API_KEY,
        "SENTRY_DSN=https://abc@o1.ingest.sentry.io/42",
        "NEXT_PUBLIC_APP_URL=https://app.ainative.studio",
        "NEXT_PUBLIC_API_URL=https://app.ainative.studio/api",
    ];

    it("accepts a compliant production dotenv file", () => {
        const io = captureIO();
        assert.equal(
            validateEnvCommand(["--env", "production", "--file", write("good.env", good)], io, {}, REPO_ROOT),
            0,
            io.all(),
        );
        assert.match(io.stdout[0], /^ok: production/);
        assertNoPlantedSecret(io.all());
    });

    it("reports each broken rule by key and never prints a secret value", () => {
        const bad = good.map((l) =>
            l.startsWith("STRIPE_SECRET_KEY=")
                ? "STRIPE_SECRET_KEY=" + PLANTED_SECRETS.STRIPE_SECRET_KEY_TEST
                : l.startsWith("DATABASE_URL=")
                  ? "DATABASE_URL=postgresql://app:" + PLANTED_SECRETS.POSTGRES_PASSWORD + "@10.0.0.5:5432/app"
                  : l,
        );
        const io = captureIO();
        assert.equal(
            validateEnvCommand(["--env", "production", "--file", write("bad.env", bad)], io, {}, REPO_ROOT),
            1,
        );
        const text = io.all();
        assert.match(text, /STRIPE_SECRET_KEY: Stripe secret key must start with 'sk_live_'/);
        assert.match(text, /DATABASE_URL: points at a local or private-range host/);
        assert.match(text, /DATABASE_URL: production database URL has no sslmode/);
        assertNoPlantedSecret(text);
    });

    it("checks the process environment, ignoring unrelated variables but catching near-misses", () => {
        const env: NodeJS.ProcessEnv = {
            PATH: "/usr/bin",
            HOME: "/root",
            ...Object.fromEntries(good.map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)])),
        };
        const ok = captureIO();
        assert.equal(validateEnvCommand(["--env", "production"], ok, env, REPO_ROOT), 0, ok.all());
        env.OPENAI_API_KY = "x";
        const io = captureIO();
        assert.equal(validateEnvCommand(["--env", "production"], io, env, REPO_ROOT), 1);
        assert.match(
            io.all(),
            /OPENAI_API_KY: is not a known environment variable \(did you mean 'OPENAI_API_KEY'\?\)/,
        );
        assertNoPlantedSecret(io.all());
    });

    it("uses the staging stack's production hosts", () => {
        const stagingEnv = good
            .map((l) =>
                l
                    .replace("APP_ENV=production", "APP_ENV=staging")
                    .replace(PLANTED_SECRETS.STRIPE_SECRET_KEY_LIVE, PLANTED_SECRETS.STRIPE_SECRET_KEY_TEST),
            )
            .map((l) =>
                l.startsWith("DATABASE_URL=") ? "DATABASE_URL=postgresql://a:b@db.staging.ainative.dev/app" : l,
            );
        const io = captureIO();
        assert.equal(
            validateEnvCommand(["--env", "staging", "--file", write("stg.env", stagingEnv)], io, {}, REPO_ROOT),
            1,
        );
        assert.match(io.all(), /AUTH_URL: points at production host 'ainative.studio' from staging/);
    });

    it("exits 2 on usage errors", () => {
        for (const argv of [
            [],
            ["--env", "prod"],
            ["--env", "production", "--file", "/nonexistent.env"],
            ["--env", "staging", "--role", "db"],
        ]) {
            const io = captureIO();
            assert.equal(validateEnvCommand(argv, io, {}, REPO_ROOT), 2, argv.join(" "));
            assert.match(io.all(), /^error: [^]*Usage: npm run validate-env -- \[options\]/, argv.join(" "));
        }
    });
});
