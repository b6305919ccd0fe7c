/**
 * The `railway` package schema (Pulumi's package schema format), built from the resource table:
 * what `pulumi package get-schema`, `pulumi import` and the SDK generators read.
 */
import { PropertySpec, PropertyType, RESOURCES } from "./resources";

export const PACKAGE_NAME = "railway";
export const PACKAGE_VERSION = "0.1.0";

type Json = Record<string, unknown>;

const TYPES: Record<PropertyType, Json> = {
    string: { type: "string" },
    integer: { type: "integer" },
    number: { type: "number" },
    boolean: { type: "boolean" },
    stringMap: { type: "object", additionalProperties: { type: "string" } },
    integerMap: { type: "object", additionalProperties: { type: "integer" } },
    stringList: { type: "array", items: { type: "string" } },
    any: { $ref: "pulumi.json#/Any" },
};

const property = (p: PropertySpec): Json => ({
    ...TYPES[p.type],
    description: p.description,
    ...(p.secret ? { secret: true } : {}),
    ...(p.replaceOnChanges ? { replaceOnChanges: true } : {}),
});

const configProperties: Record<string, Json> = {
    apiUrl: {
        type: "string",
        description:
            "Railway's GraphQL endpoint. Default: RAILWAY_API_URL, else https://backboard.railway.com/graphql/v2.",
        defaultInfo: { environment: ["RAILWAY_API_URL"] },
    },
    token: {
        type: "string",
        secret: true,
        description:
            "A Railway account, workspace or project token. Default: RAILWAY_API_TOKEN (account or workspace), else RAILWAY_TOKEN (project).",
    },
};

const lookupInputs = (what: string, extra: Record<string, Json> = {}): Json => ({
    properties: {
        id: { type: "string", description: `The ${what}'s ID (or give its name).` },
        name: { type: "string", description: `The ${what}'s name (or give its ID); it must be the only one so named.` },
        ...extra,
        apiUrl: { type: "string", description: "Railway's GraphQL endpoint (default: the provider's)." },
    },
});
const projectId: Json = { type: "string", description: "The project's ID." };
const found = (extra: Record<string, Json> = {}): Json => ({
    properties: {
        id: { type: "string", description: "Its ID." },
        name: { type: "string", description: "Its name." },
        ...extra,
    },
    required: ["id", "name", ...Object.keys(extra).filter((k) => k !== "sourceEnvironmentId")],
});

const functions: Record<string, Json> = {
    [`${PACKAGE_NAME}:index:getProject`]: {
        description: "A project, by ID or by name (in a workspace, or among those the token can see).",
        inputs: lookupInputs("project", {
            workspaceId: { type: "string", description: "The workspace to look for the name in." },
        }),
        outputs: found({
            environments: {
                type: "object",
                additionalProperties: { type: "string" },
                description: "Environment name to ID.",
            },
        }),
    },
    [`${PACKAGE_NAME}:index:getEnvironment`]: {
        description: "An environment of a project, by ID or by name.",
        inputs: { ...lookupInputs("environment", { projectId }), required: ["projectId"] },
        outputs: found({
            projectId,
            sourceEnvironmentId: { type: "string", description: "The environment it was duplicated from, if any." },
        }),
    },
    [`${PACKAGE_NAME}:index:getService`]: {
        description: "A service of a project, by ID or by name.",
        inputs: { ...lookupInputs("service", { projectId }), required: ["projectId"] },
        outputs: found({ projectId }),
    },
};

export function packageSchema(): Json {
    const resources: Record<string, Json> = {};
    for (const [name, spec] of Object.entries(RESOURCES)) {
        const all = Object.entries(spec.properties);
        const inputs = all.filter(([, p]) => !p.output);
        resources[`${PACKAGE_NAME}:index:${name}`] = {
            description: spec.importId
                ? `${spec.description}\n\n## Import\n\n\`\`\`sh\npulumi import ${PACKAGE_NAME}:index:${name} <name> ${spec.importId}\n\`\`\``
                : spec.description,
            properties: Object.fromEntries(all.map(([k, p]) => [k, property(p)])),
            inputProperties: Object.fromEntries(inputs.map(([k, p]) => [k, property(p)])),
            requiredInputs: inputs.filter(([, p]) => p.required).map(([k]) => k),
            // What every resource of the type has once it exists: its required inputs, the outputs always set.
            required: all.filter(([, p]) => (p.output ? p.always : p.required)).map(([k]) => k),
        };
    }
    return {
        name: PACKAGE_NAME,
        displayName: "Railway",
        version: PACKAGE_VERSION,
        description:
            "Railway projects, environments, services, variables, volumes, domains and deployments, over Railway's public GraphQL API.",
        keywords: ["pulumi", "railway", "category/cloud", "kind/native"],
        homepage: "https://github.com/ainative/platform",
        license: "UNLICENSED",
        publisher: "AINative",
        config: { variables: configProperties },
        provider: {
            description: "The Railway provider: its endpoint and credential.",
            inputProperties: configProperties,
        },
        resources,
        functions,
        language: {
            nodejs: { packageName: "@ainative/pulumi-railway", dependencies: { "@pulumi/pulumi": "3.248.0" } },
            python: { packageName: "pulumi_railway" },
        },
    };
}
