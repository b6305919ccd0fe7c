/**
 * `npm run deploy:watch -- --stack <s> [--service <name>]... [--commit <sha>] [--branch <name>] [--report]`
 *
 * Follows the Railway deployments of the stack's services (of a commit and/or a branch, made in
 * the last `--since` minutes) until they settle, and prints each outcome; for a failed build or a
 * crash, the end of its log with secrets cut out, and with `--report` the same to the commit's
 * status, Slack and PagerDuty (unless the gate reported that deployment already). The one thing
 * watching when Railway deploys a push by itself (its trigger, backup path 1): the
 * `deploy-watch` workflow runs it on every push to a deployed branch. Progress on stderr, a JSON
 * summary on stdout.
 */
import { ContextError, stackContext } from "../gate/context";
import { realClock } from "../gate/clock";
import { resolveTarget } from "../gate/deployments";
import { knownSecrets } from "../gate/failure-logs";
import { scrub } from "../gate/probes";
import { alreadyReported, notifyConfigFromEnv, notifyFailure } from "../gate/notify";
import { WATCH_EXIT, watchDeployments, WatchedDeployment } from "../deploy-watch/watch";
import type { Clock } from "../gate/clock";
import { defineCommand, integerIn, numberIn, parseCommand, repeated, stackName, usageProblem } from "./cli";
import { CommandIO } from "./io";

function watchProgram(io: CommandIO) {
    return defineCommand(
        "deploy:watch",
        "Follows the Railway deployments of a stack's services (of a commit or a branch) until they settle; prints each outcome and, for a failed build or a crash, the end of its log.",
        io,
        [
            "Exit 0 all settled and healthy, 1 a deployment failed or crashed, 2 could not decide (still running at the",
            "timeout, none appeared, Railway unreachable) or a usage error.",
            "Environment: RAILWAY_API_TOKEN or RAILWAY_TOKEN; RAILWAY_PROJECT_ID (or --project-id). With --report:",
            "GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_SHA (commit statuses), SLACK_WEBHOOK_URL, PAGERDUTY_ROUTING_KEY.",
        ].join("\n"),
    )
        .requiredOption("--stack <name>", "the stack whose services to follow", stackName)
        .option(
            "--service <name>",
            "a service to follow (repeatable; default: every service of the stack)",
            repeated,
            [] as string[],
        )
        .option("--commit <sha>", "only deployments of this commit (a prefix of its SHA is enough)")
        .option(
            "--branch <name>",
            "only deployments of this branch, of the services that deploy from it (default: every service)",
        )
        .option("--since <minutes>", "only deployments made in the last this many minutes", numberIn(0, 1440), 15)
        .option("--timeout <minutes>", "give up (exit 2) after this long", numberIn(0.01, 240), 20)
        .option("--interval <seconds>", "between looks at Railway", integerIn(1, 300), 10)
        .option("--project-id <id>", "the Railway project (default: RAILWAY_PROJECT_ID)")
        .option(
            "--report",
            "tell the team about a failed deployment: the commit's status, Slack, PagerDuty where the stack pages (not twice for one deployment)",
        );
}

