/**
 * A local Railway: serves Railway's own GraphQL schema (vendored in providers/railway/schema/) with
 * graphql-js over an in-memory store, on 127.0.0.1 only. It is as strict as Railway where real
 * deployments go wrong (docs/emulator-and-fakes.md "The local Railway emulator" lists what it models and what not):
 * a document Railway would reject is rejected the same way (HTTP 400, GRAPHQL_VALIDATION_FAILED);
 * environment scoping, what deploys, rollbacks, volumes, project tokens, validation, pagination,
 * deployment statuses, soft deletes and rate limits follow Railway's documented behaviour.
 *
 * Beyond the API it offers, programmatically and over `/admin/*`:
 * - fault injection: 429 with Retry-After, 5xx, added latency, failing the next N calls of an
 *   operation, before or after the operation is applied (a lost response);
 * - out-of-band edits (change a variable or a setting, delete a service...), to create drift;
 * - project tokens, pushes to a branch, and the outcome (failed build, crash) of the next deployments;
 * - a log of every operation received, for assertions.
 */
import * as fs from "fs";
import * as path from "path";
import { LocalReply, LocalRequest, LocalServer, startLocalServer } from "../http/local-server";
import { startServiceProxy } from "./proxy";
import {
    buildClientSchema,
    buildSchema,
    extendSchema,
    GraphQLObjectType,
    print,
    defaultFieldResolver,
    getOperationAST,
    GraphQLError,
    GraphQLFieldResolver,
    GraphQLSchema,
    graphql,
    parse,
    validate,
} from "graphql";
import { Access, Principal, ProjectToken } from "./auth";
import { makeRoots } from "./resolvers";
import type { RequestContext } from "./resolvers/context";
import { startSubscriptionServer } from "./subscriptions";
import { handleUpload, UPLOAD_PATH } from "./upload";
import { environmentIdsOf } from "./environment-ids";
import { Clock, DeploymentOutcome, EmulatorStore, NOT_MODELLED, notModelled, StoreOptions } from "./store";

export { EmulatorStore, ManualClock, headCommit } from "./store";
export type { Clock } from "./store";
export type { ProjectToken } from "./auth";

const SCHEMA_DIR = path.resolve(__dirname, "../../providers/railway/schema");
/**
 * The schema the emulator serves: the one Railway ships with its current CLI (`src/gql/schema.json`
 * of the pinned `railwayapp` crate), vendored byte for byte with its provenance in
 * providers/railway/schema/SOURCE.md. It is the newest evidence of Railway's public API.
 */
export const SCHEMA_PATH = path.join(SCHEMA_DIR, "schema.json");
/**
 * The newest SDL printed from Railway's production introspection (SOURCE.md): the provider's
 * documents are checked against it as well, so they hold under either copy.
 */
export const SDL_PATH = path.join(SCHEMA_DIR, "schema.graphql");

/**
 * Fields the pinned CLI's own code reads that its schema.json lacks and the SDL has: the emulator
 * serves them, as Railway does for that CLI (its IaC reads which partial owns a resource).
 */
export const SDL_FIELDS_SERVED = ["Environment.iacPartials"] as const;

let cachedSchema: GraphQLSchema | undefined;
export function railwaySchema(): GraphQLSchema {
    if (cachedSchema) return cachedSchema;
    const cli = buildClientSchema(JSON.parse(fs.readFileSync(SCHEMA_PATH, "utf8")).data);
    const sdl = buildSchema(fs.readFileSync(SDL_PATH, "utf8"));
    const extensions = SDL_FIELDS_SERVED.map((name) => {
        const [type, field] = name.split(".");
        const node = (sdl.getType(type) as GraphQLObjectType).getFields()[field].astNode!;
        return `extend type ${type} { ${print(node)} }`;
    });
    cachedSchema = extendSchema(cli, parse(extensions.join("\n")));
    return cachedSchema;
}

export interface Fault {
    /** Operation name to match; undefined matches any. */
    operation?: string;
    /** HTTP status to answer (429, 500, 503...); omitted with latencyMs alone to only slow down. */
    status?: number;
    /** Retry-After header value (seconds) for a 429. */
    retryAfter?: number;
    /** Added latency before answering (or before the fault): before the operation runs, or after it with `afterApply`. */
    latencyMs?: number;
    /** How many matching calls it applies to (default 1). */
    count?: number;
    /** Apply the fault after executing the operation (the change happens, the answer is lost or late). */
    afterApply?: boolean;
    /** Active only once an operation of this name has been received (e.g. reads failing right after a rollback). */
    afterOperation?: string;
}

