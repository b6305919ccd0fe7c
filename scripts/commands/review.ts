/**
 * `npm run review -- up --pr <n> --branch <head branch> --repo <owner/name> [--head-repo <owner/name>] [--commit <sha>] [--base staging]`
 * `npm run review -- destroy --pr <n> --repo <owner/name> [--base staging] [--reason <text>]`
 * `npm run review -- sweep --repo <owner/name> [--base staging] [--idle-days <n>]`
 *
 * A pull request's review environment (scripts/review/run.ts): a stack `pr-<n>` whose Railway
 * environment duplicates the base stack's, made and updated by `up`, removed by `destroy`, and by
 * `sweep` once idle past the limit. With GITHUB_TOKEN set, `up` and `destroy` keep one sticky
 * comment on the pull request (its URLs and the health gate's verdict, or why there is none).
 * A pull request from a fork never gets one (`--head-repo` differs from `--repo`: refused).
 *
 * Exit 0 done (deployed, destroyed, swept, or refused by the cap with a comment), 1 the deployment
 * failed or a destroy did not finish, 2 usage error or could not decide. Environment: what
 * `pulumi up` needs (PULUMI_CONFIG_PASSPHRASE, the backend login, RAILWAY_API_TOKEN...),
 * GITHUB_TOKEN and GITHUB_API_URL for the comment.
 */
import * as path from "path";
import { alertRecipientsOf } from "../../config/alert-recipients";
import { emailSettingsFrom, sendAlertEmail } from "../notify/email";
import { InvalidArgumentError } from "@commander-js/extra-typings";
import { engineOnPath, RunPulumi } from "../engine/engine";
import { githubClient, parseRepo } from "../github/client";
import { upsertComment } from "../github/sticky";
import { REVIEW_MARKER, reviewDestroy, ReviewDeps, reviewSweep, reviewUp } from "../review/run";
import {
    commitSha,
    defineCommand,
    integerIn,
    numberIn,
    parseCommand,
    repositoryName,
    stackName,
    usageProblem,
} from "./cli";
import { CommandIO, EXIT } from "./io";
import { LOCK_TIMEOUT, withCommandLeases } from "./leases";

