/**
 * Runs a Pulumi program under Pulumi's mock runtime and records every registration the way the
 * engine receives it: type, name, parent, custom or component, protect, aliases, provider,
 * additional secret outputs, and the inputs with secret and unknown markers intact.
 *
 * `pulumi.runtime.setMocks` hands mocks only type, name and inputs (with unknowns dropped); this
 * records from the RegisterResource request itself, then lets the stock mock monitor answer.
 */
import * as pulumi from "@pulumi/pulumi";

/* The SDK's own internals: the mock monitor and the wire (de)serializer. */
const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks") as {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK's generated protobuf stubs carry no types
    MockMonitor: new (mocks: pulumi.runtime.Mocks) => any;
};
const settings = require("@pulumi/pulumi/runtime/settings") as {
    setMockOptions(monitor: unknown, project: string, stack: string, preview: boolean, organization?: string): void;
};
const state = require("@pulumi/pulumi/runtime/state") as { getStore(): Record<string, unknown> };
const rpc = require("@pulumi/pulumi/runtime/rpc") as {
    deserializeProperties(struct: unknown, keepUnknowns?: boolean): Record<string, unknown>;
    specialSigKey: string;
    specialSecretSig: string;
    unknownValue: string;
};

/** The marker of a value not known until apply (as during `pulumi preview`). */
export const UNKNOWN = rpc.unknownValue;

export interface Registration {
    type: string;
    name: string;
    urn: string;
    /** The parent's URN; undefined for a resource whose parent is the stack. */
    parent?: string;
    /** A custom resource (managed by a provider) rather than a component. */
    custom: boolean;
    protect: boolean;
    /** Left on the provider's side when the stack deletes it (a resource the stack shares, not owns). */
    retainOnDelete: boolean;
    /** Former types or URNs this resource answers to. */
    aliases: { type?: string; name?: string; urn?: string }[];
    provider?: string;
    additionalSecretOutputs: string[];
    /** Inputs as sent (internal `__` keys left out): secrets as `{ [sig]: secretSig, value }`, unknowns as {@link UNKNOWN}. */
    inputs: Record<string, unknown>;
    /** The inputs exactly as on the wire (JSON of the protobuf Struct): secrets stay per property. */
    wire: Record<string, unknown>;
    /** URNs this resource depends on, in all and per input property (what the engine tracks). */
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    /** For components: what `registerOutputs` recorded. */
    outputs?: Record<string, unknown>;
}

export interface OfflineRuntimeOptions {
    project: string;
    stack: string;
    /** `namespace:key` → value as the runtime holds it (JSON text for objects). */
    config: Record<string, string>;
    secretKeys: string[];
    /** true: behave like `pulumi preview` (new resources' ids and outputs unknown). */
    preview: boolean;
    /** The state a new resource reports back; default: its inputs, and no id in preview. */
    newResource?: (args: pulumi.runtime.MockResourceArgs) => { id?: string; state: Record<string, unknown> };
    /** Answers to invokes (data sources); default: the invoke's inputs. */
    call?: (args: pulumi.runtime.MockCallArgs) => Record<string, unknown>;
}

/**
 * Drops internal properties (`__`-prefixed, such as a dynamic provider's serialized code). The
 * engine keeps them from analyzers too; nothing here reads them.
 */
export function withoutInternalKeys(props: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(props).filter(([k]) => !k.startsWith("__")));
}

/** Resolves once every registration and RPC the program started has finished. */
export function settled(): Promise<void> {
    return (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> }).waitForRPCs();
}

/**
 * Runs a Pulumi program module afresh (a module runs once per process otherwise) under the
 * installed runtime, and waits until it has settled. Returns the program's exports.
 */
export async function runProgram(entry: string): Promise<Record<string, unknown>> {
    const file = require.resolve(entry);
    delete require.cache[file];
    const exports = require(file);
    await settled();
    return exports;
}

/** True when an input value (as recorded) is a secret. */
export function isSecretInput(value: unknown): value is { value: unknown } {
    return (
        !!value &&
        typeof value === "object" &&
        (value as Record<string, unknown>)[rpc.specialSigKey] === rpc.specialSecretSig
    );
}

/** Installs the recording runtime; the returned list fills as the program registers resources. */
export function installOfflineRuntime(opts: OfflineRuntimeOptions): Registration[] {
    const registrations: Registration[] = [];
    const byUrn = new Map<string, Registration>();
    const mocks: pulumi.runtime.Mocks = {
        newResource: (args) => {
            const result = opts.newResource?.(args) ?? {
                id: opts.preview ? undefined : `${args.name}-id`,
                state: { ...args.inputs },
            };
            return { id: result.id, state: result.state } as pulumi.runtime.MockResourceResult;
        },
        call: (args) => opts.call?.(args) ?? args.inputs,
    };

    class RecordingMonitor extends MockMonitor {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK's generated protobuf stubs carry no types
        registerResource(req: any, callback: (err: unknown, res: unknown) => void) {
            const parent: string = req.getParent();
            const urn: string = this.newUrn(parent, req.getType(), req.getName());
            const reg: Registration = {
                type: req.getType(),
                name: req.getName(),
                urn,
                parent: parent || undefined,
                custom: req.getCustom(),
                protect: req.getProtect() === true,
                retainOnDelete: req.getRetainondelete?.() === true,
                // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK's generated protobuf stubs carry no types
                aliases: (req.getAliasesList() as any[]).map((a) => {
                    const spec = a.getSpec();
                    return spec
                        ? { type: spec.getType() || undefined, name: spec.getName() || undefined }
                        : { urn: a.getUrn() };
                }),
                provider: req.getProvider() || undefined,
                additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
                inputs: withoutInternalKeys(rpc.deserializeProperties(req.getObject(), true)),
                wire: withoutInternalKeys(req.getObject()?.toJavaScript() ?? {}),
                dependencies: req.getDependenciesList(),
                propertyDependencies: Object.fromEntries(
                    (req.getPropertydependenciesMap().toArray() as [string, [string[]]][]).map(([k, v]) => [k, v[0]]),
                ),
            };
            registrations.push(reg);
            byUrn.set(urn, reg);
            return super.registerResource(req, callback);
        }
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK's generated protobuf stubs carry no types
        registerResourceOutputs(req: any, callback: (err: unknown, res: unknown) => void) {
            const reg = byUrn.get(req.getUrn());
            if (reg && req.getOutputs()) reg.outputs = rpc.deserializeProperties(req.getOutputs(), true);
            return super.registerResourceOutputs(req, callback);
        }
    }

    pulumi.runtime.setAllConfig(opts.config, opts.secretKeys);
    // "organization": what a self-managed backend names every stack's organization (stack references).
    settings.setMockOptions(new RecordingMonitor(mocks), opts.project, opts.stack, opts.preview, "organization");
    // setMockOptions resets the monitor's features to "none"; the engine supports these (as setMocks
    // declares them). Without supportsSecrets, secret inputs would be sent as plain values.
    Object.assign(state.getStore(), {
        supportsSecrets: true,
        supportsResourceReferences: true,
        supportsOutputValues: false,
        supportsDeletedWith: true,
        supportsReplaceWith: true,
        supportsAliasSpecs: true,
        supportsTransforms: false,
        supportsParameterization: true,
        supportsResourceHooks: true,
        supportsErrorHooks: true,
    });
    return registrations;
}
