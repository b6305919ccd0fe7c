/**
 * `RailwayApp`: one Railway project environment with its services, as one component.
 *
 * Ownership: the stack that owns the project (`ownsProject`, the default unless `projectId` is
 * given) creates the project and each service's identity, and deletes them on destroy. A stack
 * that shares the project finds it (by `projectId`, or by name), takes each service of its name
 * (creating one only if none exists yet) and never deletes a service (`retainOnDelete`). Either way
 * the stack owns its own environment: the services' instances there, their settings, variables,
 * volumes, domains and deployments, and nothing of any other environment.
 *
 * For each service: the Railway service, its settings in this environment (source, commands,
 * health check, replicas per region, restart policy, cron, volume-safe replica count), its volume
 * (datastores), the full set of its variables (checked against `config/environment.schema` for this
 * environment before any resource is registered; secrets stay secret), its domains, and one
 * deployment per change: nothing else deploys, so the first deployment of a service starts with
 * its settings, variables and volume in place, and a change to several of them deploys once.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { APP_ROLES, AppEnvironment, AppRole, validateAppEnvironment } from "../config/environment.schema";
import { SecretValue } from "../config/secret";
import { serviceRuleIssues } from "../config/service-rules";
import type { ServiceConfig } from "../config/stack.schema";
import { formerDynamicType } from "../config/resource-types";
import * as railway from "../providers/railway/sdk/nodejs";
import { ArgumentProblem, argumentError, COMPONENT_TYPES, withTypeAliases } from "./types";

/** One service of the app: its stack config plus the secret and provided variable values. */
export interface RailwayAppService extends ServiceConfig {
    /** Secret variable values (from secret config); every key of `secrets` must be here. */
    secretValues?: Record<string, pulumi.Input<string>>;
    /**
     * Variables another component provides (for example `SENTRY_DSN` from ErrorTracking). Their
     * values are treated as secrets.
     */
    providedVariables?: Record<string, pulumi.Input<string>>;
}

export interface RailwayAppArgs {
    /** The app environment the variables are checked for (production, staging, local). */
    appEnvironment: AppEnvironment;
    /** The Railway project: created by its owner, found by name by a stack that shares it. */
    project: { name: pulumi.Input<string>; workspaceId?: pulumi.Input<string>; description?: pulumi.Input<string> };
    /** An existing project's id, shared with the stack that owns it: no project resource is created. */
    projectId?: pulumi.Input<string>;
    /** Whether this stack owns the project-wide part (default: true unless `projectId` is given). */
    ownsProject?: boolean;
    /** The Railway environment name (adopted when the project already has it). */
    environmentName: string;
    /** Create the environment, when it does not exist yet, as a duplicate of this one (a stack sharing the project only). */
    duplicateFrom?: string;
    /** Railway's ephemeral flag for a new environment (a pull request's review environment). */
    ephemeral?: boolean;
    /** The region that `replicas` of each service refers to. */
    region: string;
    services: RailwayAppService[];
    /** Production hostnames: a staging variable pointing at one is an error. */
    productionHosts?: string[];
    /** GraphQL endpoint override (the local emulator). */
    apiUrl?: pulumi.Input<string>;
    /** Protect the project and environment (refuse deletes): production. */
    protect?: boolean;
    /**
     * When each service's secrets were last rotated (service → variable → ISO date, the stack
     * file's `rotations`). Each service's Variables carries its own, for the secret-rotation
     * policies; nothing of it goes to Railway.
     */
    secretRotations?: Record<string, Record<string, string>>;
    /**
     * Where the stack's secrets are backed up (`vault`: the stack file's `vault` section, kept by
     * `npm run secret:backup`), or `none`. Recorded on the Environment resource for the
     * secrets-backup-production policy (the engine shows policies no component's inputs); nothing
     * of it goes to Railway.
     */
    secretsBackup?: "vault" | "none";
}

