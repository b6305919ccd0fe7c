/**
 * The drift report and its renderings: text for a terminal, markdown for the GitHub issue and the
 * step summary, JSON for machines, and the PagerDuty and Slack messages. Names and property paths
 * only: a drifted value may be a secret, so no value is ever shown.
 */
import type { EmailAlert } from "../notify/email";
import { createHash } from "crypto";
import { Budget, code, esc, shortType } from "../report/markdown";
import { slackEscape, slackLink, SlackMessage } from "../notify/slack";
import type { PagerDutyEvent } from "../notify/pagerduty";
import type { DriftedResource, RefreshVerdict } from "./classify";
import type { UnmanagedResource } from "./unmanaged";

/** Exit codes: as `pulumi refresh --expect-no-changes` (7 for changes), 1 when the run could not decide. */
export const DRIFT_EXIT = { clean: 0, error: 1, usage: 2, drift: 7 } as const;

export type UnmanagedCheck =
    | { status: "checked"; resources: UnmanagedResource[] }
    | { status: "skipped"; reason: string }
    | { status: "failed"; reason: string };

/**
 * The stack's secrets against their Vault backup (scripts/vault/backup.ts), by name: a secret Vault
 * has no copy of, or whose newest copy differs, is drift. Absent when the stack has no backup.
 */
export type BackupCheck =
    | { status: "checked"; checked: number; findings: { name: string; state: "missing" | "differs" }[] }
    | { status: "skipped"; reason: string }
    | { status: "failed"; reason: string };

export interface DriftReport {
    version: 1;
    project: string;
    stack: string;
    /** Whether the stack is production's (pages PagerDuty). */
    production: boolean;
    checkedAt: string;
    status: "clean" | "drift" | "error";
    drifted: DriftedResource[];
    unidentified: number;
    checked: number;
    unmanaged: UnmanagedCheck;
    backup?: BackupCheck;
    errors: string[];
    /** A digest of the drift set: it changes exactly when what drifted changes. */
    fingerprint: string;
    /** Where the run can be seen (Actions run URL), when known. */
    runUrl?: string;
}

export function buildDriftReport(input: {
    project: string;
    stack: string;
    production: boolean;
    verdict?: RefreshVerdict;
    unmanaged: UnmanagedCheck;
    backup?: BackupCheck;
    errors: string[];
    now: Date;
    runUrl?: string;
}): DriftReport {
    const v = input.verdict;
    const drifted = v?.drifted ?? [];
    const unmanagedFound = input.unmanaged.status === "checked" ? input.unmanaged.resources : [];
    const backupFound = input.backup?.status === "checked" ? input.backup.findings : [];
    const anyDrift =
        drifted.length > 0 || (v?.unidentified ?? 0) > 0 || unmanagedFound.length > 0 || backupFound.length > 0;
    // Never a false "clean": a failed refresh, or a failed check with nothing else found, is an error.
    const status =
        input.errors.length || !v
            ? "error"
            : anyDrift
              ? "drift"
              : input.unmanaged.status === "failed" || input.backup?.status === "failed"
                ? "error"
                : "clean";
    const set = [
        ...drifted.map((d) => `${d.kind}|${d.urn}|${[...d.paths].sort().join(",")}`),
        `unidentified|${v?.unidentified ?? 0}`,
        ...unmanagedFound.map((u) => `unmanaged|${u.kind}|${u.id}`),
        ...backupFound.map((b) => `vault|${b.state}|${b.name}`),
    ].sort();
    return {
        version: 1,
        project: input.project,
        stack: input.stack,
        production: input.production,
        checkedAt: input.now.toISOString(),
        status,
        drifted,
        unidentified: v?.unidentified ?? 0,
        checked: v?.checked ?? 0,
        unmanaged: input.unmanaged,
        ...(input.backup ? { backup: input.backup } : {}),
        errors: input.errors,
        fingerprint: createHash("sha256").update(set.join("\n")).digest("hex").slice(0, 16),
        runUrl: input.runUrl,
    };
}

const driftWord = (d: DriftedResource) => (d.kind === "deleted" ? "deleted outside Pulumi" : "changed outside Pulumi");

