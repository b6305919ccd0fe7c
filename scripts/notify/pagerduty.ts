/**
 * PagerDuty's Events API v2 (`POST /v2/enqueue`): trigger and resolve by dedup key, so a repeated
 * trigger adds to the one open incident instead of opening another. The routing key is a secret:
 * it is sent, never printed. PAGERDUTY_EVENTS_URL replaces PagerDuty's endpoint (tests, proxies).
 */
import { postJson, PostOptions, PostResult } from "./http";

export const DEFAULT_PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";

/** PagerDuty's documented bounds: summaries are cut at 1024 characters, dedup keys at 255. */
const MAX_SUMMARY = 1024;
const MAX_DEDUP_KEY = 255;

export type PagerDutySeverity = "critical" | "error" | "warning" | "info";

export interface PagerDutyEvent {
    action: "trigger" | "resolve";
    dedupKey: string;
    /** For a trigger: what the incident says, where it comes from, how bad it is. */
    summary?: string;
    source?: string;
    severity?: PagerDutySeverity;
    customDetails?: Record<string, unknown>;
    links?: { href: string; text: string }[];
}

export function pagerDutyBody(routingKey: string, e: PagerDutyEvent): Record<string, unknown> {
    if (e.dedupKey.length > MAX_DEDUP_KEY)
        throw new Error(`a PagerDuty dedup key is at most ${MAX_DEDUP_KEY} characters`);
    const body: Record<string, unknown> = { routing_key: routingKey, event_action: e.action, dedup_key: e.dedupKey };
    if (e.action === "trigger") {
        const summary = e.summary ?? "(no summary)";
        body.payload = {
            summary: summary.length > MAX_SUMMARY ? `${summary.slice(0, MAX_SUMMARY - 1)}…` : summary,
            source: e.source ?? "ainative-platform",
            severity: e.severity ?? "error",
            ...(e.customDetails ? { custom_details: e.customDetails } : {}),
        };
        if (e.links?.length) body.links = e.links;
    }
    return body;
}

export function sendPagerDutyEvent(
    routingKey: string,
    e: PagerDutyEvent,
    url = DEFAULT_PAGERDUTY_EVENTS_URL,
    opts: PostOptions = {},
): Promise<PostResult> {
    return postJson(url, pagerDutyBody(routingKey, e), opts);
}