export async function deployWatchCommand(
    argv: string[],
    io: CommandIO,
    cwd = process.cwd(),
    env: NodeJS.ProcessEnv = process.env,
    clock: Clock = realClock,
    /** The real-time bound of the whole command (default: --timeout, and as long again up to a minute for reports). */
    boundMs?: number,
): Promise<number> {
    const cmd = watchProgram(io);
    const parsed = parseCommand(cmd, argv);
    if (parsed !== true) return parsed === 0 ? 0 : WATCH_EXIT.undecided;
    const flags = cmd.opts();
    const usage = usageProblem(io, cmd);
    if (flags.commit && !/^[0-9a-f]{4,40}$/.test(flags.commit))
        return usage("--commit must be a commit SHA (or a prefix of one)");
    let targets;
    let config;
    try {
        const first = stackContext({ stack: flags.stack, projectId: flags.projectId }, cwd, env);
        const names = flags.service.length
            ? flags.service
            : first.config.railway.services
                  .filter((s) => s.kind !== "datastore")
                  // A push to a branch is deployed by the services whose trigger is that branch.
                  .filter((s) => !flags.branch || ("branch" in s.source && s.source.branch === flags.branch))
                  .map((s) => s.name);
        if (!names.length) {
            io.err(
                `deploy:watch: no service of stack '${flags.stack}' deploys from branch '${flags.branch}': nothing to follow`,
            );
            io.out(
                JSON.stringify(
                    { exitCode: WATCH_EXIT.healthy, outcome: "healthy", reason: "nothing to follow", deployments: [] },
                    null,
                    2,
                ),
            );
            return WATCH_EXIT.healthy;
        }
        const unknown = names.filter((n) => !first.config.railway.services.some((s) => s.name === n));
        if (unknown.length)
            return usage(
                `stack '${flags.stack}' has no service ${unknown.map((n) => `'${n}'`).join(", ")} (services: ${first.config.railway.services.map((s) => s.name).join(", ")})`,
            );
        config = first.config;
        targets = await Promise.all(
            names.map(async (service) => ({
                service,
                target: await resolveTarget(
                    first.apiUrl,
                    first.projectId,
                    first.config.railway.environment,
                    service,
                    env,
                ),
            })),
        );
    } catch (e) {
        if (e instanceof ContextError) return usage(e.message);
        io.err(`deploy:watch: Railway unreachable or the services unknown there: ${scrub((e as Error).message)}`);
        return WATCH_EXIT.undecided;
    }
    const notify = notifyConfigFromEnv(env, config.alerts?.email?.recipients);
    const page = config.gate.pageOnFailedDeployment ?? flags.stack === "production";
    const report = async (w: WatchedDeployment): Promise<Record<string, string>> => {
        const failed = {
            stack: flags.stack,
            service: w.service,
            deploymentId: w.id,
            status: w.status,
            commit: w.commit,
        };
        if (await alreadyReported(notify, failed))
            return { all: "skipped: its failure is on the commit's status already (reported by the gate)" };
        return { ...(await notifyFailure(notify, { ...failed, origin: "railway", failure: w.failure!, page })) };
    };
    const now = clock.now();
    io.err(
        `deploy:watch: following ${targets.map((t) => t.service).join(", ")}${flags.commit ? ` for commit ${flags.commit}` : flags.branch ? ` for branch ${flags.branch}` : ""}, up to ${flags.timeout} min`,
    );
    // --timeout bounds the whole command, every read and every send included: the watch itself on its
    // clock, then at most as long again (up to a minute) for the last reports, in real time. A GitHub,
    // Slack or Railway that never answers is "could not decide", never a watcher still running.
    const reportGraceMs = Math.min(60_000, flags.timeout * 60_000);
    let stop: NodeJS.Timeout | undefined;
    const overrun = new Promise<undefined>((resolve) => {
        stop = setTimeout(() => resolve(undefined), boundMs ?? flags.timeout * 60_000 + reportGraceMs);
        stop.unref();
    });
    const watched = watchDeployments({
        targets,
        commit: flags.commit,
        branch: flags.branch,
        sinceMs: now - flags.since * 60_000,
        timeoutMs: flags.timeout * 60_000,
        intervalMs: flags.interval * 1000,
        clock,
        secrets: knownSecrets(env),
        log: (line) => io.err(`deploy:watch: ${line}`),
        onFailure: flags.report ? report : undefined,
    });
    const result = (await Promise.race([watched, overrun])) ?? {
        exitCode: WATCH_EXIT.undecided,
        outcome: "undecided",
        reason: `--timeout ${flags.timeout} min (and ${Math.round(reportGraceMs / 1000)} s for reports) passed with a read or a report still unanswered: could not decide`,
        deployments: [],
    };
    clearTimeout(stop);
    io.out(JSON.stringify(result, null, 2));
    io.err(`deploy:watch: ${result.outcome}: ${result.reason} (exit ${result.exitCode})`);
    return result.exitCode;
}
