/**
 * `npm run deploy:emergency -- --stack <s> [--yes] [--allow-dirty] [--allow-unpushed] [--policy-config <file>] [--log <file>]`
 * `npm run deploy:emergency -- --report [--log <file>] [--days <n>]`
 *
 * Backup path 3, for a complete CI outage: the deploy pipeline's checks, run from a laptop, in the
 * order the seed's decision tree names them. It stops at the first that fails, before anything is
 * applied:
 *
 *   1. the work tree is committed and pushed (what is deployed can be found again);
 *   2. the stack config validates;
 *   3. the offline plan with the policy pack has no mandatory violation;
 *   4. `pulumi preview` with the policy pack succeeds (shown in full);
 *   5. a person confirms by typing the stack's name (`--yes` for automation, such as CircleCI);
 *   6. `pulumi up` with the policy pack; where the stack's health gate is on, it runs inside the
 *      update and rolls a failing deployment back (the update then fails);
 *   7. a record of who deployed what and when goes to the log (default deploys/emergency.ndjson),
 *      which the next CI run reports (`--report`).
 *
 * Exit 0 deployed, 1 refused or failed (the reason printed), 2 usage error. Progress on stderr.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { formatIssue } from "../../config/issues";
import { missingStackFile, readStackFile, StackFileError } from "../../config/sources";
import { reportedIssues, validateStackConfig } from "../../config/validate";
import { deployer, workTree } from "../deploy-emergency/git";
import { appendRecord, DEFAULT_LOG, EmergencyRecord, readRecords, renderReport } from "../deploy-emergency/record";
import { engineOnPath, runPulumi, stopAllEngines } from "../engine/engine";
import { withStackLease } from "../state/stack-lease";
import { runPlan } from "../plan/plan";
import { defineCommand, integerIn, parseCommand, stackName, usageProblem } from "./cli";
import { Ask, CommandIO, EXIT } from "./io";
import { LOCK_TIMEOUT, leaseProblem } from "./leases";
import { backendUrlOf, projectName } from "../engine/project";

export interface EmergencyDeps {
    /** Asks a question on the terminal; undefined when there is none (then only --yes deploys). */
    ask?: Ask;
    now?: () => Date;
}

function emergencyProgram(io: CommandIO) {
    return defineCommand(
        "deploy:emergency",
        "The documented way around a broken pipeline: `pulumi up` from a workstation with the pipeline's checks run here, recorded in a log. With --report, lists the log's deployments instead.",
        io,
        "Exit 0 deployed (or reported), 1 refused or failed, 2 usage error.",
    )
        .option("--stack <name>", "the stack to deploy", stackName)
        .option("--yes", "deploy without asking (the only way without a terminal)", false)
        .option("--allow-dirty", "deploy a work tree with uncommitted changes (recorded)", false)
        .option("--allow-unpushed", "deploy commits not on the remote (recorded)", false)
        .option("--policy-config <file>", "the policy pack's config (default: policies/config/<stack>.json)")
        .option("--log <file>", `the emergency log (default: ${DEFAULT_LOG})`)
        .option("--report", "list the log's emergency deployments instead of deploying", false)
        .option("--days <n>", "with --report: how many days back", integerIn(1, 3650))
        .option(LOCK_TIMEOUT.flags, LOCK_TIMEOUT.description, LOCK_TIMEOUT.parse, LOCK_TIMEOUT.defaultMinutes);
}

