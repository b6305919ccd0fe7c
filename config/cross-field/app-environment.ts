/**
 * Each app service's variables, plain and secret together, satisfy the app's environment schema
 * for the stack's environment and the service's role (config/environment.schema.ts).
 */
import { APP_ROLES, AppRole, validateAppEnvironment } from "../environment.schema";
import { SecretValue } from "../secret";
import { configPath, CrossFieldRule, secretValuesOf } from "./view";

export const appEnvironmentRule: CrossFieldRule = (cfg) => {
    const environment = cfg.environment;
    if (!environment) return [];
    return cfg.services.flatMap(([i, svc]) => {
        const secretValues = secretValuesOf(cfg, i, svc);
        if (!secretValues || svc.kind === "datastore") return [];
        const vars: Record<string, string | SecretValue> = { ...svc.variables };
        for (const key of svc.secrets) vars[key] = secretValues[key] ?? SecretValue.unknown();
        return validateAppEnvironment(vars, {
            environment,
            productionHosts: cfg.productionHosts,
            role: (APP_ROLES as readonly string[]).includes(svc.kind) ? (svc.kind as AppRole) : "worker",
            allowedExtras: svc.allowedExtraVariables,
            providedKeys: cfg.integrations.sentry ? ["SENTRY_DSN"] : [],
            pathOf: (key) =>
                svc.secrets.includes(key)
                    ? configPath(["secrets", "services", svc.name, key])
                    : configPath(["railway", "services", i, "variables", key]),
            howToSet: (key, spec) =>
                spec.secret
                    ? `add '${key}' to railway.services[${i}].secrets and pulumi config set --secret --path 'secrets.services.${svc.name}.${key}' <value>`
                    : `pulumi config set --path 'railway.services[${i}].variables.${key}' <value>`,
        });
    });
};
