/**
 * What `npm run railway:import` writes from a live project (live.ts): the stack file's `railway`
 * section, the secrets to set (names only: a value never leaves memory in clear), and a Pulumi
 * import file whose names and parents are the ones RailwayApp gives its resources, so that
 * `pulumi import --file` followed by `pulumi up` changes nothing on Railway.
 *
 * Whatever the stack file cannot say the way it runs (a name outside the stack's rules, a service
 * not in the stack's region, a source with no branch...) is a problem, all of them reported at
 * once, and nothing is written: a section that half describes the project would make `up` change it.
 */
import { COMPONENT_TYPES } from "../../components/types";
import { RESOURCE_TYPES } from "../../config/resource-types";
import { isRailwayReference, isSecretKey, KNOWN_KEYS } from "../../config/environment.schema";
import { RAILWAY_REGIONS, RAILWAY_SERVICE_NAME_MAX_LENGTH } from "../../config/railway-limits";
import { credentialShape, SECRET_NAME } from "../../config/values";
import type { LiveProject, LiveService } from "./live";

/** The RailwayApp the stack declares (stacks/compose.ts). */
export const APP_NAME = "platform";

export interface ImportSpec {
    type: string;
    name: string;
    logicalName: string;
    id?: string;
    parent?: string;
    component?: boolean;
}

export interface Description {
    /** The `ainative-platform:railway` section. */
    section: Record<string, unknown>;
    /** Secret variables, by service: set each with `pulumi config set --secret --path`. */
    secrets: { service: string; key: string; unsure?: boolean }[];
    importFile: { resources: ImportSpec[] };
    problems: string[];
}

const DATASTORE_IMAGE = /(^|\/)(postgres|postgis|redis|valkey|mysql|mariadb|mongo|clickhouse)(:|$)/i;
const NAME = /^[a-z][a-z0-9-]*$/;

/** Values whose shape says they hold no credential: numbers, switches, well-known words, hosts, paths, URLs without one. */
const PLAIN_VALUE = [
    /^-?\d+(?:\.\d+)?$/,
    /^(?:true|false|yes|no|on|off|enabled|disabled)$/i,
    /^(?:production|staging|development|preview|test|local|trace|debug|info|warn|warning|error|fatal|silent|json|text|pretty|utc)$/i,
    // A host name with a dot, or a URL with no user info (credentialShape has checked its query).
    /^(?:[a-z][a-z0-9+.-]{0,31}:\/\/[^@\s]{1,2048}|[a-z0-9-]+(?:\.[a-z0-9-]+)+(?::\d{1,5})?)$/i,
    /^\/[\w./-]{0,1024}$/,
];

/** Settings the official datastore images document as names, not credentials (their passwords are secret by name). */
const DATASTORE_PLAIN_KEYS = new Set([
    "POSTGRES_DB",
    "POSTGRES_USER",
    "PGDATA",
    "PGPORT",
    "MYSQL_DATABASE",
    "MYSQL_USER",
]);

/**
 * Which side of the stack file a live variable goes to. Secret: by the environment schema, by its
 * name or by the shape of its value. Plain only when known to be: a Railway reference (wiring), a
 * key the environment schema declares plain or a datastore image documents as a name, or a value of
 * a plain shape ({@link PLAIN_VALUE}).
 * Anything else (`SMTP_LOGIN: hunter2`, a multi-line value) could be a credential: secret, and
 * `unsure` so the report says so.
 */
export function classify(key: string, value: string): { secret: boolean; unsure?: true } {
    if (isRailwayReference(value) && !credentialShape(value.replace(/\$\{\{[^}]*\}\}/g, ""))) return { secret: false };
    if (isSecretKey(key) || SECRET_NAME.test(key) || credentialShape(value) !== undefined) return { secret: true };
    if (KNOWN_KEYS.includes(key) || DATASTORE_PLAIN_KEYS.has(key) || PLAIN_VALUE.some((re) => re.test(value)))
        return { secret: false };
    return { secret: true, unsure: true };
}

