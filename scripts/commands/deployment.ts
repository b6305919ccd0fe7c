/**
 * `npm run deployment -- start --stack <s> --ref <sha> [--description <text>]`
 * `npm run deployment -- finish --id <n> --state success|failure|error [--environment-url <url>] [--description <text>]`
 *
 * The deploy workflow's record of each stage as a GitHub deployment with statuses: `start` creates
 * the deployment (environment = the stack, task `deploy:pulumi`) with an `in_progress` status and
 * prints its id (also as `id=<n>` into $GITHUB_OUTPUT); `finish` adds the final status. Each status
 * carries the run's log URL. These records are what the delivery metrics read, and what the
 * health gate marks `failure` when it rolls back (GITHUB_DEPLOYMENT_ID).
 *
 * Exit 0 done, 1 GitHub refused or was unreachable (the reason printed, never the token), 2 usage.
 * Environment: GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_SERVER_URL, GITHUB_RUN_ID,
 * GITHUB_OUTPUT.
 */
import * as fs from "fs";
import { describeGitHubError, githubClient, parseRepo } from "../github/client";
import { DEPLOY_TASK } from "../github/deployments";
import { InvalidArgumentError } from "@commander-js/extra-typings";
import { commitSha, defineCommand, integerIn, Option, parseCommand, stackName, usageProblem } from "./cli";
import { CommandIO, EXIT } from "./io";

export { DEPLOY_TASK };

const STATES = ["success", "failure", "error", "inactive", "in_progress", "queued", "pending"] as const;

function httpUrl(value: string): string {
    if (!/^https?:\/\//.test(value)) throw new InvalidArgumentError("must be an http(s) URL.");
    return value;
}

type Action =
    | { name: "start"; stack: string; ref: string; description?: string }
    | {
          name: "finish";
          id: number;
          state: (typeof STATES)[number];
          environmentUrl?: string;
          description?: string;
      };

/** The two subcommands; `chosen` receives the one parsed, with its options. */
function deploymentProgram(io: CommandIO, chosen: (action: Action) => void) {
    const cmd = defineCommand(
        "deployment",
        "The deploy workflow's record of each stage as a GitHub deployment with statuses (what the delivery metrics read).",
        io,
        [
            "Exit 0 done, 1 GitHub refused or was unreachable (the reason printed, never the token), 2 usage error.",
            "Environment: GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_SERVER_URL, GITHUB_RUN_ID, GITHUB_OUTPUT.",
        ].join("\n"),
    );
    cmd.command("start")
        .description("creates the deployment (environment = the stack) with an in_progress status and prints its id")
        .requiredOption("--stack <name>", "the stack deployed", stackName)
        .requiredOption("--ref <sha>", "the commit deployed", commitSha)
        .option("--description <text>", "a short description (first 140 characters kept)")
        .action((o) => chosen({ name: "start", ...o }));
    cmd.command("finish")
        .description("adds the final status to the deployment `start` created")
        .requiredOption("--id <deployment id>", "the number `start` printed", integerIn(1, Number.MAX_SAFE_INTEGER))
        .addOption(new Option("--state <state>", "the final state").choices(STATES).makeOptionMandatory())
        .option("--environment-url <url>", "where the deployed stack answers", httpUrl)
        .option("--description <text>", "a short description (first 140 characters kept)")
        .action((o) => chosen({ name: "finish", ...o }));
    // One help for the whole command: each subcommand's options too, as the runbooks use them.
    cmd.addHelpText("after", () => cmd.commands.map((c) => `\n${c.helpInformation()}`).join(""));
    return cmd;
}

/** Test seam: GitHub's retry unit; given, writes are not paced. */
export interface DeploymentDeps {
    githubRetryUnitMs?: number;
}

export async function deploymentCommand(
    argv: string[],
    io: CommandIO,
    env: NodeJS.ProcessEnv = process.env,
    deps: DeploymentDeps = {},
): Promise<number> {
    let action: Action | undefined;
    const cmd = deploymentProgram(io, (a) => (action = a));
    const parsed = parseCommand(cmd, argv);
    if (parsed !== true) return parsed;
    if (!action) return usageProblem(io, cmd)("name start or finish");
    const flags = action;
    const usage = usageProblem(io, cmd);
    if (!env.GITHUB_TOKEN) return usage("GITHUB_TOKEN is not set");
    if (!env.GITHUB_REPOSITORY) return usage("GITHUB_REPOSITORY (owner/name) is not set");
    let repo;
    try {
        repo = parseRepo(env.GITHUB_REPOSITORY);
    } catch (e) {
        return usage((e as Error).message.replace("--repo", "GITHUB_REPOSITORY"));
    }
    const logUrl =
        env.GITHUB_SERVER_URL && env.GITHUB_RUN_ID
            ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
            : undefined;
    const description = flags.description?.slice(0, 140);
    const gh = githubClient({
        token: env.GITHUB_TOKEN,
        apiUrl: env.GITHUB_API_URL,
        warn: io.err,
        retryUnitMs: deps.githubRetryUnitMs,
        paceWrites: deps.githubRetryUnitMs === undefined,
    });

    if (flags.name === "start") {
        try {
            const created = await gh.rest.repos.createDeployment({
                ...repo,
                ref: flags.ref,
                environment: flags.stack,
                task: DEPLOY_TASK,
                auto_merge: false,
                // The PR checks ran already; the deployment record must not wait on them again.
                required_contexts: [],
                production_environment: flags.stack === "production",
                transient_environment: false,
                description,
            });
            const id = (created.data as { id?: number }).id;
            if (!id)
                throw new Error(`GitHub did not create the deployment: ${JSON.stringify(created.data).slice(0, 200)}`);
            await gh.rest.repos.createDeploymentStatus({
                ...repo,
                deployment_id: id,
                state: "in_progress",
                log_url: logUrl,
                description,
            });
            io.out(String(id));
            if (env.GITHUB_OUTPUT) fs.appendFileSync(env.GITHUB_OUTPUT, `id=${id}\n`);
            io.err(`deployment ${id} of ${flags.ref.slice(0, 12)} to ${flags.stack}: in_progress`);
            return EXIT.ok;
        } catch (e) {
            io.err(`could not record the deployment: ${describeGitHubError(e)}`);
            return EXIT.findings;
        }
    }

    const envUrl = flags.environmentUrl;
    try {
        await gh.rest.repos.createDeploymentStatus({
            ...repo,
            deployment_id: flags.id,
            state: flags.state,
            log_url: logUrl,
            environment_url: envUrl,
            description,
            // A finished deployment makes the earlier ones of its environment inactive, as GitHub's UI expects.
            auto_inactive: flags.state === "success",
        });
        io.err(`deployment ${flags.id}: ${flags.state}`);
        return EXIT.ok;
    } catch (e) {
        io.err(`could not record the deployment's status: ${describeGitHubError(e)}`);
        return EXIT.findings;
    }
}
