/**
 * Validation of a stack's configuration, independent of where it was read from (a stack file, the
 * Pulumi runtime): raw `ainative-platform:*` values in, a typed {@link ParsedStackConfig} or every
 * problem out, each as one {@link ConfigIssue}.
 */
import { z } from "zod";
import type { ConfigIssue } from "./issues";
import { crossFieldIssues, crossFieldWarnings } from "./cross-field";
import { configPath, CrossFieldView } from "./cross-field/view";
import { plainCredentialIssues } from "./plain-credentials";
import { asDerivedEnvironment } from "./derived-environment";
import {
    CONFIG_NAMESPACE,
    integrationsSchema,
    ParsedStackConfig,
    secretsSchema,
    serviceSchema,
    ServiceConfig,
    stackConfigSchema,
} from "./stack.schema";
import { closestKey, unknownKeyFix } from "./suggest";
import { printableName } from "./values";

/** `secrets` leaves after reading: strings become `SecretValue`s (config/secret.ts) only when they were secret at the source. */
export type RawConfig = Record<string, unknown>;

/** Errors stop a stack; warnings are printed and let it go on. */
export type ValidationResult =
    | { ok: true; config: ParsedStackConfig; warnings: ConfigIssue[] }
    | { ok: false; issues: ConfigIssue[]; warnings: ConfigIssue[] };

export { configPath, ownsRailwayProject } from "./cross-field/view";

// ---- Zod issue → one line ----------------------------------------------------------------

/** The object keys a schema accepts at a path, for "did you mean" hints on unknown keys. */
function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
    let current: z.ZodType | undefined = schema;
    const unwrap = (s: z.ZodType): z.ZodType => {
        let t: z.ZodType = s;
        for (let i = 0; i < 10; i++) {
            const def = (t as unknown as { _zod: { def: { type: string; innerType?: z.ZodType } } })._zod.def;
            if (
                (def.type === "optional" || def.type === "default" || def.type === "nullable" || def.type === "pipe") &&
                def.innerType
            ) {
                t = def.innerType;
            } else break;
        }
        return t;
    };
    for (const segment of path) {
        if (!current) return [];
        const s = unwrap(current);
        const def = (
            s as unknown as {
                _zod: { def: { type: string; element?: z.ZodType; valueType?: z.ZodType; options?: z.ZodType[] } };
            }
        )._zod.def;
        if (def.type === "object") current = (s as z.ZodObject).shape[String(segment)] as z.ZodType | undefined;
        else if (def.type === "array") current = def.element;
        else if (def.type === "record") current = def.valueType;
        else return [];
    }
    if (!current) return [];
    const s = unwrap(current);
    const def = (s as unknown as { _zod: { def: { type: string; options?: z.ZodType[] } } })._zod.def;
    if (def.type === "object") return Object.keys((s as z.ZodObject).shape);
    if (def.type === "union" && def.options) {
        return def.options.flatMap((o) => {
            const u = unwrap(o);
            return (u as unknown as { _zod: { def: { type: string } } })._zod.def.type === "object"
                ? Object.keys((u as z.ZodObject).shape)
                : [];
        });
    }
    return [];
}

function setHint(path: readonly PropertyKey[]): string {
    const p = configPath(path).slice(CONFIG_NAMESPACE.length + 1);
    return path[0] === "secrets"
        ? `pulumi config set --secret --path '${p}' <value>`
        : `pulumi config set --path '${p}' <value>`;
}

