/**
 * Who hears about drift, and only as often as something changed:
 *
 * - GitHub: one open issue per stack, labelled `drift` and found by its marker. Created when drift
 *   appears, its body rewritten when the drift set changes, commented on and closed when the stack
 *   is clean again. The issue's body remembers the drift set's fingerprint, which is what makes the
 *   other two "once per change" across runs on fresh CI machines.
 * - Slack (SLACK_WEBHOOK_URL): one message when the drift set changes, one when it is resolved;
 *   email (SMTP_URL, to the stack's recipients who get `everything`) likewise.
 * - PagerDuty (production only, PAGERDUTY_ROUTING_KEY): a trigger with dedup key
 *   `drift/<project>/<stack>` on every drifted run (PagerDuty keeps one incident per key), a
 *   resolve on a clean run. Staging never pages.
 *
 * A run that could not decide (status "error") touches none of them. A failure to notify is
 * reported in the result, never hidden, and does not turn drift into "clean".
 */
import { describeGitHubError, GitHubClient, RepoRef } from "../github/client";
import { createMarkedIssue, openMarkedIssues } from "../github/sticky";
import { sendPagerDutyEvent } from "../notify/pagerduty";
import { EmailSettings, sendAlertEmail } from "../notify/email";
import { postSlack } from "../notify/slack";
import type { PostOptions } from "../notify/http";
import {
    DriftReport,
    driftIssueTitle,
    driftMarker,
    fingerprintIn,
    fingerprintMarker,
    pagerDutyDriftEvent,
    renderDriftMarkdown,
    slackDriftMessage,
    driftEmail,
} from "./report";

export const DRIFT_LABEL = "drift";

export interface AlertTargets {
    github?: { client: GitHubClient; repo: RepoRef };
    pagerduty?: { routingKey: string; eventsUrl?: string };
    slackWebhookUrl?: string;
    email?: EmailSettings;
    /** Backoff of PagerDuty and Slack posts (tests shrink it). */
    post?: PostOptions;
}

export interface AlertOutcome {
    issue: string;
    pagerduty: string;
    slack: string;
    email: string;
}

interface IssueStep {
    outcome: string;
    url?: string;
    /** Whether the drift set differs from what the issue last recorded (or there is no memory). */
    changed: boolean;
    /** Whether an open issue was closed now (the drift was resolved). */
    resolved: boolean;
}

async function syncIssue(t: NonNullable<AlertTargets["github"]>, r: DriftReport): Promise<IssueStep> {
    const marker = driftMarker(r.project, r.stack);
    const open = await openMarkedIssues(t.client, t.repo, marker, DRIFT_LABEL);
    const [keep, ...extra] = open;
    // Duplicates another tool or a race left: closed in favour of the oldest.
    for (const dup of extra) {
        await t.client.rest.issues.createComment({
            ...t.repo,
            issue_number: dup.number,
            body: `Duplicate of #${keep.number}: one drift issue per stack.`,
        });
        await t.client.rest.issues.update({
            ...t.repo,
            issue_number: dup.number,
            state: "closed",
            state_reason: "not_planned",
        });
    }
    if (r.status === "clean") {
        if (!keep) return { outcome: "no open drift issue", changed: false, resolved: false };
        await t.client.rest.issues.createComment({
            ...t.repo,
            issue_number: keep.number,
            body: `✅ No drift as of ${r.checkedAt}${r.runUrl ? ` ([the run](${encodeURI(r.runUrl)}))` : ""}: ${r.project}/${r.stack} matches its code again. Closing.`,
        });
        await t.client.rest.issues.update({
            ...t.repo,
            issue_number: keep.number,
            state: "closed",
            state_reason: "completed",
        });
        return { outcome: `closed #${keep.number}`, url: keep.url, changed: true, resolved: true };
    }
    const body = renderDriftMarkdown(r, [marker, fingerprintMarker(r.fingerprint)]);
    if (!keep) {
        const created = await createMarkedIssue(t.client, t.repo, marker, {
            title: driftIssueTitle(r),
            body,
            labels: [DRIFT_LABEL],
        });
        return { outcome: `opened #${created.number}`, url: created.url, changed: true, resolved: false };
    }
    if (fingerprintIn(keep.body) === r.fingerprint)
        return { outcome: `#${keep.number} unchanged (same drift)`, url: keep.url, changed: false, resolved: false };
    await t.client.rest.issues.update({ ...t.repo, issue_number: keep.number, title: driftIssueTitle(r), body });
    return { outcome: `updated #${keep.number} (the drift changed)`, url: keep.url, changed: true, resolved: false };
}

const posted = (what: string, r: { ok: boolean; status?: number; detail: string }) =>
    r.ok ? `${what}` : `failed: ${r.status ? `HTTP ${r.status} ` : ""}${r.detail.slice(0, 200)}`;

export async function sendDriftAlerts(r: DriftReport, t: AlertTargets, repoName?: string): Promise<AlertOutcome> {
    const out: AlertOutcome = {
        issue: "skipped: no --repo",
        pagerduty: "skipped",
        slack: "skipped: SLACK_WEBHOOK_URL not set",
        email: "skipped: SMTP_URL or the stack's alerts.email.recipients not set",
    };
    if (r.status === "error")
        return {
            issue: "skipped: the run could not decide",
            pagerduty: "skipped: the run could not decide",
            slack: "skipped: the run could not decide",
            email: "skipped: the run could not decide",
        };
    let step: IssueStep | undefined;
    if (t.github) {
        try {
            step = await syncIssue(t.github, r);
            out.issue = step.outcome;
        } catch (e) {
            out.issue = `failed: ${describeGitHubError(e)}`;
        }
    }
    if (!r.production) out.pagerduty = "skipped: only production pages";
    else if (!t.pagerduty) out.pagerduty = "skipped: PAGERDUTY_ROUTING_KEY not set";
    else {
        const event = pagerDutyDriftEvent(r, step?.url);
        const res = await sendPagerDutyEvent(t.pagerduty.routingKey, event, t.pagerduty.eventsUrl, t.post);
        out.pagerduty = posted(`sent ${event.action} (${event.dedupKey})`, res);
    }
    // With an issue as memory, only a change is news; without one, every drifted run says so.
    const news = step ? step.changed && (r.status === "drift" || step.resolved) : r.status === "drift";
    const quiet = step ? "skipped: nothing changed since the last message" : "skipped: clean";
    if (t.slackWebhookUrl) {
        if (!news) out.slack = quiet;
        else {
            const res = await postSlack(t.slackWebhookUrl, slackDriftMessage(r, repoName, step?.url), t.post);
            out.slack = posted(r.status === "clean" ? "sent: resolved" : "sent: drift", res);
        }
    }
    if (t.email) out.email = news ? await sendAlertEmail(t.email, driftEmail(r, step?.url)) : quiet;
    return out;
}
