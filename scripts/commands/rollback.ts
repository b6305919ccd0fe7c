/**
 * `npm run rollback -- --stack <s> --service <name> [--to <deploymentId>] [--project-id <id>] [--state <file>]`
 *
 * For people: rolls the service's live deployment back to the previous one that was live (or to
 * `--to`), waits until the rollback is live, pages and records it like the gate does. Exit 0 when
 * the rollback is live, 1 when it was made but is not live in time, 2 when nothing was done.
 */
import { realClock } from "../gate/clock";
import { ContextError, gateContext, railwayTargetOf } from "../gate/context";
import { listDeployments, liveDeployment, rollBack, rollbackTarget } from "../gate/deployments";
import { notifyConfigFromEnv, notifyRollback } from "../gate/notify";
import { scrub } from "../gate/probes";
import { readState, writeState } from "../gate/state";
import { defineCommand, parseCommand, usageLine } from "./cli";
import { CommandIO } from "./io";

function rollbackProgram(io: CommandIO) {
    return defineCommand(
        "rollback",
        "Rolls a service back to the previous deployment that was live (or --to), waits until it is live, pages and records it like the gate does.",
        io,
        "Exit 0 the rollback is live, 1 made but not live in time, 2 nothing was done (or a usage error).",
    )
        .requiredOption("--stack <name>", "the stack whose service to roll back")
        .requiredOption("--service <name>", "the service to roll back")
        .option("--to <deploymentId>", "the deployment to go back to (default: the previous one that was live)")
        .option("--project-id <id>", "the Railway project (default: RAILWAY_PROJECT_ID)")
        .option("--state <file>", "the gate's state file (default: .gate/<stack>.json)");
}

export async function rollbackCommand(
    argv: string[],
    io: CommandIO,
    cwd = process.cwd(),
    env: NodeJS.ProcessEnv = process.env,
    pollMs = 2000,
): Promise<number> {
    const cmd = rollbackProgram(io);
    const parsed = parseCommand(cmd, argv);
    if (parsed !== true) return parsed === 0 ? 0 : 2;
    const flags = cmd.opts();
    try {
        const ctx = gateContext(
            { stack: flags.stack, service: flags.service, projectId: flags.projectId, state: flags.state },
            cwd,
            env,
        );
        const railway = await railwayTargetOf(ctx, env);
        const list = await listDeployments(railway);
        const live = liveDeployment(list);
        if (!live) {
            io.err(`rollback: ${ctx.stack}/${ctx.service.name} has no live deployment; nothing done`);
            return 2;
        }
        const { target, problem } = rollbackTarget(list, live, flags.to, {
            nowMs: realClock.now(),
            hours: ctx.config.gate.imageRetentionHours,
        });
        if (!target) {
            io.err(`rollback: ${problem}; nothing done`);
            return 2;
        }
        io.err(`rollback: ${ctx.stack}/${ctx.service.name}: ${live.id} → ${target.id}`);
        const state = readState(ctx.stateFile);
        const reason = `manual rollback${env.USER ? ` by ${env.USER}` : ""}`;
        const outcome = await rollBack(
            railway,
            target,
            realClock,
            ctx.config.gate.rollbackTimeoutSeconds * 1000,
            () => {
                state.rollbacks.push({ from: live.id, to: target.id, at: new Date().toISOString(), reason });
                writeState(ctx.stateFile, state);
            },
            pollMs,
        );
        const entry = state.rollbacks.find((r) => r.from === live.id);
        if (entry) entry.newDeploymentId = outcome.newDeploymentId;
        writeState(ctx.stateFile, state);
        const notifications = await notifyRollback(notifyConfigFromEnv(env, ctx.config.alerts?.email?.recipients), {
            stack: ctx.stack,
            service: ctx.service.name,
            from: live.id,
            to: target.id,
            reason,
            newDeploymentId: outcome.newDeploymentId,
            status: outcome.status,
        });
        io.out(JSON.stringify({ from: live.id, ...outcome, notifications }, null, 2));
        io.err(
            `rollback: new deployment ${outcome.newDeploymentId ?? "(not seen)"} is ${outcome.status} after ${Math.round(outcome.waitedMs / 1000)} s`,
        );
        return outcome.status === "SUCCESS" ? 0 : 1;
    } catch (e) {
        if (e instanceof ContextError) {
            io.err(`error: ${e.message}\n${usageLine(cmd)}`);
            return 2;
        }
        io.err(`rollback: ${scrub((e as Error).message)}; nothing more done`);
        return 2;
    }
}
