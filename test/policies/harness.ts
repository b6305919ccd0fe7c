/**
 * Runs policies the way the engine does: the pack in its own process, driven over the Analyzer
 * gRPC interface (Configure, ConfigureStack, Analyze per resource, AnalyzeStack), with resource
 * properties in wire form (secrets and unknowns as the engine sends them). The resources are the
 * real program's registrations for a stack, as in a preview; a test changes one thing.
 */
import { strict as assert } from "assert";
import type { AnalyzerResource, PolicyAnalyzer, PolicyDiagnostic } from "../../scripts/plan/analyzer";
import { UNKNOWN } from "../../scripts/plan/offline-runtime";
import { record, runtimeFromStackFile, startPolicyPack, toAnalyzerResource, REPO_ROOT } from "../../scripts/plan/plan";
import { policyPackConfig, readPolicyConfigFile } from "../../scripts/plan/policy-config";
import { shortType } from "../../scripts/report/markdown";
import * as path from "path";
import { onTeardown } from "../support/teardown";

export { UNKNOWN };

const baselines = new Map<string, AnalyzerResource[]>();

/** The real program's resources for a committed stack, recorded once per stack. */
export async function baseline(stack: string): Promise<AnalyzerResource[]> {
    if (!baselines.has(stack)) {
        const registrations = await record(
            stack,
            "ainative-platform",
            runtimeFromStackFile(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`)),
        );
        baselines.set(stack, registrations.map(toAnalyzerResource));
    }
    return structuredClone(baselines.get(stack)!);
}

/** A copy of the resources with one resource changed (found by type suffix, or short type, and name). */
export function change(
    resources: AnalyzerResource[],
    type: string,
    name: string,
    edit: (props: Record<string, any>, r: AnalyzerResource) => void,
): AnalyzerResource[] {
    const copy = structuredClone(resources);
    const target = copy.find((r) => (r.type.endsWith(type) || shortType(r.type) === type) && r.name === name);
    assert.ok(target, `no ${type} named ${name} in the baseline`);
    edit(target.properties as Record<string, any>, target);
    return copy;
}

/** A copy without the resources a predicate matches. */
export function without(resources: AnalyzerResource[], drop: (r: AnalyzerResource) => boolean): AnalyzerResource[] {
    return structuredClone(resources.filter((r) => !drop(r)));
}

/** A secret as the engine sends it. */
export function secret(value: unknown): Record<string, unknown> {
    return { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value };
}

let shared: Promise<PolicyHarness> | undefined;

/** One pack process for every policy spec of the run (started by the first, stopped after the last). */
export function sharedPack(): Promise<PolicyHarness> {
    if (!shared) {
        shared = PolicyHarness.start();
        onTeardown(async () => (await shared)?.close());
    }
    return shared;
}

export class PolicyHarness {
    private constructor(private readonly pack: PolicyAnalyzer) {}

    static async start(): Promise<PolicyHarness> {
        return new PolicyHarness(await startPolicyPack());
    }

    close(): Promise<void> {
        return this.pack.close();
    }

    /**
     * Every diagnostic of one policy for these resources, with the stack's config file (and any
     * override merged over it), as `pulumi preview --policy-pack-config` would configure the pack.
     */
    async run(
        stack: string,
        resources: AnalyzerResource[],
        policy: string,
        override: Record<string, unknown> = {},
    ): Promise<PolicyDiagnostic[]> {
        const info = await this.pack.info();
        const file = readPolicyConfigFile(path.join(REPO_ROOT, "policies", "config", `${stack}.json`));
        const current = file[policy];
        const merged = {
            ...file,
            ...(Object.keys(override).length
                ? {
                      [policy]: {
                          ...(typeof current === "object" ? current : current ? { enforcementLevel: current } : {}),
                          ...override,
                      },
                  }
                : {}),
        };
        await this.pack.configure(policyPackConfig(info, merged));
        await this.pack.configureStack({ stack, project: "ainative-platform", dryRun: true });
        const diagnostics: PolicyDiagnostic[] = [];
        for (const r of resources) diagnostics.push(...(await this.pack.analyze(r)));
        diagnostics.push(...(await this.pack.analyzeStack(resources)));
        return diagnostics.filter((d) => d.policyName === policy);
    }
}

/** Asserts no diagnostic. */
export function assertCompliant(diags: PolicyDiagnostic[]): void {
    assert.deepEqual(
        diags.map((d) => d.message),
        [],
    );
}

/** Asserts exactly one violation, at this level, on the resource named, with a message matching. */
export function assertViolation(
    diags: PolicyDiagnostic[],
    level: "mandatory" | "advisory",
    resourceName: string | undefined,
    message: RegExp,
): void {
    assert.equal(
        diags.length,
        1,
        `expected one violation, got ${diags.length}:\n${diags.map((d) => d.message).join("\n")}`,
    );
    const [d] = diags;
    assert.equal(d.enforcementLevel, level);
    if (resourceName)
        assert.ok(d.urn?.endsWith(`::${resourceName}`), `violation is on ${d.urn}, expected ${resourceName}`);
    assert.match(d.message, message);
}

/** Asserts the engine's "can't run during preview" advisory for an unknown value. */
export function assertUnknownSkipped(diags: PolicyDiagnostic[]): void {
    assert.equal(diags.length, 1, diags.map((d) => d.message).join("\n"));
    assert.equal(diags[0].enforcementLevel, "advisory");
    assert.match(diags[0].message, /can't run policy .* during preview/);
}
