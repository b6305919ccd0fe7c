/**
 * railway-web-health-check
 *
 * What: every web-facing Railway service (one with a domain) has a health check path, with a
 * timeout of at most `maxTimeoutSeconds` (default 300).
 * Why: Railway only routes traffic to a new deployment once its health check answers; without
 * one, a broken build goes live (seed: "Railway failures discovered late").
 * How to fix: set `healthcheck.path` (e.g. `/api/health`) and `healthcheck.timeoutSeconds` on the
 * service in the stack file.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { known, railwayServices } from "../lib/resources";

export const railwayWebHealthCheck: StackValidationPolicy = {
    name: "railway-web-health-check",
    description: "Web-facing Railway services have a health check path with a timeout of at most 300 s.",
    configSchema: {
        properties: {
            maxTimeoutSeconds: {
                type: "integer",
                minimum: 1,
                maximum: 3600,
                default: 300,
                description: "Longest health check timeout allowed.",
            },
        },
    },
    validateStack: (args, reportViolation) => {
        const max = args.getConfig<{ maxTimeoutSeconds?: number }>().maxTimeoutSeconds ?? 300;
        for (const view of railwayServices(args.resources)) {
            if (view.domains.length === 0 || !view.instance) continue;
            const path = view.instance.props.healthcheckPath as string | undefined;
            if (!path) {
                reportViolation(
                    `web-facing service '${view.name}' has no health check path. Set healthcheck.path (e.g. /api/health) for '${view.name}'.`,
                    view.instance.urn,
                );
                continue;
            }
            const timeout = known(() => view.instance!.props.healthcheckTimeout as number | undefined);
            if (timeout !== undefined && timeout !== null && timeout > max) {
                reportViolation(
                    `service '${view.name}' waits ${timeout} s for its health check; at most ${max} s is allowed. Lower healthcheck.timeoutSeconds.`,
                    view.instance.urn,
                );
            }
        }
    },
};
