/**
 * Who hears about a rollback: PagerDuty (Events API v2, routing key from the environment) and,
 * when configured, the GitHub deployment that was rolled back (a `failure` status). Neither
 * failing stops the gate; each outcome is recorded. Keys and tokens are never printed.
 */
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
            ? { token: env.GITHUB_TOKEN, repository: env.GITHUB_REPOSITORY, deploymentId: env.GITHUB_DEPLOYMENT_ID, apiUrl: env.GITHUB_API_URL }
            : undefined;
    return { pagerdutyRoutingKey: env.PAGERDUTY_ROUTING_KEY || undefined, pagerdutyEventsUrl: env.PAGERDUTY_EVENTS_URL || undefined, github };
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<string> {
    try {
        const res = await fetch(url, {
            method: "POST",
            headers: { "content-type": "application/json", ...headers },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(10_000),
        });
        return res.ok ? "sent" : `failed: HTTP ${res.status}`;
    } catch (e) {
        return `failed: ${scrub((e as Error).message)}`;
    }
}

export async function notifyRollback(
    cfg: NotifyConfig,
    event: { stack: string; service: string; from: string; to: string; reason: string; newDeploymentId?: string; status: string },
): Promise<{ pagerduty: string; github: string }> {
    const pagerduty = cfg.pagerdutyRoutingKey
        ? await post(cfg.pagerdutyEventsUrl ?? "https://events.pagerduty.com/v2/enqueue", {
              routing_key: cfg.pagerdutyRoutingKey,
              event_action: "trigger",
              // One incident per failed deployment, however often the gate runs.
              dedup_key: `ainative-gate/${event.stack}/${event.service}/${event.from}`,
              payload: {
                  summary: `${event.stack}/${event.service}: deployment ${event.from} rolled back to ${event.to}: ${event.reason}`.slice(0, 1024),
                  source: `ainative-platform/${event.stack}/${event.service}`,
                  severity: event.stack === "production" ? "critical" : "warning",
                  custom_details: event,
              },
          })
        : "skipped: PAGERDUTY_ROUTING_KEY not set";
    const github = cfg.github
        ? await post(
              `${cfg.github.apiUrl ?? "https://api.github.com"}/repos/${cfg.github.repository}/deployments/${cfg.github.deploymentId}/statuses`,
              { state: "failure", description: `Rolled back by the health gate: ${event.reason}`.slice(0, 140), environment: event.stack },
              { authorization: `Bearer ${cfg.github.token}`, accept: "application/vnd.github+json", "user-agent": "ainative-platform-gate" },
          )
        : "skipped: GITHUB_TOKEN, GITHUB_REPOSITORY or GITHUB_DEPLOYMENT_ID not set";
    return { pagerduty, github };
}
