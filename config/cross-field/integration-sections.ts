/** An integration that is on has its section (github, sentry, pagerduty). */
import { CrossFieldRule, issueAt } from "./view";

export const integrationSectionsRule: CrossFieldRule = (cfg) =>
    (["github", "sentry", "pagerduty"] as const)
        .filter((integration) => cfg.integrations[integration] && !cfg.sections[integration])
        .map((integration) =>
            issueAt(
                [integration],
                `is required while integrations.${integration} is on`,
                `configure it, or set integrations.${integration} to false`,
            ),
        );
