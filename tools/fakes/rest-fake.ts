/**
 * The skeleton of a contract-checked REST fake on 127.0.0.1 (the Sentry and PagerDuty fakes stand
 * on it; the GitHub fake predates it): every request is matched to an operation of the service's
 * official OpenAPI description and validated (path parameters, query, headers, body) with
 * openapi-backend; what the description refuses is answered with the service's own error shape;
 * an operation the fake does not model answers 501, so no test passes on an unchecked path.
 *
 * Routes the description leaves out but the real service serves (and a provider uses) are
 * registered separately as `undocumented`, each with the reason, and are checked by their own
 * handler: a known gap, never a silent pass.
 */
import { LocalRequest, LocalServer, startLocalServer } from "../http/local-server";
import $RefParser from "@apidevtools/json-schema-ref-parser";
import { OpenAPIBackend, type Request as OpenApiRequest } from "openapi-backend";

export interface RestAnswer {
    status: number;
    body?: unknown;
    headers?: Record<string, string>;
}

export interface RestContext {
    params: Record<string, string>;
    query: Record<string, string>;
    body: any;
    /** The request's path as received (for Link headers). */
    path: string;
}

export type RestHandler = (ctx: RestContext) => RestAnswer;

export interface UndocumentedRoute {
    method: string;
    /** Named groups become `params`. */
    pattern: RegExp;
    /** Why the route is served although the description lacks it. */
    reason: string;
    handler: RestHandler;
}

/**
 * A request shape the real service accepts although its description says otherwise (a known,
 * cited gap): the body is adjusted for validation only, and the handler sees it as sent.
 */
export interface Leniency {
    operation: string;
    reason: string;
    adjust(body: any): any;
}

export interface RestFakeOptions {
    leniencies?: Leniency[];
    /** The service's OpenAPI document (dereferenced or not: `$ref`s are resolved first). */
    definition: unknown;
    /** Prefix of every path the description names, stripped from requests first (e.g. none, or `/api/0`). */
    stripPrefix?: string;
    /** Whether the Authorization header is acceptable; the answer when not. */
    authorize(header: string | undefined): RestAnswer | undefined;
    /** The service's error shape for a request its description refuses. */
    invalid(errors: string[]): RestAnswer;
    notFound(): RestAnswer;
}

export interface RestLogEntry {
    method: string;
    path: string;
    operation?: string;
    status: number;
    body: string;
    /** What the fake answered, when it refused (bounded): the reason a test failed. */
    refusal?: string;
}

const contracts = new Map<unknown, Promise<OpenAPIBackend>>();

/**
 * A recursive schema (PagerDuty's event-orchestration predicates) stays a `$ref` after
 * dereferencing, which a validator compiled for one operation cannot follow: the recursion is
 * cut to "anything" there. Only those self-nesting parts go unchecked.
 */
function openCycles<T>(node: T): T {
    if (Array.isArray(node)) node.forEach(openCycles);
    else if (node && typeof node === "object") {
        const o = node as Record<string, unknown>;
        for (const [k, v] of Object.entries(o)) {
            if (v && typeof v === "object" && typeof (v as { $ref?: unknown }).$ref === "string") o[k] = {};
            else openCycles(v);
        }
    }
    return node;
}

function contract(definition: unknown): Promise<OpenAPIBackend> {
    let c = contracts.get(definition);
    if (!c) {
        c = (async () => {
            // openapi-backend's own quick dereferencing chokes on PagerDuty's document; a dedicated
            // resolver handles it (the recursive parts then cut, see openCycles).
            const resolved = JSON.stringify(definition).includes('"$ref"')
                ? openCycles(
                      await $RefParser.dereference(structuredClone(definition) as never, {
                          dereference: { circular: "ignore" },
                      }),
                  )
                : definition;
            const api = new OpenAPIBackend({
                definition: resolved as never,
                quick: true,
                strict: false,
                validate: true,
                // Paths are matched as written: Sentry's end in a slash and answer only so.
                ignoreTrailingSlashes: false,
                ajvOpts: { strict: false, validateFormats: false, allErrors: true },
            });
            await api.init();
            return api;
        })();
        contracts.set(definition, c);
    }
    return c;
}

