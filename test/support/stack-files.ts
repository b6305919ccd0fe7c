import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** The committed stack file of a stack, parsed. */
export function stackDoc(stack: string): { config: Record<string, unknown>; [k: string]: unknown } {
    return parse(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8"));
}

/** Secret values planted in tests: none of them may ever appear in anything a tool prints. */
export const PLANTED_SECRETS = {
    AUTH_SECRET: "planted-auth-secret-0123456789abcdef-XYZ",
    STRIPE_SECRET_KEY_LIVE: "sk_live_PLANTED-stripe-0123456789",
    STRIPE_SECRET_KEY_TEST: "sk_test_PLANTED-stripe-0123456789",
    STRIPE_WEBHOOK_SECRET: "whsec_PLANTEDwebhook0123456789",
    OPENAI_API_KEY: "sk-proj-PLANTEDopenai0123456789",
    POSTGRES_PASSWORD: "planted-postgres-password-4242",
    REDIS_PASSWORD: "planted-redis-password-4242",
    RAILWAY_TOKEN: "planted-railway-token-8d1f0c",
    PASSPHRASE: "planted-pulumi-passphrase-77",
};

/** A known plaintext for each secret key of a stack, picked to pass that stack's rules. */
export function plantedValueFor(stack: string, key: string): string {
    switch (key) {
        case "STRIPE_SECRET_KEY":
            return stack === "production"
                ? PLANTED_SECRETS.STRIPE_SECRET_KEY_LIVE
                : PLANTED_SECRETS.STRIPE_SECRET_KEY_TEST;
        case "railwayApiToken":
            return PLANTED_SECRETS.RAILWAY_TOKEN;
        case "pulumiConfigPassphrase":
            return PLANTED_SECRETS.PASSPHRASE;
        default:
            return (PLANTED_SECRETS as Record<string, string>)[key] ?? `planted-${key.toLowerCase()}-value`;
    }
}

/** Replaces every `secure:` leaf of the secrets section with a planted plaintext (as the runtime would see it decrypted). */
export function decryptedSecrets(stack: string, doc = stackDoc(stack)): Record<string, unknown> {
    const walk = (v: unknown, key: string): unknown => {
        if (v && typeof v === "object" && "secure" in (v as object)) return plantedValueFor(stack, key);
        if (v && typeof v === "object")
            return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, walk(x, k)]));
        return v;
    };
    return walk(doc.config["ainative-platform:secrets"], "secrets") as Record<string, unknown>;
}

/** The runtime's view of a stack: `namespace:key` → JSON text, plus the secret keys. */
export function runtimeConfig(
    stack: string,
    mutate?: (config: Record<string, unknown>) => void,
): { config: Record<string, string>; secretKeys: string[] } {
    const doc = stackDoc(stack);
    const config: Record<string, unknown> = {
        ...doc.config,
        "ainative-platform:secrets": decryptedSecrets(stack, doc),
    };
    mutate?.(config);
    return {
        config: Object.fromEntries(
            Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
        ),
        secretKeys: ["ainative-platform:secrets"],
    };
}

/** Writes a modified copy of a committed stack file into a temporary folder; returns its path. */
export function writeStackVariant(
    stack: string,
    mutate: (config: Record<string, any>) => void,
    plantPlaintext = false,
): string {
    const doc = stackDoc(stack);
    if (plantPlaintext) doc.config["ainative-platform:secrets"] = decryptedSecrets(stack, doc);
    mutate(doc.config);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ainative-stack-"));
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    fs.writeFileSync(file, stringify(doc));
    return file;
}