export interface RailwayAppServiceOutputs {
    serviceId: pulumi.Output<string>;
    /** `https://` URLs: the custom domains first, then the Railway domain. */
    urls: pulumi.Output<string[]>;
    /**
     * A hash of everything that makes a new deployment of the service (settings and variables),
     * secret because variables are: a new deployment starts when it changes.
     */
    deploymentFingerprint: pulumi.Output<string>;
    /** The deployment the last `pulumi up` started (the health gate watches it). */
    deploymentId: pulumi.Output<string>;
}

/** Every problem with the arguments, all at once (an empty list when they are fine). */
function railwayAppProblems(args: RailwayAppArgs): ArgumentProblem[] {
    const problems: ArgumentProblem[] = [];
    if (!args.services || args.services.length === 0) {
        problems.push({ argument: "services", problem: "is empty", fix: "declare at least one service" });
        return problems;
    }
    if (args.ownsProject === true && args.projectId !== undefined)
        problems.push({
            argument: "ownsProject",
            problem: "is true, but projectId names an existing project",
            fix: "omit projectId to create and own the project, or set ownsProject to false",
        });
    if (args.duplicateFrom !== undefined && (args.ownsProject ?? args.projectId === undefined))
        problems.push({
            argument: "duplicateFrom",
            problem: "applies only to a stack that shares the project",
            fix: "remove duplicateFrom, or set ownsProject to false",
        });
    const seen = new Set<string>();
    args.services.forEach((svc, i) => {
        const at = (field: string) => `services[${i}] (${svc.name}).${field}`;
        if (seen.has(svc.name))
            problems.push({
                argument: `services[${i}].name`,
                problem: `'${svc.name}' is used by another service`,
                fix: "give every service a unique name",
            });
        seen.add(svc.name);
        for (const issue of serviceRuleIssues(
            svc,
            (key) => svc.secretValues?.[key] !== undefined,
            (key) => `pulumi config set --secret --path 'secrets.services.${svc.name}.${key}' <value>`,
        )) {
            problems.push({
                argument: at(typeof issue.at === "string" ? issue.at : `secretValues.${issue.at.secret}`),
                problem: issue.problem,
                fix: issue.fix,
            });
        }
        if (svc.kind !== "datastore") {
            const vars: Record<string, string | SecretValue> = { ...svc.variables };
            for (const key of [...svc.secrets, ...Object.keys(svc.providedVariables ?? {})])
                vars[key] = SecretValue.unknown();
            for (const issue of validateAppEnvironment(vars, {
                environment: args.appEnvironment,
                productionHosts: args.productionHosts ?? [],
                role: (APP_ROLES as readonly string[]).includes(svc.kind) ? (svc.kind as AppRole) : "worker",
                allowedExtras: svc.allowedExtraVariables,
                pathOf: (key) => at(`variables.${key}`),
            })) {
                problems.push({ argument: issue.path, problem: issue.problem, fix: issue.fix });
            }
        }
    });
    return problems;
}

/** A Railway project environment and its services. */
export class RailwayApp extends pulumi.ComponentResource {
    readonly projectId: pulumi.Output<string>;
    readonly environmentId: pulumi.Output<string>;
    /** Whether this stack owns the project and the services' identities. */
    readonly ownsProject: boolean;
    /** Per service name: its id and URLs. */
    readonly services: Record<string, RailwayAppServiceOutputs>;

