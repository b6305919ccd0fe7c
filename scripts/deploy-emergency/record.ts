/**
 * The record of emergency deploys: one JSON line per `pulumi up` run outside CI (who, what, when,
 * how it ended), appended to a log file kept in the repository (`deploys/emergency.ndjson`, to be
 * committed like any change), which the next CI run reports in its step summary. A deploy outside
 * the pipeline must not be invisible to it.
 */
import * as fs from "fs";
import * as path from "path";
import { esc } from "../report/markdown";

export const DEFAULT_LOG = path.join("deploys", "emergency.ndjson");

export interface EmergencyRecord {
    version: 1;
    at: string;
    stack: string;
    commit: string | null;
    branch: string | null;
    who: string;
    host: string;
    /** Where it ran: a laptop, or CircleCI (backup path 2). */
    via: "local" | "circleci";
    result: "deployed" | "failed";
    upExitCode: number;
    /** The checks that were waived, if any. */
    waived: string[];
}

export function appendRecord(file: string, record: EmergencyRecord): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.appendFileSync(file, JSON.stringify(record) + "\n");
}

/** The records of the last `days` days (unreadable lines are reported, not dropped silently). */
export function readRecords(file: string, now: Date, days: number): { records: EmergencyRecord[]; unreadable: number } {
    if (!fs.existsSync(file)) return { records: [], unreadable: 0 };
    const since = now.getTime() - days * 86_400_000;
    let unreadable = 0;
    const records: EmergencyRecord[] = [];
    for (const line of fs.readFileSync(file, "utf8").split("\n")) {
        if (!line.trim()) continue;
        try {
            const r = JSON.parse(line) as EmergencyRecord;
            if (typeof r.at === "string" && Date.parse(r.at) >= since) records.push(r);
        } catch {
            unreadable++;
        }
    }
    return { records, unreadable };
}

export function renderReport(records: EmergencyRecord[], unreadable: number, days: number): string {
    if (!records.length && !unreadable) return `No emergency deploys in the last ${days} days.`;
    const lines = [
        `### ⚠️ ${records.length} emergency deploy${records.length === 1 ? "" : "s"} outside CI in the last ${days} days`,
        "",
        "| when | stack | commit | who | via | result | checks waived |",
        "|---|---|---|---|---|---|---|",
        ...records.map(
            (r) =>
                `| ${esc(r.at)} | ${esc(r.stack)} | ${esc((r.commit ?? "unknown").slice(0, 12))} | ${esc(r.who)} | ${esc(r.via)} | ${esc(r.result)} | ${esc(r.waived.join(", ") || "none")} |`,
        ),
    ];
    if (unreadable) lines.push("", `${unreadable} line(s) of the log could not be read.`);
    lines.push("", "Runbook: docs/runbooks/emergency-hotfix.md (follow-up: a PR with the fix, and a normal deploy).");
    return lines.join("\n");
}