function zodIssueToConfigIssues(issue: z.core.$ZodIssue): ConfigIssue[] {
    const path = issue.path;
    switch (issue.code) {
        case "unrecognized_keys": {
            // A did-you-mean hint for the first keys only: a file of thousands of unknown keys is one
            // mistake, and the hints cost a string distance each.
            const known = knownKeysAt(stackConfigSchema, path);
            return issue.keys.map((key, i) => ({
                path: configPath([...path, key]),
                problem: "is not a known setting",
                fix:
                    i < MAX_REPORTED_ISSUES
                        ? unknownKeyFix(key, known, "remove it; see README 'Stack configuration' for the keys")
                        : "remove it",
            }));
        }
        case "invalid_type":
            if (/received undefined$/.test(issue.message)) {
                return [{ path: configPath(path), problem: "is required but not set", fix: setHint(path) }];
            }
            if (path[0] === "secrets") {
                return [
                    {
                        path: configPath(path),
                        problem: "is stored in plain text",
                        fix: `remove it from the file and set it with ${setHint(path)}`,
                    },
                ];
            }
            return [
                {
                    path: configPath(path),
                    problem: `must be ${issue.expected === "object" ? "an object" : `a ${issue.expected}`}`,
                    fix: setHint(path),
                },
            ];
        case "invalid_value": {
            // The value itself is never repeated (it could be anything); only the allowed one it is nearest to.
            const allowed = issue.values.map((v) => String(v));
            const near = typeof issue.input === "string" ? closestKey(issue.input, allowed) : undefined;
            return [
                {
                    path: configPath(path),
                    problem: "is not an allowed value",
                    fix: `${near ? `did you mean '${near}'? ` : ""}use one of: ${allowed.join(", ")}`,
                },
            ];
        }
        case "too_small":
            return [
                {
                    path: configPath(path),
                    problem:
                        issue.origin === "array"
                            ? `must have at least ${issue.minimum} item(s)`
                            : `is below the minimum ${issue.minimum}`,
                    fix: issue.origin === "array" ? "add an entry" : `use a value of at least ${issue.minimum}`,
                },
            ];
        case "too_big":
            return [
                {
                    path: configPath(path),
                    problem: `is above the maximum ${issue.maximum}`,
                    fix: `use a value of at most ${issue.maximum}`,
                },
            ];
        case "invalid_key": {
            const inner = (issue as { issues?: { message: string }[] }).issues?.[0]?.message;
            return [
                {
                    path: configPath(path),
                    problem: `is not an allowed key${inner ? `: it ${inner}` : ""}`,
                    fix: "rename or remove it",
                },
            ];
        }
        case "invalid_union":
            if (path[path.length - 1] === "source") {
                return [
                    {
                        path: configPath(path),
                        problem: "is not a valid source",
                        fix: "use {repo: owner/name, branch: main} or {image: name:tag}",
                    },
                ];
            }
            return [
                {
                    path: configPath(path),
                    problem: "does not match any allowed form",
                    fix: "see README 'Stack configuration'",
                },
            ];
        case "custom": {
            const fix = (issue.params as { fix?: string } | undefined)?.fix;
            if (!fix && path[0] === "secrets") {
                return [
                    {
                        path: configPath(path),
                        problem: issue.message,
                        fix: `remove it from the file and set it with ${setHint(path)}`,
                    },
                ];
            }
            return [{ path: configPath(path), problem: issue.message, fix: fix ?? "correct the value" }];
        }
        default:
            return [
                {
                    path: configPath(path),
                    problem: issue.message.replace(/^Invalid input: /, ""),
                    fix: "correct the value",
                },
            ];
    }
}

// ---- cross-field rules ------------------------------------------------------------------

function safe<T>(schema: z.ZodType<T>, value: unknown): T | undefined {
    const r = schema.safeParse(value);
    return r.success ? r.data : undefined;
}

/** Fallbacks for a service's required fields, used only to keep checking the rest of it. */
const SERVICE_FALLBACKS: Record<string, unknown> = { kind: "worker", source: { image: "unknown" } };

type ZodDef = {
    type: string;
    innerType?: z.ZodType;
    shape?: Record<string, z.ZodType>;
    valueType?: z.ZodType;
    keyType?: z.ZodType;
    element?: z.ZodType;
};
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: ZodDef } })._zod.def;

/** The schema under optional/default/nullable wrappers. */
function unwrapped(schema: z.ZodType): z.ZodType {
    let t = schema;
    for (let i = 0; i < 10; i++) {
        const def = defOf(t);
        if ((def.type === "optional" || def.type === "default" || def.type === "nullable") && def.innerType)
            t = def.innerType;
        else break;
    }
    return t;
}

const isPlainRecord = (v: unknown): v is Record<string, unknown> =>
    !!v && typeof v === "object" && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/**
 * The value with each broken part replaced, as finely as the schema allows: a map keeps its good
 * entries, an object its good fields (a broken one gets its default), a list its good items. Only
 * for the rules that look across fields: one bad variable must not look like every required
 * variable missing, one bad health-check timeout not like a missing health check. The broken
 * parts themselves are reported by the structural pass.
 */
