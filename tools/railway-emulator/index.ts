/**
 * A local Railway: serves Railway's own GraphQL schema (vendored in providers/railway/schema/) with
 * graphql-js over an in-memory store, on 127.0.0.1 only. A document Railway would reject is
 * rejected here the same way (HTTP 400, GRAPHQL_VALIDATION_FAILED), so every test that goes
 * through the emulator is also a contract check.
 *
 * Beyond the API it offers, programmatically and over `/admin/*`:
 * - fault injection: 429 with Retry-After, 5xx, added latency, failing the next N calls of an operation;
 * - out-of-band edits (change a variable or a setting, delete a service), to create drift;
 * - a log of every operation received, for assertions.
 */
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as path from "path";
import { buildSchema, GraphQLError, GraphQLSchema, graphql, parse, validate } from "graphql";
import { EmulatorStore } from "./store";
import { makeRoot } from "./resolvers";

export { EmulatorStore } from "./store";

/** Railway's schema, vendored with its provenance in providers/railway/schema/SOURCE.md. */
export const SCHEMA_PATH = process.env.RAILWAY_SCHEMA_PATH ?? path.resolve(__dirname, "../../providers/railway/schema/schema.graphql");

let cachedSchema: GraphQLSchema | undefined;
export function railwaySchema(): GraphQLSchema {
    cachedSchema ??= buildSchema(fs.readFileSync(SCHEMA_PATH, "utf8"));
    return cachedSchema;
}

export interface Fault {
    /** Operation name to match; undefined matches any. */
    operation?: string;
    /** HTTP status to answer (429, 500, 503...); omitted with latencyMs alone to only slow down. */
    status?: number;
    /** Retry-After header value (seconds) for a 429. */
    retryAfter?: number;
    /** Added latency before answering (or before the fault). */
    latencyMs?: number;
    /** How many matching calls it applies to (default 1). */
    count?: number;
    /** Apply the fault after executing the operation (the change happens, the answer is lost). */
    afterApply?: boolean;
}

export interface LoggedOperation {
    operationName: string;
    variables: Record<string, unknown>;
    status: number;
    at: number;
}

export interface EmulatorOptions {
    port?: number;
    /** Accepted token (Bearer or Project-Access-Token). Default "emulator-token". */
    token?: string;
    /** Milliseconds each deployment stage takes (QUEUED → BUILDING → DEPLOYING → SUCCESS). */
    deployStageMs?: number;
}

export interface RailwayEmulator {
    /** GraphQL endpoint, the same path as Railway's: `http://127.0.0.1:<port>/graphql/v2`. */
    apiUrl: string;
    port: number;
    token: string;
    store: EmulatorStore;
    log: LoggedOperation[];
    faults: Fault[];
    inject(fault: Fault): void;
    close(): Promise<void>;
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(body === undefined ? "" : JSON.stringify(body));
}

function readBody(req: http.IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        req.on("error", reject);
    });
}

let traceCounter = 0;
const traceId = () => `emu-${Date.now().toString(36)}-${(++traceCounter).toString(36)}`;

