/**
 * A fake PagerDuty Events API v2 on 127.0.0.1, checked against PagerDuty's published description
 * (`../shared/pagerduty/events-v2-openapiv3.json`) and the rules its documentation adds (a 32
 * character routing key, a summary of at most 1024 characters, a dedup key of at most 255, a
 * payload on every trigger, a dedup key on every resolve). It answers as PagerDuty does (202
 * "Event processed", 400 "invalid event") and keeps incidents by dedup key, so a test can count
 * them: a trigger on an open incident's key is deduplicated, a resolve closes it.
 */
import { LocalServer, startLocalServer } from "../http/local-server";
import { OpenAPIBackend } from "openapi-backend";
import { referenceJson } from "./reference-data";

export interface FakeIncident {
    dedupKey: string;
    status: "triggered" | "resolved";
    /** Every trigger event it received (summary, severity, custom details). */
    triggers: Record<string, any>[];
}

let contract: Promise<OpenAPIBackend> | undefined;
function eventsContract(): Promise<OpenAPIBackend> {
    contract ??= (async () => {
        const api = new OpenAPIBackend({
            definition: referenceJson("pagerduty/events-v2-openapiv3.json"),
            strict: false,
            validate: true,
            ajvOpts: { strict: false, validateFormats: false, allErrors: true },
        });
        await api.init();
        return api;
    })();
    return contract;
}

export class FakePagerDuty {
    /** Every incident ever opened, in order (a resolved one stays, with its status). */
    readonly incidents: FakeIncident[] = [];
    readonly events: { status: number; body: any; errors: string[] }[] = [];
    /** Statuses to answer the next requests with, before looking at them (429, 500...). */
    readonly faults: number[] = [];
    private server?: LocalServer;
    url = "";

    /** The Events API endpoint to give the tools (PAGERDUTY_EVENTS_URL). */
    get eventsUrl(): string {
        return `${this.url}/v2/enqueue`;
    }

    open(dedupKey: string): FakeIncident | undefined {
        return this.incidents.find((i) => i.dedupKey === dedupKey && i.status === "triggered");
    }

    async start(): Promise<this> {
        const api = await eventsContract();
        this.server = await startLocalServer({
            tooLarge: () => ({ status: 413, body: { status: "invalid event", message: "Request entity too large" } }),
            crashed: (e) => ({
                status: 500,
                body: { status: "error", message: `fake PagerDuty crashed: ${e.message}` },
            }),
            handle: ({ method, url, headers, text }) => {
                const fault = this.faults.shift();
                if (fault)
                    return {
                        status: fault,
                        body: {
                            status: "throttle event",
                            message: "Requests for this service are arriving too quickly",
                        },
                        headers: fault === 429 ? { "retry-after": "1" } : undefined,
                    };
                let body: any;
                try {
                    body = JSON.parse(text);
                } catch {
                    this.events.push({ status: 400, body: text, errors: ["not JSON"] });
                    return {
                        status: 400,
                        body: { status: "invalid event", message: "Event object is invalid", errors: ["Invalid JSON"] },
                    };
                }
                // The description's server is https://events.pagerduty.com/v2: its paths are under /v2.
                const request = {
                    method: method.toLowerCase(),
                    path: url.pathname.replace(/^\/v2/, ""),
                    headers: { "content-type": String(headers["content-type"] ?? "") },
                    body,
                };
                const op = api.matchOperation(request);
                if (!op) return { status: 404, body: { status: "not found" } };
                const v = api.validateRequest(request, op);
                const errors = v.valid ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
                errors.push(...documentedRules(body));
                this.events.push({ status: errors.length ? 400 : 202, body, errors });
                if (errors.length)
                    return {
                        status: 400,
                        body: { status: "invalid event", message: "Event object is invalid", errors },
                    };
                this.apply(body);
                return {
                    status: 202,
                    body: { status: "success", message: "Event processed", dedup_key: body.dedup_key },
                };
            },
        });
        this.url = this.server.url;
        return this;
    }

    private apply(body: any): void {
        const key = String(body.dedup_key);
        const open = this.open(key);
        if (body.event_action === "trigger") {
            if (open) open.triggers.push(body.payload);
            else this.incidents.push({ dedupKey: key, status: "triggered", triggers: [body.payload] });
        } else if (body.event_action === "resolve" && open) open.status = "resolved";
    }

    async close(): Promise<void> {
        await this.server?.close();
    }
}

/** What PagerDuty's documentation requires beyond the description's schema. */
function documentedRules(body: any): string[] {
    const errors: string[] = [];
    if (typeof body?.routing_key !== "string" || body.routing_key.length !== 32)
        errors.push("routing_key must be a 32-character integration key");
    if (!["trigger", "acknowledge", "resolve"].includes(body?.event_action))
        errors.push("event_action must be trigger, acknowledge or resolve");
    if (body?.dedup_key !== undefined && (typeof body.dedup_key !== "string" || body.dedup_key.length > 255))
        errors.push("dedup_key must be a string of at most 255 characters");
    if (body?.event_action === "trigger") {
        if (!body.payload) errors.push("payload is required for a trigger");
        else if (typeof body.payload.summary !== "string" || body.payload.summary.length > 1024)
            errors.push("payload.summary must be at most 1024 characters");
    } else if (!body?.dedup_key) errors.push("dedup_key is required to acknowledge or resolve");
    return errors;
}

export async function startFakePagerDuty(): Promise<FakePagerDuty> {
    return new FakePagerDuty().start();
}
