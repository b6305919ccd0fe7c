/**
 * Alerts by email, beside Slack and PagerDuty: the same events, to the addresses a stack lists
 * (`alerts.email.recipients`, each getting `failures` or `everything`), over SMTP with TLS
 * (nodemailer): `smtps://` is TLS from the first byte, `smtp://` must upgrade with STARTTLS or the
 * message is not sent; never in clear. The server's certificate is verified (AINATIVE_SMTP_CA adds a
 * private CA).
 *
 * - One message per event: a text part and an HTML part built from the same lines, each line
 *   already redacted as Slack's are, control characters removed, bounded in lines and size.
 * - The subject names the stack, the service and the verdict.
 * - The Message-ID comes from the event's dedup key (PagerDuty's), so a repeat is the same message.
 * - SMTP_URL carries the credentials: used, never printed; a failure is reported by what failed,
 *   and never turns a verdict.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import { createTransport } from "nodemailer";
import type { AlertRecipient } from "../../config/alert-recipients";

/** An address and what it gets, as a stack file lists it (config/stack.schema.ts `alertsSchema`). */
export type EmailRecipient = AlertRecipient;

export interface EmailSettings {
    /** SMTP_URL: `smtps://user:password@host:465` or `smtp://user:password@host:587` (STARTTLS required). */
    smtpUrl: string;
    /** ALERT_EMAIL_FROM. */
    from: string;
    /** AINATIVE_SMTP_CA: a PEM file of a CA to trust besides the system's (a company relay, the tests). */
    caFile?: string;
    recipients: EmailRecipient[];
}

export type AlertKind =
    "failed-deployment" | "rollback" | "rollback-failed" | "drift" | "rotation-overdue" | "review-refused";

/** What `failures` recipients get: a deployment that failed, and a rollback (done or failed). */
export const FAILURE_KINDS: readonly AlertKind[] = ["failed-deployment", "rollback", "rollback-failed"];

export interface EmailAlert {
    kind: AlertKind;
    stack: string;
    service?: string;
    /** The verdict in a few words: `FAILED`, `rolled back`, `drift`. */
    verdict: string;
    /** What happened, in one paragraph. */
    summary: string;
    /** Facts as label and value (deployment, commit, reason). */
    details?: [string, string][];
    /** The end of a log, already redacted. */
    log?: { title: string; lines: string[] };
    link?: { url: string; text: string };
    /** The event's identity across reporters and runs (PagerDuty's dedup key). */
    dedupKey: string;
}

/** At most this many log lines, each this long, and this much text in all. */
export const EMAIL_LIMITS = { logLines: 50, lineChars: 300, bodyChars: 64_000, subjectChars: 200 };

