/**
 * The program's config loader: reads the `ainative-platform` namespace from the Pulumi runtime,
 * validates it, and returns one typed {@link StackConfig}, or throws a {@link ConfigValidationError}
 * listing every problem, before any resource is registered.
 *
 * Secrets stay secret: the values under `secrets` become secret Outputs. Reading a secret key with a
 * plain getter (`config.get`) silently drops secretness (pulumi/pulumi#7127), so values are read
 * from the runtime's config map and re-wrapped with `pulumi.secret` here, in one place.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigValidationError, formatIssue } from "./issues";
import { SecretValue } from "./secret";
import { fromConfigMap, parseRuntimeValue, RawStackConfig } from "./sources";
import type { ParsedStackConfig } from "./stack.schema";
import { reportedIssues, validateStackConfig } from "./validate";

type SecretOutputs<T> = T extends SecretValue
    ? pulumi.Output<string>
    : T extends object
      ? { [K in keyof T]: SecretOutputs<T[K]> }
      : T;

export interface StackConfig extends Omit<ParsedStackConfig, "secrets"> {
    /** The Pulumi stack name (staging, production, local). */
    stack: string;
    /** Secret values as secret Outputs. */
    secrets: SecretOutputs<ParsedStackConfig["secrets"]>;
    /** What validation allowed but found odd (printed, not fatal). */
    warnings: string[];
}

/**
 * A secret Output for a {@link SecretValue}: its value when known; when not (a `secure:` value
 * read without the passphrase, in the offline plan) an unknown secret, as during a preview.
 */
function secretOutput(value: SecretValue): pulumi.Output<string> {
    const known = value.reveal();
    if (known !== undefined) return pulumi.secret(known);
    const OutputCtor = pulumi.Output as unknown as new (...args: unknown[]) => pulumi.Output<string>;
    return new OutputCtor(
        new Set(),
        Promise.resolve(undefined),
        Promise.resolve(false),
        Promise.resolve(true),
        Promise.resolve(new Set()),
    );
}

function toOutputs<T>(value: T): SecretOutputs<T> {
    if (value instanceof SecretValue) return secretOutput(value) as SecretOutputs<T>;
    if (Array.isArray(value)) return value.map(toOutputs) as SecretOutputs<T>;
    if (value && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toOutputs(v)])) as SecretOutputs<T>;
    }
    return value as SecretOutputs<T>;
}

/** Validates raw config; returns the typed config or throws with every problem. */
function stackConfigFrom(source: RawStackConfig): StackConfig {
    const result = validateStackConfig(source.raw);
    const issues = reportedIssues(source.issues, result);
    if (issues.length || !result.ok) throw new ConfigValidationError(source.stack, issues);
    return {
        ...result.config,
        stack: source.stack,
        secrets: toOutputs(result.config.secrets),
        warnings: result.warnings.map((w) => formatIssue(source.stack, w)),
    };
}

/** Reads the runtime's raw config (the running stack's `Pulumi.<stack>.yaml`, decrypted). */
function readRuntimeConfig(): RawStackConfig {
    const all = pulumi.runtime.allConfig();
    // Not in the public typings, but the runtime's own record of which keys are secret.
    const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret: (k: string) => boolean };
    const parsed = Object.fromEntries(Object.entries(all).map(([k, v]) => [k, parseRuntimeValue(v)]));
    return fromConfigMap(pulumi.getStack(), parsed, isConfigSecret);
}

/** The running stack's validated configuration. */
export function loadStackConfig(): StackConfig {
    return stackConfigFrom(readRuntimeConfig());
}