    constructor(name: string, args: RailwayAppArgs, opts?: pulumi.ComponentResourceOptions) {
        // Checked before super(): a bad argument registers nothing at all.
        const problems = railwayAppProblems(args);
        if (problems.length) throw argumentError(COMPONENT_TYPES.RailwayApp, name, problems);
        super(COMPONENT_TYPES.RailwayApp.token, name, {}, withTypeAliases(COMPONENT_TYPES.RailwayApp, opts));

        const apiUrl = args.apiUrl;
        const protect = args.protect ?? false;
        this.ownsProject = args.ownsProject ?? args.projectId === undefined;
        if (args.projectId !== undefined) {
            this.projectId = pulumi.output(args.projectId);
        } else if (!this.ownsProject) {
            const shared = new railway.ProjectLookup(
                name,
                { name: args.project.name, workspaceId: args.project.workspaceId, apiUrl },
                movedFromDynamic(railway.ProjectLookup, { parent: this }),
            );
            this.projectId = shared.id;
        } else {
            const project = new railway.Project(
                name,
                {
                    name: args.project.name,
                    workspaceId: args.project.workspaceId,
                    description: args.project.description,
                    defaultEnvironmentName: args.environmentName,
                    apiUrl,
                },
                movedFromDynamic(railway.Project, { parent: this, protect }),
            );
            this.projectId = project.id;
        }
        const environment = new railway.Environment(
            `${name}-${args.environmentName}`,
            {
                projectId: this.projectId,
                name: args.environmentName,
                duplicateFrom: args.duplicateFrom,
                ephemeral: args.ephemeral,
                secretsBackup: args.secretsBackup ?? "none",
                apiUrl,
            },
            movedFromDynamic(railway.Environment, { parent: this, protect }),
        );
        this.environmentId = environment.id;

        this.services = {};
        for (const svc of args.services) {
            this.services[svc.name] = this.declareService(name, svc, args, environment);
        }
        this.registerOutputs({ projectId: this.projectId, environmentId: this.environmentId, services: this.services });
    }

