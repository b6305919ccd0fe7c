/**
 * The subscription root (subscriptions.ts serves it over a WebSocket): each stream sends what exists
 * first, then each change as the emulator's clock moves it. A deployment's status is sent whenever
 * it changes; logs are sent line by line, each once.
 */
import {
    anchoredWindow,
    deploymentLogRecords,
    environmentLogRecords,
    filtered,
    limitOf,
    logKey,
    logObject,
    LogRecord,
} from "../logs";
import { DeploymentRec, EmulatorStore } from "../store";
import { httpLogView, LogKind } from "../signals";
import { poll } from "../subscriptions";
import { Args, RequestContext } from "./context";
import { Views } from "./views";

/** Steps Railway reports for a deployment (`DeploymentEventStep`), in the order they run. */
const STEPS = ["SNAPSHOT_CODE", "BUILD_IMAGE", "PUBLISH_IMAGE", "CREATE_CONTAINER", "HEALTHCHECK"] as const;

export function subscriptionResolvers(store: EmulatorStore, views: Views) {
    const { deploymentView, envView } = views;
    const deploymentOf = (id: string, ctx: RequestContext): DeploymentRec => {
        const d = store.deployment(id);
        ctx.access.environment(d.projectId, d.environmentId);
        return d;
    };

    /** Streams `records()`: first the window `initial` picks, then every line not sent yet. */
    const logStream = <K extends string>(
        field: K,
        records: () => LogRecord[],
        initial: (all: LogRecord[]) => LogRecord[],
    ) => {
        const sent = new Set<string>();
        let first = true;
        return poll(() => {
            const all = records();
            const batch = first ? initial(all) : all.filter((r) => !sent.has(logKey(r)));
            if (first) for (const r of all) sent.add(logKey(r));
            else for (const r of batch) sent.add(logKey(r));
            const wasFirst = first;
            first = false;
            // The first message is sent even when empty: the client knows the stream is live.
            return batch.length || wasFirst ? ({ [field]: batch.map(logObject) } as Record<K, unknown>) : undefined;
        });
    };
    const deploymentLogStream =
        (field: "buildLogs" | "deploymentLogs", kind: LogKind) => (args: Args, ctx: RequestContext) => {
            const d = deploymentOf(args.deploymentId, ctx);
            const limit = limitOf(args.limit);
            return logStream(
                field,
                () => filtered(deploymentLogRecords(store, d, kind), args.filter),
                (all) => (limit ? all.slice(-limit) : []),
            );
        };

    /** The steps a deployment has reached, each done (or failed) as its status says. */
    const events = (d: DeploymentRec) => {
        const status = store.status(d);
        const reached: Record<string, number> = {
            INITIALIZING: 1,
            BUILDING: 2,
            DEPLOYING: 4,
            FAILED: 2,
            CRASHED: 5,
            SUCCESS: 5,
            SLEEPING: 5,
            REMOVING: 5,
            REMOVED: 5,
        };
        const n = reached[status] ?? 0;
        return STEPS.slice(0, n).map((step, i) => {
            const failed =
                (status === "FAILED" && step === "BUILD_IMAGE") || (status === "CRASHED" && step === "HEALTHCHECK");
            const done = i < n - 1 || ["SUCCESS", "SLEEPING", "REMOVING", "REMOVED"].includes(status) || failed;
            return {
                id: `${d.id}:${step}`,
                step,
                createdAt: store.iso(d.createdAt + i * store.deployStageMs),
                completedAt: done ? store.iso(d.createdAt + (i + 1) * store.deployStageMs) : null,
                payload: failed
                    ? {
                          error:
                              step === "BUILD_IMAGE"
                                  ? "Failed to build an image. Please check the build logs for more details."
                                  : "Deployment failed during the network process. Please check the deploy logs for more details.",
                          skipped: false,
                          attempt: 1,
                          maxAttempts: 1,
                          detail: null,
                          durationMs: store.deployStageMs,
                          reason: null,
                      }
                    : {
                          error: null,
                          skipped: false,
                          attempt: 1,
                          maxAttempts: 1,
                          detail: null,
                          durationMs: null,
                          reason: null,
                      },
            };
        });
    };

    return {
        deployment: ({ id }: Args, ctx: RequestContext) => {
            const d = deploymentOf(id, ctx);
            let last: string | undefined;
            return poll(() => {
                const view = deploymentView(d);
                const now = `${view.status}`;
                if (now === last) return undefined;
                last = now;
                return { deployment: view };
            });
        },
        deploymentEvents: ({ id }: Args, ctx: RequestContext) => {
            const d = deploymentOf(id, ctx);
            const sent = new Map<string, string>();
            const queue: unknown[] = [];
            return poll(() => {
                for (const e of events(d)) {
                    const state = JSON.stringify(e);
                    if (sent.get(e.id) !== state) {
                        sent.set(e.id, state);
                        queue.push(e);
                    }
                }
                const next = queue.shift();
                return next === undefined ? undefined : { deploymentEvents: next };
            });
        },
        buildLogs: deploymentLogStream("buildLogs", "build"),
        deploymentLogs: deploymentLogStream("deploymentLogs", "deploy"),
        environmentLogs: (args: Args, ctx: RequestContext) => {
            const env = envView(args.environmentId);
            ctx.access.environment(String(env.projectId), args.environmentId);
            return logStream(
                "environmentLogs",
                () => environmentLogRecords(store, args.environmentId, args.filter),
                (all) => anchoredWindow(all, args, store.now()),
            );
        },
        httpLogs: (args: Args, ctx: RequestContext) => {
            const d = deploymentOf(args.deploymentId, ctx);
            let sent = 0;
            let first = true;
            return poll(() => {
                const records = store.signals.http.filter((r) => r.deploymentId === d.id);
                const batch = first ? records.slice(-limitOf(args.beforeLimit, 100)) : records.slice(sent);
                sent = records.length;
                const wasFirst = first;
                first = false;
                return batch.length || wasFirst
                    ? { httpLogs: httpLogView(batch, `${store.service(d.serviceId).name}.up.railway.app`, 5000) }
                    : undefined;
            });
        },
    };
}
