/**
 * Railway's GraphQL subscriptions, as its CLI reads them: a WebSocket on the API's own path
 * (`wss://backboard.railway.com/graphql/v2`), protocol `graphql-transport-ws` (graphql-ws's server),
 * authenticated by the upgrade request's headers like any call. Streams, each first with what exists
 * then with what comes: a deployment's status (`deployment`), its build and deploy logs
 * (`buildLogs`, `deploymentLogs`), an environment's logs (`environmentLogs`, with Railway's filter
 * syntax: a build's lines only for a `@snapshot:` in the filter) and a deployment's HTTP logs.
 */
import type { IncomingMessage } from "http";
import type { Duplex } from "stream";
import { GraphQLFieldResolver, GraphQLSchema, execute, subscribe } from "graphql";
// graphql-ws declares this entry only in its package "exports", which the project's "node" module
// resolution does not read: tsconfig.json's "paths" names its declarations; Node resolves it itself.
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import { Access, Principal } from "./auth";
import { RequestContext } from "./resolvers";

/** How often a stream looks for news: the emulator's deployments move on a clock, not on events. */
const POLL_MS = 100;

export interface SubscriptionServer {
    upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
    close(): Promise<void>;
}

/**
 * Yields each value `next()` gives (undefined: nothing new yet), polling until the client stops.
 * An iterator of its own rather than an async generator: a generator waiting on its timer cannot be
 * stopped (return() waits for the next yield, which a quiet stream never reaches), so it would
 * poll forever after its client left and keep the process alive.
 */
export function poll<T>(next: () => T | undefined): AsyncIterableIterator<T> {
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    let wake: (() => void) | undefined;
    const stop = (): IteratorResult<T> => {
        done = true;
        if (timer) clearTimeout(timer);
        wake?.();
        return { done: true, value: undefined };
    };
    const iterator: AsyncIterableIterator<T> = {
        async next() {
            while (!done) {
                const value = next();
                if (value !== undefined) return { done: false, value };
                await new Promise<void>((resolve) => {
                    wake = resolve;
                    timer = setTimeout(resolve, POLL_MS);
                });
            }
            return { done: true, value: undefined };
        },
        async return() {
            return stop();
        },
        async throw(e?: unknown) {
            stop();
            throw e;
        },
        [Symbol.asyncIterator]() {
            return iterator;
        },
    };
    return iterator;
}

export function startSubscriptionServer(options: {
    schema: GraphQLSchema;
    /** Query and mutation roots (a subscription's `subscribe` message may carry either, too). */
    root: Record<string, unknown>;
    /** The subscription root: each field a function of (args, context) returning an async iterable of `{<field>: value}`. */
    subscriptions: Record<string, unknown>;
    principalOf(headers: IncomingMessage["headers"]): Principal | undefined;
    fieldResolver: GraphQLFieldResolver<unknown, unknown>;
}): SubscriptionServer {
    const wss = new WebSocketServer({ noServer: true });
    const server = useServer<Record<string, unknown>, { request: IncomingMessage }>(
        {
            schema: options.schema,
            roots: {
                query: options.root as Record<string, object>,
                mutation: options.root as Record<string, object>,
                subscription: options.subscriptions as Record<string, object>,
            },
            context: (ctx): RequestContext & Record<string, unknown> => ({
                access: new Access(options.principalOf(ctx.extra.request.headers)!),
            }),
            execute: (args) => execute({ ...args, fieldResolver: options.fieldResolver }),
            subscribe: (args) => subscribe({ ...args, fieldResolver: options.fieldResolver }),
        },
        wss,
    );
    return {
        upgrade: (request, socket, head) => {
            const pathname = new URL(request.url ?? "/", "http://x").pathname;
            const refuse = (status: string) => {
                socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
            };
            if (pathname !== "/graphql/v2") return refuse("404 Not Found");
            // The token is checked at the upgrade, as every HTTP call is: no principal, no socket.
            if (!options.principalOf(request.headers)) return refuse("401 Unauthorized");
            wss.handleUpgrade(request, socket, head, (ws) => wss.emit("connection", ws, request));
        },
        // graphql-ws's dispose closes every socket and the server (a second close would never call back).
        close: async () => {
            for (const client of wss.clients) client.terminate();
            await server.dispose();
        },
    };
}
