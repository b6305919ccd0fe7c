/**
 * A service's public URL as Railway's edge fronts it: a proxy on 127.0.0.1 that forwards each
 * request to the app and records its status and duration against the deployment live at the time,
 * so the emulator's HTTP metrics and HTTP logs are computed from real traffic. An app that does not
 * answer gets Railway's 502 ("Application failed to respond"), recorded like any other answer.
 */
import { randomUUID } from "crypto";
import { performance } from "perf_hooks";
import { LocalServer, startLocalServer } from "../http/local-server";
import type { EmulatorStore } from "./store";

const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "host", "content-length"]);

export async function startServiceProxy(
    store: EmulatorStore,
    route: { serviceId: string; environmentId: string; target: string },
): Promise<LocalServer> {
    const target = new URL(route.target);
    return startLocalServer({
        tooLarge: () => ({ status: 413, text: "Request Entity Too Large" }),
        crashed: () => ({ status: 502, text: "Application failed to respond" }),
        handle: async (req) => {
            const started = performance.now();
            const at = store.now();
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(req.headers))
                if (typeof v === "string" && !HOP_BY_HOP.has(k)) headers[k] = v;
            let status = 502;
            let text = "Application failed to respond";
            let type = "text/plain";
            try {
                const res = await fetch(new URL(req.url.pathname + req.url.search, target), {
                    method: req.method,
                    headers,
                    body: ["GET", "HEAD"].includes(req.method) ? undefined : req.text,
                    redirect: "manual",
                    signal: AbortSignal.timeout(30_000),
                });
                status = res.status;
                text = await res.text();
                type = res.headers.get("content-type") ?? type;
            } catch {
                // no answer: Railway's edge says 502
            }
            store.signals.http.push({
                serviceId: route.serviceId,
                environmentId: route.environmentId,
                deploymentId: store.liveDeploymentAt(route.serviceId, route.environmentId, at)?.id,
                at,
                method: req.method,
                path: req.url.pathname,
                status,
                durationMs: performance.now() - started,
                rxBytes: Buffer.byteLength(req.text),
                txBytes: Buffer.byteLength(text),
                requestId: randomUUID(),
            });
            return { status, text, headers: { "content-type": type } };
        },
    });
}
