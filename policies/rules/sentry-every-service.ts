/**
 * sentry-every-service
 *
 * What: every Railway service that runs app code has a Sentry project (slug ending in
 * `-<service>`) and a `SENTRY_DSN` variable. Datastores (services with a volume) are exempt.
 * Why: an error nobody records is found late, by users (seed fragility point 2).
 * How to fix: keep the Sentry integration on for the stack (`integrations.sentry: true`), which
 * creates the project and wires its DSN; or set `SENTRY_DSN` as a secret for the service.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { known, railwayServices, roleOf, TYPES, variableEntries } from "../lib/resources";

export const sentryEveryService: StackValidationPolicy = {
    name: "sentry-every-service",
    description: "Every app Railway service has a Sentry project and a SENTRY_DSN variable.",
    configSchema: {
        properties: {
            exempt: {
                type: "array",
                items: { type: "string" },
                default: [],
                description: "Service names that need no Sentry project.",
            },
        },
    },
    validateStack: (args, reportViolation) => {
        const exempt = new Set(args.getConfig<{ exempt?: string[] }>().exempt ?? []);
        const slugs = args.resources
            .filter((r) => r.type === TYPES.sentryProject)
            .map((r) => (known(() => r.props.slug) ?? "") as string);
        for (const view of railwayServices(args.resources)) {
            if (roleOf(view) === "datastore" || exempt.has(view.name)) continue;
            if (!slugs.some((s) => s === view.name || s.endsWith(`-${view.name}`))) {
                reportViolation(
                    `service '${view.name}' has no Sentry project; turn on integrations.sentry for this stack.`,
                    view.service.urn,
                );
            }
            const entries = view.variables ? variableEntries(view.variables) : [];
            if (entries && !entries.some((v) => v.name === "SENTRY_DSN")) {
                reportViolation(
                    `service '${view.name}' has no SENTRY_DSN variable, so its errors are not reported.`,
                    view.variables?.urn ?? view.service.urn,
                );
            }
        }
    },
};
