/**
 * What a preview means for a reviewer, as data: built from the engine's parsed output
 * (`preview --json` digest plus, when given, the `--event-log` stream) or from the offline plan's
 * JSON, never from the CLI's human text. The PR comment renders this; so could anything else.
 */
import { isDatastoreImage } from "../../config/datastores";
import { RESOURCE_TYPES } from "../../config/resource-types";
import { printable } from "../../config/values";
import { DigestStep, EngineEvent, nameOfUrn, PreviewDigest, typeOfUrn } from "../engine/output";
import type { PlanResult, PlanViolation } from "../plan/plan";
import { scrubTokens, uncolor } from "../report/markdown";
import { changedPaths, isSecretValue, UNKNOWN_SENTINEL } from "./paths";

export type ChangeOp = "create" | "update" | "replace" | "delete" | "import" | "read" | "refresh";

export interface ResourceChange {
    urn: string;
    type: string;
    name: string;
    op: ChangeOp;
    /** The changed property paths (never values). */
    paths: string[];
    /** Where `paths` came from: the provider's detailed diff, its diff reasons, or our comparison of inputs. */
    pathsFrom: "provider" | "reasons" | "inputs" | "none";
    replaceReasons: string[];
    protect: boolean;
    /** Why this change is dangerous (data loss, downtime, protection), when it is. */
    danger?: string;
}

export interface PolicyFinding {
    policy: string;
    pack: string;
    enforcementLevel: "mandatory" | "advisory";
    message: string;
    resource?: { type: string; name: string };
}

export interface OutputChange {
    name: string;
    kind: "add" | "update" | "delete";
    /** The new value as shown: "[secret]", "(known after apply)" or bounded compact JSON. */
    shown: string;
}

export interface PreviewReport {
    /** `preview`: the real engine against the stack's state; `plan`: the offline plan (no state). */
    source: "preview" | "plan";
    project: string;
    stack: string;
    commit?: string;
    result: "succeeded" | "failed";
    /** create/update/replace/delete/same as the engine counted them; for a plan, resources by short type. */
    counts: Record<string, number>;
    changes: ResourceChange[];
    policies: { ran: boolean; mandatory: PolicyFinding[]; advisory: PolicyFinding[] };
    outputs: OutputChange[] | null;
    /** Why it failed, from the engine's diagnostics or the plan's errors: scrubbed text. */
    errors: string[];
    warnings: string[];
}

const CHANGE_OPS = new Set<string>([
    "create",
    "update",
    "replace",
    "delete",
    "import",
    "create-replacement",
    "delete-replaced",
    "import-replacement",
]);

function normaliseOp(op: string): ChangeOp | undefined {
    if (!CHANGE_OPS.has(op)) return undefined;
    if (op === "create-replacement" || op === "delete-replaced" || op === "import-replacement") return "replace";
    return op as ChangeOp;
}

type State = DigestStep["oldState"];

function datastoreServices(steps: { type: string; urn: string; old?: State; new?: State }[]): Set<string> {
    // A Railway service is a datastore when its instance runs a datastore image or it has a volume
    // (the same rule as the policy pack's); resources are matched by their serviceId input.
    const ids = new Set<string>();
    for (const s of steps) {
        for (const st of [s.old, s.new]) {
            const inputs = st?.inputs ?? {};
            const serviceId = typeof inputs.serviceId === "string" ? inputs.serviceId : undefined;
            if (!serviceId) continue;
            if (s.type === RESOURCE_TYPES.volume) ids.add(serviceId);
            const image = (inputs.source as { image?: unknown } | undefined)?.image;
            if (s.type === RESOURCE_TYPES.instance && typeof image === "string" && isDatastoreImage(image))
                ids.add(serviceId);
        }
    }
    return ids;
}

