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
import { GATE_EXIT, runGate } from "../gate/gate";
import { notifyConfigFromEnv } from "../gate/notify";
import { scrub } from "../gate/probes";
import { CommandIO, parseCommandArgs } from "./io";

const USAGE =
    "usage: npm run gate -- --stack <name> --service <name> [--url <base url>] [--deployment <id>] [--once] [--window <minutes>] [--interval <seconds>] [--project-id <id>] [--state <file>] [--out <file>]";

export async function gateCommand(argv: string[], io: CommandIO, cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): Promise<number> {
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
    const number = (name: string, value: string | undefined) => {
        if (value === undefined) return undefined;
        const n = Number(value);
        if (!Number.isFinite(n) || n <= 0) throw new ContextError(`--${name} must be a positive number, not '${value}'`);
        return n;
    };
    let ctx, baseUrl, window, interval;
    try {
        ctx = gateContext({ stack: flags.stack, service: flags.service, projectId: flags["project-id"], state: flags.state }, cwd, env);
        baseUrl = baseUrlOf(ctx, flags.url);
        window = number("window", flags.window);
        interval = number("interval", flags.interval);
    } catch (e) {
        if (e instanceof ContextError) return usage(e.message);
        throw e;
    }
    let railway;
    try {
        railway = await railwayTargetOf(ctx);
    } catch (e) {
        io.err(`gate: cannot find the service on Railway: ${scrub((e as Error).message)}; not deciding without it (exit 2)`);
        return GATE_EXIT.undecided;
    }
    const config = { ...ctx.config.gate, ...(window ? { monitoringWindowMinutes: window } : {}), ...(interval ? { intervalSeconds: interval } : {}) };
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
    const json = JSON.stringify(record, null, 2);
    if (flags.out) {
        fs.mkdirSync(path.dirname(path.resolve(cwd, flags.out)), { recursive: true });
        fs.writeFileSync(path.resolve(cwd, flags.out), json + "\n");
    }
    io.out(json);
    io.err(`gate: ${record.decision}: ${record.reason} (exit ${record.exitCode})`);
    return record.exitCode;
}
