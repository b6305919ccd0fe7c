/**
 * The offline plan of a stack: the real program under Pulumi's mock runtime (as a preview: new
 * ids and computed outputs unknown, secrets present but unknown without the passphrase), every
 * registration recorded, and the policy pack asked for its verdicts over the Analyzer interface,
 * as `pulumi preview --policy-pack policies --policy-pack-config policies/config/<stack>.json`
 * would. No Pulumi CLI, no credentials, no network.
 */
import * as fs from "fs";
import * as path from "path";
import { parseYaml } from "../../config/sources";
import { formatIssue } from "../../config/issues";
import { fromConfigMap, parseRuntimeValue, parseStackFile, readStackFile, RawStackConfig } from "../../config/sources";
import { reportedIssues, validateStackConfig } from "../../config/validate";
import { printable, printableName } from "../../config/values";
import { AnalyzerResource, PolicyAnalyzer, PolicyDiagnostic } from "./analyzer";
import { installOfflineRuntime, isSecretInput, Registration, runProgram, UNKNOWN } from "./offline-runtime";
import { compiledPack } from "./pack-build";
import { PackProcess } from "./pack-process";
import { policyPackConfig, readPolicyConfigFile } from "./policy-config";

/** Version of the JSON format (docs/offline-plan.md: "Offline plan"); raised on any incompatible change. */
export const PLAN_FORMAT_VERSION = 1;

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

export interface PlanOptions {
    stack: string;
    /** The stack file; default `Pulumi.<stack>.yaml` in the repository. */
    file?: string;
    /**
     * The runtime's config instead of the stack file (`namespace:key` → value text, and which keys
     * are secret), as `pulumi preview` would pass it after decrypting. Used by tests.
     */
    runtime?: { config: Record<string, string>; secretKeys: string[] };
    /** The policy pack folder (default `policies/`) and its config file (default `policies/config/<stack>.json`). */
    packDir?: string;
    policyConfigFile?: string;
    /** A started pack to reuse (the benchmark plans many stacks with one). */
    analyzer?: PolicyAnalyzer;
    /** A pack process started earlier, to connect to (the command starts it before loading anything). */
    packProcess?: PackProcess;
}

/** A recorded resource as the plan shows it: `parent` is the component's URN, `inputs` masked. */
export type PlanResource = Pick<Registration, "type" | "name" | "urn" | "parent" | "custom" | "protect" | "inputs">;

export interface PlanViolation {
    policy: string;
    enforcementLevel: "mandatory" | "advisory";
    message: string;
    /** The resource, when the finding is about one. */
    resource?: { type: string; name: string; urn: string };
}

export interface PlanResult {
    version: number;
    stack: string;
    project: string;
    /** Exit 0 when true: config valid and no mandatory violation. */
    ok: boolean;
    config: { valid: boolean; issues: string[]; warnings: string[] };
    resources: PlanResource[];
    counts: Record<string, number>;
    policies: {
        pack: string;
        version: string;
        configFile?: string;
        mandatory: PlanViolation[];
        advisory: PlanViolation[];
    } | null;
    /** Why the program or the policy pack could not run (a valid config should never get here), else null. */
    error: string | null;
}

/**
 * Wire values for people: secrets become "[secret]", unknowns "[unknown]", internal keys go, and
 * every string goes through {@link printable} (cut when long, escaped, never a credential-shaped
 * value: a 5 MB value must not become a 5 MB line of a plan or a PR comment, nor a key typed into
 * a plain setting a line anyone can read).
 */
export function mask(value: unknown): unknown {
    if (value === UNKNOWN) return "[unknown]";
    if (typeof value === "string") return printable(value);
    if (Array.isArray(value)) return value.map(mask);
    if (value && typeof value === "object") {
        const o = value as Record<string, unknown>;
        if (isSecretInput(o)) return "[secret]";
        return Object.fromEntries(
            Object.entries(o)
                .filter(([k]) => !k.startsWith("__"))
                .map(([k, v]) => [printableName(k), mask(v)]),
        );
    }
    return value;
}

function projectName(): string {
    const doc = parseYaml(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8"), "Pulumi.yaml") as {
        name: string;
    };
    return doc.name;
}

/** The runtime config the program sees: the stack file's values, `secure:` leaves left encrypted (unknown). */
export function runtimeFromStackFile(file: string): { config: Record<string, string>; secretKeys: string[] } {
    const doc = parseStackFile(file);
    const config = Object.fromEntries(
        Object.entries(doc.config ?? {}).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    );
    return { config, secretKeys: [] };
}

