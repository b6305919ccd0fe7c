/**
 * A client for a CrossGuard policy pack over the Analyzer gRPC interface, started and driven the
 * way the Pulumi engine does it: the pack runs as its own Node.js process through the SDK's
 * `run-policy-pack` entry point (what the Node.js language host starts), prints its port, and is
 * then asked GetAnalyzerInfo, Configure, ConfigureStack, Analyze per resource and AnalyzeStack.
 * So the verdicts here are the verdicts `pulumi preview --policy-pack policies` would give.
 */
import { ChildProcess } from "child_process";
import { withoutInternalKeys } from "./offline-runtime";
import { PackProcess, spawnPack } from "./pack-process";

/* The SDK's generated gRPC stubs and messages: the very ones the pack's server uses. */
const grpc = require("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
const analyzerRpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const pb = require("@pulumi/pulumi/proto/analyzer_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");

export type EnforcementLevel = "advisory" | "mandatory" | "disabled" | "remediate";
const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];

export interface PolicyInfo {
    name: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    configSchema?: { properties: Record<string, unknown>; required: string[] };
}

export interface AnalyzerInfo {
    name: string;
    version: string;
    policies: PolicyInfo[];
}

export interface PolicyDiagnostic {
    policyName: string;
    policyPackName: string;
    description: string;
    message: string;
    enforcementLevel: EnforcementLevel;
    /** The resource, or undefined for a stack-wide finding. */
    urn?: string;
}

/** A resource as the engine describes it to an analyzer. */
export interface AnalyzerResource {
    type: string;
    name: string;
    urn: string;
    /** Properties in wire form: secrets as signature objects, unknowns as the unknown sentinel. */
    properties: Record<string, unknown>;
    protect?: boolean;
    aliases?: string[];
    additionalSecretOutputs?: string[];
    parent?: string;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
}

/** Per policy: its enforcement level and settings, as the CLI sends them after reading `--policy-pack-config`. */
export type PolicyPackConfig = Record<
    string,
    { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }
>;

/** The fields every Analyzer message about a resource carries; internal keys are left out, as the engine does. */
function describe<
    M extends {
        setType(v: string): M;
        setName(v: string): M;
        setUrn(v: string): M;
        setProperties(v: unknown): M;
        setOptions(v: unknown): M;
    },
>(msg: M, r: AnalyzerResource): M {
    return msg
        .setType(r.type)
        .setName(r.name)
        .setUrn(r.urn)
        .setProperties(Struct.fromJavaScript(withoutInternalKeys(r.properties)))
        .setOptions(resourceOptions(r));
}

