/**
 * The rules across fields of a stack's config, one per file in this folder (as the policy pack
 * keeps its policies): each gets the same lenient view and returns every problem it finds.
 */
import type { ConfigIssue } from "../issues";
import { adoptedIdsRule } from "./adopted-ids";
import { appEnvironmentRule } from "./app-environment";
import { integrationSectionsRule } from "./integration-sections";
import { productionHostsRule } from "./production-hosts";
import { railwayProjectRule } from "./railway-project";
import { referencesRule } from "./references";
import { secretPlacementRule } from "./secret-placement";
import { serviceKindRule } from "./service-kind";
import { serviceLimitsRule } from "./service-limits";
import { uniqueServiceNamesRule } from "./unique-service-names";
import { unknownSecretServicesRule } from "./unknown-secret-services";
import { configPath, CrossFieldRule, CrossFieldView } from "./view";

export const CROSS_FIELD_RULES: readonly CrossFieldRule[] = [
    railwayProjectRule,
    integrationSectionsRule,
    uniqueServiceNamesRule,
    serviceLimitsRule,
    serviceKindRule,
    adoptedIdsRule,
    secretPlacementRule,
    productionHostsRule,
    appEnvironmentRule,
    referencesRule,
    unknownSecretServicesRule,
];

export function crossFieldIssues(cfg: CrossFieldView): ConfigIssue[] {
    return CROSS_FIELD_RULES.flatMap((rule) => rule(cfg));
}

/** What is allowed but probably not meant. */
export function crossFieldWarnings(cfg: CrossFieldView): ConfigIssue[] {
    const warnings: ConfigIssue[] = [];
    for (const [i, svc] of cfg.services) {
        if (svc.cronSchedule && svc.healthcheck) {
            warnings.push({
                path: configPath(["railway", "services", i, "healthcheck"]),
                problem: "is set on a cron service, which Railway does not health-check (a cron job is not a server)",
                fix: "remove the health check, or make the service a worker or web service",
            });
        }
    }
    return warnings;
}