/** Terminal escape sequences, removed whole (a colour code is noise, not text). */
// eslint-disable-next-line no-control-regex -- matching terminal escapes is the point
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;
/** Control characters (NUL, CR, LF, ESC…) and bidi overrides: each becomes a space. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** One line of an email made inert and bounded: no escape, no control character, at most `max` characters. */
function clean(text: string, max: number): string {
    const t = text.replace(ANSI, "").replace(CONTROLS, " ");
    return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

const escapeHtml = (s: string) =>
    s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

/** The message an alert makes: subject, text part, HTML part and Message-ID. */
export function renderEmail(a: EmailAlert): { subject: string; text: string; html: string; messageId: string } {
    const where = a.service ? `${a.stack}/${a.service}` : a.stack;
    const subject = clean(`[ainative] ${where}: ${a.verdict}`, EMAIL_LIMITS.subjectChars);
    const summary = clean(a.summary, 2000);
    const details = (a.details ?? []).map(([k, v]) => [clean(k, 60), clean(v, 500)] as const);
    const log = a.log
        ? {
              title: clean(a.log.title, 200),
              lines: a.log.lines.slice(-EMAIL_LIMITS.logLines).map((l) => clean(l, EMAIL_LIMITS.lineChars)),
          }
        : undefined;
    const link =
        a.link && /^https?:\/\/[^\s<>"]+$/.test(a.link.url)
            ? { url: a.link.url, text: clean(a.link.text, 100) }
            : undefined;
    const text = [
        summary,
        "",
        ...details.map(([k, v]) => `${k}: ${v}`),
        ...(log ? ["", `${log.title}:`, ...log.lines.map((l) => `    ${l}`)] : []),
        ...(link ? ["", `${link.text}: ${link.url}`] : []),
        "",
        "-- sent by ainative-platform to the addresses in this stack's alerts.email.recipients",
    ]
        .join("\n")
        .slice(0, EMAIL_LIMITS.bodyChars);
    const html = [
        `<p>${escapeHtml(summary)}</p>`,
        details.length
            ? `<table>${details.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join("")}</table>`
            : "",
        log ? `<p>${escapeHtml(log.title)}:</p><pre>${escapeHtml(log.lines.join("\n"))}</pre>` : "",
        link ? `<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.text)}</a></p>` : "",
    ]
        .join("\n")
        .slice(0, EMAIL_LIMITS.bodyChars);
    const messageId = `<${createHash("sha256").update(a.dedupKey).digest("hex").slice(0, 40)}@alerts.ainative-platform>`;
    return { subject, text, html, messageId };
}

/** Who gets an alert of this kind. */
export function recipientsFor(kind: AlertKind, recipients: EmailRecipient[]): string[] {
    return recipients.filter((r) => r.gets === "everything" || FAILURE_KINDS.includes(kind)).map((r) => r.address);
}

/** The settings from the environment and the stack's recipients; undefined when email is not set up. */
export function emailSettingsFrom(
    env: NodeJS.ProcessEnv,
    recipients: EmailRecipient[] | undefined,
): EmailSettings | undefined {
    if (!env.SMTP_URL || !recipients?.length) return undefined;
    return {
        smtpUrl: env.SMTP_URL,
        from: env.ALERT_EMAIL_FROM || "ainative-platform alerts <alerts@localhost>",
        caFile: env.AINATIVE_SMTP_CA || undefined,
        recipients,
    };
}

/** An SMTP error without the credentials in it, bounded. */
function describe(e: unknown, url: URL): string {
    let m = String((e as Error)?.message ?? e);
    for (const v of [url.password, decodeURIComponent(url.password), url.username, decodeURIComponent(url.username)])
        if (v) m = m.split(v).join("[redacted]");
    return clean(m, 200);
}

export interface SendOptions {
    /** Each of connection, greeting and socket inactivity; default 10 s. */
    timeoutMs?: number;
}

/**
 * Sends the alert to those of the stack's recipients who get its kind. Resolves with what happened
 * ("sent to 2 addresses", "skipped: …", "failed: …"); never rejects.
 */
export async function sendAlertEmail(
    settings: EmailSettings | undefined,
    alert: EmailAlert,
    opts: SendOptions = {},
): Promise<string> {
    if (!settings) return "skipped: SMTP_URL or the stack's alerts.email.recipients not set";
    const to = recipientsFor(alert.kind, settings.recipients);
    if (!to.length) return `skipped: no address of this stack gets ${alert.kind}`;
    let url: URL;
    try {
        url = new URL(settings.smtpUrl);
    } catch {
        return "failed: SMTP_URL is not a URL (smtps://user:password@host:465 or smtp://user:password@host:587)";
    }
    if (url.protocol !== "smtps:" && url.protocol !== "smtp:")
        return `failed: SMTP_URL must be smtps:// (TLS) or smtp:// (STARTTLS), not ${clean(url.protocol, 20)}`;
    const timeout = opts.timeoutMs ?? 10_000;
    try {
        const ca = settings.caFile ? fs.readFileSync(settings.caFile, "utf8") : undefined;
        const transport = createTransport({
            host: url.hostname,
            port: Number(url.port) || (url.protocol === "smtps:" ? 465 : 587),
            secure: url.protocol === "smtps:",
            // Never in clear: without STARTTLS the message is not sent.
            requireTLS: true,
            auth: url.username
                ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
                : undefined,
            tls: { ...(ca ? { ca } : {}), minVersion: "TLSv1.2" },
            connectionTimeout: timeout,
            greetingTimeout: timeout,
            socketTimeout: timeout,
        });
        const m = renderEmail(alert);
        try {
            await transport.sendMail({
                from: settings.from,
                to,
                subject: m.subject,
                text: m.text,
                html: m.html,
                messageId: m.messageId,
                headers: { "X-Ainative-Event": clean(alert.dedupKey, 200) },
            });
        } finally {
            transport.close();
        }
        return `sent to ${to.length} address${to.length > 1 ? "es" : ""}`;
    } catch (e) {
        return `failed: ${describe(e, url)}`;
    }
}
