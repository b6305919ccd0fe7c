/**
 * production-data-protection
 *
 * What: in production, the Railway project, its environment, every datastore service (one with a
 * volume) and that volume are `protect`ed, so Pulumi refuses to delete them.
 * Why: a rename, a refactor or a `pulumi destroy` must never delete production data; removing
 * protection is a deliberate, reviewed step.
 * How to fix: set `railway.protect: true` and `protect: true` on the datastore services in
 * `Pulumi.production.yaml`.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { environmentOf, environmentSetting } from "../lib/environment";
import { railwayServices, roleOf, TYPES } from "../lib/resources";

export const productionDataProtection: StackValidationPolicy = {
    name: "production-data-protection",
    description: "Production's Railway project, environment, datastore services and volumes are protected.",
    configSchema: { properties: { ...environmentSetting } },
    validateStack: (args, reportViolation) => {
        const configured = args.getConfig<{ environment?: string }>().environment;
        const inProduction = (urn: string) => environmentOf(urn, configured) === "production";
        for (const r of args.resources) {
            if ((r.type === TYPES.project || r.type === TYPES.environment) && inProduction(r.urn) && !r.opts.protect) {
                reportViolation(
                    `the production Railway ${r.type === TYPES.project ? "project" : "environment"} '${r.name}' is not protected; set railway.protect: true.`,
                    r.urn,
                );
            }
        }
        for (const view of railwayServices(args.resources)) {
            if (roleOf(view) !== "datastore" || !inProduction(view.service.urn)) continue;
            for (const r of [view.service, view.volume].filter((x): x is NonNullable<typeof x> => x !== undefined)) {
                if (!r.opts.protect)
                    reportViolation(
                        `production datastore '${view.name}' (${r.type.split(":").pop()}) is not protected; set protect: true on the service.`,
                        r.urn,
                    );
            }
        }
    },
};
