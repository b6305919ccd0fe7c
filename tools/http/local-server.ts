/**
 * The one HTTP server the Railway emulator and the fakes are built on: it listens on 127.0.0.1
 * only, reads each body whole (up to a limit), hands the handler a parsed request and writes the
 * handler's answer. Each service keeps its own error shapes: the caller says how a body over the
 * limit and a handler that threw are answered. `close()` ends open connections and waits for the
 * listener, so a test's clean-up leaves nothing listening.
 */
import * as http from "http";
import * as https from "https";
import { AddressInfo } from "net";
import type { Duplex } from "stream";

export interface LocalRequest {
    method: string;
    url: URL;
    headers: http.IncomingHttpHeaders;
    /** The body as text (UTF-8). */
    text: string;
    /** The body as sent (an upload is not text). */
    body: Buffer;
}

export interface LocalReply {
    status: number;
    headers?: Record<string, string>;
    /** Sent as JSON (content-type application/json unless `headers` says otherwise). */
    body?: unknown;
    /** Sent as is, instead of `body` (content-type text/plain unless `headers` says otherwise). */
    text?: string;
    /** Drop the connection without an answer: the lost response a client must survive. */
    drop?: boolean;
}

export interface LocalServerOptions {
    port?: number;
    /** Serve HTTPS with this key and certificate (PEM), for clients that speak nothing else. */
    tls?: { key: string; cert: string };
    /** Largest body read; past it the request is answered with `tooLarge` (default 16 MiB). */
    bodyLimit?: number;
    handle(request: LocalRequest): LocalReply | Promise<LocalReply>;
    /** The service's own answer to a body over the limit. */
    tooLarge(limit: number): LocalReply;
    /** The service's own answer when the handler throws (a bug in the fake, shown to the client). */
    crashed(error: Error): LocalReply;
    /**
     * A request to switch protocols (a WebSocket): the service takes the socket, or it is answered
     * 426 and closed. Without it every upgrade is refused.
     */
    upgrade?(request: http.IncomingMessage, socket: Duplex, head: Buffer): void;
}

export interface LocalServer {
    url: string;
    port: number;
    close(): Promise<void>;
}

const DEFAULT_BODY_LIMIT = 16 * 1024 * 1024;

/** Writes one reply. */
function write(res: http.ServerResponse, reply: LocalReply): void {
    if (reply.drop) {
        res.socket?.destroy();
        return;
    }
    const json = reply.text === undefined;
    const payload = json ? (reply.body === undefined ? "" : JSON.stringify(reply.body)) : reply.text!;
    const type = json ? "application/json" : "text/plain";
    res.writeHead(reply.status, { "content-type": type, ...reply.headers });
    res.end(payload);
}

/** Reads the body whole, or resolves undefined once it passes `limit` (the rest is not buffered). */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let over = false;
        req.on("data", (c: Buffer) => {
            size += c.length;
            if (size > limit) over = true;
            if (!over) chunks.push(c);
        });
        req.on("end", () => resolve(over ? undefined : Buffer.concat(chunks)));
        req.on("error", reject);
    });
}

export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
    const limit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
    const listener: http.RequestListener = (req, res) => {
        const answer = async (): Promise<LocalReply> => {
            const body = await readBody(req, limit);
            if (body === undefined) return options.tooLarge(limit);
            return options.handle({
                method: (req.method ?? "GET").toUpperCase(),
                url: new URL(req.url ?? "/", "http://127.0.0.1"),
                headers: req.headers,
                text: body.toString("utf8"),
                body,
            });
        };
        answer().then(
            (reply) => write(res, reply),
            (e: unknown) => write(res, options.crashed(e instanceof Error ? e : new Error(String(e)))),
        );
    };
    const server: http.Server = options.tls ? https.createServer(options.tls, listener) : http.createServer(listener);
    server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
        if (options.upgrade) return options.upgrade(req, socket, head);
        socket.end("HTTP/1.1 426 Upgrade Required\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    });
    // Node closes an idle keep-alive connection after 5 s; Go's HTTP client keeps one for 90 s and
    // reuses it, so a Go provider calling again after a pause met a connection closed under it (the
    // Sentry provider then panics on the transport error). Real services keep connections longer.
    server.keepAliveTimeout = 120_000;
    server.headersTimeout = 125_000;
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(options.port ?? 0, "127.0.0.1", () => {
            server.off("error", reject);
            resolve();
        });
    });
    const port = (server.address() as AddressInfo).port;
    let closing: Promise<void> | undefined;
    return {
        url: `${options.tls ? "https" : "http"}://127.0.0.1:${port}`,
        port,
        close: () =>
            (closing ??= new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            })),
    };
}