export async function startRailwayEmulator(options: EmulatorOptions = {}): Promise<RailwayEmulator> {
    const schema = railwaySchema();
    const token = options.token ?? "emulator-token";
    const store = new EmulatorStore(options.deployStageMs ?? 100);
    const log: LoggedOperation[] = [];
    const faults: Fault[] = [];

    const takeFault = (operation: string): Fault | undefined => {
        const i = faults.findIndex((f) => f.operation === undefined || f.operation === operation);
        if (i < 0) return undefined;
        const f = faults[i];
        const left = (f.count ?? 1) - 1;
        if (left <= 0) faults.splice(i, 1);
        else faults[i] = { ...f, count: left };
        return f;
    };

    const handleGraphQL = async (req: http.IncomingMessage, res: http.ServerResponse) => {
        const raw = await readBody(req);
        let body: { query?: string; variables?: Record<string, unknown>; operationName?: string };
        try {
            body = JSON.parse(raw);
        } catch {
            return send(res, 400, { errors: [{ message: "Body is not JSON", extensions: { code: "GRAPHQL_PARSE_FAILED", traceId: traceId() } }] });
        }
        const operationName = body.operationName ?? "anonymous";
        const entry: LoggedOperation = { operationName, variables: body.variables ?? {}, status: 200, at: Date.now() };
        log.push(entry);

        const fault = takeFault(operationName);
        if (fault?.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
        if (fault?.status && !fault.afterApply) {
            entry.status = fault.status;
            const headers: Record<string, string> = fault.retryAfter !== undefined ? { "retry-after": String(fault.retryAfter) } : {};
            // Railway's 429 has no GraphQL body; its 5xx carry one.
            return fault.status === 429
                ? send(res, 429, undefined, headers)
                : send(res, fault.status, { errors: [{ message: "Internal Server Error", extensions: { code: "INTERNAL_SERVER_ERROR", traceId: traceId() } }] }, headers);
        }

        const auth = req.headers["authorization"];
        const projectToken = req.headers["project-access-token"];
        if (!((typeof auth === "string" && auth === `Bearer ${token}`) || projectToken === token)) {
            return send(res, 200, { data: null, errors: [{ message: "Not Authorized", extensions: { code: "UNAUTHENTICATED", traceId: traceId() } }] });
        }

        let document;
        try {
            document = parse(body.query ?? "");
        } catch (e) {
            entry.status = 400;
            return send(res, 400, { errors: [{ message: (e as Error).message, extensions: { code: "GRAPHQL_PARSE_FAILED", traceId: traceId() } }] });
        }
        const invalid = validate(schema, document);
        if (invalid.length) {
            entry.status = 400;
            return send(res, 400, { errors: invalid.map((e) => ({ message: e.message, extensions: { code: "GRAPHQL_VALIDATION_FAILED", traceId: traceId() } })) });
        }
        const result = await graphql({
            schema,
            source: body.query!,
            rootValue: makeRoot(store),
            variableValues: body.variables,
            operationName: body.operationName,
        });
        if (fault?.status && fault.afterApply) {
            entry.status = fault.status;
            return send(res, fault.status, { errors: [{ message: "Internal Server Error", extensions: { code: "INTERNAL_SERVER_ERROR", traceId: traceId() } }] });
        }
        const errors = result.errors?.map((e: GraphQLError) => ({
            message: e.message,
            path: e.path,
            extensions: { code: (e.extensions?.code as string) ?? "INTERNAL_SERVER_ERROR", traceId: traceId() },
        }));
        send(res, 200, errors ? { data: result.data ?? null, errors } : { data: result.data });
    };

    const handleAdmin = async (req: http.IncomingMessage, res: http.ServerResponse, route: string) => {
        if (req.method === "GET" && route === "store") return send(res, 200, store.snapshot());
        if (req.method === "GET" && route === "log") return send(res, 200, log);
        const body = JSON.parse((await readBody(req)) || "{}");
        switch (route) {
            case "faults":
                faults.push(body as Fault);
                return send(res, 200, { ok: true, pending: faults.length });
            case "edit":
                store.outOfBand(body);
                return send(res, 200, { ok: true });
            case "reset":
                faults.length = 0;
                log.length = 0;
                store.clear();
                return send(res, 200, { ok: true });
            default:
                return send(res, 404, { error: `unknown admin route ${route}` });
        }
    };

    const server = http.createServer((req, res) => {
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        const work =
            req.method === "POST" && url.pathname === "/graphql/v2"
                ? handleGraphQL(req, res)
                : url.pathname.startsWith("/admin/")
                  ? handleAdmin(req, res, url.pathname.slice("/admin/".length))
                  : Promise.resolve(send(res, 404, { error: "not found: the API is POST /graphql/v2" }));
        work.catch((e) => send(res, 500, { errors: [{ message: String((e as Error)?.message ?? e) }] }));
    });
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    return {
        apiUrl: `http://127.0.0.1:${port}/graphql/v2`,
        port,
        token,
        store,
        log,
        faults,
        inject: (f) => faults.push(f),
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections?.();
                server.close(() => resolve());
            }),
    };
}
