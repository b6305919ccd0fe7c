/**
 * Synthetic engine output of any size, shaped like the recorded fixtures (test/fixtures/pulumi/):
 * a preview digest with its event log, and a refresh digest with its event log, for a stack of
 * `n` Railway resources. Deterministic (no randomness), so the benchmark and the tests see the
 * same data. Used where a real 10,000-resource stack would take an hour to make.
 */
import type { DigestStep, EngineEvent, PreviewDigest } from "../scripts/engine/output";

const T = "railway:index:";
const KINDS = ["Service", "ServiceInstance", "Variables", "ServiceDomain"] as const;

function urn(stack: string, type: string, name: string): string {
    return `urn:pulumi:${stack}::ainative-platform::ainative:railway:RailwayApp$${type}::${name}`;
}

function state(stack: string, type: string, name: string, i: number, inputs: Record<string, unknown>) {
    return {
        urn: urn(stack, type, name),
        custom: true,
        id: `id-${i}`,
        type,
        inputs,
        outputs: inputs,
        parent: urn(stack, "ainative:railway:RailwayApp", "platform"),
    };
}

/**
 * A preview of `n` resources: 30 % updates (with changed variables), 5 % creates, 0.2 % deletes of
 * datastore services (the dangerous part), the rest unchanged; `violations` policy findings.
 */
export function syntheticPreview(
    n: number,
    opts: { stack?: string; violations?: number } = {},
): { digest: PreviewDigest; events: EngineEvent[] } {
    const stack = opts.stack ?? "staging";
    const steps: DigestStep[] = [];
    const events: EngineEvent[] = [];
    const counts: Record<string, number> = { same: 0, update: 0, create: 0, delete: 0 };
    let seq = 0;
    const root = `urn:pulumi:${stack}::ainative-platform::pulumi:pulumi:Stack::ainative-platform-${stack}`;
    steps.push({
        op: "same",
        urn: root,
        oldState: { type: "pulumi:pulumi:Stack", outputs: { services: ["web"] } },
        newState: { type: "pulumi:pulumi:Stack" },
    });
    for (let i = 0; i < n; i++) {
        const kind = KINDS[i % KINDS.length];
        const type = `${T}${kind}`;
        const name = `platform-service-${String(Math.floor(i / KINDS.length)).padStart(5, "0")}-with-a-long-descriptive-name`;
        const base = { serviceId: `svc-${Math.floor(i / KINDS.length)}`, environmentId: "env-1", projectId: "prj-1" };
        // Every 500th resource, a datastore's instance (postgres), deleted: the dangerous part.
        const datastore = i % 500 === 1;
        const old = {
            ...base,
            variables: { NODE_ENV: "production", LOG_LEVEL: "info", FEATURE_FLAG: `f${i}` },
            source: { image: datastore ? "postgres:16" : "ghcr.io/ainative/web:1" },
        };
        let op = "same";
        if (datastore) op = "delete";
        else if (i % 20 === 1) op = "create";
        else if (i % 10 < 3) op = "update";
        counts[op]++;
        if (op === "same") continue;
        const next =
            op === "update"
                ? { ...old, variables: { ...old.variables, LOG_LEVEL: "debug", FEATURE_FLAG: `g${i}` } }
                : old;
        const step: DigestStep = {
            op,
            urn: urn(stack, type, name),
            provider: `urn:pulumi:${stack}::ainative-platform::pulumi:providers:railway::default::p`,
            oldState: op === "create" ? null : state(stack, type, name, i, old),
            newState: op === "delete" ? null : state(stack, type, name, i, next),
            detailedDiff: null,
        };
        steps.push(step);
        events.push({
            sequence: seq++,
            timestamp: 0,
            resourcePreEvent: {
                metadata: { op, urn: step.urn, type, old: null, new: null, detailedDiff: null },
                planning: true,
            },
        });
    }
    for (let v = 0; v < (opts.violations ?? 40); v++) {
        events.push({
            sequence: seq++,
            timestamp: 0,
            policyEvent: {
                resourceUrn: urn(
                    stack,
                    `${T}Service`,
                    `platform-service-${String(v).padStart(5, "0")}-with-a-long-descriptive-name`,
                ),
                message: `Every app Railway service has a Sentry project.\nservice 'svc-${v}' has no Sentry project; turn on integrations.sentry for this stack.\n`,
                color: "never",
                policyName: v % 3 === 0 ? "railway-production-replicas" : "sentry-every-service",
                policyPackName: "ainative-platform",
                policyPackVersion: "0.1.0",
                policyPackVersionTag: "0.1.0",
                enforcementLevel: v % 2 === 0 ? "mandatory" : "advisory",
            },
        });
    }
    events.push({
        sequence: seq,
        timestamp: 0,
        summaryEvent: {
            resourceChanges: counts,
            PolicyPacks: { "ainative-platform": "0.1.0" },
            isPreview: true,
            result: "failed",
        },
    });
    return { digest: { steps, changeSummary: counts, duration: 1 }, events };
}

