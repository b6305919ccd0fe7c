/**
 * The second adversarial round, secrets: a credential typed where nothing is secret is refused
 * wherever it sits (variables, commands, paths, URLs, smoke tests, provider settings), and no
 * command that reports it prints it: validate, validate-env and the plan in every format.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { planCommand } from "../../scripts/commands/plan";
import { validateCommand } from "../../scripts/commands/validate";
import { validateEnvCommand } from "../../scripts/commands/validate-env";
import { credentialShape, printable, redacted, shown } from "../../config/values";
import { scrub } from "../../scripts/gate/probes";
import { scrubTokens } from "../../scripts/report/markdown";
import { captureIO } from "../support/capture";
import { writeStackVariant } from "../support/stack-files";

type Config = Record<string, any>;
const railway = (c: Config) => c["ainative-platform:railway"];
const web = (c: Config) => railway(c).services.find((s: Config) => s.name === "web");

/** Credential-shaped values, assembled at run time so that none is committed. */
const LIVE_KEY = ["sk", "live", "PLANTED9x8y7z6w5v4u3t2s1r0q"].join("_");
const GH_TOKEN = ["ghp", "PLANTEDa1b2c3d4e5f6g7h8i9j0k1l2m3n4o5"].join("_");
const PASSWORD = "Planted-Pa55word-4f9c2e";

/** Runs validate and the plan (text, markdown, json) on a variant: their exit codes and everything printed. */
async function runAll(stack: string, mutate: (c: Config) => void): Promise<{ codes: number[]; printed: string }> {
    const file = writeStackVariant(stack, mutate);
    const dir = path.dirname(file);
    const outputs: string[] = [];
    const codes: number[] = [];
    const v = captureIO();
    codes.push(validateCommand(["--stack", stack, "--file", file], v, dir));
    outputs.push(v.all());
    for (const format of ["text", "markdown", "json"]) {
        const io = captureIO();
        codes.push(await planCommand(["--stack", stack, "--file", file, "--format", format], io, dir));
        outputs.push(io.all());
    }
    return { codes, printed: outputs.join("\n") };
}

describe("hardening, second round: credentials outside secrets", function () {
    this.timeout(120_000);

    it("1. a credential under a plain key is flagged and never printed, by validate or the plan", async () => {
        const { codes, printed } = await runAll("production", (c) => (web(c).variables.LOG_LEVEL = LIVE_KEY));
        assert.ok(
            codes.every((c) => c === 1),
            `exit codes ${codes}`,
        );
        assert.match(printed, /variables\.LOG_LEVEL/);
        assert.ok(!printed.includes(LIVE_KEY.slice(0, 12)), "no part of the key is printed");
    });

    it("1. validate-env names the key and the shape of a credential under a plain key, never a character of it", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "env-"));
        fs.writeFileSync(path.join(dir, ".env"), `LOG_LEVEL=${GH_TOKEN}\nAPP_ENV=${LIVE_KEY}\n`);
        const io = captureIO();
        assert.equal(validateEnvCommand(["--env", "staging", "--file", ".env"], io, {}, dir), 1);
        assert.match(io.all(), /LOG_LEVEL/);
        assert.ok(!io.all().includes("ghp_PLANTED") && !io.all().includes("sk_live_PL"), io.all());
    });

    for (const [where, mutate] of [
        ["a start command", (c: Config) => (web(c).startCommand = `node server.js --password=${PASSWORD}`)],
        [
            "a build command",
            (c: Config) => (web(c).buildCommand = `curl -H 'Authorization: Bearer ${GH_TOKEN}' https://example.com/x`),
        ],
        ["a health-check path", (c: Config) => (web(c).healthcheck.path = `/api/health?token=${PASSWORD}`)],
        [
            "GitHub's base URL",
            (c: Config) => (c["ainative-platform:github"].baseUrl = `https://deploy:${PASSWORD}@github.example.com/`),
        ],
        [
            "a smoke test's path",
            (c: Config) => (c["ainative-platform:gate"].smokeTests[2].path = `/api/smoke/db?api_key=${PASSWORD}`),
        ],
        [
            "the gate's base URLs",
            (c: Config) =>
                (c["ainative-platform:gate"].baseUrls = { web: `https://ops:${PASSWORD}@web.internal.example.com` }),
        ],
        [
            "a map with a key named constructor",
            (c: Config) =>
                (c["ainative-platform:gate"].baseUrls = {
                    constructor: `https://ops:${PASSWORD}@web.internal.example.com`,
                }),
        ],
        ["a smoke test's body", (c: Config) => (c["ainative-platform:gate"].smokeTests[0].body.password = PASSWORD)],
        [
            "a smoke test's header",
            (c: Config) => (c["ainative-platform:gate"].smokeTests[1].headers["x-api-key"] = PASSWORD),
        ],
    ] as const) {
        it(`2. a credential in ${where} is refused, and printed nowhere`, async () => {
            const { codes, printed } = await runAll("production", mutate);
            assert.ok(
                codes.every((c) => c === 1),
                `exit codes ${codes}:\n${printed}`,
            );
            assert.match(printed, /(looks like|literal secret in a smoke test)/);
            assert.ok(!printed.includes(PASSWORD) && !printed.includes(GH_TOKEN), printed);
        });
    }

    for (const key of ["github:token", "pagerduty:token"]) {
        it(`2. ${key} in clear in a stack file is refused with the --secret command to use`, async () => {
            const { codes, printed } = await runAll(
                "production",
                (c) => (c[key] = key.startsWith("github") ? GH_TOKEN : "u+PlantedPagerDutyToken123"),
            );
            assert.ok(
                codes.every((c) => c === 1),
                `exit codes ${codes}`,
            );
            assert.match(
                printed,
                new RegExp(
                    `${key}: is a credential stored in clear in the stack file \\(remove it and set it encrypted: pulumi config set --secret ${key} <value>`,
                ),
            );
            assert.ok(!printed.includes("PlantedPagerDuty") && !printed.includes(GH_TOKEN));
        });
    }

    it("the one printer never shows a credential, escapes control characters, and is bounded (property)", () => {
        fc.assert(
            fc.property(
                fc.string({ maxLength: 400 }),
                fc.constantFrom(LIVE_KEY, GH_TOKEN, ""),
                fc.string({ maxLength: 50 }),
                (before, secret, after) => {
                    const value = `${before}${secret}${after}`;
                    for (const out of [printable(value), shown(value)]) {
                        if (secret) assert.ok(!out.includes(secret.slice(0, 12)), out);
                        const raw = [...out].filter(
                            (c) =>
                                c.charCodeAt(0) < 0x20 ||
                                c === "\u007f" ||
                                c === "\u202e" ||
                                (c >= "\u2066" && c <= "\u2069"),
                        );
                        assert.deepEqual(raw, [], JSON.stringify(out));
                        assert.ok(out.length <= 260, `${out.length} characters`);
                    }
                    if (credentialShape(value)) assert.match(printable(value), /not shown/);
                    // Free text (gate records, PR comments, drift) keeps its words and loses the credential.
                    for (const out of [redacted(value), scrub(value), scrubTokens(value)])
                        if (secret) assert.ok(!out.includes(secret.slice(0, 12)), out);
                },
            ),
        );
    });
});
