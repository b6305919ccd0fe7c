/**
 * The properties of every resource the `railway` package has, declared once: each one's type,
 * description, and whether it is required, secret, an output, or replaces the resource when it
 * changes. The package schema (plugin/schema.ts) is written from it, and each CRUD's `diff` asks it
 * which changes replace ({@link replaceKeys}), so the SDK and the provider cannot disagree. Imports
 * no CRUD, so that every CRUD can import it.
 */
/** A property's type in the package schema's terms. */
export type PropertyType =
    "string" | "integer" | "number" | "boolean" | "stringMap" | "integerMap" | "stringList" | "any";

export interface PropertySpec {
    type: PropertyType;
    description: string;
    /** Required among the inputs. */
    required?: boolean;
    /** Secret wherever it appears (inputs, state, outputs). */
    secret?: boolean;
    /**
     * A map whose values the program gives secret one by one, stored secret whole. Not marked secret
     * in the schema: an SDK would wrap the whole map, and a preview with one value unknown (a DSN
     * not created yet) would then lose the names the policies check.
     */
    secretValues?: boolean;
    /** An output only (Railway decides it). */
    output?: boolean;
    /** An output every resource of the type has once it exists (typed as never undefined in the SDKs). */
    always?: boolean;
    /** Changing it replaces the resource. */
    replaceOnChanges?: boolean;
}

/** What the package says of a resource: everything but its CRUD. */
export interface ResourceProperties {
    description: string;
    /** The import ID's format (docs/railway.md "The provider package"); absent: not importable. */
    importId?: string;
    properties: Record<string, PropertySpec>;
}

const apiUrl: PropertySpec = {
    type: "string",
    description:
        "Railway's GraphQL endpoint for this resource (default: the provider's `apiUrl`, RAILWAY_API_URL, or Railway's own).",
};
const id = (what: string, replace = true): PropertySpec => ({
    type: "string",
    description: `The ${what}'s ID.`,
    required: true,
    replaceOnChanges: replace,
});
const adoptId: PropertySpec = {
    type: "string",
    description:
        "Take an existing resource into the stack by its import ID instead of creating one (prefer `pulumi import`).",
};