/** Why deleting or replacing this resource is dangerous, or undefined when it is not. */
function dangerOf(
    change: Omit<ResourceChange, "danger">,
    id: string | undefined,
    serviceId: string | undefined,
    datastores: Set<string>,
): string | undefined {
    if (change.op !== "delete" && change.op !== "replace") return undefined;
    const verb = change.op === "delete" ? "deletes" : "replaces";
    if (change.protect) return `${verb} a protected resource`;
    if (change.type === RESOURCE_TYPES.volume) return `${verb} a volume: its data is lost`;
    if (
        (serviceId && datastores.has(serviceId)) ||
        (change.type === RESOURCE_TYPES.service && id && datastores.has(id))
    )
        return `${verb} part of a datastore (${change.name})`;
    if (change.type === RESOURCE_TYPES.service)
        return `${verb} a Railway service: its deployments and domains go with it`;
    if (change.type === RESOURCE_TYPES.project || change.type === RESOURCE_TYPES.environment)
        return `${verb} a Railway ${change.type === RESOURCE_TYPES.project ? "project" : "environment"} and everything in it`;
    if (change.type === RESOURCE_TYPES.branchProtection || change.type === RESOURCE_TYPES.githubEnvironment)
        return `${verb} a GitHub protection`;
    if (change.type === RESOURCE_TYPES.pagerdutyService || change.type === RESOURCE_TYPES.escalationPolicy)
        return `${verb} incident routing`;
    return undefined;
}

/** Pulumi's `[project, stack]` from a URN (`urn:pulumi:<stack>::<project>::…`). */
export function projectAndStack(urn: string): { project: string; stack: string } | undefined {
    const m = /^urn:pulumi:([^:]+)::([^:]+)::/.exec(urn);
    return m ? { stack: m[1], project: m[2] } : undefined;
}

/** A value for the comment: bounded compact JSON, secrets and unknowns named. */
function showValue(v: unknown): string {
    if (v === undefined) return "(none)";
    if (isSecretValue(v)) return "[secret]";
    if (v === UNKNOWN_SENTINEL) return "(known after apply)";
    const text =
        typeof v === "string"
            ? v
            : JSON.stringify(v, (_k, x) =>
                  isSecretValue(x) ? "[secret]" : x === UNKNOWN_SENTINEL ? "(known after apply)" : x,
              );
    // Through the one printer: never a credential-shaped value, escaped, bounded.
    return printable(text, 120);
}

function outputChanges(
    before: Record<string, unknown> | undefined,
    after: Record<string, unknown> | undefined,
): OutputChange[] {
    const a = before ?? {};
    const b = after ?? {};
    const names = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    const out: OutputChange[] = [];
    for (const name of names) {
        if (!(name in b)) out.push({ name, kind: "delete", shown: "(removed)" });
        else if (!(name in a)) out.push({ name, kind: "add", shown: showValue(b[name]) });
        else if (changedPaths({ v: a[name] }, { v: b[name] }, 1).length)
            out.push({ name, kind: "update", shown: showValue(b[name]) });
    }
    return out;
}

