/**
 * railway-restart-policy
 *
 * What: every Railway service restarts on its own: restart policy ALWAYS, or ON_FAILURE with a
 * bounded number of retries (1 to `maxRetries`, default 10).
 * Why: NEVER leaves a crashed service down until someone notices; unbounded retries hide a crash
 * loop from alerts.
 * How to fix: set `restartPolicy: {type: ON_FAILURE, maxRetries: 5}` (or `type: ALWAYS` for
 * datastores) on the service.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES } from "../lib/resources";

export const railwayRestartPolicy: ResourceValidationPolicy = {
    name: "railway-restart-policy",
    description: "Railway services restart: ON_FAILURE with bounded retries, or ALWAYS.",
    configSchema: {
        properties: {
            maxRetries: {
                type: "integer",
                minimum: 1,
                maximum: 100,
                default: 10,
                description: "Most ON_FAILURE retries allowed.",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        if (args.type !== TYPES.instance) return;
        const max = args.getConfig<{ maxRetries?: number }>().maxRetries ?? 10;
        const type = args.props.restartPolicyType as string | undefined;
        if (type === "ALWAYS") return;
        if (type !== "ON_FAILURE") {
            reportViolation(`restart policy is ${type ?? "not set"}; use ON_FAILURE with 1-${max} retries, or ALWAYS.`);
            return;
        }
        const retries = args.props.restartPolicyMaxRetries as number | undefined;
        if (retries === undefined || retries === null || retries < 1 || retries > max) {
            reportViolation(
                `ON_FAILURE restart policy has ${retries ?? "no"} max retries; set restartPolicy.maxRetries between 1 and ${max}.`,
            );
        }
    },
};