/** A git branch name as GitHub gives it (refs may not hold spaces, `~^:?*[\`, control characters or `..`). */
function branchName(value: string): string {
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
    if (!value || value.length > 255 || /[\s~^:?*[\\\x00-\x1f\x7f]|\.\.|@\{/.test(value))
        throw new InvalidArgumentError("must be the pull request's head branch name (a git ref name).");
    return value;
}

type Action = (
    | { name: "up"; pr: number; branch: string; repo: string; headRepo?: string; commit?: string; base: string }
    | { name: "destroy"; pr: number; repo: string; base: string; reason: string }
    | { name: "sweep"; repo: string; base: string; idleDays?: number }
) & { lockTimeout: number };

function reviewProgram(io: CommandIO, chosen: (a: Action) => void) {
    const cmd = defineCommand(
        "review",
        "A pull request's review environment: a stack pr-<n> whose Railway environment duplicates the base stack's.",
        io,
        [
            "Exit 0 done (or refused by the cap, with a comment), 1 the deployment failed or a destroy did not finish,",
            "2 usage error or could not decide.",
            "Environment: what pulumi up needs (PULUMI_CONFIG_PASSPHRASE, the backend login, RAILWAY_API_TOKEN...),",
            "GITHUB_TOKEN and GITHUB_API_URL for the pull request's comment (without GITHUB_TOKEN it is printed).",
        ].join("\n"),
    );
    const pr = ["--pr <number>", "the pull request", integerIn(1, 9_999_999_999)] as const;
    cmd.command("up")
        .description("creates or updates the review environment, then comments its URLs and the health gate's verdict")
        .requiredOption(...pr)
        .requiredOption("--branch <name>", "the pull request's head branch", branchName)
        .requiredOption("--repo <owner/name>", "the repository of the pull request", repositoryName)
        .option(
            "--head-repo <owner/name>",
            "the repository the head branch lives in (a fork's is refused)",
            repositoryName,
        )
        .option("--commit <sha>", "the head commit (named in the comment)", commitSha)
        .option("--base <stack>", "the stack review environments are made from", stackName, "staging")
        .option(LOCK_TIMEOUT.flags, LOCK_TIMEOUT.description, LOCK_TIMEOUT.parse, LOCK_TIMEOUT.defaultMinutes)
        .action((o) => chosen({ name: "up", ...o }));
    cmd.command("destroy")
        .description("destroys the review environment and removes its stack (nothing to do when it has none)")
        .requiredOption(...pr)
        .requiredOption("--repo <owner/name>", "the repository of the pull request", repositoryName)
        .option("--base <stack>", "the stack review environments are made from", stackName, "staging")
        .option("--reason <text>", "said in the comment", "when the pull request closed.")
        .option(LOCK_TIMEOUT.flags, LOCK_TIMEOUT.description, LOCK_TIMEOUT.parse, LOCK_TIMEOUT.defaultMinutes)
        .action((o) => chosen({ name: "destroy", ...o }));
    cmd.command("sweep")
        .description("destroys every review environment idle past the limit (counted from its last update)")
        .requiredOption("--repo <owner/name>", "the repository of the pull requests", repositoryName)
        .option("--base <stack>", "the stack review environments are made from", stackName, "staging")
        .option("--idle-days <n>", "overrides reviewEnvironments.idleDays of the base stack", numberIn(1, 365))
        .option(LOCK_TIMEOUT.flags, LOCK_TIMEOUT.description, LOCK_TIMEOUT.parse, LOCK_TIMEOUT.defaultMinutes)
        .action((o) => chosen({ name: "sweep", ...o }));
    cmd.addHelpText("after", () => cmd.commands.map((c) => `\n${c.helpInformation()}`).join(""));
    return cmd;
}

/** Test seams: the clock, and GitHub's retry unit (given, writes are not paced). */
export interface ReviewCommandDeps {
    now?: () => Date;
    githubRetryUnitMs?: number;
}

export async function reviewCommand(
    argv: string[],
    io: CommandIO,
    cwd = process.cwd(),
    env: NodeJS.ProcessEnv = process.env,
    opts: ReviewCommandDeps = {},
): Promise<number> {
    let action: Action | undefined;
    const cmd = reviewProgram(io, (a) => (action = a));
    const parsed = parseCommand(cmd, argv);
    if (parsed !== true) return parsed;
    const usage = usageProblem(io, cmd);
    if (!action) return usage("name up, destroy or sweep");
    const a: Action = action;
    if (a.name === "up" && a.headRepo && a.headRepo.toLowerCase() !== a.repo.toLowerCase())
        return usage(
            `the head branch is in ${a.headRepo}, a fork of ${a.repo}: pull requests from forks never get a review environment (their code would run with this repository's secrets)`,
        );
    const engine = engineOnPath(env);
    if (!engine) return usage("no Pulumi CLI on PATH (scripts/install-pulumi.sh installs one)");
    const r = await withCommandLeases(
        engine,
        cwd,
        env,
        io,
        { command: `review ${a.name}`, lockTimeoutMinutes: a.lockTimeout, engineTimeoutMs: 60 * 60_000 },
        (pulumi) => reviewAction(a, pulumi, io, cwd, env, opts),
    );
    return "usage" in r ? usage(r.usage) : "exit" in r ? r.exit : r.value;
}

async function reviewAction(
    a: Action,
    pulumi: RunPulumi,
    io: CommandIO,
    cwd: string,
    env: NodeJS.ProcessEnv,
    opts: ReviewCommandDeps,
): Promise<number> {
    const repo = parseRepo(a.repo);
    const gh = env.GITHUB_TOKEN
        ? githubClient({
              token: env.GITHUB_TOKEN,
              apiUrl: env.GITHUB_API_URL,
              warn: io.err,
              retryUnitMs: opts.githubRetryUnitMs,
              paceWrites: opts.githubRetryUnitMs === undefined,
          })
        : undefined;
    const deps: ReviewDeps = {
        pulumi,
        cwd,
        progress: io.err,
        now: opts.now ?? (() => new Date()),
        comment: gh
            ? async (pullRequest, body) => {
                  const r = await upsertComment(gh, { ...repo, issue_number: pullRequest }, REVIEW_MARKER, body);
                  io.err(`review: ${r.action} the comment on ${a.repo}#${pullRequest}: ${r.url}`);
              }
            : undefined,
        pullRequestOpen: gh
            ? async (pullRequest) => {
                  try {
                      const { data } = await gh.rest.pulls.get({ ...repo, pull_number: pullRequest });
                      return data.state === "open";
                  } catch {
                      return undefined;
                  }
              }
            : undefined,
    };

    if (a.name === "up") {
        const r = await reviewUp(deps, {
            pullRequest: a.pr,
            branch: a.branch,
            repository: a.repo,
            base: a.base,
            commit: a.commit,
        });
        if (r.result === "could not decide") {
            io.err(`review: ${r.stack}: could not decide: ${r.reason}`);
            return EXIT.usage;
        }
        io.out(`${r.stack}: ${r.result}`);
        if (r.result === "refused") {
            // The base stack's team hears of it by email too (those of its addresses that get everything).
            const email = await sendAlertEmail(
                emailSettingsFrom(env, alertRecipientsOf(path.join(cwd, `Pulumi.${a.base}.yaml`))),
                {
                    kind: "review-refused",
                    stack: a.base,
                    verdict: `review environment ${r.stack} refused`,
                    summary: `The review environment of ${a.repo}#${a.pr} (${r.stack}, from ${a.base}) was not made: ${r.reason}`,
                    details: [
                        ["Pull request", `${a.repo}#${a.pr}`],
                        ["Branch", a.branch],
                    ],
                    dedupKey: `review-refused/${a.base}/${r.stack}`,
                },
            );
            io.err(`review: email: ${email}`);
        }
        if (!gh) io.out(r.comment);
        return r.result === "failed" ? EXIT.findings : EXIT.ok;
    }
    if (a.name === "destroy") {
        const r = await reviewDestroy(deps, { pullRequest: a.pr, repository: a.repo, base: a.base, reason: a.reason });
        if (r.result === "could not decide") {
            io.err(`review: ${r.stack}: ${r.reason}`);
            return EXIT.findings;
        }
        io.out(`${r.stack}: ${r.result === "absent" ? "has no review environment; nothing to do" : "destroyed"}`);
        return EXIT.ok;
    }
    let swept;
    try {
        swept = await reviewSweep(deps, { base: a.base, repository: a.repo, idleDays: a.idleDays });
    } catch (e) {
        io.err(`review sweep: could not decide: ${(e as Error).message}`);
        return EXIT.usage;
    }
    for (const v of swept.verdicts)
        io.out(
            v.action === "could not decide"
                ? `${v.stack}: could not decide (${v.reason}); kept`
                : v.closed
                  ? `${v.stack}: its pull request is closed: destroy`
                  : `${v.stack}: ${v.action === "destroy" ? "idle" : "active"} for ${v.idleDays} days: ${v.action}`,
        );
    for (const d of swept.destroyed)
        io.out(`${d.stack}: ${d.result === "could not decide" ? `not destroyed: ${d.reason}` : d.result}`);
    if (!swept.verdicts.length) io.out("no review environments");
    return swept.destroyed.some((d) => d.result === "could not decide") ? EXIT.findings : EXIT.ok;
}