function repaired(schema: z.ZodType, value: unknown, depth = 0): { ok: true; data: unknown } | { ok: false } {
    const direct = schema.safeParse(value);
    if (direct.success) return { ok: true, data: direct.data };
    if (depth > 8 || value === undefined || value === null) return { ok: false };
    const inner = unwrapped(schema);
    const def = defOf(inner);
    let candidate: unknown;
    if (def.type === "object" && def.shape && isPlainRecord(value)) {
        const fixed: Record<string, unknown> = {};
        for (const [k, field] of Object.entries(def.shape)) {
            if (value[k] === undefined) continue;
            const r = repaired(field, value[k], depth + 1);
            if (r.ok) fixed[k] = r.data;
        }
        candidate = fixed;
    } else if (def.type === "record" && def.valueType && isPlainRecord(value)) {
        candidate = Object.fromEntries(
            Object.entries(value).filter(
                ([k, v]) =>
                    (def.keyType ? def.keyType.safeParse(k).success : true) && def.valueType!.safeParse(v).success,
            ),
        );
    } else if (def.type === "array" && def.element && Array.isArray(value)) {
        candidate = value.flatMap((v) => {
            const r = repaired(def.element!, v, depth + 1);
            return r.ok ? [r.data] : [];
        });
    } else return { ok: false };
    const again = schema.safeParse(candidate);
    return again.success ? { ok: true, data: again.data } : { ok: false };
}

/**
 * A service entry with each broken field repaired (see {@link repaired}), or replaced by its default
 * or a neutral fallback, so the rules about its other fields, notably its variables, still run.
 */
function repairService(svc: unknown, index: number): ServiceConfig | undefined {
    if (!isPlainRecord(svc)) return undefined;
    const fixed: Record<string, unknown> = {};
    for (const [key, fieldSchema] of Object.entries(serviceSchema.shape)) {
        const field = fieldSchema as z.ZodType;
        const r = repaired(field, svc[key]);
        if (r.ok) fixed[key] = r.data;
        else {
            const d = field.safeParse(undefined);
            fixed[key] = d.success ? d.data : key === "name" ? `service-${index}` : SERVICE_FALLBACKS[key];
        }
    }
    return safe(serviceSchema, fixed);
}

function lenientView(raw: RawConfig): CrossFieldView {
    const railwayRaw = (raw.railway ?? {}) as Record<string, unknown>;
    const servicesRaw = Array.isArray(railwayRaw.services) ? railwayRaw.services : [];
    const services: Array<[number, ServiceConfig]> = [];
    let allServicesParsed = true;
    const brokenNames = new Set<string>();
    const unnamed = new Set<number>();
    servicesRaw.forEach((svc, i) => {
        const parsed = safe(serviceSchema, svc);
        if (parsed) services.push([i, parsed]);
        else {
            allServicesParsed = false;
            const rawName = (svc as { name?: unknown } | null)?.name;
            if (!serviceSchema.shape.name.safeParse(rawName).success) {
                unnamed.add(i);
                if (typeof rawName === "string") brokenNames.add(rawName);
            }
            const repaired = repairService(svc, i);
            if (repaired) services.push([i, repaired]);
        }
    });
    return {
        environment: safe(stackConfigSchema.shape.environment, raw.environment),
        productionHosts: safe(stackConfigSchema.shape.productionHosts, raw.productionHosts) ?? [],
        integrations: safe(integrationsSchema, raw.integrations) ?? {
            railway: true,
            github: true,
            sentry: true,
            pagerduty: true,
        },
        railway:
            raw.railway && typeof raw.railway === "object"
                ? {
                      workspaceId: typeof railwayRaw.workspaceId === "string" ? railwayRaw.workspaceId : undefined,
                      projectId: typeof railwayRaw.projectId === "string" ? railwayRaw.projectId : undefined,
                      apiUrl: typeof railwayRaw.apiUrl === "string" ? railwayRaw.apiUrl : undefined,
                      ownsProject: typeof railwayRaw.ownsProject === "boolean" ? railwayRaw.ownsProject : undefined,
                      duplicateFrom:
                          typeof railwayRaw.duplicateFrom === "string" ? railwayRaw.duplicateFrom : undefined,
                      environment: typeof railwayRaw.environment === "string" ? railwayRaw.environment : undefined,
                  }
                : undefined,
        services,
        allServicesParsed,
        brokenNames,
        unnamed,
        secrets: safe(secretsSchema, raw.secrets) ?? { services: {}, deploy: {} },
        sections: {
            github: raw.github !== undefined,
            sentry: raw.sentry !== undefined,
            pagerduty: raw.pagerduty !== undefined,
        },
    };
}

/**
 * Validates the `ainative-platform:*` values of one stack. `raw` maps keys without the namespace
 * (`railway`, `secrets`, ...) to their parsed values; secret leaves must already be
 * `SecretValue`s. Returns the typed config, or every problem.
 */
