/**
 * `npm run pr-comment -- --stack <s> (--preview <preview.json> [--events <event log>] [--stderr <file>]
 *  | --plan <plan.json>) [--exit-code <n>] [--commit <sha>] [--repo <owner/name> --pr <n>] [--dry-run]`
 *
 * Renders one project/stack's preview (or offline plan) as the PR comment and keeps exactly one
 * such comment on the PR. It posts on failure too: a preview that printed nothing gets a comment
 * carrying its stderr. Also appends the markdown to $GITHUB_STEP_SUMMARY when set.
 *
 * Exit 0 when the comment was rendered (and posted), 1 when posting failed, 2 on a usage error.
 * The preview's own verdict is not this command's exit code: the preview step has its own.
 * Environment: GITHUB_TOKEN, GITHUB_API_URL, GITHUB_REPOSITORY (default --repo), GITHUB_SHA
 * (default --commit), GITHUB_STEP_SUMMARY.
 */
import * as fs from "fs";
import * as path from "path";
import { parseYaml } from "../../config/sources";
import { EngineEvent, parseDigest, parseEvents, PreviewDigest } from "../engine/output";
import { describeGitHubError, githubClient, parseRepo } from "../github/client";
import { upsertComment } from "../github/sticky";
import type { PlanResult } from "../plan/plan";
import { COMMENT_LIMIT, previewMarker, renderComment } from "../pr-comment/comment";
import { projectAndStack, reportFromPlan, reportFromPreview, PreviewReport } from "../pr-comment/report";
import { defineCommand, integerIn, parseCommand, stackName, usageProblem } from "./cli";
import { CommandIO, EXIT } from "./io";
import { UsageError } from "../../config/errors";

/** Largest input file read (a 10,000-resource preview digest is about 40 MB). */
const MAX_INPUT_BYTES = 256 * 1024 * 1024;

function prCommentProgram(io: CommandIO) {
    return defineCommand(
        "pr-comment",
        "Renders one stack's preview (or offline plan) as the PR comment and keeps exactly one such comment on the PR, posting on failure too.",
        io,
        [
            "Exit 0 rendered (and posted), 1 posting failed, 2 usage error; the preview's own verdict is not this exit code.",
            "Environment: GITHUB_TOKEN, GITHUB_API_URL, GITHUB_REPOSITORY (default --repo), GITHUB_SHA (default --commit),",
            "GITHUB_STEP_SUMMARY.",
        ].join("\n"),
    )
        .requiredOption("--stack <name>", "the stack the preview or plan is of", stackName)
        .option("--preview <preview.json>", "`pulumi preview --json` output (or give --plan)")
        .option("--events <event log>", "the preview's --event-log file")
        .option("--stderr <file>", "the preview's stderr, shown when it printed nothing else")
        .option("--plan <plan.json>", "`npm run plan -- --format json` output (or give --preview)")
        .option("--exit-code <n>", "the preview's exit code", integerIn(0, 255))
        .option("--commit <sha>", "the commit previewed (default: GITHUB_SHA)")
        .option("--repo <owner/name>", "the repository of the PR (default: GITHUB_REPOSITORY)")
        .option("--pr <number>", "the pull request to comment on", integerIn(1, 9_999_999_999))
        .option("--dry-run", "print the comment instead of posting it", false);
}

type Flags = ReturnType<ReturnType<typeof prCommentProgram>["opts"]>;

/** An input this command will not read whole: said in the comment, which is posted all the same. */
class TooLarge extends Error {}

function readInput(cwd: string, flag: string, file: string, limit = MAX_INPUT_BYTES): string {
    const full = path.resolve(cwd, file);
    let size: number;
    try {
        size = fs.statSync(full).size;
    } catch {
        throw new UsageError(`--${flag} ${file}: no such file`);
    }
    if (size > limit)
        throw new TooLarge(
            `${file} is ${size.toLocaleString("en-US")} bytes, more than the ${limit.toLocaleString("en-US")} this command reads: it was not read`,
        );
    return fs.readFileSync(full, "utf8");
}

