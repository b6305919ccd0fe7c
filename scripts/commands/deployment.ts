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
import { CommandIO, EXIT, parseCommandArgs, usageError } from "./io";

export { DEPLOY_TASK };

const USAGE = [
    "usage: npm run deployment -- start --stack <name> --ref <sha> [--description <text>]",
    "       npm run deployment -- finish --id <deployment id> --state success|failure|error [--environment-url <url>] [--description <text>]",
].join("\n");

const STATES = ["success", "failure", "error", "inactive", "in_progress", "queued", "pending"] as const;

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
    const [action, ...rest] = argv;
    if (action === "--help" || action === "-h") {
        io.out(USAGE);
        return EXIT.ok;
    }
    const flags = parseCommandArgs<{
        stack?: string;
        ref?: string;
        description?: string;
        id?: string;
        state?: string;
        "environment-url"?: string;
    }>(
        rest,
        {
            stack: { type: "string" },
            ref: { type: "string" },
            description: { type: "string" },
            id: { type: "string" },
            state: { type: "string" },
            "environment-url": { type: "string" },
        },
        USAGE,
        io,
    );
    if (typeof flags === "number") return flags;
    const usage = usageError(io, USAGE);
    if (action !== "start" && action !== "finish")
        return usage(`the first argument is start or finish, not '${String(action ?? "").slice(0, 40)}'`);
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

    if (action === "start") {
        if (!flags.stack || !/^[A-Za-z0-9_.-]{1,100}$/.test(flags.stack)) return usage("--stack <name> is required");
        if (!flags.ref || !/^[0-9a-f]{7,40}$/.test(flags.ref)) return usage("--ref must be the commit's SHA");
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

    if (!flags.id || !/^[1-9]\d{0,15}$/.test(flags.id))
        return usage("--id <deployment id> is required (the number `start` printed)");
    if (!flags.state || !(STATES as readonly string[]).includes(flags.state))
        return usage(`--state must be one of ${STATES.join(", ")}`);
    const envUrl = flags["environment-url"];
    if (envUrl !== undefined && !/^https?:\/\//.test(envUrl)) return usage("--environment-url must be an http(s) URL");
    try {
        await gh.rest.repos.createDeploymentStatus({
            ...repo,
            deployment_id: Number(flags.id),
            state: flags.state as (typeof STATES)[number],
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
