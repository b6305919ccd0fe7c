/**
 * The rules about one service that hold wherever a service is declared: in a stack file (checked by
 * `config/validate.ts`) and in `RailwayApp`'s arguments (checked by the component before anything
 * registers). Written once, worded once; each caller says where the problem is in its own terms
 * (a config key path, or an argument).
 */
import { RAILWAY_MAX_REPLICAS } from "./railway-limits";
import type { ServiceConfig } from "./stack.schema";

/** Replicas over all regions: `replicas` in the stack's region plus each extra region's. */
export function totalReplicas(svc: Pick<ServiceConfig, "replicas" | "regions">): number {
    return svc.replicas + Object.values(svc.regions ?? {}).reduce<number>((a, b) => a + (b ?? 0), 0);
}

export interface ServiceRuleIssue {
    /** The setting at fault, relative to the service; `secret` names a secret variable without a value. */
    at: "replicas" | "cronSchedule" | "volume" | { secret: string };
    problem: string;
    fix: string;
}

/**
 * The replica, cron, volume and secret-value rules of one service. `hasSecretValue` says whether a
 * secret listed in `secrets` has a value; `setSecret` is the command that gives it one.
 */
export function serviceRuleIssues(
    svc: Pick<ServiceConfig, "replicas" | "regions" | "cronSchedule" | "volume" | "secrets">,
    hasSecretValue: (key: string) => boolean,
    setSecret: (key: string) => string,
): ServiceRuleIssue[] {
    const issues: ServiceRuleIssue[] = [];
    const total = totalReplicas(svc);
    if (total > RAILWAY_MAX_REPLICAS)
        issues.push({
            at: "replicas",
            problem: `gives ${total} replicas in total across regions, Railway allows ${RAILWAY_MAX_REPLICAS}`,
            fix: "lower replicas or regions",
        });
    if (svc.cronSchedule && total > 1)
        issues.push({
            at: "cronSchedule",
            problem: "is set on a service with more than one replica",
            fix: "cron services run with replicas: 1",
        });
    if (svc.volume && total > 1)
        issues.push({
            at: "volume",
            problem: "is attached to a service with more than one replica",
            fix: "services with a volume run with replicas: 1",
        });
    for (const key of svc.secrets) {
        if (!hasSecretValue(key))
            issues.push({ at: { secret: key }, problem: "is declared secret but has no value", fix: setSecret(key) });
    }
    return issues;
}
