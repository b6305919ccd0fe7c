/**
 * Who hears about a rollback, and about a deployment that failed to build or crashed:
 * - PagerDuty (Events API v2, routing key from the environment): every rollback; a failed
 *   deployment when the stack pages for it (production by default);
 * - the GitHub deployment being recorded (GITHUB_DEPLOYMENT_ID): a `failure` status;
 * - the commit's status (context `railway/<stack>/<service>`), for a failed deployment;
 * - Slack (SLACK_WEBHOOK_URL), for a failed deployment, with the end of its log;
 * - email (SMTP_URL, to the stack's `alerts.email.recipients`): a failed deployment, with the end
 *   of its log, and a rollback, done or failed.
 * None failing stops the gate; each outcome is recorded. Keys, tokens and the webhook URL are
 * never printed, and the log lines given here are already redacted (failure-logs.ts).
 */
import { describeGitHubError, githubClient, parseRepo } from "../github/client";
import { sendPagerDutyEvent } from "../notify/pagerduty";
import { EmailRecipient, emailSettingsFrom, EmailSettings, sendAlertEmail } from "../notify/email";
import { postSlack, slackEscape, slackLink } from "../notify/slack";
import type { FailureLogs } from "./failure-logs";
import { scrub } from "./probes";

export interface NotifyConfig {
    /** PAGERDUTY_ROUTING_KEY (the stack output `pagerdutyRoutingKeys.<service>`). */
    pagerdutyRoutingKey?: string;
    /** PAGERDUTY_EVENTS_URL; default PagerDuty's. */
    pagerdutyEventsUrl?: string;
    /**
     * GITHUB_TOKEN, GITHUB_REPOSITORY (owner/repo), GITHUB_API_URL; GITHUB_DEPLOYMENT_ID (the
     * deployment being recorded, when there is one); the run's page (GITHUB_SERVER_URL,
     * GITHUB_RUN_ID), linked from the statuses.
     */
    github?: { token: string; repository: string; deploymentId?: string; apiUrl?: string; runUrl?: string };
    /** SLACK_WEBHOOK_URL. */
    slackWebhookUrl?: string;
    /** GITHUB_SHA: the commit a status goes on when Railway's deployment does not name one. */
    commitSha?: string;
    /** SMTP_URL, ALERT_EMAIL_FROM, AINATIVE_SMTP_CA, and the stack's `alerts.email.recipients`. */
    email?: EmailSettings;
}

export function notifyConfigFromEnv(env: NodeJS.ProcessEnv, recipients?: EmailRecipient[]): NotifyConfig {
    const runUrl =
        env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && /^\d+$/.test(env.GITHUB_RUN_ID ?? "")
            ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
            : undefined;
    const github =
        env.GITHUB_TOKEN && env.GITHUB_REPOSITORY
            ? {
                  token: env.GITHUB_TOKEN,
                  repository: env.GITHUB_REPOSITORY,
                  deploymentId: env.GITHUB_DEPLOYMENT_ID || undefined,
                  apiUrl: env.GITHUB_API_URL,
                  runUrl,
              }
            : undefined;
    return {
        pagerdutyRoutingKey: env.PAGERDUTY_ROUTING_KEY || undefined,
        pagerdutyEventsUrl: env.PAGERDUTY_EVENTS_URL || undefined,
        slackWebhookUrl: env.SLACK_WEBHOOK_URL || undefined,
        commitSha: env.GITHUB_SHA || undefined,
        github,
        email: emailSettingsFrom(env, recipients),
    };
}

const DEPLOYMENT_ID = /^[1-9]\d{0,15}$/;
const SHA = /^[0-9a-f]{40}$/;
const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

async function deploymentStatus(cfg: NotifyConfig, stack: string, description: string): Promise<string> {
    const gh = cfg.github;
    if (!gh?.deploymentId) return "skipped: GITHUB_TOKEN, GITHUB_REPOSITORY or GITHUB_DEPLOYMENT_ID not set";
    try {
        if (!DEPLOYMENT_ID.test(gh.deploymentId))
            throw new Error("GITHUB_DEPLOYMENT_ID is not a deployment id (a number)");
        const { owner, repo } = parseRepo(gh.repository);
        await githubClient({ token: gh.token, apiUrl: gh.apiUrl }).rest.repos.createDeploymentStatus({
            owner,
            repo,
            deployment_id: Number(gh.deploymentId),
            state: "failure",
            // GitHub refuses a description over 140 characters.
            description: cut(description, 140),
            environment: stack,
            ...(gh.runUrl ? { log_url: gh.runUrl } : {}),
        });
        return "sent";
    } catch (e) {
        return `failed: ${scrub(describeGitHubError(e))}`;
    }
}

