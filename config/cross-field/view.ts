/**
 * What the cross-field rules of a stack's config look at, and the shape of a rule. The view is
 * built leniently, piece by piece (config/validate.ts), so that a structural mistake in one place
 * does not hide a rule broken in another: every problem is reported at once.
 */
import { CONFIG_NAMESPACE } from "../stack.schema";
import type { ParsedStackConfig, ServiceConfig } from "../stack.schema";
import type { ConfigIssue } from "../issues";
import { printableName } from "../values";

export interface CrossFieldView {
    environment?: ParsedStackConfig["environment"];
    productionHosts: string[];
    integrations: ParsedStackConfig["integrations"];
    railway?: Partial<
        Pick<
            ParsedStackConfig["railway"],
            "workspaceId" | "projectId" | "apiUrl" | "ownsProject" | "duplicateFrom" | "environment"
        >
    >;
    /** Services that parsed, with their index in the file. */
    services: Array<[number, ServiceConfig]>;
    /** Every service entry parsed (so a name missing from `services` really is unknown). */
    allServicesParsed: boolean;
    /** Names (as written) of services whose name itself is invalid: reported once, not again as unknown. */
    brokenNames: Set<string>;
    /** Indexes of services whose name is invalid: their secrets cannot be matched to them by name, so are not checked. */
    unnamed: Set<number>;
    secrets: ParsedStackConfig["secrets"];
    sections: { github: boolean; sentry: boolean; pagerduty: boolean };
}

/** One rule across fields: every problem it finds, each with the key path at fault and the fix. */
export type CrossFieldRule = (cfg: CrossFieldView) => ConfigIssue[];

/** Pulumi `--path` syntax: `railway.services[0].replicas`. */
export function configPath(path: readonly PropertyKey[]): string {
    let out = CONFIG_NAMESPACE + ":";
    path.forEach((segment, i) => {
        if (typeof segment === "number") out += `[${segment}]`;
        else out += (i === 0 ? "" : ".") + printableName(String(segment), 80);
    });
    return out;
}

export const issueAt = (path: readonly PropertyKey[], problem: string, fix: string): ConfigIssue => ({
    path: configPath(path),
    problem,
    fix,
});

/** A key path under the service at index `i`. */
export const servicePath = (i: number, ...rest: PropertyKey[]): PropertyKey[] => ["railway", "services", i, ...rest];

/** The value of an object's own property: a service named `constructor` is not `Object.prototype.constructor`. */
export function own<T>(record: Record<string, T> | undefined, key: string): T | undefined {
    return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/**
 * The secret values of a service, or undefined when its name is broken (its secrets cannot be
 * matched to it by name, so the rules about them do not apply).
 */
export function secretValuesOf(cfg: CrossFieldView, i: number, svc: ServiceConfig) {
    return cfg.unnamed.has(i) ? undefined : (own(cfg.secrets.services, svc.name) ?? {});
}

/** Whether a stack owns its Railway project (creates and deletes it and its services): unless it says not, or names an existing project. */
export function ownsRailwayProject(railway: { ownsProject?: boolean; projectId?: string }): boolean {
    return railway.ownsProject ?? railway.projectId === undefined;
}
