/**
 * staging-isolation
 *
 * What: on staging, no Railway variable (plain or secret) points at a production host or
 * database (a hostname in `productionHosts` or a subdomain of one), and no custom domain is one.
 * Why: a staging deploy that writes to production's database or calls its API is an outage
 * caused by testing.
 * How to fix: point the variable at the staging service (a Railway reference such as
 * `${{postgres.DATABASE_URL}}` stays inside the staging project).
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { hostsIn, isHostOrSubdomain } from "../../config/values";
import { environmentOf, environmentSetting } from "../lib/environment";
import { known, TYPES } from "../lib/resources";

export const stagingIsolation: ResourceValidationPolicy = {
    name: "staging-isolation",
    description: "No staging variable or domain points at a production host or database.",
    configSchema: {
        properties: {
            ...environmentSetting,
            productionHosts: {
                type: "array",
                items: { type: "string" },
                default: [],
                description: "Production hostnames (and their subdomains), including database hosts.",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        const config = args.getConfig<{ environment?: string; productionHosts?: string[] }>();
        if (environmentOf(args.urn, config.environment) !== "staging") return;
        const production = config.productionHosts ?? [];
        const hit = (value: string) => hostsIn(value).find((h) => production.some((p) => isHostOrSubdomain(h, p)));
        if (args.type === TYPES.customDomain) {
            const domain = args.props.domain as string;
            if (hit(domain))
                reportViolation(`custom domain ${domain} is a production host on staging; use a staging hostname.`);
            return;
        }
        if (args.type !== TYPES.variables) return;
        for (const half of ["variables", "secretVariables"]) {
            const map = (known(() => args.props[half]) ?? {}) as Record<string, string>;
            for (const name of Object.keys(map)) {
                const value = known(() => map[name]);
                const host = value === undefined ? undefined : hit(value);
                // The host is named, never the value: a secret URL may carry a password.
                if (host)
                    reportViolation(
                        `${name} points at production host ${host} from staging; point it at the staging service instead.`,
                    );
            }
        }
    },
};
