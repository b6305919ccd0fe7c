/**
 * railway-production-replicas
 *
 * What: every production Railway service runs at least `minReplicas` (default 2) replicas,
 * counted over all its regions. Staging is checked too (its config makes it advisory), so a
 * staging preview says what production would refuse; `environments` lists where it applies.
 * Why: one replica means every deploy, crash or host move is an outage (seed fragility point 2).
 * Cron jobs (one run per schedule) and datastores with a volume (Railway allows one replica with
 * a volume) are exempt.
 * How to fix: raise `replicas` (or add `regions`) for the service in `Pulumi.production.yaml`.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { environmentOf, environmentSetting } from "../lib/environment";
import { known, railwayServices, roleOf } from "../lib/resources";

export const railwayProductionReplicas: StackValidationPolicy = {
    name: "railway-production-replicas",
    description:
        "Production Railway services run at least 2 replicas (cron jobs and services with a volume are exempt).",
    configSchema: {
        properties: {
            ...environmentSetting,
            minReplicas: {
                type: "integer",
                minimum: 1,
                default: 2,
                description: "Fewest replicas a production service may run.",
            },
            environments: {
                type: "array",
                items: { type: "string", enum: ["local", "staging", "production"] },
                default: ["production", "staging"],
                description: "Environments checked.",
            },
        },
    },
    validateStack: (args, reportViolation) => {
        const config = args.getConfig<{ environment?: string; minReplicas?: number; environments?: string[] }>();
        const min = config.minReplicas ?? 2;
        const checked = config.environments ?? ["production", "staging"];
        for (const view of railwayServices(args.resources)) {
            if (!view.instance) continue;
            const environment = environmentOf(view.instance.urn, config.environment);
            if (!checked.includes(environment)) continue;
            const role = roleOf(view);
            if (role === "cron" || role === "datastore") continue;
            const replicas = view.instance.props.replicas as Record<string, number>;
            const total = Object.keys(replicas).reduce(
                (sum, region) => sum + (known(() => replicas[region]) ?? min),
                0,
            );
            if (total < min) {
                reportViolation(
                    `service '${view.name}' runs ${total} replica(s) in ${environment}; production requires at least ${min}. Raise replicas (or add regions) for '${view.name}'.`,
                    view.instance.urn,
                );
            }
        }
    },
};
