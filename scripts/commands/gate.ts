/**
 * `npm run gate -- --stack <s> --service <name> [--url <base url>] [--deployment <id>] [--once]
 *  [--window <minutes>] [--interval <seconds>] [--project-id <id>] [--state <file>] [--out <file>]`
 *
 * Watches the service's live deployment and rolls it back when the seed's matrix says so. Prints
 * progress on stderr and the decision record (JSON) on stdout. Exit 0 healthy, 1 rolled back,
 * 2 could not decide (or a usage error). Environment: RAILWAY_API_TOKEN or RAILWAY_TOKEN;
 * RAILWAY_PROJECT_ID; DATABASE_URL and REDIS_URL for level 2 from here; smoke-test references
 * (`${env:NAME}`); PAGERDUTY_ROUTING_KEY; GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_DEPLOYMENT_ID.
 */
import * as fs from "fs";
import * as path from "path";
import { baseUrlOf, ContextError, gateContext, railwayTargetOf } from "../gate/context";
import { GATE_LIMITS } from "../../config/stack.schema";
import { DecisionRecord, GATE_EXIT, runGate, undecidedRecord } from "../gate/gate";
import { notifyConfigFromEnv } from "../gate/notify";
import { scrub } from "../gate/probes";
import { CommandIO, outPath, parseCommandArgs, writeAtomically } from "./io";

const USAGE =
    "usage: npm run gate -- --stack <name> --service <name> [--url <base url>] [--deployment <id>] [--once] [--window <minutes>] [--interval <seconds>] [--project-id <id>] [--state <file>] [--out <file>]";

export async function gateCommand(
    argv: string[],
    io: CommandIO,
    cwd = process.cwd(),
    env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
    const flags = parseCommandArgs<{
        stack?: string;
        service?: string;
        url?: string;
        deployment?: string;
        once?: boolean;
        window?: string;
        interval?: string;
        "project-id"?: string;
        state?: string;
        out?: string;
    }>(
        argv,
        {
            stack: { type: "string" },
            service: { type: "string" },
            url: { type: "string" },
            deployment: { type: "string" },
            once: { type: "boolean" },
            window: { type: "string" },
            interval: { type: "string" },
            "project-id": { type: "string" },
            state: { type: "string" },
            out: { type: "string" },
        },
        USAGE,
        io,
    );
    if (typeof flags === "number") return flags === 0 ? 0 : GATE_EXIT.undecided;
    const usage = (message: string) => {
        io.err(`${message}\n${USAGE}`);
        return GATE_EXIT.undecided;
    };
    if (!flags.stack || !flags.service) return usage("--stack and --service are required");
    // Same bounds as the stack config's gate settings.
    const bounded = (
        name: "window" | "interval",
        value: string | undefined,
        limits: { min: number; max: number },
        unit: string,
    ) => {
        if (value === undefined) return undefined;
        const n = Number(value);
        if (!Number.isFinite(n) || n < limits.min || n > limits.max)
            throw new ContextError(
                `--${name} must be a number of ${unit} from ${limits.min} to ${limits.max}, not '${value.slice(0, 20)}'`,
            );
        return n;
    };
    let out: string | undefined;
    if (flags.out) {
        fs.mkdirSync(path.dirname(path.resolve(cwd, flags.out)), { recursive: true });
        const checked = outPath(flags.out, cwd);
        if ("problem" in checked) return usage(checked.problem);
        out = checked.file;
    }
    /** The decision record, on every path past the flags: stdout, and --out. */
    const emit = (record: DecisionRecord) => {
        const json = JSON.stringify(record, null, 2);
        if (out) writeAtomically(out, json + "\n");
        io.out(json);
        io.err(`gate: ${record.decision}: ${record.reason} (exit ${record.exitCode})`);
        return record.exitCode;
    };
    let ctx, baseUrl, window, interval;
    try {
        window = bounded("window", flags.window, GATE_LIMITS.monitoringWindowMinutes, "minutes");
        interval = bounded("interval", flags.interval, GATE_LIMITS.intervalSeconds, "seconds");
        ctx = gateContext(
            { stack: flags.stack, service: flags.service, projectId: flags["project-id"], state: flags.state },
            cwd,
            env,
        );
        baseUrl = baseUrlOf(ctx, flags.url);
    } catch (e) {
        if (!(e instanceof ContextError)) throw e;
        io.err(USAGE);
        return emit(undecidedRecord(flags.stack, flags.service, `cannot start: ${e.message}`));
    }
    let railway;
    try {
        railway = await railwayTargetOf(ctx);
    } catch (e) {
        return emit(
            undecidedRecord(
                ctx.stack,
                ctx.service.name,
                `Railway unreachable or the service unknown there: ${scrub((e as Error).message)}; not deciding without it`,
            ),
        );
    }
    const config = {
        ...ctx.config.gate,
        ...(window ? { monitoringWindowMinutes: window } : {}),
        ...(interval ? { intervalSeconds: interval } : {}),
    };
    const record = await runGate({
        stack: ctx.stack,
        service: ctx.service.name,
        config,
        baseUrl,
        railway,
        databaseUrl: env.DATABASE_URL || undefined,
        redisUrl: env.REDIS_URL || undefined,
        once: flags.once,
        deploymentId: flags.deployment,
        stateFile: ctx.stateFile,
        notify: notifyConfigFromEnv(env),
        env,
        log: (line) => io.err(line),
    });
    return emit(record);
}
