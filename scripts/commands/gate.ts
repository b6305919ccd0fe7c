/**
 * `npm run gate -- --stack <s> --service <name> [--url <base url>] [--deployment <id>] [--once]
 *  [--window <minutes>] [--interval <seconds>] [--project-id <id>] [--state <file>] [--out <file>]`
 *
 * Watches the service's live deployment and rolls it back when the seed's matrix says so. Prints
 * progress on stderr and the decision record (JSON) on stdout. Exit 0 healthy, 1 rolled back,
 * 2 could not decide (or a usage error). Environment: RAILWAY_API_TOKEN or RAILWAY_TOKEN;
 * RAILWAY_PROJECT_ID; DATABASE_URL and REDIS_URL for level 2 from here; smoke-test references
 * (`${env:NAME}`); PAGERDUTY_ROUTING_KEY; GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_DEPLOYMENT_ID,
 * GITHUB_SHA; SLACK_WEBHOOK_URL (a failed build or crash); GATE_REDACT_VALUES (secrets to cut out).
 */
import * as fs from "fs";
import * as path from "path";
import { baseUrlOf, ContextError, gateContext, railwayTargetOf } from "../gate/context";
import { GATE_LIMITS } from "../../config/stack.schema";
import { DecisionRecord, GATE_EXIT, runGate, undecidedRecord } from "../gate/gate";
import { notifyConfigFromEnv } from "../gate/notify";
import { scrub } from "../gate/probes";
import { defineCommand, numberIn, parseCommand, usageLine, usageProblem } from "./cli";
import { CommandIO, outPath, writeAtomically } from "./io";

function gateProgram(io: CommandIO) {
    const { monitoringWindowMinutes: w, intervalSeconds: i } = GATE_LIMITS;
    return defineCommand(
        "gate",
        "Watches a service's live deployment and rolls it back when the seed's matrix says so. Progress on stderr, the decision record (JSON) on stdout.",
        io,
        [
            "Exit 0 healthy, 1 rolled back, 2 could not decide (or a usage error).",
            "Environment: RAILWAY_API_TOKEN or RAILWAY_TOKEN; RAILWAY_PROJECT_ID; DATABASE_URL and REDIS_URL (level 2);",
            "smoke-test references (${env:NAME}); PAGERDUTY_ROUTING_KEY; GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_DEPLOYMENT_ID,",
            "GITHUB_SHA; SLACK_WEBHOOK_URL (a failed build or crash is told there); GATE_REDACT_VALUES (a JSON array of",
            "secret values to cut out of reported logs; DeploymentGate sets it under pulumi up).",
        ].join("\n"),
    )
        .requiredOption("--stack <name>", "the stack whose service to watch")
        .requiredOption("--service <name>", "the service to watch")
        .option("--url <base url>", "the service's base URL (default: its first custom domain)")
        .option("--deployment <id>", "the deployment to judge (default: the live one)")
        .option("--once", "one round of checks instead of the whole window", false)
        .option(
            "--window <minutes>",
            `monitoring window, ${w.min} to ${w.max} (default: the stack's)`,
            numberIn(w.min, w.max),
        )
        .option(
            "--interval <seconds>",
            `seconds between rounds, ${i.min} to ${i.max} (default: the stack's)`,
            numberIn(i.min, i.max),
        )
        .option("--project-id <id>", "the Railway project (default: RAILWAY_PROJECT_ID)")
        .option("--state <file>", "the gate's state file (default: .gate/<stack>.json)")
        .option("--out <file>", "also write the decision record to this file");
}

export async function gateCommand(
    argv: string[],
    io: CommandIO,
    cwd = process.cwd(),
    env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
    const cmd = gateProgram(io);
    const parsed = parseCommand(cmd, argv);
    if (parsed !== true) return parsed === 0 ? GATE_EXIT.healthy : GATE_EXIT.undecided;
    const flags = cmd.opts();
    const usage = usageProblem(io, cmd);
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
    const { window, interval } = flags;
    let ctx, baseUrl;
    try {
        ctx = gateContext(
            { stack: flags.stack, service: flags.service, projectId: flags.projectId, state: flags.state },
            cwd,
            env,
        );
        baseUrl = baseUrlOf(ctx, flags.url);
    } catch (e) {
        if (!(e instanceof ContextError)) throw e;
        io.err(`error: ${e.message}\n${usageLine(cmd)}`);
        return emit(undecidedRecord(flags.stack, flags.service, `cannot start: ${e.message}`));
    }
    let railway;
    try {
        railway = await railwayTargetOf(ctx, env);
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
        notify: notifyConfigFromEnv(env, ctx.config.alerts?.email?.recipients),
        env,
        log: (line) => io.err(line),
    });
    return emit(record);
}