function headline(r: DriftReport): string {
    if (r.status === "error") return `could not decide whether ${r.project}/${r.stack} drifted`;
    if (r.status === "clean") return `${r.project}/${r.stack}: no drift (${r.checked} resources checked)`;
    const parts = [];
    const changed = r.drifted.filter((d) => d.kind === "changed").length;
    const deleted = r.drifted.length - changed;
    if (changed) parts.push(`${changed} changed`);
    if (deleted) parts.push(`${deleted} deleted`);
    if (r.unidentified) parts.push(`${r.unidentified} not identified`);
    const unmanaged = r.unmanaged.status === "checked" ? r.unmanaged.resources.length : 0;
    if (unmanaged) parts.push(`${unmanaged} unmanaged`);
    const backup = backupFindings(r).length;
    if (backup) parts.push(`${backup} secret${backup === 1 ? "" : "s"} not as backed up in Vault`);
    return `${r.project}/${r.stack} drifted: ${parts.join(", ")}`;
}

/** Each secret whose Vault copy is missing or differs, as a line (names only). */
export const backupFindings = (r: Pick<DriftReport, "backup">): string[] =>
    r.backup?.status === "checked"
        ? r.backup.findings.map((f) =>
              f.state === "missing" ? `${f.name}: no copy in Vault` : `${f.name}: Vault's copy differs`,
          )
        : [];

const backupNote = (b: BackupCheck | undefined) =>
    !b
        ? undefined
        : b.status === "checked"
          ? `Vault backup: ${b.checked - b.findings.length} of ${b.checked} secrets backed up as they are`
          : b.status === "skipped"
            ? `Vault backup not checked: ${b.reason}`
            : `Vault backup check failed: ${b.reason}`;

const unmanagedNote = (u: UnmanagedCheck) =>
    u.status === "checked"
        ? `${u.resources.length} unmanaged Railway resource${u.resources.length === 1 ? "" : "s"}`
        : u.status === "skipped"
          ? `unmanaged resources not checked: ${u.reason}`
          : `unmanaged resources check failed: ${u.reason}`;

export function renderDriftText(r: DriftReport): string {
    const lines = [headline(r)];
    for (const d of r.drifted)
        lines.push(
            `  ${d.kind === "deleted" ? "-" : "~"} ${shortType(d.type)} ${d.name}: ${driftWord(d)}${d.paths.length ? ` [${d.paths.slice(0, 10).join(", ")}${d.paths.length > 10 ? ", …" : ""}]` : ""}`,
        );
    if (r.unidentified)
        lines.push(
            `  ? ${r.unidentified} more resource(s) drifted that the refresh digest does not name (give --events, or let drift run the refresh)`,
        );
    if (r.unmanaged.status === "checked")
        for (const u of r.unmanaged.resources) lines.push(`  + unmanaged ${u.kind} ${u.name} (${u.id})`);
    lines.push(unmanagedNote(r.unmanaged));
    for (const f of backupFindings(r)) lines.push(`  ! ${f}`);
    const backup = backupNote(r.backup);
    if (backup) lines.push(backup);
    for (const e of r.errors) lines.push(`error: ${e}`);
    return lines.join("\n");
}

export function renderDriftJson(r: DriftReport): string {
    return JSON.stringify(r, null, 2);
}

