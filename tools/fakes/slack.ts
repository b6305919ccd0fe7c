/**
 * A fake Slack incoming webhook on 127.0.0.1 that refuses what Slack refuses: no `text` and no
 * `blocks` (400 `no_text`), blocks Slack would not render (400 `invalid_blocks`: an unknown block
 * type, over 50 blocks, a header over 150 characters or not plain text, a section text over 3000,
 * more than 10 fields or context elements), a body that is not JSON (400 `invalid_payload`). Slack
 * publishes no machine-readable description of webhooks; the limits are its Block Kit reference's.
 * Answers `ok` as Slack does; keeps what it accepted.
 */
import { LocalReply, LocalServer, startLocalServer } from "../http/local-server";
import { z } from "zod";

const plain = z
    .object({ type: z.literal("plain_text"), text: z.string().min(1).max(150), emoji: z.boolean().optional() })
    .strict();
const textObject = z
    .object({
        type: z.enum(["mrkdwn", "plain_text"]),
        text: z.string().min(1).max(3000),
        emoji: z.boolean().optional(),
        verbatim: z.boolean().optional(),
    })
    .strict();
const block = z.discriminatedUnion("type", [
    z.object({ type: z.literal("header"), text: plain, block_id: z.string().optional() }).strict(),
    z
        .object({
            type: z.literal("section"),
            text: textObject.optional(),
            fields: z
                .array(textObject.extend({ text: z.string().min(1).max(2000) }))
                .max(10)
                .optional(),
            block_id: z.string().optional(),
        })
        .strict()
        .refine((b) => b.text || b.fields, "a section needs text or fields"),
    z
        .object({
            type: z.literal("context"),
            elements: z.array(textObject).min(1).max(10),
            block_id: z.string().optional(),
        })
        .strict(),
    z.object({ type: z.literal("divider"), block_id: z.string().optional() }).strict(),
]);
const message = z
    .object({
        text: z.string().max(40_000).optional(),
        blocks: z.array(block).min(1).max(50).optional(),
        unfurl_links: z.boolean().optional(),
        unfurl_media: z.boolean().optional(),
    })
    .strict();

export class FakeSlack {
    readonly messages: { text?: string; blocks?: any[] }[] = [];
    readonly refused: { reason: string; body: string }[] = [];
    /** Statuses to answer the next requests with (429 with Retry-After, 500...). */
    readonly faults: number[] = [];
    private server?: LocalServer;
    url = "";

    /** A webhook URL as Slack issues them (the path holds the secret). */
    get webhookUrl(): string {
        return `${this.url}/services/T0FAKE/B0FAKE/fakewebhooksecret0000000`;
    }

    async start(): Promise<this> {
        const answer = (status: number, text: string, headers: Record<string, string> = {}): LocalReply => ({
            status,
            text,
            headers,
        });
        this.server = await startLocalServer({
            tooLarge: () => answer(413, "request_too_large"),
            crashed: () => answer(500, "internal_error"),
            handle: ({ method, url, text }) => {
                const fault = this.faults.shift();
                if (fault)
                    return answer(
                        fault,
                        fault === 429 ? "rate_limited" : "internal_error",
                        fault === 429 ? { "retry-after": "1" } : {},
                    );
                if (method !== "POST" || !url.pathname.startsWith("/services/")) return answer(404, "no_service");
                let body: unknown;
                try {
                    body = JSON.parse(text);
                } catch {
                    this.refused.push({ reason: "invalid_payload", body: text });
                    return answer(400, "invalid_payload");
                }
                const parsed = message.safeParse(body);
                if (!parsed.success) {
                    this.refused.push({
                        reason: `invalid_blocks: ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`,
                        body: text,
                    });
                    return answer(400, "invalid_blocks");
                }
                if (!parsed.data.text && !parsed.data.blocks) {
                    this.refused.push({ reason: "no_text", body: text });
                    return answer(400, "no_text");
                }
                this.messages.push(parsed.data);
                return answer(200, "ok");
            },
        });
        this.url = this.server.url;
        return this;
    }

    async close(): Promise<void> {
        await this.server?.close();
    }
}

export async function startFakeSlack(): Promise<FakeSlack> {
    return new FakeSlack().start();
}
