/**
 * Parsers for what the Pulumi CLI writes for machines (formats: see docs/tests.md "Engine output fixtures"):
 * the preview digest of `preview --json` / `refresh --preview-only --json`, and the NDJSON engine
 * event stream of `--event-log` (set PULUMI_DEBUG_COMMANDS=true) or `up --json`.
 *
 * A dynamic provider (Railway's) cannot return a detailed diff, so in a refresh digest its drifted
 * resources keep the op `refresh`, counted only in `changeSummary`; the event stream's outputs
 * event is where each resource's own verdict (`update`, `delete`) is. Tools read both.
 */

import { z } from "zod";

export interface PropertyDiff {
    kind: string;
    inputDiff?: boolean;
}

/** A step of the preview digest (`apitype` PreviewStep). */
export interface DigestStep {
    op: string;
    urn: string;
    provider?: string;
    oldState?: {
        type: string;
        inputs?: Record<string, unknown>;
        outputs?: Record<string, unknown>;
        protect?: boolean;
        parent?: string;
    } | null;
    newState?: {
        type: string;
        inputs?: Record<string, unknown>;
        outputs?: Record<string, unknown>;
        protect?: boolean;
        parent?: string;
    } | null;
    diffReasons?: string[];
    replaceReasons?: string[];
    detailedDiff?: Record<string, PropertyDiff> | null;
}

export interface PreviewDigest {
    config?: Record<string, string>;
    steps?: DigestStep[];
    diagnostics?: { urn?: string; message: string; severity: string }[];
    duration?: number;
    changeSummary?: Record<string, number>;
    maybeCorrupt?: boolean;
}

/** Deeper than this, a digest is not the engine's: every reader of it may walk values recursively. */
export const MAX_DIGEST_DEPTH = 64;

/** How deep a parsed JSON value nests, counted without recursion (a hostile value cannot overflow the stack). */
function depthOver(value: unknown, max: number): boolean {
    const stack: [unknown, number][] = [[value, 0]];
    while (stack.length) {
        const [v, d] = stack.pop()!;
        if (d > max) return true;
        if (v && typeof v === "object")
            for (const child of Object.values(v)) if (child && typeof child === "object") stack.push([child, d + 1]);
    }
    return false;
}

const stateShape = z
    .object({
        type: z.string(),
        inputs: z.record(z.string(), z.unknown()).optional(),
        outputs: z.record(z.string(), z.unknown()).optional(),
    })
    .nullish();
/** The fields of a digest the tools read, with their types; anything else may be there. */
const digestShape = z.object({
    steps: z
        .array(
            z.object({
                op: z.string(),
                urn: z.string(),
                oldState: stateShape,
                newState: stateShape,
                diffReasons: z.array(z.string()).nullish(),
                replaceReasons: z.array(z.string()).nullish(),
                detailedDiff: z.record(z.string(), z.object({ kind: z.string() })).nullish(),
            }),
        )
        .nullish(),
    diagnostics: z.array(z.object({ message: z.string(), severity: z.string() })).nullish(),
    changeSummary: z.record(z.string(), z.number()).nullish(),
});

/**
 * Parses `preview --json` output; the CLI prints nothing on stdout for errors before the engine
 * starts. Anything that is not a digest (garbage, a wrong shape, a null step, junk nested deeper
 * than {@link MAX_DIGEST_DEPTH}) is an error saying where, which the tools report as a failed
 * preview instead of crashing on it.
 */
export function parseDigest(text: string): PreviewDigest {
    const trimmed = text.trim();
    if (!trimmed) throw new Error("the preview printed no JSON (an error before the engine started: see its stderr)");
    const parsed = JSON.parse(trimmed) as PreviewDigest;
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
        throw new Error("the preview's JSON is not a digest object");
    if (depthOver(parsed, MAX_DIGEST_DEPTH))
        throw new Error(`the preview's JSON nests deeper than ${MAX_DIGEST_DEPTH} levels: not a digest`);
    const checked = digestShape.safeParse(parsed);
    if (!checked.success) {
        const first = checked.error.issues[0];
        throw new Error(
            `the preview's JSON is not a digest: ${first.path.join(".") || "(top)"} ${first.message.replace(/^Invalid input: /, "")}`,
        );
    }
    return parsed;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- an engine event is one of ~20 shapes, each read defensively where used
export type EngineEvent = { sequence: number; timestamp: number } & Record<string, any>;

/** Parses an NDJSON event stream; lines that are not JSON objects are an error naming the line. */
export function parseEvents(text: string): EngineEvent[] {
    const events: EngineEvent[] = [];
    text.split("\n").forEach((line, i) => {
        if (!line.trim()) return;
        let e: unknown;
        try {
            e = JSON.parse(line);
        } catch {
            throw new Error(`event log line ${i + 1} is not JSON`);
        }
        if (typeof e === "object" && e !== null) events.push(e as EngineEvent);
    });
    return events;
}

export interface ResourceOutcome {
    urn: string;
    type: string;
    name: string;
    /** The step's op as the engine decided it (`same`, `update`, `delete`, `create`, `replace`...). */
    op: string;
    /** Top-level properties that differ, when the provider said. */
    diffs: string[];
    detailedDiff: Record<string, PropertyDiff> | null;
    old?: { inputs?: Record<string, unknown>; outputs?: Record<string, unknown>; protect?: boolean };
    new?: { inputs?: Record<string, unknown>; outputs?: Record<string, unknown>; protect?: boolean };
}

/** The resource's name: the last part of its URN. */
export const nameOfUrn = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);

/** The resource's type: the last `$`-separated part of the URN's type segment. */
export function typeOfUrn(urn: string): string {
    const parts = urn.split("::");
    const qualified = parts[parts.length - 2] ?? "";
    return qualified.slice(qualified.lastIndexOf("$") + 1);
}

/**
 * Each resource's final verdict in an event stream: the outputs event when there is one (it
 * replaces the pre-event's planned op), else the pre-event.
 */
export function resourceOutcomes(events: EngineEvent[]): ResourceOutcome[] {
    const byUrn = new Map<string, ResourceOutcome>();
    for (const e of events) {
        const m = (e.resOutputsEvent ?? e.resourcePreEvent)?.metadata;
        if (!m?.urn) continue;
        const isOutputs = e.resOutputsEvent !== undefined;
        if (!isOutputs && byUrn.has(m.urn)) continue;
        const detailed = m.detailedDiff
            ? Object.fromEntries(
                  Object.entries(
                      m.detailedDiff as Record<string, { diffKind?: string; kind?: string; inputDiff?: boolean }>,
                  ).map(([k, v]) => [k, { kind: v.diffKind ?? v.kind ?? "update", inputDiff: v.inputDiff }]),
              )
            : null;
        byUrn.set(m.urn, {
            urn: m.urn,
            type: m.type ?? typeOfUrn(m.urn),
            name: nameOfUrn(m.urn),
            op: m.op,
            diffs: m.diffs ?? [],
            detailedDiff: detailed,
            old: m.old ?? undefined,
            new: m.new ?? undefined,
        });
    }
    return [...byUrn.values()];
}