export async function emergencyDeployCommand(
    argv: string[],
    io: CommandIO,
    cwd = process.cwd(),
    env: NodeJS.ProcessEnv = process.env,
    deps: EmergencyDeps = {},
): Promise<number> {
    const cmd = emergencyProgram(io);
    const parsed = parseCommand(cmd, argv);
    if (parsed !== true) return parsed;
    const flags = cmd.opts();
    const usage = usageProblem(io, cmd);
    const now = deps.now ?? (() => new Date());
    const logFile = path.resolve(cwd, flags.log ?? DEFAULT_LOG);

    if (flags.report) {
        if (flags.stack || flags.yes) return usage("--report only reads the log: it takes --log and --days");
        const days = flags.days ?? 30;
        const { records, unreadable } = readRecords(logFile, now(), days);
        const text = renderReport(records, unreadable, days);
        io.out(text);
        if (env.GITHUB_STEP_SUMMARY) fs.appendFileSync(env.GITHUB_STEP_SUMMARY, text + "\n\n");
        return EXIT.ok;
    }

    if (!flags.stack) return usage("--stack is required (or --report)");
    if (flags.days !== undefined) return usage("--days goes with --report");
    const stack = flags.stack;
    const stackFile = path.join(cwd, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(stackFile)) return usage(missingStackFile(stackFile));
    const policyConfig = path.resolve(cwd, flags.policyConfig ?? path.join("policies", "config", `${stack}.json`));
    if (!fs.existsSync(policyConfig)) return usage(`no policy config ${policyConfig} (pass --policy-config)`);
    const found = engineOnPath(env);
    if (!found)
        return usage("pulumi is not on PATH: install the CLI (scripts/install-pulumi.sh --env prints the PATH to use)");
    const engine = found;
    const refuse = (message: string) => {
        io.err(`refused: ${message}\nnothing was deployed.`);
        return EXIT.findings;
    };
    const step = (n: number, text: string) => io.err(`[${n}/7] ${text}`);

    // 1. What is deployed can be found again.
    step(1, "the work tree: committed and pushed");
    const tree = workTree(cwd);
    const waived: string[] = [];
    if (!tree.isRepo) {
        if (!flags.allowDirty || !flags.allowUnpushed)
            return refuse(
                "this is not a git work tree, so what is deployed could not be found again (pass --allow-dirty --allow-unpushed to deploy anyway)",
            );
        waived.push("not a git work tree");
    } else {
        if (tree.changes.length) {
            if (!flags.allowDirty)
                return refuse(
                    `the work tree has uncommitted changes:\n  ${tree.changes.join("\n  ")}\ncommit them (or pass --allow-dirty)`,
                );
            waived.push("uncommitted changes");
        }
        if (!tree.pushed) {
            if (!flags.allowUnpushed)
                return refuse(
                    `commit ${tree.commit?.slice(0, 12) ?? "HEAD"} is on no remote branch: push it first (or pass --allow-unpushed)`,
                );
            waived.push("unpushed commit");
        }
    }

    // 2. The stack config.
    step(2, `validating ${path.basename(stackFile)}`);
    try {
        const source = readStackFile(stackFile, stack);
        const result = validateStackConfig(source.raw);
        const issues = reportedIssues(source.issues, result);
        if (issues.length)
            return refuse(
                `the stack config has ${issues.length} problem(s):\n${issues.map((i) => formatIssue(stack, i)).join("\n")}`,
            );
    } catch (e) {
        if (e instanceof StackFileError) return refuse(e.message);
        throw e;
    }

    // 3. The offline plan with the policy pack.
    step(3, "offline plan with the policy pack");
    const plan = await runPlan({ stack, file: stackFile, policyConfigFile: policyConfig });
    if (plan.error) return refuse(`the offline plan could not run: ${plan.error}`);
    if (!plan.ok) {
        const lines = (plan.policies?.mandatory ?? []).map(
            (v) => `  [${v.policy}] ${v.resource?.name ?? "stack"}: ${v.message.replace(/\n/g, " ")}`,
        );
        return refuse(`mandatory policy violations:\n${lines.join("\n")}`);
    }

    const pulumiEnv = { ...env, PULUMI_SKIP_UPDATE_CHECK: "true" };
    const project = projectName(cwd);
    const backendUrl = await backendUrlOf(engine, cwd, pulumiEnv);
    if (!project || !backendUrl)
        return usage(
            !project ? `no Pulumi.yaml in ${cwd}` : "no backend: set PULUMI_BACKEND_URL or run `pulumi login <url>`",
        );
    try {
        return await withStackLease(
            {
                backendUrl,
                project,
                stack,
                command: `deploy:emergency --stack ${stack}`,
                env: pulumiEnv,
                cwd,
                io,
                lockTimeoutMs: flags.lockTimeout * 60_000,
                run: (args) =>
                    runPulumi(engine, [...args, "--non-interactive"], { cwd, env: pulumiEnv, timeoutMs: 30 * 60_000 }),
                stopEngine: stopAllEngines,
            },
            () => deployHoldingTheLease(),
        );
    } catch (e) {
        const code = leaseProblem(e, io);
        if (code !== undefined) return code;
        throw e;
    }

    // Steps 4 to 7, holding the stack's lease (nothing else changes it meanwhile).
    async function deployHoldingTheLease(): Promise<number> {
        const stream = (chunk: string) =>
            chunk
                .split("\n")
                .filter((l) => l.trim())
                .forEach((l) => io.err(`  ${l}`));
        const policyArgs = ["--policy-pack", "policies", "--policy-pack-config", policyConfig];

        // 4. The preview, shown in full.
        step(4, `pulumi preview --stack ${stack} with the policy pack`);
        const preview = await runPulumi(
            engine,
            ["preview", "--stack", stack, ...policyArgs, "--non-interactive", "--color", "never"],
            {
                cwd,
                env: pulumiEnv,
                onOutput: stream,
                onStdout: stream,
                timeoutMs: 30 * 60_000,
            },
        );
        if (preview.code !== 0) return refuse(`pulumi preview exited ${preview.code} (see its output above)`);

        // 5. A person says yes.
        step(5, "confirmation");
        if (!flags.yes) {
            if (!deps.ask) return refuse("no terminal to confirm on: pass --yes to deploy without a question");
            const answer = (
                await deps.ask(`Deploy the preview above to '${stack}'? Type the stack's name to go on: `)
            ).trim();
            if (answer !== stack) return refuse(`the answer was not '${stack}'`);
        }

        // 6. The update (the health gate runs inside it where the stack has it on).
        step(6, `pulumi up --stack ${stack}`);
        const up = await runPulumi(
            engine,
            ["up", "--stack", stack, "--yes", "--skip-preview", ...policyArgs, "--non-interactive", "--color", "never"],
            {
                cwd,
                env: pulumiEnv,
                onOutput: stream,
                onStdout: stream,
                timeoutMs: 60 * 60_000,
            },
        );

        // 7. The record, whatever the outcome.
        step(7, `recording the deploy in ${path.relative(cwd, logFile) || logFile}`);
        const record: EmergencyRecord = {
            version: 1,
            at: now().toISOString(),
            stack,
            commit: tree.commit ?? null,
            branch: tree.branch ?? null,
            who: deployer(cwd, env),
            host: os.hostname(),
            via: env.CIRCLECI === "true" ? "circleci" : "local",
            result: up.code === 0 ? "deployed" : "failed",
            upExitCode: up.code,
            waived,
        };
        appendRecord(logFile, record);
        if (up.code !== 0) {
            io.err(
                `pulumi up exited ${up.code}: the deploy failed (a rollback by the health gate also ends here); see docs/runbooks/rollback.md`,
            );
            return EXIT.findings;
        }
        io.err(
            `deployed ${stack}${tree.commit ? ` at ${tree.commit.slice(0, 12)}` : ""}. Commit ${path.relative(cwd, logFile) || logFile} so the next CI run reports this deploy.`,
        );
        return EXIT.ok;
    }
}