/** The workflow run's page, where the whole output is (GitHub Actions sets these). */
function runLink(env: NodeJS.ProcessEnv): string | undefined {
    if (!env.GITHUB_RUN_ID || !env.GITHUB_REPOSITORY) return undefined;
    return `${env.GITHUB_SERVER_URL ?? "https://github.com"}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
}

/** The project's name from Pulumi.yaml, for a failed preview that printed no URN. */
function projectName(cwd: string): string | undefined {
    try {
        const doc = parseYaml(fs.readFileSync(path.join(cwd, "Pulumi.yaml"), "utf8"), "Pulumi.yaml") as {
            name?: unknown;
        };
        return typeof doc?.name === "string" ? doc.name : undefined;
    } catch {
        return undefined;
    }
}

function buildReport(
    flags: Flags,
    cwd: string,
    commit: string | undefined,
    env: NodeJS.ProcessEnv,
    limit: number,
): PreviewReport {
    const stack = flags.stack!;
    if (flags.plan) {
        let plan: PlanResult;
        try {
            plan = JSON.parse(readInput(cwd, "plan", flags.plan, limit)) as PlanResult;
        } catch (e) {
            if (e instanceof UsageError) throw e;
            if (e instanceof TooLarge) throw new UsageError(`--plan ${e.message}`);
            throw new UsageError(
                `--plan ${flags.plan} is not the offline plan's JSON (npm run plan -- --format json): ${(e as Error).message.slice(0, 200)}`,
            );
        }
        if (
            typeof plan !== "object" ||
            plan === null ||
            !Array.isArray(plan.resources) ||
            typeof plan.stack !== "string"
        )
            throw new UsageError(`--plan ${flags.plan} is not the offline plan's JSON (npm run plan -- --format json)`);
        if (plan.stack !== stack)
            throw new UsageError(`--plan ${flags.plan} is the plan of stack '${plan.stack}', not '${stack}'`);
        return reportFromPlan(plan, commit);
    }
    const problems: string[] = [];
    let digest: PreviewDigest | undefined;
    let unread = false;
    try {
        digest = parseDigest(readInput(cwd, "preview", flags.preview!, limit));
    } catch (e) {
        if (e instanceof UsageError) throw e;
        if (e instanceof TooLarge) unread = true;
        problems.push(
            e instanceof TooLarge ? `the preview: ${e.message}` : `${flags.preview}: ${(e as Error).message}`,
        );
    }
    let events: EngineEvent[] | undefined;
    if (flags.events) {
        try {
            events = parseEvents(readInput(cwd, "events", flags.events, limit));
        } catch (e) {
            if (e instanceof UsageError) throw e;
            problems.push(
                e instanceof TooLarge ? `the event log: ${e.message}` : `${flags.events}: ${(e as Error).message}`,
            );
        }
    }
    if (unread && events) {
        // The event log holds each step too: the counts and the changes come from it instead.
        const steps = events
            .map((e) => e.resourcePreEvent?.metadata)
            .filter((m): m is NonNullable<typeof m> => !!m?.urn && !!m.op)
            .map((m) => ({ op: m.op!, urn: m.urn!, oldState: m.old ?? null, newState: m.new ?? null }));
        const changeSummary: Record<string, number> = {};
        for (const step of steps) changeSummary[step.op] = (changeSummary[step.op] ?? 0) + 1;
        digest = { steps: steps as PreviewDigest["steps"], changeSummary };
    }
    if (unread) {
        const link = runLink(env);
        problems.push(
            `${events ? "the counts above are the event log's" : "no counts could be read"}; the whole preview is in the workflow run's log${link ? `: ${link}` : ""}`,
        );
    }
    if (flags.stderr) {
        let err: string;
        try {
            err = readInput(cwd, "stderr", flags.stderr, limit).trim();
        } catch (e) {
            if (!(e instanceof TooLarge)) throw e;
            err = `the preview's stderr: ${e.message}`;
        }
        if (err && !digest) problems.push(err);
    }
    const firstUrn = digest?.steps?.[0]?.urn;
    const named = firstUrn ? projectAndStack(firstUrn) : undefined;
    if (named && named.stack !== stack)
        throw new UsageError(`--preview ${flags.preview} is a preview of stack '${named.stack}', not '${stack}'`);
    const exitCode = flags.exitCode;
    return reportFromPreview({
        digest,
        events,
        stack,
        project: named?.project ?? projectName(cwd),
        exitCode,
        commit,
        problems,
    });
}

