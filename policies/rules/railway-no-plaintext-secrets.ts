/**
 * railway-no-plaintext-secrets
 *
 * What: no secret sits in the plain half of a Railway `Variables` resource. A variable whose name
 * the environment schema marks secret (unless its value is a Railway reference such as
 * `${{postgres.DATABASE_URL}}`), or whose value looks like a credential (Stripe, OpenAI, GitHub,
 * Slack, AWS keys, private keys, URLs with a password), must be in `secretVariables`, which is
 * secret in state; and `secretVariables` must be declared a secret output.
 * Why: a plain value is stored in clear in the state file and shown in previews and PR comments.
 * How to fix: move the key from `variables` to `secrets` in the stack file and set it with
 * `pulumi config set --secret --path 'secrets.services.<svc>.<KEY>' <value>`.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { isRailwayReference, isSecretKey } from "../../config/environment.schema";
import { known, TYPES } from "../lib/resources";

/** Shapes of credentials; the message names the shape, never the value. */
const CREDENTIAL_SHAPES: [string, RegExp][] = [
    ["a Stripe secret key", /\b(sk|rk)_(live|test)_[0-9a-zA-Z]{8,}/],
    ["a Stripe webhook secret", /\bwhsec_[0-9a-zA-Z]{8,}/],
    ["an OpenAI key", /\bsk-(proj-)?[0-9a-zA-Z_-]{16,}/],
    ["a GitHub token", /\b(ghp|gho|ghu|ghs|ghr|github_pat)_[0-9a-zA-Z_]{16,}/],
    ["a Slack token", /\bxox[abprs]-[0-9a-zA-Z-]{10,}/],
    ["an AWS access key id", /\bAKIA[0-9A-Z]{16}\b/],
    ["a private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
    ["a URL with a password", /[a-z][a-z0-9+.-]*:\/\/[^:/@\s]+:(?!\$\{\{)[^@/\s]+@/i],
];

function credentialShape(value: string): string | undefined {
    return CREDENTIAL_SHAPES.find(([, re]) => re.test(value))?.[0];
}

export const railwayNoPlaintextSecrets: ResourceValidationPolicy = {
    name: "railway-no-plaintext-secrets",
    description: "Secret Railway variables (by schema or by shape) are Pulumi secrets, never plain values.",
    configSchema: {
        properties: {
            allowPlain: { type: "array", items: { type: "string" }, default: [], description: "Variable names allowed in the plain half even if they look secret." },
        },
    },
    validateResource: (args, reportViolation) => {
        if (args.type !== TYPES.variables) return;
        const allowed = new Set(args.getConfig<{ allowPlain?: string[] }>().allowPlain ?? []);
        if (!args.opts.additionalSecretOutputs.includes("secretVariables")) {
            reportViolation("secretVariables is not declared a secret output, so secret values would be stored in clear; create it with railway.Variables.");
        }
        const plain = (known(() => args.props.variables) ?? {}) as Record<string, string>;
        for (const name of Object.keys(plain)) {
            if (allowed.has(name)) continue;
            const value = known(() => plain[name]);
            if (value === undefined) continue;
            if (isSecretKey(name) && !isRailwayReference(value)) {
                reportViolation(`${name} is a secret by the environment schema but is a plain value; move it to the service's secrets and set it with pulumi config set --secret.`);
                continue;
            }
            const shape = credentialShape(value);
            if (shape) reportViolation(`${name} holds what looks like ${shape} as a plain value; move it to the service's secrets and set it with pulumi config set --secret.`);
        }
    },
};
