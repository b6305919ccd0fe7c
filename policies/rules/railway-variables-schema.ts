/**
 * railway-variables-schema
 *
 * What: the variables of every Railway service that runs app code satisfy the app's environment
 * schema (`config/environment.schema.ts`) for the stack's environment and the service's role:
 * required keys present, values well-formed (https in production, sslmode on the database,
 * live Stripe keys only in production...), no unknown keys.
 * Why: environment variables managed apart from code are seed fragility point 3; the same schema
 * the app validates at boot is enforced before deploy.
 * How to fix: the message names the key and the rule; change it in the stack file (or with
 * `pulumi config set --secret --path 'secrets.services.<svc>.<KEY>'` for secrets).
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { validateAppEnvironment } from "../../config/environment.schema";
import { SecretValue } from "../../config/secret";
import { environmentOf, environmentSetting } from "../lib/environment";
import { railwayServices, roleOf, variableEntries } from "../lib/resources";

export const railwayVariablesSchema: StackValidationPolicy = {
    name: "railway-variables-schema",
    description: "Railway variables satisfy the app's environment schema for the stack's environment.",
    configSchema: {
        properties: {
            ...environmentSetting,
            productionHosts: {
                type: "array",
                items: { type: "string" },
                default: [],
                description: "Production hostnames no staging URL may point at.",
            },
            allowedExtras: {
                type: "array",
                items: { type: "string" },
                default: [],
                description: "Variable names outside the schema that are allowed everywhere.",
            },
        },
    },
    validateStack: (args, reportViolation) => {
        const config = args.getConfig<{ environment?: string; productionHosts?: string[]; allowedExtras?: string[] }>();
        for (const view of railwayServices(args.resources)) {
            const role = roleOf(view);
            if (!view.variables || role === "datastore") continue;
            const entries = variableEntries(view.variables);
            if (!entries) continue; // names not known yet (a preview): nothing to check against
            const vars: Record<string, string | SecretValue> = {};
            for (const v of entries) {
                // An unknown value (not yet created) counts as present; a known secret is checked like any value.
                vars[v.name] =
                    v.value === undefined ? SecretValue.unknown() : v.secret ? SecretValue.of(v.value) : v.value;
            }
            const issues = validateAppEnvironment(vars, {
                environment: environmentOf(view.variables.urn, config.environment),
                productionHosts: config.productionHosts ?? [],
                role,
                allowedExtras: config.allowedExtras ?? [],
            });
            for (const issue of issues)
                reportViolation(
                    `service '${view.name}': ${issue.path} ${issue.problem} (fix: ${issue.fix})`,
                    view.variables.urn,
                );
        }
    },
};