/** Test seam: GitHub's retry unit in milliseconds; given, writes are not paced either. */
export interface PrCommentDeps {
    githubRetryUnitMs?: number;
    /** Test seam: the largest input read (default 256 MiB; a test cannot write a file that large quickly). */
    maxInputBytes?: number;
}

export async function prCommentCommand(
    argv: string[],
    io: CommandIO,
    cwd = process.cwd(),
    env: NodeJS.ProcessEnv = process.env,
    deps: PrCommentDeps = {},
): Promise<number> {
    const cmd = prCommentProgram(io);
    const parsed = parseCommand(cmd, argv);
    if (parsed !== true) return parsed;
    const flags = cmd.opts();
    const usage = usageProblem(io, cmd);
    if (Boolean(flags.preview) === Boolean(flags.plan))
        return usage("give exactly one of --preview <preview.json> and --plan <plan.json>");
    if (flags.plan && (flags.events || flags.stderr || flags.exitCode !== undefined))
        return usage("--events, --stderr and --exit-code belong to --preview, not --plan");
    const repoText = flags.repo ?? env.GITHUB_REPOSITORY;
    const posting = !flags.dryRun && flags.pr !== undefined;
    if (flags.repo && !flags.pr && !flags.dryRun)
        return usage("--repo needs --pr <number> (or --dry-run to print the comment)");
    let repo;
    if (posting) {
        if (!repoText) return usage("--pr needs --repo <owner/name> (or GITHUB_REPOSITORY)");
        try {
            repo = parseRepo(repoText);
        } catch (e) {
            return usage((e as Error).message);
        }
        if (!env.GITHUB_TOKEN)
            return usage("GITHUB_TOKEN is not set: it is needed to post the comment (or pass --dry-run)");
    }

    let report: PreviewReport;
    try {
        report = buildReport(flags, cwd, flags.commit ?? env.GITHUB_SHA, env, deps.maxInputBytes ?? MAX_INPUT_BYTES);
    } catch (e) {
        if (e instanceof UsageError) return usage(e.message);
        throw e;
    }
    const body = renderComment(report, COMMENT_LIMIT);
    if (env.GITHUB_STEP_SUMMARY) {
        try {
            fs.appendFileSync(env.GITHUB_STEP_SUMMARY, body + "\n\n");
        } catch (e) {
            io.err(`could not write the step summary: ${(e as Error).message.slice(0, 200)}`);
        }
    }
    if (!posting) {
        io.out(body);
        return EXIT.ok;
    }
    const gh = githubClient({
        token: env.GITHUB_TOKEN!,
        apiUrl: env.GITHUB_API_URL,
        warn: io.err,
        retryUnitMs: deps.githubRetryUnitMs,
        paceWrites: deps.githubRetryUnitMs === undefined,
    });
    try {
        const r = await upsertComment(
            gh,
            { ...repo!, issue_number: flags.pr! },
            previewMarker(report.project, report.stack),
            body,
        );
        const dup = r.removedDuplicates
            ? ` (removed ${r.removedDuplicates} duplicate${r.removedDuplicates === 1 ? "" : "s"})`
            : "";
        io.err(
            `${r.action} the ${report.project}/${report.stack} comment on ${repo!.owner}/${repo!.repo}#${flags.pr}: ${r.url}${dup}`,
        );
        return EXIT.ok;
    } catch (e) {
        io.err(`could not post the comment on ${repo!.owner}/${repo!.repo}#${flags.pr}: ${describeGitHubError(e)}`);
        return EXIT.findings;
    }
}