/** Runs the program once under the recording runtime; returns the registrations. */
export async function record(
    stack: string,
    project: string,
    runtime: { config: Record<string, string>; secretKeys: string[] },
): Promise<Registration[]> {
    const registrations = installOfflineRuntime({
        project,
        stack,
        config: runtime.config,
        secretKeys: runtime.secretKeys,
        preview: true,
        // Data sources (a GitHub team's id) are looked up for real by a preview; offline they are unknown.
        call: (args) => ({ ...args.inputs, id: UNKNOWN }),
    });
    // The SDK captures a stack trace for every resource and promise (source positions, leak
    // reports); under ts-node each one is mapped through source maps, which was most of a plan's
    // time. A plan needs neither, so while the program runs stacks stay short and unmapped (an
    // error's message is what the plan reports).
    const { prepareStackTrace, stackTraceLimit } = Error;
    (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
    Error.stackTraceLimit = 1;
    try {
        await runProgram(path.join(REPO_ROOT, "infra", "index"));
    } finally {
        Error.prepareStackTrace = prepareStackTrace;
        Error.stackTraceLimit = stackTraceLimit;
    }
    return registrations;
}

export function toAnalyzerResource(r: Registration): AnalyzerResource {
    return {
        type: r.type,
        name: r.name,
        urn: r.urn,
        properties: r.wire,
        protect: r.protect,
        aliases: [],
        additionalSecretOutputs: r.additionalSecretOutputs,
        parent: r.parent,
        dependencies: r.dependencies,
        propertyDependencies: r.propertyDependencies,
    };
}

/** Starts the policy pack (compiled once per change of its sources) as the engine would. */
export async function startPolicyPack(packDir = path.join(REPO_ROOT, "policies")): Promise<PolicyAnalyzer> {
    return PolicyAnalyzer.start(compiledPack(packDir, REPO_ROOT));
}

export async function runPlan(opts: PlanOptions): Promise<PlanResult> {
    const project = projectName();
    const file = opts.file ?? path.join(REPO_ROOT, `Pulumi.${opts.stack}.yaml`);
    const source: RawStackConfig = opts.runtime
        ? fromConfigMap(
              opts.stack,
              Object.fromEntries(Object.entries(opts.runtime.config).map(([k, v]) => [k, parseRuntimeValue(v)])),
              (k) => opts.runtime!.secretKeys.includes(k),
          )
        : readStackFile(file, opts.stack);
    const validation = validateStackConfig(source.raw);
    const issues = reportedIssues(source.issues, validation).map((i) => formatIssue(opts.stack, i));
    const warnings = validation.warnings.map((i) => formatIssue(opts.stack, i));
    const result: PlanResult = {
        version: PLAN_FORMAT_VERSION,
        stack: opts.stack,
        project,
        ok: false,
        config: { valid: issues.length === 0, issues, warnings },
        resources: [],
        counts: {},
        policies: null,
        error: null,
    };
    if (issues.length) {
        opts.packProcess?.kill();
        return result;
    }

    // The pack starts in its own process while the program runs here.
    const starting = opts.analyzer
        ? Promise.resolve(opts.analyzer)
        : opts.packProcess
          ? PolicyAnalyzer.connect(opts.packProcess)
          : startPolicyPack(opts.packDir);
    starting.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
    let registrations: Registration[];
    try {
        registrations = await record(opts.stack, project, opts.runtime ?? runtimeFromStackFile(file));
    } catch (e) {
        if (!opts.analyzer) await (await starting.catch(() => undefined))?.close();
        result.error = `the program failed: ${(e as Error).message}`;
        return result;
    }
    result.resources = registrations.map((r) => ({
        type: r.type,
        name: r.name,
        urn: r.urn,
        parent: r.parent,
        custom: r.custom,
        protect: r.protect,
        inputs: mask(r.wire) as Record<string, unknown>,
    }));
    for (const r of registrations) result.counts[r.type] = (result.counts[r.type] ?? 0) + 1;
    result.counts = Object.fromEntries(Object.entries(result.counts).sort(([a], [b]) => a.localeCompare(b)));

    let analyzer: PolicyAnalyzer;
    try {
        analyzer = await starting;
    } catch (e) {
        result.error = `the policy pack could not start: ${(e as Error).message}`;
        return result;
    }
    try {
        const info = await analyzer.info();
        const configFile =
            opts.policyConfigFile ??
            path.join(opts.packDir ?? path.join(REPO_ROOT, "policies"), "config", `${opts.stack}.json`);
        await analyzer.configure(policyPackConfig(info, readPolicyConfigFile(configFile), configFile));
        await analyzer.configureStack({ stack: opts.stack, project, dryRun: true });
        const diagnostics: PolicyDiagnostic[] = [];
        // Concurrent, as the engine analyzes steps as they come; results kept in registration order.
        for (const found of await Promise.all(registrations.map((r) => analyzer.analyze(toAnalyzerResource(r)))))
            diagnostics.push(...found);
        diagnostics.push(...(await analyzer.analyzeStack(registrations.map(toAnalyzerResource))));
        const byUrn = new Map(registrations.map((r) => [r.urn, r]));
        const violations: PlanViolation[] = diagnostics.map((d) => {
            const r = d.urn ? byUrn.get(d.urn) : undefined;
            return {
                policy: d.policyName,
                enforcementLevel: d.enforcementLevel === "mandatory" ? "mandatory" : "advisory",
                // The SDK prefixes each message with the policy's description; the policy is named apart.
                message:
                    d.description && d.message.startsWith(`${d.description}\n`)
                        ? d.message.slice(d.description.length + 1)
                        : d.message,
                resource: r ? { type: r.type, name: r.name, urn: r.urn } : undefined,
            };
        });
        result.policies = {
            pack: info.name,
            version: info.version,
            configFile: fs.existsSync(configFile) ? path.relative(REPO_ROOT, configFile) : undefined,
            mandatory: violations.filter((v) => v.enforcementLevel === "mandatory"),
            advisory: violations.filter((v) => v.enforcementLevel === "advisory"),
        };
        result.ok = result.policies.mandatory.length === 0;
    } finally {
        if (!opts.analyzer) await analyzer.close();
    }
    return result;
}
