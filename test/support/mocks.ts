import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import * as path from "path";
import {
    installOfflineRuntime,
    isSecretInput,
    Registration,
    runProgram as runOfflineProgram,
} from "../../scripts/plan/offline-runtime";
import { runtimeConfig } from "./stack-files";

/** Resolves an Output's value in tests (as pulumi-awsx's tests do). */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply(resolve));
}

/** A recorded registration; tests read inputs freely. */
export type CapturedResource = Omit<Registration, "inputs"> & { inputs: Record<string, any> };

/** The deployment a mocked ServiceDeployment starts: a new one for each fingerprint, as Railway would. */
export function mockDeploymentId(fingerprint: string): string {
    return `deployment-${createHash("sha256").update(fingerprint).digest("hex").slice(0, 12)}`;
}

/** Outputs the providers compute, made up so that tests can follow the wiring. */
function computedOutputs(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
    switch (args.type) {
        case "railway:index:ServiceDeployment":
            return { deploymentId: mockDeploymentId(String(inputValue(args.inputs.fingerprint).value)) };
        case "sentry:index/sentryKey:SentryKey":
            return { dsnPublic: `https://key-of-${args.name}@o1.ingest.sentry.example/1` };
        case "pulumi:pulumi:StackReference":
            return {
                outputs: { sentryDsns: { web: `https://key-of-web@o1.ingest.sentry.example/${args.inputs.name}` } },
            };
        case "pagerduty:index/serviceIntegration:ServiceIntegration":
            return { integrationKey: `routing-key-of-${args.name}` };
        default:
            return {};
    }
}

/** Numeric ids for the GitHub lookups, derived from the name so they are stable. */
function lookup(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    const key = String(args.inputs.slug ?? args.inputs.username ?? "");
    const id = String([...key].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 1_000_000, 7));
    return { ...args.inputs, id };
}

/**
 * Installs Pulumi's mock runtime with the given stack and config, recording every registration
 * (type, name, inputs, parent, protect, aliases). Returns the list, filled as the program runs.
 */
export function installMocks(
    stack: string,
    config: Record<string, string>,
    secretKeys: string[],
    project = "ainative-platform",
): CapturedResource[] {
    return installOfflineRuntime({
        project,
        stack,
        config,
        secretKeys,
        preview: false,
        newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs, ...computedOutputs(args) } }),
        call: lookup,
    });
}

/** Loads infra/index.ts afresh (a Pulumi program runs once per process) and waits for every registration. */
export function runProgram(): Promise<Record<string, unknown>> {
    return runOfflineProgram(path.join(__dirname, "..", "..", "infra", "index"));
}

/** Runs the real program for a committed stack (optionally with changed config). */
export async function runStack(stack: string, mutate?: (config: Record<string, any>) => void) {
    const { config, secretKeys } = runtimeConfig(stack, mutate);
    const captured = installMocks(stack, config, secretKeys);
    const exports = await runProgram();
    return { captured, exports };
}

/** The value of a recorded input, with a secret unwrapped; `secret` says whether it was one. */
export function inputValue(value: unknown): { value: unknown; secret: boolean } {
    return isSecretInput(value) ? { value: value.value, secret: true } : { value, secret: false };
}

/** Counts of resources per type. */
export function countByType(captured: CapturedResource[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of captured) counts[r.type] = (counts[r.type] ?? 0) + 1;
    return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}