export const looksSecret = (key: string, value: string): boolean => classify(key, value).secret;

function kindOf(s: LiveService): "web" | "worker" | "cron" | "datastore" {
    if (s.instance.cronSchedule) return "cron";
    if (s.volume || DATASTORE_IMAGE.test(s.instance.source.image ?? "")) return "datastore";
    if (s.serviceDomain || s.customDomains.length) return "web";
    return "worker";
}

/** The region most of the project runs in (a volume's region first: a datastore cannot move). */
function stackRegion(p: LiveProject): string {
    const volumeRegion = p.services.find((s) => s.volume?.region)?.volume?.region;
    if (volumeRegion) return volumeRegion;
    const count = new Map<string, number>();
    for (const s of p.services)
        for (const region of Object.keys(s.instance.replicas)) count.set(region, (count.get(region) ?? 0) + 1);
    return [...count.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "us-west2";
}

function describeService(s: LiveService, region: string, problems: string[]) {
    const where = `service '${s.name}'`;
    if (!NAME.test(s.name) || s.name.length > RAILWAY_SERVICE_NAME_MAX_LENGTH)
        problems.push(
            `${where}: its name is not one the stack file accepts (lower-case letters, digits and dashes, at most ${RAILWAY_SERVICE_NAME_MAX_LENGTH}); rename it on Railway first`,
        );
    const i = s.instance;
    const source = i.source.image
        ? { image: i.source.image }
        : i.source.repo && i.source.branch
          ? {
                repo: i.source.repo,
                branch: i.source.branch,
                ...(i.rootDirectory ? { rootDirectory: i.rootDirectory } : {}),
            }
          : undefined;
    if (!source)
        problems.push(
            `${where}: its source is ${i.source.repo ? `${i.source.repo} with no branch to deploy from` : "neither an image nor a repository"}; connect it on Railway first`,
        );
    const replicas = i.replicas[region];
    if (replicas === undefined)
        problems.push(
            `${where}: runs in ${Object.keys(i.replicas).join(", ") || "no region"}, not in the stack's region ${region}; the stack always runs its services there`,
        );
    const regions = Object.fromEntries(Object.entries(i.replicas).filter(([r]) => r !== region));
    for (const r of Object.keys(regions))
        if (!(RAILWAY_REGIONS as readonly string[]).includes(r))
            problems.push(`${where}: region '${r}' is not one the stack file knows (config/railway-limits.ts)`);
    const ports = new Set([s.serviceDomain?.targetPort, ...s.customDomains.map((d) => d.targetPort)].filter(Boolean));
    if (ports.size > 1)
        problems.push(
            `${where}: its domains route to different ports (${[...ports].join(", ")}); the stack file has one targetPort per service`,
        );
    const secretKeys = Object.entries(s.variables)
        .filter(([k, v]) => looksSecret(k, v))
        .map(([k]) => k)
        .sort();
    const unsureKeys = Object.entries(s.variables)
        .filter(([k, v]) => classify(k, v).unsure)
        .map(([k]) => k)
        .sort();
    const variables = Object.fromEntries(
        Object.entries(s.variables)
            .filter(([k]) => !secretKeys.includes(k))
            .sort(([a], [b]) => (a < b ? -1 : 1)),
    );
    const kind = kindOf(s);
    const extra = Object.keys(s.variables)
        .filter((k) => !KNOWN_KEYS.includes(k))
        .sort();
    const clean = <T extends Record<string, unknown>>(o: T) =>
        Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && !(Array.isArray(v) && !v.length)));
    const service = clean({
        name: s.name,
        kind,
        source,
        startCommand: i.startCommand,
        buildCommand: i.buildCommand,
        preDeployCommand: i.preDeployCommand,
        watchPatterns: i.watchPatterns,
        healthcheck: i.healthcheckPath
            ? { path: i.healthcheckPath, timeoutSeconds: i.healthcheckTimeout ?? 300 }
            : undefined,
        replicas: replicas ?? 1,
        regions: Object.keys(regions).length ? regions : undefined,
        restartPolicy: { type: i.restartPolicyType ?? "ON_FAILURE", maxRetries: i.restartPolicyMaxRetries ?? 10 },
        cronSchedule: i.cronSchedule,
        sleepApplication: i.sleepApplication,
        overlapSeconds: i.overlapSeconds,
        drainingSeconds: i.drainingSeconds,
        volume: s.volume ? { mountPath: s.volume.mountPath } : undefined,
        domains:
            s.serviceDomain || s.customDomains.length
                ? clean({
                      railway: s.serviceDomain ? true : undefined,
                      custom: s.customDomains.map((d) => d.domain).sort(),
                      targetPort: [...ports][0],
                  })
                : undefined,
        variables: Object.keys(variables).length ? variables : undefined,
        secrets: secretKeys,
        allowedExtraVariables: kind === "datastore" ? undefined : extra,
    });
    return { service, secretKeys, unsureKeys };
}