export async function notifyRollback(
    cfg: NotifyConfig,
    event: {
        stack: string;
        service: string;
        from: string;
        to: string;
        reason: string;
        newDeploymentId?: string;
        status: string;
    },
): Promise<{ pagerduty: string; github: string; email: string }> {
    let pagerduty = "skipped: PAGERDUTY_ROUTING_KEY not set";
    if (cfg.pagerdutyRoutingKey) {
        const sent = await sendPagerDutyEvent(
            cfg.pagerdutyRoutingKey,
            {
                action: "trigger",
                // One incident per failed deployment, however often the gate runs.
                dedupKey: `ainative-gate/${event.stack}/${event.service}/${event.from}`,
                summary: `${event.stack}/${event.service}: deployment ${event.from} rolled back to ${event.to}: ${event.reason}`,
                source: `ainative-platform/${event.stack}/${event.service}`,
                severity: event.stack === "production" ? "critical" : "warning",
                customDetails: event,
            },
            cfg.pagerdutyEventsUrl,
        );
        pagerduty = sent.ok ? "sent" : `failed: ${sent.status ? `HTTP ${sent.status}` : scrub(sent.detail)}`;
    }
    const github = await deploymentStatus(cfg, event.stack, `Rolled back by the health gate: ${event.reason}`);
    const failed = event.status !== "SUCCESS";
    const email = await sendAlertEmail(cfg.email, {
        kind: failed ? "rollback-failed" : "rollback",
        stack: event.stack,
        service: event.service,
        verdict: failed ? `rollback ${event.status}` : "rolled back",
        summary: `${event.stack}/${event.service}: deployment ${event.from} was rolled back to ${event.to}${failed ? `, and the rollback's deployment is ${event.status}: a person must look` : ""}. ${event.reason}`,
        details: [
            ["Rolled back", event.from],
            ["To", event.to],
            ["Rollback deployment", `${event.newDeploymentId ?? "not seen"} (${event.status})`],
        ],
        link: cfg.github?.runUrl ? { url: cfg.github.runUrl, text: "The run" } : undefined,
        dedupKey: `ainative-gate/${event.stack}/${event.service}/${event.from}`,
    });
    return { pagerduty, github, email };
}

/** A deployment that ended FAILED or CRASHED, and who started it. */
export interface FailedDeployment {
    stack: string;
    service: string;
    /** `pulumi up` (the gate judging the deployment it started), the gate's rollback, or Railway itself (a push). */
    origin: "pulumi up" | "rollback" | "railway";
    deploymentId: string;
    status: string;
    /** The commit Railway built (its deployment's meta), when it names one. */
    commit?: string;
    /** The end of its build or deploy log, already redacted. */
    failure: FailureLogs;
    /** Page PagerDuty for it (the stack's `gate.pageOnFailedDeployment`, production by default). */
    page: boolean;
}

export interface FailureNotifications {
    github: string;
    commitStatus: string;
    slack: string;
    pagerduty: string;
    email: string;
}

/** How a status names a deployment (its description holds at most 140 characters). */
const shortId = (id: string) => id.slice(0, 8);

/**
 * Whether a failure of this deployment is on the commit's statuses already (the gate reported the
 * deployment it judged, or an earlier watcher did), so that a second reporter stays quiet. When
 * GitHub cannot say, the answer is false: a duplicate message beats a silent failure.
 */
export async function alreadyReported(
    cfg: NotifyConfig,
    e: { stack: string; service: string; deploymentId: string; commit?: string },
): Promise<boolean> {
    const sha = e.commit && SHA.test(e.commit) ? e.commit : cfg.commitSha;
    if (!cfg.github || !sha || !SHA.test(sha)) return false;
    try {
        const { owner, repo } = parseRepo(cfg.github.repository);
        const statuses = await githubClient({ token: cfg.github.token, apiUrl: cfg.github.apiUrl }).paginate(
            "GET /repos/{owner}/{repo}/commits/{ref}/statuses",
            { owner, repo, ref: sha, per_page: 100 },
        );
        const context = statusContext(e.stack, e.service).toLowerCase();
        return statuses.some(
            (s) =>
                s.context.toLowerCase() === context &&
                s.state === "failure" &&
                (s.description ?? "").includes(` ${shortId(e.deploymentId)}:`),
        );
    } catch {
        return false;
    }
}

/** The commit-status context of a service's Railway deployments in a stack. */
export const statusContext = (stack: string, service: string) => `railway/${stack}/${service}`;

/** The line that says most: the last error-looking one, else the last. */
function keyLine(f: FailureLogs): string {
    const lines = f.lines;
    return (
        [...lines].reverse().find((l) => /error|fail|exit(ed)? (with )?code/i.test(l)) ??
        lines.at(-1) ??
        f.problem ??
        `its ${f.kind} log is empty`
    );
}

