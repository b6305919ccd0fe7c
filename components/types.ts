/**
 * The type tokens of our components, in one place.
 *
 * A resource's URN contains its type token, and so do its children's URNs. Renaming a token
 * therefore makes Pulumi see a new component (and new children) and replace live resources,
 * unless the old token is kept as an alias. To rename one: change `token` and move the old value
 * into `formerly`; the component then registers an alias for each former token.
 */
import * as pulumi from "@pulumi/pulumi";

export interface ComponentType {
    /** `ainative:<module>:<Name>`. */
    readonly token: string;
    /** Tokens this component was registered under before; each becomes an alias. */
    readonly formerly: readonly string[];
}

export const COMPONENT_TYPES = {
    RailwayApp: { token: "ainative:railway:RailwayApp", formerly: [] },
    RepositoryProtection: { token: "ainative:github:RepositoryProtection", formerly: [] },
    ErrorTracking: { token: "ainative:sentry:ErrorTracking", formerly: [] },
    IncidentRouting: { token: "ainative:pagerduty:IncidentRouting", formerly: [] },
    DeploymentGate: { token: "ainative:gate:DeploymentGate", formerly: [] },
} as const satisfies Record<string, ComponentType>;

/** The caller's options plus an alias for every former token of the component type. */
export function withTypeAliases(
    type: ComponentType,
    opts: pulumi.ComponentResourceOptions = {},
): pulumi.ComponentResourceOptions {
    if (type.formerly.length === 0) return opts;
    return { ...opts, aliases: [...(opts.aliases ?? []), ...type.formerly.map((former) => ({ type: former }))] };
}

/** One wrong argument: which, what is wrong, how to fix it. */
export interface ArgumentProblem {
    argument: string;
    problem: string;
    fix: string;
}

/** The checks every list of service names gets: not empty, no name twice. */
export function serviceListProblems(services: string[] | undefined, purpose: string): ArgumentProblem[] {
    if (!services?.length)
        return [{ argument: "services", problem: "is empty", fix: `list the services that get ${purpose}` }];
    const dup = services.find((s, i) => services.indexOf(s) !== i);
    return dup ? [{ argument: "services", problem: `'${dup}' is listed twice`, fix: "list each service once" }] : [];
}

/**
 * A `ResourceError` for a bad component argument, before any child is registered: it names the
 * component (type and name), each argument that is wrong, what is wrong and how to fix it.
 */
export function argumentError(
    type: ComponentType,
    name: string,
    problems: ArgumentProblem[],
    resource?: pulumi.Resource,
): pulumi.ResourceError {
    const lines = problems.map((p) => `  - ${p.argument}: ${p.problem} (fix: ${p.fix})`);
    const noun = problems.length === 1 ? "argument" : "arguments";
    return new pulumi.ResourceError(
        `${type.token} '${name}': ${problems.length} invalid ${noun}:\n${lines.join("\n")}`,
        resource,
    );
}
