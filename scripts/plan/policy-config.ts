/**
 * Reads a policy pack config file (`policies/config/<stack>.json`, the file given to
 * `pulumi preview --policy-pack-config`) into what the engine sends the pack with Configure:
 * per policy an enforcement level and its settings. As the CLI does: `all` sets every policy's
 * level, a policy's entry is a level or an object with `enforcementLevel` and settings, settings
 * are checked against the policy's `configSchema`, and the schema's defaults fill what is unset.
 * Every problem in the file is reported at once.
 */
import * as fs from "fs";
import type { AnalyzerInfo, EnforcementLevel, PolicyPackConfig } from "./analyzer";
import { ConfigurationError } from "../../config/errors";

const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];

export class PolicyConfigError extends ConfigurationError {
    constructor(
        readonly file: string,
        readonly problems: string[],
    ) {
        super(
            `${problems.length} problem${problems.length === 1 ? "" : "s"} in policy config ${file}:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
        );
    }
}

type Schema = {
    type?: string;
    enum?: unknown[];
    minimum?: number;
    maximum?: number;
    items?: Schema;
    default?: unknown;
};

/** Checks one value against the subset of JSON Schema our policies use; returns problems. */
function check(value: unknown, schema: Schema, where: string): string[] {
    const problems: string[] = [];
    const typeOk =
        schema.type === undefined ||
        (schema.type === "integer" && Number.isInteger(value)) ||
        (schema.type === "number" && typeof value === "number") ||
        (schema.type === "array" && Array.isArray(value)) ||
        (schema.type === "object" && typeof value === "object" && value !== null && !Array.isArray(value)) ||
        typeof value === schema.type;
    if (!typeOk) return [`${where}: expected ${schema.type}, got ${JSON.stringify(value)}`];
    if (schema.enum && !schema.enum.includes(value))
        problems.push(`${where}: must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`);
    if (typeof value === "number" && schema.minimum !== undefined && value < schema.minimum)
        problems.push(`${where}: must be at least ${schema.minimum}`);
    if (typeof value === "number" && schema.maximum !== undefined && value > schema.maximum)
        problems.push(`${where}: must be at most ${schema.maximum}`);
    if (Array.isArray(value) && schema.items)
        value.forEach((v, i) => problems.push(...check(v, schema.items!, `${where}[${i}]`)));
    return problems;
}

/** The Configure request for a pack, from a config file's JSON (or `{}` for none). */
export function policyPackConfig(info: AnalyzerInfo, json: Record<string, unknown>, file = "(none)"): PolicyPackConfig {
    const problems: string[] = [];
    const byName = new Map(info.policies.map((p) => [p.name, p]));
    let all: EnforcementLevel | undefined;
    if (json.all !== undefined) {
        if (LEVELS.includes(json.all as EnforcementLevel)) all = json.all as EnforcementLevel;
        else problems.push(`all: must be one of ${LEVELS.join(", ")}`);
    }
    for (const name of Object.keys(json)) {
        if (name !== "all" && !byName.has(name))
            problems.push(
                `${name}: no such policy in pack '${info.name}' (policies: ${[...byName.keys()].join(", ")})`,
            );
    }
    const config: PolicyPackConfig = {};
    for (const policy of info.policies) {
        const entry = json[policy.name];
        let level = all ?? policy.enforcementLevel;
        const settings: Record<string, unknown> = {};
        if (typeof entry === "string") {
            if (LEVELS.includes(entry as EnforcementLevel)) level = entry as EnforcementLevel;
            else problems.push(`${policy.name}: '${entry}' is not an enforcement level (${LEVELS.join(", ")})`);
        } else if (entry && typeof entry === "object" && !Array.isArray(entry)) {
            for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
                if (key === "enforcementLevel") {
                    if (LEVELS.includes(value as EnforcementLevel)) level = value as EnforcementLevel;
                    else problems.push(`${policy.name}.enforcementLevel: must be one of ${LEVELS.join(", ")}`);
                    continue;
                }
                const schema = policy.configSchema?.properties[key] as Schema | undefined;
                if (!schema) {
                    problems.push(
                        `${policy.name}.${key}: not a setting of this policy (settings: ${Object.keys(policy.configSchema?.properties ?? {}).join(", ") || "none"})`,
                    );
                    continue;
                }
                problems.push(...check(value, schema, `${policy.name}.${key}`));
                settings[key] = value;
            }
        } else if (entry !== undefined) {
            problems.push(`${policy.name}: must be an enforcement level or an object`);
        }
        for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
            if (!(key in settings) && (schema as Schema).default !== undefined)
                settings[key] = (schema as Schema).default;
        }
        for (const key of policy.configSchema?.required ?? [])
            if (!(key in settings)) problems.push(`${policy.name}.${key}: is required`);
        config[policy.name] = { enforcementLevel: level, properties: settings };
    }
    if (problems.length) throw new PolicyConfigError(file, problems);
    return config;
}

/** Reads a config file; a missing file means "no config" (the pack's own levels). */
export function readPolicyConfigFile(file: string): Record<string, unknown> {
    if (!fs.existsSync(file)) return {};
    try {
        const json = JSON.parse(fs.readFileSync(file, "utf8"));
        if (!json || typeof json !== "object" || Array.isArray(json))
            throw new Error("the top level must be an object");
        return json;
    } catch (e) {
        throw new PolicyConfigError(file, [`not valid JSON: ${(e as Error).message}`]);
    }
}
