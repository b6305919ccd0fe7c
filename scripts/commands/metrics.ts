/**
 * `npm run metrics -- --repo <owner/name> [--since <date|30d>] [--until <date>] [--stack <s>...]
 *  [--format text|markdown|json|html] [--out <file>] [--gate-records <dir>] [--railway <stack>=<projectId>...]
 *  [--pr-workflow <file>] [--cache <file>]`
 *
 * The seed's success metrics and DORA's four keys, from the records the pipeline leaves (see
 * scripts/metrics/collect.ts and docs/delivery-metrics.md "Delivery metrics"). Exit 0 computed (targets met or not:
 * the figures say), 1 the records could not be read or there are none, 2 usage error.
 * Environment: GITHUB_TOKEN, GITHUB_API_URL; RAILWAY_API_TOKEN or RAILWAY_TOKEN with --railway.
 */
import * as fs from "fs";
import * as path from "path";
import { readStackFile } from "../../config/sources";
import { validateStackConfig } from "../../config/validate";
import { describeGitHubError, githubClient, parseRepo, RepoRef, statusOf } from "../github/client";
import {
    collectCommitTimes,
    collectDeployments,
    collectPrRuns,
    collectRailwayRollbacks,
    EtagCache,
    readGateRollbacks,
} from "../metrics/collect";
import { computeMetrics, DeploymentRecord, RollbackRecord } from "../metrics/compute";
import { MetricsFormat, renderMetrics } from "../metrics/render";
import { defineCommand, Option, parseCommand, repeated, stackName, usageProblem } from "./cli";
import { CommandIO, EXIT, outPath, writeAtomically } from "./io";

const FORMATS = ["text", "markdown", "json", "html"] as const satisfies readonly MetricsFormat[];

function metricsProgram(io: CommandIO) {
    return defineCommand(
        "metrics",
        "The seed's success metrics and DORA's four keys, from the records the pipeline leaves.",
        io,
        [
            "Exit 0 computed (targets met or not: the figures say), 1 the records could not be read or there are none, 2 usage error.",
            "Environment: GITHUB_TOKEN, GITHUB_API_URL; RAILWAY_API_TOKEN or RAILWAY_TOKEN with --railway.",
        ].join("\n"),
    )
        .requiredOption("--repo <owner/name>", "the repository whose deployments and workflow runs to read")
        .option(
            "--since <date|30d>",
            "start of the period: a date (2026-11-01) or a span back from now (30d, 12w)",
            "30d",
        )
        .option("--until <date>", "end of the period (default: now)")
        .option(
            "--stack <name>",
            "a stack to measure (repeatable; default: staging and production)",
            (v: string, prev: string[]) => [...prev, stackName(v)],
            [] as string[],
        )
        .addOption(
            new Option("--format <format>", "how to print the figures").choices(FORMATS).default("text" as const),
        )
        .option("--out <file>", "write the figures to this file instead of stdout")
        .option("--gate-records <dir>", "a folder of the gate's decision records")
        .option(
            "--railway <stack>=<projectId>",
            "also read a stack's deployments from Railway (repeatable)",
            repeated,
            [] as string[],
        )
        .option("--pr-workflow <file>", "the PR workflow's file name", "pr.yml")
        .option("--cache <file>", "GitHub ETag cache (default: .artifacts/metrics/github-etags.json)");
}

/** `30d`, `12w` or an ISO date (a date alone is midnight UTC). */
export function parseWhen(text: string, now: number): number | undefined {
    const rel = /^(\d{1,4})([dw])$/.exec(text);
    if (rel) return now - Number(rel[1]) * (rel[2] === "w" ? 7 : 1) * 86_400_000;
    if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) return undefined;
    const t = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text);
    return Number.isFinite(t) ? t : undefined;
}

/** What a GitHub failure means for the person running the command. */
function explain(e: unknown, repo: RepoRef): string {
    const status = statusOf(e);
    const headers = (e as { response?: { headers?: Record<string, string> } }).response?.headers ?? {};
    if (
        (status === 403 || status === 429) &&
        (headers["x-ratelimit-remaining"] === "0" || /rate limit/i.test(String((e as Error).message)))
    ) {
        const reset = Number(headers["x-ratelimit-reset"]);
        const until =
            Number.isFinite(reset) && reset > 0
                ? ` until ${new Date(reset * 1000).toISOString().slice(11, 16)} UTC`
                : "";
        return `GitHub's rate limit for this token is spent${until}: run again after that (the ETag cache makes a repeated run cheap), or use a token with a higher limit`;
    }
    if (status === 401) return "GitHub refused the token (401 Bad credentials): set GITHUB_TOKEN to a valid token";
    if (status === 404)
        return `GitHub answers 404 for ${repo.owner}/${repo.repo}: it does not exist, or the token cannot read it (it needs read access to deployments and Actions)`;
    return `GitHub: ${describeGitHubError(e)}`;
}

export interface MetricsDeps {
    now?: () => number;
    githubRetryUnitMs?: number;
}