/** Policy violations from the event stream (the digest leaves them out), deduplicated. */
export function policyFindings(events: EngineEvent[]): PolicyFinding[] {
    const seen = new Set<string>();
    const out: PolicyFinding[] = [];
    for (const e of events) {
        const p = e.policyEvent;
        if (!p) continue;
        const lines = uncolor(String(p.message ?? ""))
            .trim()
            .split("\n");
        // The engine prefixes the policy's description; the violation is what follows.
        const message = scrubTokens((lines.length > 1 ? lines.slice(1) : lines).join(" ").trim());
        const resource = p.resourceUrn ? { type: typeOfUrn(p.resourceUrn), name: nameOfUrn(p.resourceUrn) } : undefined;
        const level = p.enforcementLevel === "mandatory" ? "mandatory" : "advisory";
        const key = `${level}|${p.policyName}|${p.resourceUrn ?? ""}|${message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({
            policy: String(p.policyName),
            pack: String(p.policyPackName ?? ""),
            enforcementLevel: level,
            message,
            resource,
        });
    }
    return out;
}

function diagnostics(
    digest: PreviewDigest | undefined,
    events: EngineEvent[],
): { errors: string[]; warnings: string[] } {
    const errors: string[] = [];
    const warnings: string[] = [];
    const add = (severity: string, message: string) => {
        const text = scrubTokens(uncolor(message)).trim();
        if (!text) return;
        const list = severity === "error" ? errors : severity === "warning" ? warnings : undefined;
        if (list && !list.includes(text)) list.push(text);
    };
    for (const d of digest?.diagnostics ?? []) add(d.severity, d.message);
    for (const e of events)
        if (e.diagnosticEvent)
            add(e.diagnosticEvent.severity, `${e.diagnosticEvent.prefix ?? ""}${e.diagnosticEvent.message ?? ""}`);
    return { errors, warnings };
}

export interface PreviewInput {
    digest?: PreviewDigest;
    events?: EngineEvent[];
    stack: string;
    project?: string;
    /** The CLI's exit code; non-zero is a failed preview whatever the digest says. */
    exitCode?: number;
    commit?: string;
    /** Why no digest could be read, and what the CLI printed on stderr. */
    problems?: string[];
}

/** The report of a real `pulumi preview`. */
export function reportFromPreview(input: PreviewInput): PreviewReport {
    const events = input.events ?? [];
    const steps = input.digest?.steps ?? [];
    const fromEvents = new Map<
        string,
        {
            op: string;
            diffs?: string[];
            detailedDiff?: Record<string, unknown> | null;
            keys?: string[];
            old?: State;
            new?: State;
        }
    >();
    for (const e of events) {
        const m = (e.resOutputsEvent ?? e.resourcePreEvent)?.metadata;
        if (m?.urn)
            fromEvents.set(m.urn, {
                ...fromEvents.get(m.urn),
                ...m,
                old: m.old ?? fromEvents.get(m.urn)?.old,
                new: m.new ?? fromEvents.get(m.urn)?.new,
            });
    }
    const all = steps.map((s) => ({
        urn: s.urn,
        type: s.newState?.type ?? s.oldState?.type ?? typeOfUrn(s.urn),
        op: s.op,
        old: s.oldState,
        new: s.newState,
        diffReasons: s.diffReasons,
        replaceReasons: s.replaceReasons,
        detailedDiff: s.detailedDiff,
    }));
    const datastores = datastoreServices(all);
    const changes: ResourceChange[] = [];
    const seen = new Set<string>();
    for (const s of all) {
        const op = normaliseOp(s.op);
        if (!op || seen.has(s.urn)) continue;
        seen.add(s.urn);
        const ev = fromEvents.get(s.urn);
        let paths: string[] = [];
        let pathsFrom: ResourceChange["pathsFrom"] = "none";
        const detailed = s.detailedDiff ?? (ev?.detailedDiff as Record<string, unknown> | null | undefined);
        if (detailed && Object.keys(detailed).length) {
            paths = Object.keys(detailed);
            pathsFrom = "provider";
        } else if ((s.diffReasons ?? ev?.diffs ?? []).length) {
            paths = [...(s.diffReasons ?? ev?.diffs ?? [])];
            pathsFrom = "reasons";
        } else if (op === "update" || op === "replace") {
            paths = changedPaths(s.old?.inputs, s.new?.inputs ?? ev?.new?.inputs);
            pathsFrom = paths.length ? "inputs" : "none";
        }
        const base = {
            urn: s.urn,
            type: s.type,
            name: nameOfUrn(s.urn),
            op,
            paths,
            pathsFrom,
            replaceReasons: s.replaceReasons ?? ev?.keys ?? [],
            protect: Boolean(s.old?.protect ?? s.new?.protect),
        };
        const state = s.old ?? s.new;
        const serviceId = typeof state?.inputs?.serviceId === "string" ? state.inputs.serviceId : undefined;
        const id = (state as { id?: string } | null | undefined)?.id;
        const danger = dangerOf(base, id, serviceId, datastores);
        changes.push(danger ? { ...base, danger } : base);
    }
    const rootUrn = steps.find((s) => (s.newState?.type ?? s.oldState?.type) === "pulumi:pulumi:Stack")?.urn;
    const named = rootUrn ? projectAndStack(rootUrn) : steps[0] ? projectAndStack(steps[0].urn) : undefined;
    const stackOutputsNew = rootUrn ? (fromEvents.get(rootUrn)?.new?.outputs ?? undefined) : undefined;
    const rootStep = steps.find((s) => s.urn === rootUrn);
    const outputs = stackOutputsNew ? outputChanges(rootStep?.oldState?.outputs, stackOutputsNew) : null;
    const findings = policyFindings(events);
    const diag = diagnostics(input.digest, events);
    const warnings = diag.warnings;
    // "preview failed" says nothing the mandatory violations do not say better.
    const mandatory = findings.some((f) => f.enforcementLevel === "mandatory");
    const errors = mandatory ? diag.errors.filter((e) => !/^error: (preview|update) failed$/.test(e)) : diag.errors;
    errors.unshift(...(input.problems ?? []).map((p) => scrubTokens(p)));
    const counts: Record<string, number> = {};
    for (const [op, n] of Object.entries(input.digest?.changeSummary ?? {})) counts[op] = n;
    const failedBySummary = events.some((e) => e.summaryEvent?.result === "failed");
    const failed =
        (input.exitCode ?? 0) !== 0 ||
        failedBySummary ||
        !input.digest ||
        errors.length > 0 ||
        findings.some((f) => f.enforcementLevel === "mandatory");
    return {
        source: "preview",
        project: input.project ?? named?.project ?? "(unknown project)",
        stack: input.stack,
        commit: input.commit,
        result: failed ? "failed" : "succeeded",
        counts,
        changes,
        policies: {
            ran:
                events.some(
                    (e) =>
                        e.policyLoadEvent ||
                        e.policyAnalyzeStackSummaryEvent ||
                        e.policyAnalyzeSummaryEvent ||
                        e.policyEvent,
                ) || Object.keys(events.find((e) => e.summaryEvent)?.summaryEvent?.PolicyPacks ?? {}).length > 0,
            mandatory: findings.filter((f) => f.enforcementLevel === "mandatory"),
            advisory: findings.filter((f) => f.enforcementLevel === "advisory"),
        },
        outputs,
        errors:
            failed && !errors.length && !mandatory
                ? [input.exitCode ? `the preview exited with code ${input.exitCode}` : "the preview failed"]
                : errors,
        warnings,
    };
}

/** The report of an offline plan (its JSON): resources as declared, policies as the pack judged them. */
export function reportFromPlan(plan: PlanResult, commit?: string): PreviewReport {
    const counts: Record<string, number> = {};
    for (const [type, n] of Object.entries(plan.counts)) counts[type] = n;
    const finding = (v: PlanViolation): PolicyFinding => ({
        policy: v.policy,
        pack: plan.policies?.pack ?? "",
        enforcementLevel: v.enforcementLevel,
        message: scrubTokens(v.message),
        resource: v.resource ? { type: v.resource.type, name: v.resource.name } : undefined,
    });
    const errors = [...plan.config.issues, ...(plan.error ? [plan.error] : [])].map(scrubTokens);
    return {
        source: "plan",
        project: plan.project,
        stack: plan.stack,
        commit,
        result: plan.ok ? "succeeded" : "failed",
        counts,
        changes: [],
        policies: {
            ran: plan.policies !== null,
            mandatory: (plan.policies?.mandatory ?? []).map(finding),
            advisory: (plan.policies?.advisory ?? []).map(finding),
        },
        outputs: null,
        errors,
        warnings: plan.config.warnings.map(scrubTokens),
    };
}