function resourceOptions(r: AnalyzerResource) {
    const opts = new pb.AnalyzerResourceOptions();
    opts.setProtect(r.protect ?? false);
    opts.setAliasesList(r.aliases ?? []);
    opts.setAdditionalsecretoutputsList(r.additionalSecretOutputs ?? []);
    if (r.parent) opts.setParent(r.parent);
    return opts;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK's generated protobuf stubs carry no types
function toDiagnostic(d: any): PolicyDiagnostic {
    return {
        policyName: d.getPolicyname(),
        policyPackName: d.getPolicypackname(),
        description: d.getDescription(),
        message: d.getMessage(),
        enforcementLevel: LEVELS[d.getEnforcementlevel()] ?? "advisory",
        urn: d.getUrn() || undefined,
    };
}

export class PolicyAnalyzer {
    private constructor(
        private readonly child: ChildProcess,
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK's generated protobuf stubs carry no types
        private readonly client: any,
        private readonly stderr: string[],
    ) {}

    /** Starts the pack in `packDir` and connects to it; fails with the pack's own output if it cannot start. */
    static async start(packDir: string, opts: { timeoutMs?: number } = {}): Promise<PolicyAnalyzer> {
        return PolicyAnalyzer.connect(spawnPack(packDir, opts));
    }

    /** Connects to a pack process started earlier (it boots while the program loads). */
    static async connect(pack: PackProcess): Promise<PolicyAnalyzer> {
        let port: number;
        try {
            port = await pack.port;
        } catch (e) {
            pack.kill();
            throw e;
        }
        const client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
            "grpc.max_receive_message_length": 400 * 1024 * 1024,
        });
        return new PolicyAnalyzer(pack.child, client, pack.stderr);
    }

    private call<T>(method: string, request: unknown): Promise<T> {
        return new Promise((resolve, reject) =>
            this.client[method](request, (err: Error | null, res: T) =>
                err
                    ? reject(new Error(`policy pack ${method} failed: ${err.message}\n${this.stderr.join("")}`))
                    : resolve(res),
            ),
        );
    }

    async info(): Promise<AnalyzerInfo> {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK's generated protobuf stubs carry no types
        const res: any = await this.call("getAnalyzerInfo", new Empty());
        return {
            name: res.getName(),
            version: res.getVersion(),
            // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK's generated protobuf stubs carry no types
            policies: res.getPoliciesList().map((p: any) => ({
                name: p.getName(),
                description: p.getDescription(),
                enforcementLevel: LEVELS[p.getEnforcementlevel()],
                configSchema: p.getConfigschema()
                    ? {
                          properties: p.getConfigschema().getProperties()?.toJavaScript() ?? {},
                          required: p.getConfigschema().getRequiredList(),
                      }
                    : undefined,
            })),
        };
    }

    async configure(config: PolicyPackConfig): Promise<void> {
        const req = new pb.ConfigureAnalyzerRequest();
        const map = req.getPolicyconfigMap();
        for (const [name, c] of Object.entries(config)) {
            const pc = new pb.PolicyConfig();
            pc.setEnforcementlevel(LEVELS.indexOf(c.enforcementLevel));
            pc.setProperties(Struct.fromJavaScript(c.properties));
            map.set(name, pc);
        }
        await this.call("configure", req);
    }

    async configureStack(stack: {
        stack: string;
        project: string;
        organization?: string;
        dryRun: boolean;
        tags?: Record<string, string>;
    }): Promise<void> {
        const req = new pb.AnalyzerStackConfigureRequest();
        req.setStack(stack.stack);
        req.setProject(stack.project);
        req.setOrganization(stack.organization ?? "organization");
        req.setDryRun(stack.dryRun);
        for (const [k, v] of Object.entries(stack.tags ?? {})) req.getTagsMap().set(k, v);
        await this.call("configureStack", req);
    }

    async analyze(r: AnalyzerResource): Promise<PolicyDiagnostic[]> {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK's generated protobuf stubs carry no types
        const res: any = await this.call("analyze", describe(new pb.AnalyzeRequest(), r));
        // A resource policy's finding is about the resource analyzed; the engine attaches its URN.
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK's generated protobuf stubs carry no types
        return res.getDiagnosticsList().map((d: any) => ({ ...toDiagnostic(d), urn: d.getUrn() || r.urn }));
    }

    async analyzeStack(resources: AnalyzerResource[]): Promise<PolicyDiagnostic[]> {
        const req = new pb.AnalyzeStackRequest();
        req.setResourcesList(
            resources.map((r) => {
                const ar = describe(new pb.AnalyzerResource(), r);
                if (r.parent) ar.setParent(r.parent);
                ar.setDependenciesList(r.dependencies ?? []);
                for (const [key, urns] of Object.entries(r.propertyDependencies ?? {})) {
                    const deps = new pb.AnalyzerPropertyDependencies();
                    deps.setUrnsList(urns);
                    ar.getPropertydependenciesMap().set(key, deps);
                }
                return ar;
            }),
        );
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK's generated protobuf stubs carry no types
        const res: any = await this.call("analyzeStack", req);
        return res.getDiagnosticsList().map(toDiagnostic);
    }

    /** Stops the pack process. */
    async close(): Promise<void> {
        this.client.close();
        if (this.child.exitCode !== null) return;
        await new Promise<void>((resolve) => {
            this.child.once("exit", () => resolve());
            this.child.kill();
        });
    }
}