/** Tells every channel about a failed deployment, with the end of its log. */
export async function notifyFailure(cfg: NotifyConfig, e: FailedDeployment): Promise<FailureNotifications> {
    const what = e.status === "CRASHED" ? "crashed" : "failed to build";
    const by = {
        "pulumi up": "started by pulumi up",
        rollback: "the health gate's rollback",
        railway: "started by Railway",
    }[e.origin];
    const headline = `${e.stack}/${e.service}: deployment ${e.deploymentId} ${what} (${by})`;
    const description = `${e.status} ${shortId(e.deploymentId)}: ${keyLine(e.failure)}`;

    const github = await deploymentStatus(cfg, e.stack, description);

    let commitStatus = "skipped: no commit (Railway's deployment names none and GITHUB_SHA is not set)";
    const sha = e.commit && SHA.test(e.commit) ? e.commit : cfg.commitSha;
    if (!cfg.github) commitStatus = "skipped: GITHUB_TOKEN or GITHUB_REPOSITORY not set";
    else if (sha && SHA.test(sha)) {
        try {
            const { owner, repo } = parseRepo(cfg.github.repository);
            await githubClient({ token: cfg.github.token, apiUrl: cfg.github.apiUrl }).rest.repos.createCommitStatus({
                owner,
                repo,
                sha,
                state: "failure",
                context: statusContext(e.stack, e.service),
                description: cut(description, 140),
                ...(cfg.github.runUrl ? { target_url: cfg.github.runUrl } : {}),
            });
            commitStatus = "sent";
        } catch (err) {
            commitStatus = `failed: ${scrub(describeGitHubError(err))}`;
        }
    } else if (sha) commitStatus = "skipped: GITHUB_SHA is not a commit SHA";

    let slack = "skipped: SLACK_WEBHOOK_URL not set";
    if (cfg.slackWebhookUrl) {
        // A fence cannot be closed from inside: no line may carry three backticks.
        const log = e.failure.lines.length
            ? "```\n" + slackEscape(e.failure.lines.join("\n").replace(/```/g, "ˋˋˋ")) + "\n```"
            : `_${slackEscape(e.failure.problem ?? `its ${e.failure.kind} log is empty`)}_`;
        const sent = await postSlack(cfg.slackWebhookUrl, {
            text: headline,
            header: `Railway deployment ${e.status}: ${e.stack}/${e.service}`,
            sections: [
                `*${slackEscape(headline)}*${e.commit ? ` at \`${slackEscape(e.commit.slice(0, 12))}\`` : ""}`,
                `The end of its ${e.failure.kind} log:\n${log}`,
            ],
            context: cfg.github?.runUrl ? slackLink(cfg.github.runUrl, "the run") : undefined,
        });
        slack = sent.ok ? "sent" : `failed: ${sent.status ? `HTTP ${sent.status}` : scrub(sent.detail)}`;
    }

    const email = await sendAlertEmail(cfg.email, {
        kind: "failed-deployment",
        stack: e.stack,
        service: e.service,
        verdict: `deployment ${e.status}`,
        summary: `${headline}${e.commit ? ` at ${e.commit.slice(0, 12)}` : ""}.`,
        details: [
            ["Deployment", e.deploymentId],
            ["Status", e.status],
            ["Started by", by],
            ...(e.commit ? [["Commit", e.commit] as [string, string]] : []),
        ],
        log: e.failure.lines.length
            ? { title: `The end of its ${e.failure.kind} log`, lines: e.failure.lines }
            : { title: "Its log", lines: [e.failure.problem ?? `its ${e.failure.kind} log is empty`] },
        link: cfg.github?.runUrl ? { url: cfg.github.runUrl, text: "The run" } : undefined,
        dedupKey: `railway-deploy/${e.stack}/${e.service}/${e.deploymentId}`,
    });

    let pagerduty = e.page
        ? "skipped: PAGERDUTY_ROUTING_KEY not set"
        : "skipped: this stack does not page for a failed deployment";
    if (e.page && cfg.pagerdutyRoutingKey) {
        const sent = await sendPagerDutyEvent(
            cfg.pagerdutyRoutingKey,
            {
                action: "trigger",
                // One incident per failed deployment, whoever reports it (the gate, the watcher).
                dedupKey: `railway-deploy/${e.stack}/${e.service}/${e.deploymentId}`,
                summary: `${headline}: ${keyLine(e.failure)}`,
                source: `ainative-platform/${e.stack}/${e.service}`,
                severity: e.stack === "production" ? "critical" : "error",
                customDetails: {
                    stack: e.stack,
                    service: e.service,
                    deployment: e.deploymentId,
                    status: e.status,
                    origin: e.origin,
                    commit: e.commit,
                    log: e.failure.lines,
                },
                ...(cfg.github?.runUrl ? { links: [{ href: cfg.github.runUrl, text: "the run" }] } : {}),
            },
            cfg.pagerdutyEventsUrl,
        );
        pagerduty = sent.ok ? "sent" : `failed: ${sent.status ? `HTTP ${sent.status}` : scrub(sent.detail)}`;
    }
    return { github, commitStatus, slack, pagerduty, email };
}