/** The markdown of the report (the issue body and the step summary), within GitHub's 65,536 characters. */
export function renderDriftMarkdown(r: DriftReport, markers: string[] = [], limit = 65_536): string {
    const b = new Budget(limit - 400);
    b.tryAdd(
        [
            ...markers,
            `### ${r.status === "clean" ? "✅" : r.status === "drift" ? "⚠️" : "❓"} ${esc(headline(r))}`,
            "",
        ].join("\n"),
    );
    b.tryAdd(
        `<sub>checked ${esc(r.checkedAt)}${r.runUrl ? ` · [the run](${encodeURI(r.runUrl)})` : ""} · \`npm run drift -- --stack ${esc(r.stack)}\`</sub>\n`,
    );
    for (const e of r.errors) b.tryAdd(`> **error:** ${esc(e, 1000)}\n`);
    let left = 0;
    if (r.drifted.length) {
        b.tryAdd(["| resource | drift | properties |", "|---|---|---|"].join("\n"));
        const rows = r.drifted.map(
            (d) =>
                `| ${code(shortType(d.type))} ${esc(d.name, 200)} | ${driftWord(d)} | ${d.paths
                    .slice(0, 12)
                    .map((p) => code(p, 80))
                    .join(" ")}${d.paths.length > 12 ? " …" : ""} |`,
        );
        const shown = b.addItems(rows, 3000);
        left += rows.length - shown;
        b.tryAdd("");
    }
    if (r.unidentified)
        b.tryAdd(
            `${r.unidentified} more resource(s) drifted that the refresh digest does not name (its event log was not given).\n`,
        );
    if (r.unmanaged.status === "checked" && r.unmanaged.resources.length) {
        b.tryAdd(
            [
                "**Unmanaged Railway resources** (in the stack's environment, managed by no resource of the stack):",
                "",
                "| kind | name | id |",
                "|---|---|---|",
            ].join("\n"),
        );
        const rows = r.unmanaged.resources.map((u) => `| ${u.kind} | ${esc(u.name, 200)} | ${code(u.id)} |`);
        const shown = b.addItems(rows, 2000);
        left += rows.length - shown;
        b.tryAdd("");
    } else b.tryAdd(`${esc(unmanagedNote(r.unmanaged))}.\n`);
    const backupLines = backupFindings(r);
    if (backupLines.length) {
        b.tryAdd("**Secrets not as backed up in Vault** (`npm run secret:backup` copies the stack's values there):\n");
        const shown = b.addItems(
            backupLines.map((l) => `- ${esc(l, 200)}`),
            2000,
        );
        left += backupLines.length - shown;
        b.tryAdd("");
    }
    const backup = backupNote(r.backup);
    if (backup) b.tryAdd(`${esc(backup)}.\n`);
    if (left)
        b.tryAdd(
            `${left} rows left out to stay within GitHub's limit; \`npm run drift -- --stack ${esc(r.stack)} --format json\` lists them all.\n`,
        );
    if (r.status === "drift")
        b.tryAdd(
            [
                "**What to do** (docs/runbooks/drift.md): if the change outside Pulumi was wrong, `pulumi up` puts the code's settings back;",
                "if it was right, change the stack's code or config to match, then `pulumi up`. An unmanaged resource is either adopted",
                "into the stack (declare it; Railway resources adopt by id) or deleted in Railway.",
            ].join(" "),
        );
    return b.toString();
}

export const driftMarker = (project: string, stack: string) =>
    `<!-- ainative-drift:${project.replace(/-->/g, "")}/${stack.replace(/-->/g, "")} -->`;
export const fingerprintMarker = (fp: string) => `<!-- ainative-drift-set:${fp} -->`;
export const fingerprintIn = (body: string) => /<!-- ainative-drift-set:([0-9a-f]{16}) -->/.exec(body)?.[1];

export const driftIssueTitle = (r: DriftReport) => `Drift: ${r.project}/${r.stack} differs from its code`;

export function pagerDutyDriftEvent(r: DriftReport, issueUrl?: string): PagerDutyEvent {
    const dedupKey = `drift/${r.project}/${r.stack}`;
    if (r.status === "clean") return { action: "resolve", dedupKey };
    const unmanaged = r.unmanaged.status === "checked" ? r.unmanaged.resources : [];
    return {
        action: "trigger",
        dedupKey,
        summary: headline(r),
        source: `${r.project}/${r.stack}`,
        severity: "warning",
        customDetails: {
            changed: r.drifted
                .filter((d) => d.kind === "changed")
                .slice(0, 30)
                .map((d) => `${shortType(d.type)} ${d.name}: ${d.paths.slice(0, 5).join(", ")}`),
            deleted: r.drifted
                .filter((d) => d.kind === "deleted")
                .slice(0, 30)
                .map((d) => `${shortType(d.type)} ${d.name}`),
            unidentified: r.unidentified,
            unmanaged: unmanaged.slice(0, 30).map((u) => `${u.kind} ${u.name}`),
            vault: backupFindings(r).slice(0, 30),
            issue: issueUrl,
            run: r.runUrl,
        },
        links: [
            ...(issueUrl ? [{ href: issueUrl, text: "Drift issue" }] : []),
            ...(r.runUrl ? [{ href: r.runUrl, text: "Drift run" }] : []),
        ],
    };
}

