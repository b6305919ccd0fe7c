/**
 * railway-no-plaintext-secrets
 *
 * What: no secret sits in the plain half of a Railway `Variables` resource. A variable whose name
 * the environment schema marks secret (unless its value is a Railway reference such as
 * `${{postgres.DATABASE_URL}}`), or whose literal text looks like a credential (Stripe, OpenAI,
 * GitHub, Slack, AWS keys, private keys, JWTs, URLs with a password, long random strings: the
 * shapes of config/values.ts), must be in `secretVariables`, which is
 * secret in state; and `secretVariables` must be declared a secret output.
 * Why: a plain value is stored in clear in the state file and shown in previews and PR comments.
 * How to fix: move the key from `variables` to `secrets` in the stack file and set it with
 * `pulumi config set --secret --path 'secrets.services.<svc>.<KEY>' <value>`.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { isSecretKey } from "../../config/environment.schema";
import { credentialShape, hasRailwayReference, literalText } from "../../config/values";
import { known, TYPES } from "../lib/resources";

export const railwayNoPlaintextSecrets: ResourceValidationPolicy = {
    name: "railway-no-plaintext-secrets",
    description: "Secret Railway variables (by schema or by shape) are Pulumi secrets, never plain values.",
    configSchema: {
        properties: {
            allowPlain: {
                type: "array",
                items: { type: "string" },
                default: [],
                description: "Variable names allowed in the plain half even if they look secret.",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        if (args.type !== TYPES.variables) return;
        const allowed = new Set(args.getConfig<{ allowPlain?: string[] }>().allowPlain ?? []);
        if (!args.opts.additionalSecretOutputs.includes("secretVariables")) {
            reportViolation(
                "secretVariables is not declared a secret output, so secret values would be stored in clear; create it with railway.Variables.",
            );
        }
        const plain = (known(() => args.props.variables) ?? {}) as Record<string, string>;
        for (const name of Object.keys(plain)) {
            if (allowed.has(name)) continue;
            const value = known(() => plain[name]);
            if (value === undefined) continue;
            if (isSecretKey(name) && !hasRailwayReference(value)) {
                reportViolation(
                    `${name} is a secret by the environment schema but is a plain value; move it to the service's secrets and set it with pulumi config set --secret.`,
                );
                continue;
            }
            // A reference is resolved by Railway; the text around it is what is stored here.
            const shape = credentialShape(literalText(value));
            if (shape)
                reportViolation(
                    `${name} holds what looks like ${shape} as a plain value; move it to the service's secrets and set it with pulumi config set --secret.`,
                );
        }
    },
};