export const RESOURCE_PROPERTIES = {
    Project: {
        description: "A Railway project; its default environment comes with it.",
        importId: "<projectId>",
        properties: {
            name: { type: "string", description: "The project's name.", required: true },
            description: { type: "string", description: "The project's description." },
            workspaceId: { type: "string", description: "The workspace that owns it.", replaceOnChanges: true },
            defaultEnvironmentName: { type: "string", description: "The name of the environment it is created with." },
            environments: { type: "stringMap", description: "Environment name to ID.", output: true },
            apiUrl,
        },
    },
    ProjectLookup: {
        description: "A project found by name, never created or deleted (a stack that shares another's project).",
        properties: {
            name: {
                type: "string",
                description: "The project's name. A change is a new lookup (nothing on Railway changes).",
                required: true,
                replaceOnChanges: true,
            },
            workspaceId: { type: "string", description: "The workspace to look in.", replaceOnChanges: true },
            projectId: { type: "string", description: "The project's ID.", output: true, always: true },
            apiUrl,
        },
    },
    Environment: {
        description: "An environment of a project, adopted by name when it exists; renaming is in place.",
        importId: "<projectId>:<environmentId>",
        properties: {
            projectId: id("project"),
            name: { type: "string", description: "The environment's name.", required: true },
            duplicateFrom: {
                type: "string",
                description:
                    "Create it as a duplicate of the environment of this name. Read at creation only: a later change replaces nothing (replacing a live environment would delete its deployments and volumes).",
            },
            ephemeral: { type: "boolean", description: "An ephemeral environment (a pull request's)." },
            secretsBackup: {
                type: "string",
                description:
                    "Where the stack's secrets are backed up (`vault` or `none`): read by policies, never sent to Railway nor compared.",
            },
            sourceEnvironmentId: {
                type: "string",
                description: "The environment it was duplicated from.",
                output: true,
            },
            apiUrl,
        },
    },
    Service: {
        description: "A service's identity (project-wide); a service of that name is taken, else created.",
        importId: "<serviceId>",
        properties: {
            projectId: id("project"),
            name: { type: "string", description: "The service's name.", required: true },
            adoptId,
            apiUrl,
        },
    },
    ServiceInstance: {
        description:
            "A service's instance and settings in one environment (source, commands, health check, replicas, restart policy, cron, sleep); stored without deploying.",
        importId: "<projectId>:<serviceId>:<environmentId>",
        properties: {
            projectId: id("project"),
            serviceId: id("service"),
            environmentId: id("environment"),
            source: {
                type: "any",
                description:
                    "`{ repo, branch, waitForChecks? }` or `{ image }`; waitForChecks: a push's deployment waits for the commit's GitHub workflows (Railway's Check Suites).",
                required: true,
            },
            rootDirectory: { type: "string", description: "The folder the build starts in." },
            startCommand: { type: "string", description: "The start command." },
            buildCommand: { type: "string", description: "The build command." },
            preDeployCommand: { type: "stringList", description: "Commands run before each deployment." },
            watchPatterns: { type: "stringList", description: "Paths whose change deploys the service." },
            healthcheckPath: { type: "string", description: "The health check's path." },
            healthcheckTimeout: { type: "integer", description: "The health check's timeout, in seconds." },
            replicas: { type: "integerMap", description: "Replicas per region.", required: true },
            restartPolicyType: { type: "string", description: "ALWAYS, ON_FAILURE or NEVER." },
            restartPolicyMaxRetries: { type: "integer", description: "Restarts before giving up (ON_FAILURE)." },
            sleepApplication: { type: "boolean", description: "Sleep when idle." },
            cronSchedule: { type: "string", description: "Run on this schedule instead of continuously." },
            overlapSeconds: {
                type: "integer",
                description: "Seconds the previous deployment keeps serving beside a new healthy one.",
            },
            drainingSeconds: {
                type: "integer",
                description: "Seconds between SIGTERM and SIGKILL for the previous deployment's instances.",
            },
            adoptId,
            apiUrl,
        },
    },
    Variables: {
        description:
            "A service's whole variable set in one environment: `variables` (plain, shown in previews) and `secretVariables` (secret everywhere).",
        importId: "<projectId>:<environmentId>:<serviceId>",
        properties: {
            projectId: id("project"),
            environmentId: id("environment"),
            serviceId: id("service"),
            variables: { type: "stringMap", description: "Plain variables, Railway references included." },
            secretVariables: {
                type: "stringMap",
                description:
                    "Secret variables: give each value secret (`pulumi.secret`); the provider stores the map secret whatever it is given.",
                secretValues: true,
            },
            skipDeploys: { type: "boolean", description: "Write without starting a deployment." },
            secretRotations: {
                type: "stringMap",
                description:
                    "When each secret was last rotated (name to ISO date, or `never`): read by policies, never sent to Railway.",
            },
            adoptId,
            apiUrl,
        },
    },
    Volume: {
        description: "A persistent volume in one environment; re-attaching it elsewhere is in place.",
        importId: "<environmentId>:<volumeId>",
        properties: {
            projectId: id("project"),
            environmentId: id("environment"),
            serviceId: { type: "string", description: "The service it is attached to.", required: true },
            mountPath: { type: "string", description: "Where it is mounted.", required: true },
            region: {
                type: "string",
                description:
                    "Its region. Railway cannot move a volume between regions (and a service holds one volume), so a change is refused with the steps to take instead.",
            },
            backupBeforeChange: {
                type: "boolean",
                description:
                    "Take a Railway backup before deleting it or moving it to another service or path, and stop if that fails (default true).",
            },
            lastBackup: { type: "any", description: "The backup taken before the last move.", output: true },
            volumeInstanceId: {
                type: "string",
                description: "Its instance in the environment.",
                output: true,
                always: true,
            },
            adoptId,
            apiUrl,
        },
    },
    ServiceDomain: {
        description: "A `*.up.railway.app` domain of a service in one environment.",
        importId: "<projectId>:<environmentId>:<serviceId>:<serviceDomainId>",
        properties: {
            projectId: id("project"),
            environmentId: id("environment"),
            serviceId: id("service"),
            targetPort: { type: "integer", description: "The port it routes to." },
            domain: { type: "string", description: "The domain Railway gave.", output: true, always: true },
            adoptId,
            apiUrl,
        },
    },
    CustomDomain: {
        description: "A custom hostname of a service in one environment; the DNS records to create are outputs.",
        importId: "<projectId>:<customDomainId>",
        properties: {
            projectId: id("project"),
            environmentId: id("environment"),
            serviceId: id("service"),
            domain: { type: "string", description: "The hostname.", required: true, replaceOnChanges: true },
            targetPort: { type: "integer", description: "The port it routes to." },
            verified: { type: "boolean", description: "Whether Railway has verified its DNS.", output: true },
            dnsRecords: { type: "any", description: "The DNS records to create.", output: true },
            adoptId,
            apiUrl,
        },
    },
    ServiceDeployment: {
        description:
            "One deployment of a service per change of its fingerprint; an import takes the deployment running, which the first update keeps (no redeploy).",
        importId: "<serviceId>:<environmentId>",
        properties: {
            projectId: id("project"),
            serviceId: id("service"),
            environmentId: id("environment"),
            fingerprint: {
                type: "string",
                description: "Changes whenever a new deployment is needed.",
                required: true,
                secret: true,
            },
            commitSha: {
                type: "string",
                description:
                    "Deploy this commit of the service's branch (Railway deploys the branch's head without it); a change deploys again.",
            },
            deploymentId: { type: "string", description: "The deployment started last.", output: true, always: true },
            apiUrl,
        },
    },
} satisfies Record<string, ResourceProperties>;

/** The name of a resource of the package: `Project`, `Service`, … */
export type ResourceName = keyof typeof RESOURCE_PROPERTIES;

/** The properties whose change replaces a resource of this type, as the table declares them. */
export function replaceKeys(name: ResourceName): string[] {
    const properties: Record<string, PropertySpec> = RESOURCE_PROPERTIES[name].properties;
    return Object.entries(properties)
        .filter(([, p]) => p.replaceOnChanges)
        .map(([key]) => key);
}
