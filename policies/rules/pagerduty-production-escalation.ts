/**
 * pagerduty-production-escalation
 *
 * What: every production Railway service that runs app code has a PagerDuty service (named
 * `<prefix> <service>`) whose escalation policy has at least `minLevels` (default 2) levels.
 * Why: a page that reaches one person who is asleep is no page; the second level is the backup.
 * How to fix: keep `integrations.pagerduty` on and list two `pagerduty.escalationLevels` in
 * `Pulumi.production.yaml`.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { environmentOf, environmentSetting } from "../lib/environment";
import { known, railwayServices, roleOf, TYPES } from "../lib/resources";

export const pagerdutyProductionEscalation: StackValidationPolicy = {
    name: "pagerduty-production-escalation",
    description:
        "Every production app service has a PagerDuty service whose escalation policy has at least two levels.",
    configSchema: {
        properties: {
            ...environmentSetting,
            minLevels: { type: "integer", minimum: 1, default: 2, description: "Fewest escalation levels." },
        },
    },
    validateStack: (args, reportViolation) => {
        const config = args.getConfig<{ environment?: string; minLevels?: number }>();
        const min = config.minLevels ?? 2;
        const pdServices = args.resources.filter((r) => r.type === TYPES.pagerdutyService);
        for (const view of railwayServices(args.resources)) {
            if (environmentOf(view.service.urn, config.environment) !== "production" || roleOf(view) === "datastore")
                continue;
            const pd = pdServices.find((r) => {
                const name = (known(() => r.props.name) ?? "") as string;
                return name === view.name || name.endsWith(` ${view.name}`);
            });
            if (!pd) {
                reportViolation(
                    `production service '${view.name}' has no PagerDuty service; turn on integrations.pagerduty.`,
                    view.service.urn,
                );
                continue;
            }
            const policy = pd.propertyDependencies?.escalationPolicy?.find((d) => d.type === TYPES.escalationPolicy);
            // Only the number of levels matters: during a preview each level's id is unknown (the
            // provider assigns it), but how many there are is known; reading the whole list would
            // throw on those unknown ids and silence the policy exactly when a level is removed.
            const levels = policy ? (known(() => (policy.props.rules as unknown[]).length) as number | undefined) : 0;
            // The list itself not known yet: no verdict rather than a false alarm.
            if (levels === undefined) continue;
            if (levels < min) {
                reportViolation(
                    `the PagerDuty service of '${view.name}' escalates through ${levels} level(s); at least ${min} are required. Add pagerduty.escalationLevels.`,
                    pd.urn,
                );
            }
        }
    },
};