export function describeLiveProject(p: LiveProject): Description {
    const problems: string[] = [];
    const region = stackRegion(p);
    const env = p.environment;
    const resources: ImportSpec[] = [
        { type: COMPONENT_TYPES.RailwayApp.token, name: "app", logicalName: APP_NAME, component: true },
        { type: RESOURCE_TYPES.project, name: "project", logicalName: APP_NAME, id: p.id, parent: "app" },
        {
            type: RESOURCE_TYPES.environment,
            name: "environment",
            logicalName: `${APP_NAME}-${env.name}`,
            id: `${p.id}:${env.id}`,
            parent: "app",
        },
    ];
    const services: Record<string, unknown>[] = [];
    const secrets: Description["secrets"] = [];
    for (const s of [...p.services].sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const { service, secretKeys, unsureKeys } = describeService(s, region, problems);
        services.push(service);
        secrets.push(
            ...secretKeys.map((key) => ({
                service: s.name,
                key,
                ...(unsureKeys.includes(key) ? { unsure: true } : {}),
            })),
        );
        const base = `${APP_NAME}-${s.name}`;
        const child = (what: string, type: string, id: string, logicalName = base): ImportSpec => ({
            type,
            name: `${s.name}-${what}`,
            logicalName,
            id,
            parent: "app",
        });
        resources.push(
            child("service", RESOURCE_TYPES.service, s.id),
            child("instance", RESOURCE_TYPES.instance, `${p.id}:${s.id}:${env.id}`),
            child("variables", RESOURCE_TYPES.variables, `${p.id}:${env.id}:${s.id}`),
        );
        if (s.volume) resources.push(child("volume", RESOURCE_TYPES.volume, `${env.id}:${s.volume.id}`));
        if (s.serviceDomain)
            resources.push(
                child("domain", RESOURCE_TYPES.serviceDomain, `${p.id}:${env.id}:${s.id}:${s.serviceDomain.id}`),
            );
        for (const d of s.customDomains)
            resources.push(
                child(`domain-${d.domain}`, RESOURCE_TYPES.customDomain, `${p.id}:${d.id}`, `${base}-${d.domain}`),
            );
        // A service with nothing running gets its first deployment from `pulumi up` instead.
        if (s.running) resources.push(child("deployment", RESOURCE_TYPES.deployment, `${s.id}:${env.id}`));
    }
    const section: Record<string, unknown> = {
        project: p.name,
        ...(p.workspaceId ? { workspaceId: p.workspaceId } : {}),
        // The first stack brought under owns the project: it is the one that may delete it.
        ownsProject: true,
        environment: env.name,
        region,
        services,
    };
    return { section, secrets, importFile: { resources }, problems };
}
