/**
 * What the policies know about the resources this project declares: type tokens, and a per-service
 * view of a stack's Railway resources assembled through the engine's property dependencies (which
 * hold during a preview, when ids are still unknown).
 */
import type { PolicyResource } from "@pulumi/policy";
import { isDatastoreImage } from "../../config/datastores";
import { RESOURCE_TYPES } from "../../config/resource-types";
// Exported by the SDK's proxy module but left out of its typings: what reading an unknown value throws.
const { UnknownValueError } = require("@pulumi/policy/proxy") as {
    UnknownValueError: new (...args: unknown[]) => Error;
};

/** The type tokens (one home: config/resource-types.ts). */
export const TYPES = RESOURCE_TYPES;

export type Role = "web" | "worker" | "cron" | "datastore";

/** One Railway service and everything of it in the stack. */
export interface RailwayServiceView {
    service: PolicyResource;
    name: string;
    instance?: PolicyResource;
    variables?: PolicyResource;
    volume?: PolicyResource;
    domains: PolicyResource[];
}

/** A value, or `undefined` when the engine does not know it yet (a preview of a new resource). */
export function known<T>(read: () => T): T | undefined {
    try {
        return read();
    } catch (e) {
        if (e instanceof UnknownValueError) return undefined;
        throw e;
    }
}

/** The service a per-service resource belongs to: the resource its `serviceId` input came from. */
function serviceUrnOf(r: PolicyResource): string | undefined {
    return r.propertyDependencies?.serviceId?.find((d) => d.type === TYPES.service)?.urn;
}

/** Every Railway service of the stack with its instance, variables, volume and domains. */
export function railwayServices(resources: PolicyResource[]): RailwayServiceView[] {
    const views = new Map<string, RailwayServiceView>();
    for (const r of resources) {
        if (r.type === TYPES.service)
            views.set(r.urn, { service: r, name: known(() => r.props.name) ?? r.name, domains: [] });
    }
    for (const r of resources) {
        const view = views.get(serviceUrnOf(r) ?? "");
        if (!view) continue;
        if (r.type === TYPES.instance) view.instance = r;
        else if (r.type === TYPES.variables) view.variables = r;
        else if (r.type === TYPES.volume) view.volume = r;
        else if (r.type === TYPES.serviceDomain || r.type === TYPES.customDomain) view.domains.push(r);
    }
    return [...views.values()];
}

/**
 * What a service is, from what it has: a volume or a datastore image (postgres, redis...) makes it
 * a datastore, a cron schedule a cron job, a domain or a health check a web service; anything else
 * is a worker.
 */
export function roleOf(view: RailwayServiceView): Role {
    if (view.volume) return "datastore";
    if (view.instance && isDatastoreImage(known(() => view.instance!.props.source?.image))) return "datastore";
    if (view.instance && known(() => view.instance!.props.cronSchedule)) return "cron";
    if (view.domains.length > 0 || (view.instance && known(() => view.instance!.props.healthcheckPath))) return "web";
    return "worker";
}

/**
 * Both halves of a Variables resource; a value may be unknown (undefined) during a preview. When
 * a whole half is unknown the set of names is not known either: undefined, so that no policy
 * reports a variable missing that may well be there.
 */
export function variableEntries(
    variables: PolicyResource,
): { name: string; value: string | undefined; secret: boolean }[] | undefined {
    const out: { name: string; value: string | undefined; secret: boolean }[] = [];
    for (const [half, secret] of [
        ["variables", false],
        ["secretVariables", true],
    ] as const) {
        if (!(half in variables.props)) continue;
        const map = known(() => variables.props[half]) as Record<string, string> | undefined;
        if (map === undefined) return undefined;
        for (const name of Object.keys(map ?? {})) out.push({ name, value: known(() => map[name]), secret });
    }
    return out;
}
