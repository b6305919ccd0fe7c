/**
 * The lines that explain a failed deployment: the end of its build log (FAILED) or of its deploy
 * log (CRASHED), read from Railway, bounded, with every value this run knows to be secret and
 * anything credential-shaped cut out. What the gate puts in its record and its reason, so that the
 * `pulumi up` error says why, not only that.
 */
import { gql } from "../../providers/railway";
import { GATE_REDACT_VARIABLE as REDACT_VARIABLE } from "../../config/stack.schema";
import { SECRET_NAME } from "../../config/values";
import type { Deployment, RailwayTarget } from "./deployments";
import { scrub } from "./probes";

export const FAILURE_LOG_LINES = 20;

export interface FailureLogs {
    deploymentId: string;
    status: string;
    kind: "build" | "deploy";
    /** The last lines, oldest first, redacted and cut to 300 characters each. */
    lines: string[];
    /** Why there are none, when Railway could not be read. */
    problem?: string;
}

/**
 * The values worth cutting out of text: this process's secret-named variables (tokens, passwords,
 * keys) and the stack's secret values (GATE_REDACT_VARIABLE, set by DeploymentGate). Shorter than 6 characters is too short
 * to cut without mangling ordinary words.
 */
export function knownSecrets(env: NodeJS.ProcessEnv): string[] {
    const named = Object.entries(env)
        .filter(([name, value]) => SECRET_NAME.test(name) && typeof value === "string")
        .map(([, value]) => value!);
    let stack: unknown;
    try {
        stack = JSON.parse(env[REDACT_VARIABLE] ?? "[]");
    } catch {
        // Not JSON (set by hand): cut it whole.
        stack = [env[REDACT_VARIABLE]];
    }
    const listed = Array.isArray(stack) ? stack.filter((v): v is string => typeof v === "string") : [];
    return [...new Set([...named, ...listed])].filter((v) => v.length >= 6).sort((a, b) => b.length - a.length);
}

/** How much of one log line is looked at past the known secrets: an app may print a megabyte on one line. */
export const LOG_LINE_CHARS = 4096;

/** Terminal escape sequences (colours, cursor moves, titles): an app's log is full of them, a reader wants none. */
// eslint-disable-next-line no-control-regex -- matching terminal escapes is the point
const ANSI = /\u001b(?:\[[0-9;?]*[ -/]*[@-~]|\][^\u0007\u001b]{0,4096}(?:\u0007|\u001b\\)|[@-Z\\-_])/g;

/**
 * Credential shapes of log text, beyond those of config values (config/values.ts): an app's log is
 * hostile and prints them in any form. Each keeps its label and loses its value.
 */
const LOG_CREDENTIALS: [RegExp, string][] = [
    // An HTTP header as printed by curl, a proxy or a framework's request dump.
    [/\b((?:proxy-)?authorization|x-api-key|cookie|set-cookie)(\s*[:=]\s*)[^\r\n]{1,4096}/gi, "$1$2[redacted]"],
    [/\b(bearer|basic|token)(\s+)[A-Za-z0-9._~+/=-]{6,}/gi, "$1$2[redacted]"],
    // `password hunter2`, `token=abc…`, `"secret": "…"`, `api_key: …`.
    [
        /\b(pass(?:word)?|passwd|pwd|secret|client[_-]?secret|token|auth[_-]?token|access[_-]?token|api[_-]?key|apikey|access[_-]?key|private[_-]?key)(["']?\s*[:=]\s*|\s+)["']?[^\s"',;]{4,}/gi,
        "$1$2[redacted]",
    ],
];

/**
 * One line of an app's log made fit to leave this run (stdout, a record, Slack, PagerDuty, GitHub):
 * the stack's known secret values cut out on the whole line first, then bounded, terminal escapes
 * removed, credential shapes cut out, the rest escaped and cut to 300 characters (scrub).
 */
export function redactLine(line: string, secrets: string[]): string {
    let text = line;
    for (const s of secrets) text = text.split(s).join("[redacted]");
    if (text.length > LOG_LINE_CHARS) text = `${text.slice(0, LOG_LINE_CHARS)}… (${line.length} characters)`;
    text = text.replace(ANSI, "");
    for (const [shape, label] of LOG_CREDENTIALS) text = text.replace(shape, label);
    return scrub(text);
}

export async function failureLogs(t: RailwayTarget, d: Deployment, secrets: string[]): Promise<FailureLogs> {
    const kind = d.status === "CRASHED" ? "deploy" : "build";
    const base = { deploymentId: d.id, status: d.status, kind } as const;
    try {
        const lines =
            kind === "build"
                ? (await gql(t.apiUrl, "BuildLogs", { deploymentId: d.id, limit: FAILURE_LOG_LINES }, { env: t.env }))
                      .buildLogs
                : (
                      await gql(
                          t.apiUrl,
                          "DeploymentLogs",
                          { deploymentId: d.id, limit: FAILURE_LOG_LINES },
                          { env: t.env },
                      )
                  ).deploymentLogs;
        return { ...base, lines: lines.slice(-FAILURE_LOG_LINES).map((l) => redactLine(l.message, secrets)) };
    } catch (e) {
        return { ...base, lines: [], problem: `its ${kind} log could not be read: ${scrub((e as Error).message)}` };
    }
}

/** The last few lines, for a one-paragraph reason. */
export function tail(logs: FailureLogs, n = 5): string {
    if (!logs.lines.length) return logs.problem ?? `its ${logs.kind} log is empty`;
    return `the end of its ${logs.kind} log: ${logs.lines.slice(-n).join(" | ")}`;
}