export async function metricsCommand(
    argv: string[],
    io: CommandIO,
    cwd = process.cwd(),
    env: NodeJS.ProcessEnv = process.env,
    deps: MetricsDeps = {},
): Promise<number> {
    const cmd = metricsProgram(io);
    const parsed = parseCommand(cmd, argv);
    if (parsed !== true) return parsed;
    const flags = cmd.opts();
    const usage = usageProblem(io, cmd);
    const now = (deps.now ?? Date.now)();
    let repo: RepoRef;
    try {
        repo = parseRepo(flags.repo);
    } catch (e) {
        return usage((e as Error).message);
    }
    const since = parseWhen(flags.since, now);
    if (since === undefined)
        return usage(
            `--since must be a date (2026-11-01) or a span (30d, 12w), not '${String(flags.since).slice(0, 40)}'`,
        );
    const until = flags.until === undefined ? now : parseWhen(flags.until, now);
    if (until === undefined)
        return usage(`--until must be a date (2026-11-30), not '${String(flags.until).slice(0, 40)}'`);
    if (since >= until) return usage("--since must be before --until");
    const format = flags.format;
    const stacks = flags.stack.length ? flags.stack : ["staging", "production"];
    const workflow = flags.prWorkflow;
    if (!/^[\w.-]+\.ya?ml$/.test(workflow)) return usage("--pr-workflow must be a workflow file name such as pr.yml");
    const railway: { stack: string; projectId: string }[] = [];
    for (const r of flags.railway) {
        const m = /^([A-Za-z0-9_.-]+)=([\w-]+)$/.exec(r);
        if (!m) return usage(`--railway must be <stack>=<projectId>, not '${r.slice(0, 60)}'`);
        railway.push({ stack: m[1], projectId: m[2] });
    }
    if (flags.gateRecords && !fs.existsSync(path.resolve(cwd, flags.gateRecords)))
        return usage(`--gate-records ${flags.gateRecords}: no such folder`);
    let out: string | undefined;
    if (flags.out) {
        const checked = outPath(flags.out, cwd);
        if ("problem" in checked) return usage(checked.problem);
        out = checked.file;
    }
    if (!env.GITHUB_TOKEN) return usage("GITHUB_TOKEN is not set: the deployments and workflow runs are read with it");

    const gh = githubClient({
        token: env.GITHUB_TOKEN,
        apiUrl: env.GITHUB_API_URL,
        warn: io.err,
        retryUnitMs: deps.githubRetryUnitMs,
        paceWrites: false,
    });
    const cache = new EtagCache(
        path.resolve(cwd, flags.cache ?? path.join(".artifacts", "metrics", "github-etags.json")),
    );
    let deployments: DeploymentRecord[] = [];
    const rollbacks: RollbackRecord[] = [];
    let prRuns;
    let commitTimes;
    try {
        for (const stack of stacks) {
            io.err(`reading ${stack}'s deployments from ${repo.owner}/${repo.repo}...`);
            deployments = deployments.concat(await collectDeployments(gh, cache, repo, stack, since));
        }
        io.err(`reading the ${workflow} runs...`);
        prRuns = await collectPrRuns(gh, cache, repo, workflow, since, until);
        const production = deployments.filter(
            (d) => d.environment === "production" && d.statuses.some((s) => s.state === "success"),
        );
        commitTimes = await collectCommitTimes(
            gh,
            cache,
            repo,
            production.map((d) => d.sha),
        );
    } catch (e) {
        io.err(`could not read the records: ${explain(e, repo)}`);
        return EXIT.findings;
    } finally {
        cache.save();
    }
    if (flags.gateRecords) {
        const gate = readGateRollbacks(path.resolve(cwd, flags.gateRecords));
        rollbacks.push(...gate.rollbacks);
        if (gate.unreadable) io.err(`warning: ${gate.unreadable} gate record(s) could not be read`);
    }
    for (const r of railway) {
        try {
            const file = path.join(cwd, `Pulumi.${r.stack}.yaml`);
            const checked = validateStackConfig(readStackFile(file, r.stack).raw);
            if (!checked.ok)
                throw new Error(`${path.basename(file)} does not validate (npm run validate -- --stack ${r.stack})`);
            rollbacks.push(...(await collectRailwayRollbacks(r.stack, r.projectId, checked.config)));
        } catch (e) {
            io.err(`could not read ${r.stack}'s Railway deployments: ${(e as Error).message.slice(0, 300)}`);
            return EXIT.findings;
        }
    }
    if (!deployments.some((d) => d.createdAt >= since && d.createdAt < until)) {
        io.err(
            `no deployments recorded by the deploy workflow (task deploy:pulumi) in ${repo.owner}/${repo.repo} for ${stacks.join(", ")} between ${new Date(since).toISOString().slice(0, 10)} and ${new Date(until).toISOString().slice(0, 10)}: nothing to measure (is deploy.yml running, with npm run deployment?)`,
        );
        return EXIT.findings;
    }
    const result = computeMetrics({ since, until, now, stacks, deployments, commitTimes, prRuns, rollbacks });
    io.err(`${cache.requests} GitHub requests, ${cache.hits} answered 304 Not Modified from the cache`);
    const text = renderMetrics(result, format, `${repo.owner}/${repo.repo}`);
    if (out) {
        writeAtomically(out, text + "\n");
        io.err(`wrote ${flags.out}`);
    } else io.out(text);
    return EXIT.ok;
}
