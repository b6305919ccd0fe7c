/** Railway's own signals: build and deploy logs, HTTP logs and metrics, resource metrics (signals.ts). */
import { EmulatorStore, badInput, notModelled } from "../store";
import { durationMetrics, HttpRecord, httpLogView, LogKind, logView, metricsByStatus, metricsView } from "../signals";
import { Args, RequestContext } from "./context";
import { Views } from "./views";

export function signalsResolvers(store: EmulatorStore, views: Views) {
    const { projectOfService } = views;
    const deploymentLogLines = (args: Args, ctx: RequestContext, kind: LogKind) => {
        const d = store.deployment(args.deploymentId);
        ctx.access.environment(d.projectId, d.environmentId);
        return logView(
            store.logLines(d, kind),
            { deploymentId: d.id, environmentId: d.environmentId, projectId: d.projectId, serviceId: d.serviceId },
            args,
        );
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