    private declareService(
        app: string,
        svc: RailwayAppService,
        args: RailwayAppArgs,
        environment: railway.Environment,
    ): RailwayAppServiceOutputs {
        const apiUrl = args.apiUrl;
        const base = `${app}-${svc.name}`;
        const keep = { parent: this, protect: svc.protect };
        // Adoption of an existing service: each resource takes the import ID the config gives it.
        const a = svc.adopt;
        // Project-wide: a stack that shares the project never deletes a service (its owner does).
        const service = new railway.Service(
            base,
            { projectId: this.projectId, name: svc.name, apiUrl, adoptId: a?.service },
            movedFromDynamic(railway.Service, { ...keep, retainOnDelete: !this.ownsProject }),
        );
        const scope = { projectId: this.projectId, environmentId: environment.id, serviceId: service.id, apiUrl };

        const settings = {
            ...scope,
            source:
                "image" in svc.source
                    ? { image: svc.source.image }
                    : { repo: svc.source.repo, branch: svc.source.branch, waitForChecks: svc.source.waitForChecks },
            rootDirectory: "repo" in svc.source ? svc.source.rootDirectory : undefined,
            startCommand: svc.startCommand,
            buildCommand: svc.buildCommand,
            preDeployCommand: svc.preDeployCommand,
            watchPatterns: svc.watchPatterns,
            healthcheckPath: svc.healthcheck?.path,
            healthcheckTimeout: svc.healthcheck?.timeoutSeconds,
            replicas: { [args.region]: svc.replicas, ...svc.regions },
            restartPolicyType: svc.restartPolicy.type,
            restartPolicyMaxRetries: svc.restartPolicy.maxRetries,
            sleepApplication: svc.sleepApplication,
            cronSchedule: svc.cronSchedule,
            overlapSeconds: svc.overlapSeconds,
            drainingSeconds: svc.drainingSeconds,
        };
        const instance = new railway.ServiceInstance(
            base,
            { ...settings, adoptId: a?.serviceInstance },
            movedFromDynamic(railway.ServiceInstance, keep),
        );
        // Everything else of the service in this environment needs its instance there first (an
        // environment created empty has none until the ServiceInstance makes it).
        const inEnvironment = { ...keep, dependsOn: [instance] };

        const volume = svc.volume
            ? new railway.Volume(
                  base,
                  {
                      ...scope,
                      mountPath: svc.volume.mountPath,
                      region: args.region,
                      backupBeforeChange: svc.volume.backupBeforeChange,
                      adoptId: a?.volume,
                  },
                  movedFromDynamic(railway.Volume, inEnvironment),
              )
            : undefined;

        // Secrets and provided values (a DSN) are secret; a provided key wins (it is wired, not typed in).
        const secretVariables: Record<string, pulumi.Input<string>> = { ...svc.secretValues, ...svc.providedVariables };
        const variables = Object.fromEntries(Object.entries(svc.variables).filter(([k]) => !(k in secretVariables)));
        // Written without deploying: the deployment below starts once everything is in place.
        const vars = new railway.Variables(
            base,
            {
                ...scope,
                variables,
                secretVariables: secretEach(secretVariables),
                secretRotations: rotationsOf(svc, args.secretRotations),
                skipDeploys: true,
                adoptId: a?.variables,
            },
            // The policy railway-no-plaintext-secrets checks this is declared (the provider also stores it secret).
            movedFromDynamic(railway.Variables, { ...inEnvironment, additionalSecretOutputs: ["secretVariables"] }),
        );

        const urls: pulumi.Output<string>[] = [];
        for (const host of svc.domains?.custom ?? []) {
            new railway.CustomDomain(
                `${base}-${host}`,
                { ...scope, domain: host, targetPort: svc.domains?.targetPort, adoptId: a?.customDomains?.[host] },
                movedFromDynamic(railway.CustomDomain, inEnvironment),
            );
            urls.push(pulumi.output(`https://${host}`));
        }
        if (svc.domains?.railway) {
            const generated = new railway.ServiceDomain(
                base,
                { ...scope, targetPort: svc.domains.targetPort, adoptId: a?.serviceDomain },
                movedFromDynamic(railway.ServiceDomain, inEnvironment),
            );
            urls.push(pulumi.interpolate`https://${generated.domain}`);
        }
        // Waiting for checks changes when Railway deploys, not what it deploys: no new deployment for it.
        // (The same keys in the same order as before it existed: fingerprints of stacks without it stay the same.)
        const { apiUrl: _ignored, ...all } = settings;
        const { waitForChecks: _when, ...source } = all.source as { waitForChecks?: boolean };
        const deploying = { ...all, source };
        const deploymentFingerprint = pulumi.secret(
            pulumi
                .all([deploying, variables, secretVariables, volume?.mountPath ?? ""])
                .apply((parts) => createHash("sha256").update(JSON.stringify(parts)).digest("hex")),
        );
        // After settings, variables and volume: a datastore never starts without its data directory,
        // an app never without its variables.
        const deployment = new railway.ServiceDeployment(
            base,
            {
                ...scope,
                fingerprint: deploymentFingerprint,
                commitSha: "repo" in svc.source ? svc.commit : undefined,
            },
            movedFromDynamic(railway.ServiceDeployment, {
                ...keep,
                protect: false,
                dependsOn: volume ? [instance, vars, volume] : [instance, vars],
            }),
        );
        return {
            serviceId: service.id,
            urls: pulumi.all(urls),
            deploymentFingerprint,
            deploymentId: deployment.deploymentId,
        };
    }
}

/**
 * Each value secret on its own rather than the map as one secret: a preview then still knows
 * which names are set when one value (a DSN of a Sentry key not yet created) is unknown, so
 * policies can check the names.
 */
function secretEach(values: Record<string, pulumi.Input<string>>): Record<string, pulumi.Input<string>> {
    return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, pulumi.secret(v)]));
}

/**
 * A Railway resource's options with the alias of the type it had as a dynamic resource: a stack
 * whose state holds the dynamic resources moves to the provider package in place (same URN, same
 * ID; nothing on Railway replaced). docs/railway.md "The provider package", Migration.
 */
function movedFromDynamic<O extends pulumi.CustomResourceOptions>(resource: { __pulumiType: string }, opts: O): O {
    return { ...opts, aliases: [...(opts.aliases ?? []), { type: formerDynamicType(resource.__pulumiType) }] };
}

/** Each secret the service declares, with the date it was last rotated, or "never" (none recorded). */
function rotationsOf(
    svc: RailwayAppService,
    rotations: Record<string, Record<string, string>> | undefined,
): Record<string, string> {
    return Object.fromEntries(svc.secrets.map((key) => [key, rotations?.[svc.name]?.[key] ?? "never"]));
}
