/**
 * What a service's kind and restart policy require: a schedule for a cron service, a health check
 * for a web service, bounded retries with ON_FAILURE.
 */
import type { ConfigIssue } from "../issues";
import { CrossFieldRule, issueAt, servicePath } from "./view";

export const serviceKindRule: CrossFieldRule = (cfg) =>
    cfg.services.flatMap(([i, svc]) => {
        const issues: ConfigIssue[] = [];
        if (svc.kind === "cron" && !svc.cronSchedule)
            issues.push(
                issueAt(
                    servicePath(i, "cronSchedule"),
                    "is required for a cron service",
                    "set a 5-field cron expression, e.g. '0 3 * * *'",
                ),
            );
        if (svc.restartPolicy.type === "ON_FAILURE" && svc.restartPolicy.maxRetries === undefined)
            issues.push(
                issueAt(
                    servicePath(i, "restartPolicy", "maxRetries"),
                    "is required with ON_FAILURE",
                    "bound the retries, e.g. 10",
                ),
            );
        if (svc.kind === "web" && !svc.healthcheck)
            issues.push(
                issueAt(
                    servicePath(i, "healthcheck"),
                    "is required for a web service",
                    "set healthcheck.path, e.g. /api/health",
                ),
            );
        return issues;
    });