export interface LoggedOperation {
    operationName: string;
    variables: Record<string, unknown>;
    status: number;
    at: number;
}

export interface EmulatorOptions {
    port?: number;
    /** The account token (`Authorization: Bearer <token>`). Default "emulator-token"; never empty. */
    token?: string;
    /** Project tokens (`Project-Access-Token`), each scoped to one environment of one project. */
    projectTokens?: ProjectToken[];
    /** Milliseconds each deployment stage takes (INITIALIZING → BUILDING → DEPLOYING → SUCCESS). */
    deployStageMs?: number;
    /** The clock of deployments and volume deletion (tests move a ManualClock by hand). */
    clock?: Clock;
    /** Largest page a connection returns (Railway caps pages; tests make it small to exercise paging). */
    maxPageSize?: number;
    /** A request quota per window: beyond it, 429 with Retry-After until the window resets. */
    rateLimit?: { limit: number; windowMs: number };
    rollbackRetentionMs?: number;
    volumeDeletionMs?: number;
    /** Workspaces the account belongs to, besides `local-workspace`. */
    workspaces?: string[];
    /** See {@link StoreOptions.scopeReading}. */
    scopeReading?: StoreOptions["scopeReading"];
    /** See {@link StoreOptions.duplicateMs}; default {@link DEFAULT_DUPLICATE_MS}. */
    duplicateMs?: number;
    /**
     * Also serve HTTPS with this key and certificate (PEM), on a port of its own (`tlsPort`): for
     * clients that reach Railway's own host name (Railway's CLI streams logs and uploads code there,
     * whatever its API URL).
     */
    tls?: { key: string; cert: string };
}

export { NOT_MODELLED };

/**
 * graphql-js's own resolver, except that a field the emulator's answer object does not carry is an
 * error saying so: never a null that a client would take for Railway's answer (or that breaks a
 * non-null field with a confusing message).
 */
const strictFieldResolver: GraphQLFieldResolver<unknown, unknown> = (source, args, context, info) => {
    if (source && typeof source === "object" && !(info.fieldName in source) && info.fieldName !== "__typename") {
        throw notModelled(`${info.parentType.name}.${info.fieldName}`);
    }
    return defaultFieldResolver(source, args, context, info);
};

export interface RailwayEmulator {
    /** GraphQL endpoint, the same path as Railway's: `http://127.0.0.1:<port>/graphql/v2`. */
    apiUrl: string;
    port: number;
    /** The HTTPS port, when started with `tls`. */
    tlsPort?: number;
    token: string;
    store: EmulatorStore;
    log: LoggedOperation[];
    faults: Fault[];
    inject(fault: Fault): void;
    /** Mints a project token for one environment of one project. */
    projectToken(projectId: string, environmentId: string): string;
    /**
     * The next `count` deployments (of a service, or any) fail their build or crash; `lines` are
     * what the failing step prints first (a build script echoing a value, say).
     */
    nextDeployments(outcome: DeploymentOutcome, count?: number, serviceId?: string, lines?: string[]): void;
    /**
     * Fronts a service's app (at `target`) with a proxy on 127.0.0.1, as Railway's edge fronts its
     * domain: the requests through it make the service's HTTP metrics and HTTP logs. Returns the
     * proxy's URL; the emulator's close stops it.
     */
    proxy(serviceId: string, environmentId: string, target: string): Promise<string>;
    close(): Promise<void>;
}

function reply(status: number, body: unknown, headers: Record<string, string> = {}): LocalReply {
    return { status, body, headers };
}

let traceCounter = 0;
const traceId = () => `emu-${Date.now().toString(36)}-${(++traceCounter).toString(36)}`;

const DEFAULT_QUOTA = { limit: 10_000, windowMs: 3_600_000 };
/**
 * A duplicate's copy is never instant on Railway: every emulator makes one take a while, so a
 * client that writes into a duplicate before its copy has landed is refused in every test.
 */
export const DEFAULT_DUPLICATE_MS = 300;

