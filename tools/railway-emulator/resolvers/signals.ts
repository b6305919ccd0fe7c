/** Railway's own signals: build and deploy logs, HTTP logs and metrics, resource metrics (signals.ts). */
import { EmulatorStore, badInput, notModelled } from "../store";
import { anchoredWindow, deploymentLogRecords, environmentLogRecords, filtered, limitOf, logObject } from "../logs";
import { durationMetrics, HttpRecord, httpLogView, LogKind, metricsByStatus, metricsView } from "../signals";
import { Args, RequestContext } from "./context";
import { Views } from "./views";

export function signalsResolvers(store: EmulatorStore, views: Views) {
    const { projectOfService, projectOfEnv } = views;
    /** The last `limit` lines (default 100) of a deployment's build or runtime, within the dates and the filter. */
    const deploymentLogLines = (args: Args, ctx: RequestContext, kind: LogKind) => {
        const d = store.deployment(args.deploymentId);
        ctx.access.environment(d.projectId, d.environmentId);
        const start = args.startDate ? Date.parse(args.startDate) : -Infinity;
        const end = args.endDate ? Date.parse(args.endDate) : Infinity;
        const lines = filtered(deploymentLogRecords(store, d, kind), args.filter).filter(
            (r) => r.at >= start && r.at <= end,
        );
        const limit = limitOf(args.limit);
        return (limit ? lines.slice(-limit) : []).map(logObject);
    };
    /** The requests to a service in an environment over [startDate, endDate], with the filters Railway takes. */
    const httpRecords = (args: Args, ctx: RequestContext): HttpRecord[] => {
        ctx.access.environment(projectOfService(args.serviceId), args.environmentId);
        const start = Date.parse(args.startDate);
        const end = Date.parse(args.endDate);
        if (!(end > start)) throw badInput("endDate must be after startDate");
        return store.signals
            .requestsOf(args.serviceId, args.environmentId, start, end)
            .filter(
                (r) =>
                    (!args.method || r.method === args.method) &&
                    (!args.path || r.path === args.path) &&
                    (args.statusCode == null || r.status === args.statusCode),
            );
    };
    const stepSecondsOf = (args: Args) => {
        const step = args.stepSeconds ?? 60;
        if (!Number.isInteger(step) || step < 1) throw badInput("stepSeconds must be a positive whole number");
        return step;
    };

    return {
        buildLogs: (args: Args, ctx: RequestContext) => deploymentLogLines(args, ctx, "build"),
        deploymentLogs: (args: Args, ctx: RequestContext) => deploymentLogLines(args, ctx, "deploy"),
        environmentLogs: (args: Args, ctx: RequestContext) => {
            ctx.access.environment(projectOfEnv(args.environmentId), args.environmentId);
            return anchoredWindow(environmentLogRecords(store, args.environmentId, args.filter), args, store.now()).map(
                logObject,
            );
        },
        httpLogs: (args: Args, ctx: RequestContext) => {
            const d = store.deployment(args.deploymentId);
            ctx.access.environment(d.projectId, d.environmentId);
            const records = store.signals.http.filter((r) => r.deploymentId === d.id);
            return httpLogView(records, `${store.service(d.serviceId).name}.up.railway.app`, args.limit);
        },
        httpMetricsGroupedByStatus: (args: Args, ctx: RequestContext) =>
            metricsByStatus(httpRecords(args, ctx), stepSecondsOf(args)),
        httpDurationMetrics: (args: Args, ctx: RequestContext) =>
            durationMetrics(
                httpRecords(args, ctx),
                Date.parse(args.startDate),
                Date.parse(args.endDate),
                stepSecondsOf(args),
            ),
        metrics: (args: Args, ctx: RequestContext) => {
            if (!args.serviceId || !args.environmentId || args.groupBy?.length || args.volumeId)
                throw notModelled(
                    "metrics other than one service's in one environment (serviceId and environmentId, no groupBy)",
                );
            ctx.access.environment(projectOfService(args.serviceId), args.environmentId);
            return metricsView(
                store.signals,
                {
                    serviceId: args.serviceId,
                    environmentId: args.environmentId,
                    measurements: args.measurements,
                    startMs: Date.parse(args.startDate),
                    endMs: args.endDate ? Date.parse(args.endDate) : store.now(),
                    sampleRateSeconds: args.sampleRateSeconds,
                },
                {
                    serviceId: args.serviceId,
                    environmentId: args.environmentId,
                    projectId: projectOfService(args.serviceId),
                },
            );
        },
    };
}
