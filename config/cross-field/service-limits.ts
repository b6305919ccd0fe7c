/**
 * The rules every service obeys wherever it is declared (config/service-rules.ts, shared with
 * `RailwayApp`): replicas within Railway's limit, one replica for a cron service or a volume, and a
 * value for every secret it lists.
 */
import { serviceRuleIssues } from "../service-rules";
import { CrossFieldRule, issueAt, secretValuesOf, servicePath } from "./view";

export const serviceLimitsRule: CrossFieldRule = (cfg) =>
    cfg.services.flatMap(([i, svc]) => {
        const secretValues = secretValuesOf(cfg, i, svc);
        return serviceRuleIssues(
            svc,
            (key) => !secretValues || Object.hasOwn(secretValues, key),
            (key) => `pulumi config set --secret --path 'secrets.services.${svc.name}.${key}' <value>`,
        ).map((issue) =>
            issueAt(
                typeof issue.at === "string"
                    ? servicePath(i, issue.at)
                    : ["secrets", "services", svc.name, issue.at.secret],
                issue.problem,
                issue.fix,
            ),
        );
    });