/**
 * A `refresh --preview-only` of `n` resources: 1 % changed out of band (variables edited), 0.2 %
 * deleted out of band, as the engine prints it (drifted Railway resources keep op `refresh` in the
 * digest; the event log has their verdicts).
 */
export function syntheticRefresh(
    n: number,
    opts: { stack?: string } = {},
): { digest: PreviewDigest; events: EngineEvent[] } {
    const stack = opts.stack ?? "production";
    const steps: DigestStep[] = [];
    const events: EngineEvent[] = [];
    const counts: Record<string, number> = { same: 0, update: 0, delete: 0 };
    let seq = 0;
    for (let i = 0; i < n; i++) {
        const kind = KINDS[i % KINDS.length];
        const type = `${T}${kind}`;
        const name = `platform-service-${String(Math.floor(i / KINDS.length)).padStart(5, "0")}`;
        const old = {
            serviceId: `svc-${Math.floor(i / KINDS.length)}`,
            variables: { NODE_ENV: "production", LOG_LEVEL: "info" },
        };
        const op = i % 500 === 7 ? "delete" : i % 100 === 5 ? "update" : "same";
        counts[op]++;
        const s = state(stack, type, name, i, old);
        steps.push({
            op: op === "delete" ? "delete" : "refresh",
            urn: s.urn,
            oldState: s,
            newState: op === "delete" ? null : s,
            detailedDiff: null,
        });
        const newOutputs = op === "update" ? { ...old, variables: { ...old.variables, NODE_ENV: "development" } } : old;
        events.push({
            sequence: seq++,
            timestamp: 0,
            resourcePreEvent: { metadata: { op: "refresh", urn: s.urn, type }, planning: true },
        });
        events.push({
            sequence: seq++,
            timestamp: 0,
            resOutputsEvent: {
                metadata: {
                    op,
                    urn: s.urn,
                    type,
                    old: { type, urn: s.urn, id: s.id, inputs: old, outputs: old },
                    new: op === "delete" ? null : { type, urn: s.urn, id: s.id, inputs: old, outputs: newOutputs },
                    detailedDiff: null,
                },
                planning: true,
            },
        });
    }
    events.push({
        sequence: seq,
        timestamp: 0,
        summaryEvent: { resourceChanges: counts, PolicyPacks: {}, isPreview: true, result: "succeeded" },
    });
    return { digest: { steps, changeSummary: counts }, events };
}

/**
 * A year of deploy-workflow history at any size: `n` deployments alternating staging and
 * production every 52 minutes on average, 3 % failed, 1 % never finished, a rollback after every
 * 50th production success, with commit times and PR runs. For the metrics benchmark.
 */
export function syntheticDeliveryHistory(
    n: number,
    end = Date.UTC(2026, 10, 27),
): {
    deployments: {
        id: number;
        environment: string;
        sha: string;
        createdAt: number;
        statuses: { state: string; at: number }[];
    }[];
    commitTimes: Map<string, number>;
    prRuns: { id: number; createdAt: number; conclusion: string | null; failedJobs: string[] }[];
    rollbacks: { environment: string; at: number; source: "gate" | "railway" }[];
    since: number;
    until: number;
} {
    const since = end - 365 * 86_400_000;
    const step = (end - since) / n;
    const deployments = [];
    const commitTimes = new Map<string, number>();
    const rollbacks: { environment: string; at: number; source: "gate" }[] = [];
    for (let i = 0; i < n; i++) {
        const environment = i % 2 ? "production" : "staging";
        const createdAt = since + i * step;
        const sha = i.toString(16).padStart(40, "0");
        const minutes = 4 + (i % 17);
        const statuses = [{ state: "in_progress", at: createdAt }];
        if (i % 100 === 7) {
            // never finished
        } else if (i % 33 === 5) statuses.push({ state: "failure", at: createdAt + minutes * 60_000 });
        else {
            statuses.push({ state: "success", at: createdAt + minutes * 60_000 });
            if (environment === "production" && i % 50 === 1)
                rollbacks.push({ environment, at: createdAt + (minutes + 5) * 60_000, source: "gate" });
        }
        commitTimes.set(sha, createdAt - (30 + (i % 240)) * 60_000);
        deployments.push({ id: i + 1, environment, sha, createdAt, statuses });
    }
    const prRuns = Array.from({ length: n }, (_, i) => ({
        id: i + 1,
        createdAt: since + i * step,
        conclusion: i % 9 === 0 ? "failure" : "success",
        failedJobs: i % 9 === 0 ? ["test"] : [],
    }));
    return { deployments, commitTimes, prRuns, rollbacks, since, until: end };
}