export class RestFake {
    readonly log: RestLogEntry[] = [];
    /** Statuses to answer the next matching requests with, before they are looked at. */
    readonly faults: { operation?: string; status: number; times?: number }[] = [];
    /**
     * Operations whose change is made but whose answer is held until the fake closes: a client
     * killed while it waits (a dead runner) leaves a change it never learnt of.
     */
    readonly holds: { operation: string; times?: number }[] = [];
    /** Requests answered but held (see {@link holds}), in arrival order. */
    readonly held: string[] = [];
    private releaseHeld?: () => void;
    private readonly closing = new Promise<void>((r) => (this.releaseHeld = r));
    private readonly handlers = new Map<string, RestHandler>();
    private readonly undocumented: UndocumentedRoute[] = [];
    private server?: LocalServer;
    url = "";

    constructor(private readonly opts: RestFakeOptions) {}

    on(operationId: string, handler: RestHandler): this {
        this.handlers.set(operationId, handler);
        return this;
    }

    undocumentedRoute(route: UndocumentedRoute): this {
        this.undocumented.push(route);
        return this;
    }

    async start(port = 0): Promise<this> {
        const api = await contract(this.opts.definition);
        this.server = await startLocalServer({
            port,
            tooLarge: (limit) => this.opts.invalid([`the body is larger than ${limit} bytes`]),
            crashed: (e) => ({ status: 500, body: { message: `fake crashed: ${e.message}` } }),
            handle: async (req) => {
                let answer: RestAnswer;
                let operation: string | undefined;
                try {
                    ({ answer, operation } = this.answer(api, req));
                } catch (e) {
                    answer = { status: 500, body: { message: `fake crashed: ${(e as Error).message}` } };
                }
                this.log.push({
                    method: req.method,
                    path: req.url.pathname + req.url.search,
                    operation,
                    status: answer.status,
                    body: req.text,
                    ...(answer.status >= 400 ? { refusal: JSON.stringify(answer.body).slice(0, 1000) } : {}),
                });
                const hold = this.holds.findIndex((h) => h.operation === operation);
                if (hold >= 0) {
                    const h = this.holds[hold];
                    h.times = (h.times ?? 1) - 1;
                    if (h.times <= 0) this.holds.splice(hold, 1);
                    this.held.push(operation!);
                    await this.closing;
                }
                return { status: answer.status, body: answer.body, headers: answer.headers };
            },
        });
        this.url = this.server.url;
        return this;
    }

    private answer(api: OpenAPIBackend, req: LocalRequest): { answer: RestAnswer; operation?: string } {
        const { url, method, text } = req;
        const prefix = this.opts.stripPrefix ?? "";
        const path = prefix && url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname;
        let body: unknown;
        if (text) {
            try {
                body = JSON.parse(text);
            } catch {
                return { answer: this.opts.invalid(["the body is not JSON"]) };
            }
        }
        const query: Record<string, string> = {};
        url.searchParams.forEach((v, k) => (query[k] = v));
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
        const refused = this.opts.authorize(req.headers.authorization);
        if (refused) return { answer: refused };

        const request: OpenApiRequest = { method: method.toLowerCase(), path, query, headers, body };
        const op = api.matchOperation(request);
        if (!op) {
            for (const route of this.undocumented) {
                const m = route.method === method ? route.pattern.exec(path) : null;
                if (m)
                    return {
                        operation: `undocumented:${route.pattern.source}`,
                        answer: route.handler({ params: { ...m.groups }, query, body, path: url.pathname }),
                    };
            }
            return { answer: this.opts.notFound() };
        }
        const operation = op.operationId ?? `${method} ${op.path}`;
        const lenient = (this.opts.leniencies ?? []).filter((l) => l.operation === operation);
        const checked = lenient.reduce((b, l) => l.adjust(structuredClone(b)), body);
        const v = api.validateRequest({ ...request, body: checked }, op);
        if (!v.valid)
            return {
                operation,
                answer: this.opts.invalid(
                    (v.errors ?? []).map((e) => `${e.instancePath || "(request)"} ${e.message ?? "is invalid"}`),
                ),
            };
        const fault = this.faults.findIndex((f) => !f.operation || f.operation === operation);
        if (fault >= 0) {
            const f = this.faults[fault];
            f.times = (f.times ?? 1) - 1;
            if (f.times <= 0) this.faults.splice(fault, 1);
            return { operation, answer: { status: f.status, body: { error: { message: "Server Error" } } } };
        }
        const handler = this.handlers.get(operation);
        if (!handler)
            return { operation, answer: { status: 501, body: { message: `the fake does not model ${operation}` } } };
        const parsed = api.router.parseRequest(request, op);
        return {
            operation,
            answer: handler({
                params: (parsed.params ?? {}) as Record<string, string>,
                query,
                body,
                path: url.pathname,
            }),
        };
    }

    async close(): Promise<void> {
        this.releaseHeld?.();
        await this.server?.close();
    }
}