export async function startRailwayEmulator(options: EmulatorOptions = {}): Promise<RailwayEmulator> {
    const schema = railwaySchema();
    const token = options.token ?? "emulator-token";
    if (!token.trim())
        throw new Error("the emulator's token must not be empty (an empty RAILWAY_API_TOKEN is no token)");
    const store = new EmulatorStore({
        deployStageMs: options.deployStageMs ?? 100,
        clock: options.clock,
        rollbackRetentionMs: options.rollbackRetentionMs,
        volumeDeletionMs: options.volumeDeletionMs,
        workspaces: options.workspaces,
        scopeReading: options.scopeReading,
        duplicateMs: options.duplicateMs ?? DEFAULT_DUPLICATE_MS,
    });
    const maxPageSize = options.maxPageSize ?? 100;
    const quota = options.rateLimit ?? DEFAULT_QUOTA;
    const window = { start: Date.now(), used: 0 };
    const log: LoggedOperation[] = [];
    const faults: Fault[] = [];
    const { root, subscriptions } = makeRoots(store, maxPageSize);

    /** Railway's rate-limit headers on every answer; a 429 with Retry-After past the quota. */
    const rateHeaders = (): { headers: Record<string, string>; exceeded: boolean } => {
        const now = Date.now();
        if (now - window.start >= quota.windowMs) Object.assign(window, { start: now, used: 0 });
        window.used++;
        const resetMs = window.start + quota.windowMs - now;
        const headers = {
            "x-ratelimit-limit": String(quota.limit),
            "x-ratelimit-remaining": String(Math.max(0, quota.limit - window.used)),
            "x-ratelimit-reset": String(Math.ceil((window.start + quota.windowMs) / 1000)),
        };
        const exceeded = window.used > quota.limit;
        return {
            headers: exceeded ? { ...headers, "retry-after": String(Math.max(1, Math.ceil(resetMs / 1000))) } : headers,
            exceeded,
        };
    };

    const principalOf = (headers: LocalRequest["headers"]): Principal | undefined => {
        const auth = headers["authorization"];
        if (typeof auth === "string" && auth === `Bearer ${token}`) return { kind: "account" };
        const projectToken = headers["project-access-token"];
        const scoped =
            typeof projectToken === "string" && projectToken
                ? [...store.projectTokens.values()].find((t) => t.token === projectToken)
                : undefined;
        return scoped
            ? { kind: "project", projectId: scoped.projectId, environmentId: scoped.environmentId, tokenId: scoped.id }
            : undefined;
    };

    const takeFault = (operation: string): Fault | undefined => {
        const i = faults.findIndex(
            (f) =>
                (f.operation === undefined || f.operation === operation) &&
                (f.afterOperation === undefined || log.some((l) => l.operationName === f.afterOperation)),
        );
        if (i < 0) return undefined;
        const f = faults[i];
        const left = (f.count ?? 1) - 1;
        if (left <= 0) faults.splice(i, 1);
        else faults[i] = { ...f, count: left };
        return f;
    };

    const handleGraphQL = async (req: LocalRequest): Promise<LocalReply> => {
        const raw = req.text;
        const rate = rateHeaders();
        const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
            reply(status, body, { ...rate.headers, ...headers });
        let body: { query?: string; variables?: Record<string, unknown>; operationName?: string };
        try {
            body = JSON.parse(raw);
        } catch {
            return answer(400, {
                errors: [
                    { message: "Body is not JSON", extensions: { code: "GRAPHQL_PARSE_FAILED", traceId: traceId() } },
                ],
            });
        }
        const operationName = body.operationName ?? "anonymous";
        const entry: LoggedOperation = { operationName, variables: body.variables ?? {}, status: 200, at: Date.now() };
        log.push(entry);
        if (rate.exceeded) {
            entry.status = 429;
            return answer(429, undefined);
        }

        const fault = takeFault(operationName);
        // Unref'd: a long hold (a client killed while it waits) never keeps the test process alive.
        const delay = () => new Promise((r) => setTimeout(r, fault!.latencyMs).unref());
        if (fault?.latencyMs && !fault.afterApply) await delay();
        const faultAnswer = (f: Fault) => {
            entry.status = f.status!;
            // Railway's 429 has no GraphQL body, and always says when to come back; its 5xx carry one.
            return f.status === 429
                ? answer(429, undefined, { "retry-after": String(f.retryAfter ?? 1) })
                : answer(
                      f.status!,
                      {
                          errors: [
                              {
                                  message: "Internal Server Error",
                                  extensions: { code: "INTERNAL_SERVER_ERROR", traceId: traceId() },
                              },
                          ],
                      },
                      f.retryAfter !== undefined ? { "retry-after": String(f.retryAfter) } : {},
                  );
        };
        if (fault?.status && !fault.afterApply) return faultAnswer(fault);

        const principal = principalOf(req.headers);
        if (!principal)
            return answer(200, {
                data: null,
                errors: [{ message: "Not Authorized", extensions: { code: "UNAUTHENTICATED", traceId: traceId() } }],
            });

        let document;
        try {
            document = parse(body.query ?? "");
        } catch (e) {
            entry.status = 400;
            return answer(400, {
                errors: [
                    { message: (e as Error).message, extensions: { code: "GRAPHQL_PARSE_FAILED", traceId: traceId() } },
                ],
            });
        }
        const invalid = validate(schema, document);
        if (invalid.length) {
            entry.status = 400;
            return answer(400, {
                errors: invalid.map((e) => ({
                    message: e.message,
                    extensions: { code: "GRAPHQL_VALIDATION_FAILED", traceId: traceId() },
                })),
            });
        }
        // A mutation whose answer selects a field the emulator does not model is undone: the client
        // gets the error and no object it cannot learn the ID of (an orphan on real Railway).
        const operationType = getOperationAST(document, body.operationName)?.operation;
        if (operationType === "subscription") {
            entry.status = 400;
            return answer(400, {
                errors: [
                    {
                        message:
                            "Subscriptions are served over a WebSocket at this path (protocol graphql-transport-ws)",
                        extensions: { code: "BAD_REQUEST", traceId: traceId() },
                    },
                ],
            });
        }
        const isMutation = operationType === "mutation";
        store.settleDuplicates();
        if (isMutation) {
            try {
                store.refuseWhileCopying(environmentIdsOf(document, body.variables));
            } catch (e) {
                const err = e as GraphQLError;
                return answer(200, {
                    data: null,
                    errors: [{ message: err.message, extensions: { code: err.extensions?.code, traceId: traceId() } }],
                });
            }
        }
        const restore = isMutation ? store.checkpoint() : undefined;
        const context: RequestContext = { access: new Access(principal) };
        const result = await graphql({
            schema,
            source: body.query!,
            rootValue: root,
            contextValue: context,
            variableValues: body.variables,
            operationName: body.operationName,
            fieldResolver: strictFieldResolver,
        });
        if (restore && result.errors?.some((e) => e.extensions?.code === NOT_MODELLED)) {
            restore();
            return answer(200, {
                data: null,
                errors: result.errors.map((e) => ({
                    message: e.message,
                    path: e.path,
                    extensions: { code: e.extensions?.code ?? "INTERNAL_SERVER_ERROR", traceId: traceId() },
                })),
            });
        }
        if (context.copiedBeforeAnswer) {
            await new Promise((r) => setTimeout(r, store.duplicateMs).unref());
            store.settleDuplicates(context.copiedBeforeAnswer);
        }
        if (fault?.latencyMs && fault.afterApply) await delay();
        if (fault?.status && fault.afterApply) return faultAnswer(fault);
        const errors = result.errors?.map((e: GraphQLError) => ({
            message: e.message,
            path: e.path,
            extensions: { code: (e.extensions?.code as string) ?? "INTERNAL_SERVER_ERROR", traceId: traceId() },
        }));
        return answer(200, errors ? { data: result.data ?? null, errors } : { data: result.data });
    };

    const mint = (projectId: string, environmentId: string, value?: string) =>
        store.mintProjectToken({ projectId, environmentId, token: value }).token;
    for (const t of options.projectTokens ?? []) store.mintProjectToken(t);

    const handleAdmin = async (req: LocalRequest, route: string): Promise<LocalReply> => {
        if (req.method === "GET" && route === "store") {
            store.settleDuplicates();
            return reply(200, store.snapshot());
        }
        if (req.method === "GET" && route === "log") return reply(200, log);
        const body = JSON.parse(req.text || "{}");
        switch (route) {
            case "faults":
                faults.push(body as Fault);
                return reply(200, { ok: true, pending: faults.length });
            case "edit":
                try {
                    return reply(200, { ok: true, result: store.outOfBand(body) ?? null });
                } catch (e) {
                    return reply(400, { error: (e as Error).message });
                }
            case "reset":
                faults.length = 0;
                log.length = 0;
                store.clear();
                return reply(200, { ok: true });
            case "project-tokens":
                return reply(200, { token: mint(body.projectId, body.environmentId, body.token) });
            case "push":
                return reply(200, { deployments: store.push(body.repo, body.branch, body.sha).map((d) => d.id) });
            case "metrics":
                // {serviceId, environmentId, measurement, samples: [{ts, value}]}: a series Railway would have measured.
                store.signals.setSeries(body.serviceId, body.environmentId, body.measurement, body.samples ?? []);
                return reply(200, { ok: true });
            case "logs":
                // {deploymentId, kind: build|deploy, lines: [message...]}: what the app or its build printed.
                store.deployment(body.deploymentId);
                store.signals.addLogLines(
                    body.deploymentId,
                    body.kind === "build" ? "build" : "deploy",
                    (body.lines ?? []).map((message: string) => ({ at: store.now(), message, severity: "info" })),
                );
                return reply(200, { ok: true });
            case "deployment-outcome":
                store.pendingOutcomes.push({
                    serviceId: body.serviceId,
                    outcome: body.outcome,
                    count: body.count ?? 1,
                    lines: Array.isArray(body.lines) ? body.lines.map(String) : undefined,
                });
                return reply(200, { ok: true });
            default:
                return reply(404, { error: `unknown admin route ${route}` });
        }
    };

    /** `railway up`'s upload (upload.ts): logged, rate limited and authenticated like a GraphQL call. */
    const handleUploadRequest = (req: LocalRequest, route: RegExpExecArray): LocalReply => {
        const rate = rateHeaders();
        const entry: LoggedOperation = { operationName: "up (REST)", variables: {}, status: 200, at: Date.now() };
        log.push(entry);
        const answer = (r: LocalReply): LocalReply => {
            entry.status = r.status;
            return { ...r, headers: { ...rate.headers, ...r.headers } };
        };
        if (rate.exceeded) return answer(reply(429, undefined));
        const principal = principalOf(req.headers);
        if (!principal) return answer(reply(401, { message: "Not Authorized" }));
        entry.variables = {
            projectId: route[1],
            environmentId: route[2],
            serviceId: req.url.searchParams.get("serviceId"),
        };
        return answer(
            handleUpload(
                store,
                new Access(principal),
                { projectId: route[1], environmentId: route[2] },
                req.url.searchParams,
                req.body,
            ),
        );
    };

    const subscriptionServer = startSubscriptionServer({
        schema,
        root,
        subscriptions,
        principalOf,
        fieldResolver: strictFieldResolver,
    });

    const serve = (port: number | undefined, tls?: { key: string; cert: string }) =>
        startLocalServer({
            port,
            tls,
            upgrade: subscriptionServer.upgrade,
            tooLarge: (limit) =>
                reply(413, {
                    errors: [
                        { message: `Request body larger than ${limit} bytes`, extensions: { code: "BAD_REQUEST" } },
                    ],
                }),
            crashed: (e) =>
                reply(500, { errors: [{ message: e.message, extensions: { code: "INTERNAL_SERVER_ERROR" } }] }),
            handle: (req) => {
                if (req.method === "POST" && req.url.pathname === "/graphql/v2") return handleGraphQL(req);
                const upload = UPLOAD_PATH.exec(req.url.pathname);
                if (req.method === "POST" && upload) return handleUploadRequest(req, upload);
                if (req.url.pathname.startsWith("/admin/"))
                    return handleAdmin(req, req.url.pathname.slice("/admin/".length));
                return reply(404, {
                    error: "not found: the API is POST /graphql/v2 (and POST /project/<id>/environment/<id>/up for uploads)",
                });
            },
        });
    // The same API twice when asked: HTTP for this project's own tools, HTTPS for a client that only
    // speaks it (Railway's CLI on Railway's host name).
    const server = await serve(options.port);
    const tlsServer = options.tls ? await serve(0, options.tls) : undefined;
    const port = server.port;
    const proxies: LocalServer[] = [];
    return {
        apiUrl: `http://127.0.0.1:${port}/graphql/v2`,
        port,
        tlsPort: tlsServer?.port,
        token,
        store,
        log,
        faults,
        inject: (f) => faults.push(f),
        projectToken: (projectId, environmentId) => mint(projectId, environmentId),
        nextDeployments: (outcome, count = 1, serviceId, lines) =>
            store.pendingOutcomes.push({ serviceId, outcome, count, lines }),
        proxy: async (serviceId, environmentId, target) => {
            const p = await startServiceProxy(store, { serviceId, environmentId, target });
            proxies.push(p);
            return p.url;
        },
        close: async () => {
            await Promise.all(proxies.splice(0).map((p) => p.close()));
            await subscriptionServer.close();
            await server.close();
            await tlsServer?.close();
        },
    };
}
