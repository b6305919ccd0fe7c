/**
 * Slack through an incoming webhook, as Block Kit: a header, sections of mrkdwn and a context
 * line, within Slack's limits (50 blocks, 150 characters in a header, 3000 in a section's text),
 * with `text` as the notification's fallback. The webhook URL is a secret (it carries the token):
 * it is used, never printed.
 */
import { postJson, PostOptions, PostResult } from "./http";

/** Text for Slack's mrkdwn: Slack asks for exactly &, < and > to be escaped. */
export const slackEscape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A link in mrkdwn; the label escaped, the URL kept only when it is http(s). */
export const slackLink = (url: string, label: string) =>
    /^https?:\/\/[^\s|<>]+$/.test(url) ? `<${url}|${slackEscape(label).replace(/\|/g, "¦")}>` : slackEscape(label);

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export interface SlackMessage {
    /** The notification text (also what clients without blocks show). */
    text: string;
    header: string;
    /** Each a section of mrkdwn (already escaped by the caller); cut to Slack's limit. */
    sections: string[];
    context?: string;
}

export function slackBody(m: SlackMessage): Record<string, unknown> {
    const blocks: Record<string, unknown>[] = [
        { type: "header", text: { type: "plain_text", text: cut(m.header, 150), emoji: true } },
    ];
    for (const s of m.sections.slice(0, 45))
        blocks.push({ type: "section", text: { type: "mrkdwn", text: cut(s, 3000) } });
    if (m.context) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: cut(m.context, 3000) }] });
    return { text: cut(m.text, 3000), blocks };
}

export function postSlack(webhookUrl: string, m: SlackMessage, opts: PostOptions = {}): Promise<PostResult> {
    return postJson(webhookUrl, slackBody(m), opts);
}
