/**
 * Who hears about a rollback: PagerDuty (Events API v2, routing key from the environment) and,
 * when configured, the GitHub deployment that was rolled back (a `failure` status). Neither
 * failing stops the gate; each outcome is recorded. Keys and tokens are never printed.
 */
import { describeGitHubError, githubClient, parseRepo } from "../github/client";
import { sendPagerDutyEvent } from "../notify/pagerduty";
import { scrub } from "./probes";

export interface NotifyConfig {
    /** PAGERDUTY_ROUTING_KEY (the stack output `pagerdutyRoutingKeys.<service>`). */
    pagerdutyRoutingKey?: string;
    /** PAGERDUTY_EVENTS_URL; default PagerDuty's. */
    pagerdutyEventsUrl?: string;
    /** GITHUB_TOKEN, GITHUB_REPOSITORY (owner/repo), GITHUB_DEPLOYMENT_ID, GITHUB_API_URL. */
    github?: { token: string; repository: string; deploymentId: string; apiUrl?: string };
}

export function notifyConfigFromEnv(env: NodeJS.ProcessEnv): NotifyConfig {
    const github =
        env.GITHUB_TOKEN && env.GITHUB_REPOSITORY && env.GITHUB_DEPLOYMENT_ID
            ? {
                  token: env.GITHUB_TOKEN,
                  repository: env.GITHUB_REPOSITORY,
                  deploymentId: env.GITHUB_DEPLOYMENT_ID,
                  apiUrl: env.GITHUB_API_URL,
              }
            : undefined;
    return {
        pagerdutyRoutingKey: env.PAGERDUTY_ROUTING_KEY || undefined,
        pagerdutyEventsUrl: env.PAGERDUTY_EVENTS_URL || undefined,
        github,
    };
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
): Promise<{ pagerduty: string; github: string }> {
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
    let github = "skipped: GITHUB_TOKEN, GITHUB_REPOSITORY or GITHUB_DEPLOYMENT_ID not set";
    if (cfg.github) {
        try {
            if (!/^[1-9]\d{0,15}$/.test(cfg.github.deploymentId))
                throw new Error("GITHUB_DEPLOYMENT_ID is not a deployment id (a number)");
            const { owner, repo } = parseRepo(cfg.github.repository);
            const client = githubClient({ token: cfg.github.token, apiUrl: cfg.github.apiUrl });
            await client.rest.repos.createDeploymentStatus({
                owner,
                repo,
                deployment_id: Number(cfg.github.deploymentId),
                state: "failure",
                description: `Rolled back by the health gate: ${event.reason}`.slice(0, 140),
                environment: event.stack,
            });
            github = "sent";
        } catch (e) {
            github = `failed: ${scrub(describeGitHubError(e))}`;
        }
    }
    return { pagerduty, github };
}
