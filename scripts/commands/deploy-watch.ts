/**
 * `npm run deploy:watch -- --stack <s> [--service <name>]... [--commit <sha> | --branch <name>]`
 *
 * Follows the Railway deployments of the stack's services (of a commit or a branch, made in the
 * last `--since` minutes) until they settle, and prints each outcome; for a failed build or a
 * crash, the end of its log with secrets cut out. The one thing watching when Railway deploys a
 * push by itself (its trigger, backup path 1). Progress on stderr, a JSON summary on stdout.
 */
import { ContextError, stackContext } from "../gate/context";
import { realClock } from "../gate/clock";
import { resolveTarget } from "../gate/deployments";
import { knownSecrets } from "../gate/failure-logs";
import { scrub } from "../gate/probes";
import { WATCH_EXIT, watchDeployments } from "../gate/watch";
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
            "Environment: RAILWAY_API_TOKEN or RAILWAY_TOKEN; RAILWAY_PROJECT_ID (or --project-id).",
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
        .option("--branch <name>", "only deployments of this branch")
        .option("--since <minutes>", "only deployments made in the last this many minutes", numberIn(0, 1440), 15)
        .option("--timeout <minutes>", "give up (exit 2) after this long", numberIn(0.01, 240), 20)
        .option("--interval <seconds>", "between looks at Railway", integerIn(1, 300), 10)
        .option("--project-id <id>", "the Railway project (default: RAILWAY_PROJECT_ID)");
}

export async function deployWatchCommand(
    argv: string[],
    io: CommandIO,
    cwd = process.cwd(),
    env: NodeJS.ProcessEnv = process.env,
    clock: Clock = realClock,
): Promise<number> {
    const cmd = watchProgram(io);
    const parsed = parseCommand(cmd, argv);
    if (parsed !== true) return parsed === 0 ? 0 : WATCH_EXIT.undecided;
    const flags = cmd.opts();
    const usage = usageProblem(io, cmd);
    if (flags.commit && flags.branch) return usage("give --commit or --branch, not both");
    if (flags.commit && !/^[0-9a-f]{4,40}$/.test(flags.commit))
        return usage("--commit must be a commit SHA (or a prefix of one)");
    let targets;
    try {
        const first = stackContext({ stack: flags.stack, projectId: flags.projectId }, cwd, env);
        const names = flags.service.length
            ? flags.service
            : first.config.railway.services.filter((s) => s.kind !== "datastore").map((s) => s.name);
        const unknown = names.filter((n) => !first.config.railway.services.some((s) => s.name === n));
        if (unknown.length)
            return usage(
                `stack '${flags.stack}' has no service ${unknown.map((n) => `'${n}'`).join(", ")} (services: ${first.config.railway.services.map((s) => s.name).join(", ")})`,
            );
        targets = await Promise.all(
            names.map(async (service) => ({
                service,
                target: await resolveTarget(first.apiUrl, first.projectId, first.config.railway.environment, service),
            })),
        );
    } catch (e) {
        if (e instanceof ContextError) return usage(e.message);
        io.err(`deploy:watch: Railway unreachable or the services unknown there: ${scrub((e as Error).message)}`);
        return WATCH_EXIT.undecided;
    }
    const now = clock.now();
    io.err(
        `deploy:watch: following ${targets.map((t) => t.service).join(", ")}${flags.commit ? ` for commit ${flags.commit}` : flags.branch ? ` for branch ${flags.branch}` : ""}, up to ${flags.timeout} min`,
    );
    const result = await watchDeployments({
        targets,
        commit: flags.commit,
        branch: flags.branch,
        sinceMs: now - flags.since * 60_000,
        timeoutMs: flags.timeout * 60_000,
        intervalMs: flags.interval * 1000,
        clock,
        secrets: knownSecrets(env),
        log: (line) => io.err(`deploy:watch: ${line}`),
    });
    io.out(JSON.stringify(result, null, 2));
    io.err(`deploy:watch: ${result.outcome}: ${result.reason} (exit ${result.exitCode})`);
    return result.exitCode;
}