/**
 * Zod takes an object with an own `constructor` key for something other than a plain object, so a
 * service named `constructor` (a legal name) would break every map keyed by service name. Such keys
 * are validated under a stand-in name and given back their own name after.
 */
const CONSTRUCTOR_STANDIN = "__constructor_key__";

function renamedKeys<T>(value: T, from: string, to: string): T {
    if (Array.isArray(value)) return value.map((v) => renamedKeys(v, from, to)) as T;
    if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
        return Object.fromEntries(
            Object.entries(value).map(([k, v]) => [k === from ? to : k, renamedKeys(v, from, to)]),
        ) as T;
    }
    return value;
}

export function validateStackConfig(original: RawConfig): ValidationResult {
    const raw = renamedKeys(original, "constructor", CONSTRUCTOR_STANDIN);
    // reportInput: a misspelt allowed value gets the nearest one named (never the value itself).
    const parsed = stackConfigSchema.safeParse(raw, { reportInput: true });
    const structural = parsed.success ? [] : parsed.error.issues.flatMap(zodIssueToConfigIssues);
    const view = renamedKeys(lenientView(raw), CONSTRUCTOR_STANDIN, "constructor");
    const named = (i: ConfigIssue): ConfigIssue => ({
        ...i,
        path: i.path.split(CONSTRUCTOR_STANDIN).join("constructor"),
    });
    const issues = dedupe([
        ...structural.map(named),
        ...crossFieldIssues(view),
        ...plainCredentialIssues(original, configPath),
    ]).map(namingServices(original));
    const warnings = crossFieldWarnings(view);
    if (raw.review !== undefined && raw.canary !== undefined)
        issues.push({
            path: `${CONFIG_NAMESPACE}:canary`,
            problem:
                "is set together with review: a stack is a pull request's review environment or the canary, not both",
            fix: "remove one (npm run review and npm run canary each write their own stack file)",
        });
    if (issues.length || !parsed.success) return { ok: false, issues, warnings };
    // A review or canary stack's file is its base's plus `review` or `canary`: what the program runs is derived from both.
    const config = asDerivedEnvironment(renamedKeys(parsed.data, CONSTRUCTOR_STANDIN, "constructor"));
    return { ok: true, config, warnings };
}

/** `railway.services[1]` is told as `service worker`: a person finds a service by its name, not its place. */
function namingServices(view: unknown): (issue: ConfigIssue) => ConfigIssue {
    const services = (view as { railway?: { services?: unknown } }).railway?.services;
    const prefix = `${CONFIG_NAMESPACE}:railway.services[`;
    return (issue) => {
        if (issue.subject || !issue.path.startsWith(prefix) || !Array.isArray(services)) return issue;
        const [, at, rest] = /^(\d+)\](.*)$/.exec(issue.path.slice(prefix.length)) ?? [];
        if (rest === ".name") return issue; // the problem is the name itself
        const index = Number(at);
        const name = (services[index] as { name?: unknown } | undefined)?.name;
        return typeof name === "string" && name.trim()
            ? { ...issue, subject: `service ${printableName(name, 40)}` }
            : issue;
    };
}

/** The most problems a command lists; past it, one line says how many more there are. */
export const MAX_REPORTED_ISSUES = 50;

/**
 * Every problem of a stack's configuration, as each command reports them: the problems found while
 * reading it, then the validator's, one line per key path (a key the reader already reported, such
 * as an encrypted value where a plain one belongs, is not reported again by the schema), and at most
 * {@link MAX_REPORTED_ISSUES} of them, the rest summarised in one line.
 */
export function reportedIssues(readIssues: ConfigIssue[], result: ValidationResult): ConfigIssue[] {
    const readPaths = new Set(readIssues.map((i) => i.path));
    const all = [...readIssues, ...(result.ok ? [] : result.issues.filter((i) => !readPaths.has(i.path)))];
    if (all.length <= MAX_REPORTED_ISSUES) return all;
    return [
        ...all.slice(0, MAX_REPORTED_ISSUES),
        {
            path: CONFIG_NAMESPACE,
            problem: `${all.length - MAX_REPORTED_ISSUES} more problems not listed`,
            fix: "fix the ones above (often one mistake repeated) and validate again",
        },
    ];
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
    const seen = new Set<string>();
    return issues.filter((i) => {
        const k = `${i.path}\u0000${i.problem}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
    });
}