/** The drift alert as an email (scripts/notify/email.ts): what Slack is told, as lines. */
export function driftEmail(r: DriftReport, issueUrl?: string): EmailAlert {
    const base = { kind: "drift" as const, stack: r.stack, dedupKey: `drift/${r.project}/${r.stack}` };
    if (r.status === "clean")
        return {
            ...base,
            verdict: "drift resolved",
            summary: `${r.project}/${r.stack} matches its code again (checked ${r.checkedAt}).`,
            link: issueUrl ? { url: issueUrl, text: "The drift issue, closed" } : undefined,
        };
    const unmanaged = r.unmanaged.status === "checked" ? r.unmanaged.resources : [];
    return {
        ...base,
        verdict: "drift",
        summary: `Drift in ${r.project}/${r.stack}: ${headline(r)} (checked ${r.checkedAt}).`,
        log: {
            title: "What drifted",
            lines: [
                ...r.drifted.map(
                    (d) =>
                        `${d.kind === "deleted" ? "deleted" : "changed"} ${shortType(d.type)} ${d.name}${d.paths.length ? `: ${d.paths.slice(0, 4).join(", ")}` : ""}`,
                ),
                ...(r.unidentified ? [`${r.unidentified} more not identified`] : []),
                ...unmanaged.map((u) => `unmanaged ${u.kind} ${u.name}`),
                ...backupFindings(r),
            ],
        },
        link: issueUrl
            ? { url: issueUrl, text: "The drift issue" }
            : r.runUrl
              ? { url: r.runUrl, text: "The run" }
              : undefined,
    };
}

export function slackDriftMessage(r: DriftReport, repo: string | undefined, issueUrl?: string): SlackMessage {
    const where = `${repo ? `${repo} · ` : ""}${r.project}/${r.stack}`;
    if (r.status === "clean")
        return {
            text: `Drift resolved: ${where} matches its code again`,
            header: `✅ Drift resolved: ${r.project}/${r.stack}`,
            sections: [
                `*${slackEscape(where)}* matches its code again${issueUrl ? ` (${slackLink(issueUrl, "issue closed")})` : ""}.`,
            ],
        };
    const lines = r.drifted
        .slice(0, 20)
        .map(
            (d) =>
                `• \`${slackEscape(shortType(d.type))}\` ${slackEscape(d.name)}: ${d.kind === "deleted" ? "deleted" : `changed ${slackEscape(d.paths.slice(0, 4).join(", "))}`}`,
        );
    if (r.drifted.length > 20) lines.push(`… and ${r.drifted.length - 20} more`);
    if (r.unidentified) lines.push(`• ${r.unidentified} more not identified`);
    const unmanaged = r.unmanaged.status === "checked" ? r.unmanaged.resources : [];
    for (const u of unmanaged.slice(0, 10)) lines.push(`• unmanaged ${u.kind} ${slackEscape(u.name)}`);
    if (unmanaged.length > 10) lines.push(`… and ${unmanaged.length - 10} more unmanaged`);
    const backup = backupFindings(r);
    for (const f of backup.slice(0, 10)) lines.push(`• ${slackEscape(f)}`);
    if (backup.length > 10) lines.push(`… and ${backup.length - 10} more secrets not as backed up`);
    return {
        text: `Drift in ${where}: ${headline(r)}`,
        header: `⚠️ Drift in ${r.project}/${r.stack}`,
        sections: [`*${slackEscape(where)}*: ${slackEscape(headline(r))}`, lines.join("\n")],
        context:
            [
                issueUrl ? slackLink(issueUrl, "Drift issue") : undefined,
                r.runUrl ? slackLink(r.runUrl, "Run") : undefined,
            ]
                .filter(Boolean)
                .join(" · ") || undefined,
    };
}
