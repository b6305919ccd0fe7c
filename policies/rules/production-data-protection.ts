/**
 * production-data-protection
 *
 * What: in production, the Railway project, its environment, every datastore service (one with a
 * volume) and that volume are `protect`ed, so Pulumi refuses to delete them; and every volume is
 * backed up on Railway before a change that could lose its data (`backupBeforeChange`, not false).
 * Why: a rename, a refactor or a `pulumi destroy` must never delete production data; removing
 * protection is a deliberate, reviewed step; a volume moved or replaced without a backup cannot
 * be restored.
 * How to fix: set `railway.protect: true` and `protect: true` on the datastore services in
 * `Pulumi.production.yaml`, and leave `volume.backupBeforeChange` at its default (true).
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { environmentOf, environmentSetting } from "../lib/environment";
import { railwayServices, roleOf, TYPES } from "../lib/resources";

export const productionDataProtection: StackValidationPolicy = {
    name: "production-data-protection",
    description:
        "Production's Railway project, environment, datastore services and volumes are protected, and its volumes backed up before a change.",
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
            if (view.volume && view.volume.props.backupBeforeChange === false)
                reportViolation(
                    `production datastore '${view.name}' would have its volume deleted or moved without a backup; leave volume.backupBeforeChange at true.`,
                    view.volume.urn,
                );
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
