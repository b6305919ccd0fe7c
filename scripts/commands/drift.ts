/**
 * `npm run drift -- --stack <s> [--refresh-json <file> [--events <file>]] [--repo <owner/name>] [--format text|markdown|json]`
 *
 * Scheduled drift detection: `pulumi refresh --preview-only` (or a saved one), each drifted
 * resource named with its property paths, Railway resources the stack does not manage, then one
 * GitHub issue per stack, PagerDuty for production and a Slack message per change (see
 * scripts/drift/alerts.ts). The report goes to stdout (and $GITHUB_STEP_SUMMARY as markdown),
 * progress and notification outcomes to stderr.
 *
 * Exit 0 clean, 7 drift (as `--expect-no-changes`), 1 could not decide, 2 usage error.
 * Environment: RAILWAY_API_TOKEN or RAILWAY_TOKEN (the unmanaged-resource check; skipped without),
 * GITHUB_TOKEN and GITHUB_API_URL (with --repo), PAGERDUTY_ROUTING_KEY and PAGERDUTY_EVENTS_URL,
 * SLACK_WEBHOOK_URL, VAULT_TOKEN or VAULT_ROLE_ID and VAULT_SECRET_ID (a stack with a Vault backup:
 * each secret's copy compared, by name), GITHUB_STEP_SUMMARY, GITHUB_SERVER_URL/GITHUB_REPOSITORY/GITHUB_RUN_ID (the
 * run's link), and what `pulumi refresh` needs (PULUMI_CONFIG_PASSPHRASE, the backend login).
 */
import { alertRecipientsOf } from "../../config/alert-recipients";
import { EmailRecipient, emailSettingsFrom, sendAlertEmail } from "../notify/email";
import { overdueSecrets, rotationReminder } from "../drift/rotations";
import { parseStackFile } from "../../config/sources";
import * as fs from "fs";
import * as path from "path";
import { parseYaml } from "../../config/sources";
import { authFromEnv } from "../../providers/railway/client";
import { classifyRefresh, RefreshVerdict } from "../drift/classify";
import { sendDriftAlerts, AlertTargets } from "../drift/alerts";
import { checkVaultBackup } from "../vault/check";
import type { KvOptions } from "../vault/kv";
import {
    BackupCheck,
    buildDriftReport,
    DRIFT_EXIT,
    renderDriftJson,
    renderDriftMarkdown,
    renderDriftText,
    UnmanagedCheck,
} from "../drift/report";
import { runRefreshPreview } from "../drift/run";
import { findUnmanaged, managedRailway } from "../drift/unmanaged";
import { EngineEvent, parseDigest, parseEvents, PreviewDigest } from "../engine/output";
import { githubClient, parseRepo, RepoRef } from "../github/client";
import type { PostOptions } from "../notify/http";
import { scrubTokens } from "../report/markdown";
import { defineCommand, Option, parseCommand, stackName, usageProblem } from "./cli";
import { CommandIO } from "./io";
import { UsageError } from "../../config/errors";

const FORMATS = ["text", "markdown", "json"] as const;

function driftProgram(io: CommandIO) {
    return defineCommand(
        "drift",
        "Scheduled drift detection: what `pulumi refresh --preview-only` finds and Railway resources the stack does not manage, reported as a GitHub issue, a page for production and Slack.",
        io,
        [
            "Exit 0 clean, 7 drift, 1 could not decide, 2 usage error.",
            "Environment: RAILWAY_API_TOKEN or RAILWAY_TOKEN; GITHUB_TOKEN, GITHUB_API_URL (with --repo); PAGERDUTY_ROUTING_KEY,",
            "PAGERDUTY_EVENTS_URL; SLACK_WEBHOOK_URL; GITHUB_STEP_SUMMARY; what `pulumi refresh` needs.",
        ].join("\n"),
    )
        .requiredOption("--stack <name>", "the stack to check", stackName)
        .option("--refresh-json <file>", "a saved `pulumi refresh --preview-only --json` instead of running one")
        .option("--events <file>", "the saved refresh's event log (with --refresh-json)")
        .option("--repo <owner/name>", "keep the stack's drift issue in this repository")
        .addOption(
            new Option("--format <format>", "how to print the report").choices(FORMATS).default("text" as const),
        );
}

/** Test seams: the clock and the alert backoff. */
export interface DriftDeps {
    now?: () => Date;
    post?: PostOptions;
    githubRetryUnitMs?: number;
    /** The Vault client's timing (tests shrink it). */
    vault?: KvOptions;
}

function stackSettings(
    cwd: string,
    stack: string,
): { project?: string; production: boolean; recipients?: EmailRecipient[] } {
    let project: string | undefined;
    try {
        const doc = parseYaml(fs.readFileSync(path.join(cwd, "Pulumi.yaml"), "utf8"), "Pulumi.yaml") as {
            name?: unknown;
        };
        if (typeof doc?.name === "string") project = doc.name;
    } catch {
        // no project file: the refresh's URNs name the project
    }
    let environment: unknown;
    try {
        const doc = parseYaml(
            fs.readFileSync(path.join(cwd, `Pulumi.${stack}.yaml`), "utf8"),
            `Pulumi.${stack}.yaml`,
        ) as {
            config?: Record<string, unknown>;
        };
        environment = doc?.config?.[`${project ?? "ainative-platform"}:environment`];
    } catch {
        environment = undefined;
    }
    return {
        project,
        production: environment === "production" || (environment === undefined && stack === "production"),
        recipients: alertRecipientsOf(path.join(cwd, `Pulumi.${stack}.yaml`), project),
    };
}

function readFile(cwd: string, flag: string, file: string): string {
    const full = path.resolve(cwd, file);
    if (!fs.existsSync(full)) throw new UsageError(`--${flag} ${file}: no such file`);
    return fs.readFileSync(full, "utf8");
}

export async function driftCommand(
    argv: string[],
    io: CommandIO,
    cwd = process.cwd(),
    env: NodeJS.ProcessEnv = process.env,
    deps: DriftDeps = {},
): Promise<number> {
    const cmd = driftProgram(io);
    const parsed = parseCommand(cmd, argv);
    if (parsed !== true) return parsed === 0 ? DRIFT_EXIT.clean : DRIFT_EXIT.usage;
    const flags = cmd.opts();
    const usage = usageProblem(io, cmd);
    const format = flags.format;
    if (flags.events && !flags.refreshJson)
        return usage(
            "--events goes with --refresh-json (without it, drift runs the refresh and keeps its own event log)",
        );
    let repo: RepoRef | undefined;
    if (flags.repo) {
        try {
            repo = parseRepo(flags.repo);
        } catch (e) {
            return usage((e as Error).message);
        }
        if (!env.GITHUB_TOKEN) return usage("GITHUB_TOKEN is not set: it is needed to keep the drift issue in --repo");
    }
    const stack = flags.stack;
    const settings = stackSettings(cwd, stack);
    const errors: string[] = [];

    // 1. What the refresh says.
    let digest: PreviewDigest | undefined;
    let events: EngineEvent[] | undefined;
    if (flags.refreshJson) {
        try {
            digest = parseDigest(readFile(cwd, "refresh-json", flags.refreshJson));
            if (flags.events) events = parseEvents(readFile(cwd, "events", flags.events));
        } catch (e) {
            const message = (e as Error).message;
            if (/no such file/.test(message)) return usage(message);
            errors.push(`${flags.refreshJson}: ${message.slice(0, 300)}`);
        }
    } else {
        io.err(`running pulumi refresh --preview-only --stack ${stack} (reads live state; writes nothing)...`);
        const run = await runRefreshPreview(stack, { cwd, env });
        if (run.error) errors.push(run.error);
        digest = run.digest;
        events = run.events;
    }
    let verdict: RefreshVerdict | undefined;
    if (digest) {
        verdict = classifyRefresh(digest, events);
        if (verdict.stack && verdict.stack !== stack)
            return usage(`the refresh is stack '${verdict.stack}''s, not '${stack}''s`);
        if (!digest.changeSummary && !digest.steps?.length)
            errors.push("the refresh reported no resources: is the stack empty, or the wrong file?");
    }

    // 2. What exists in Railway that the stack does not manage.
    let unmanaged: UnmanagedCheck;
    let hasCredentials = true;
    try {
        authFromEnv(env);
    } catch {
        hasCredentials = false;
    }
    if (!digest) unmanaged = { status: "skipped", reason: "no refresh to compare with" };
    else if (!hasCredentials)
        unmanaged = { status: "skipped", reason: "no Railway credentials (RAILWAY_API_TOKEN or RAILWAY_TOKEN)" };
    else {
        io.err("checking Railway for services, volumes and domains the stack does not manage...");
        try {
            unmanaged = { status: "checked", resources: await findUnmanaged(managedRailway(digest)) };
        } catch (e) {
            unmanaged = { status: "failed", reason: scrubTokens((e as Error).message).slice(0, 300) };
        }
    }

    // 3. The secrets' Vault backup, when the stack has one.
    let backup: BackupCheck | undefined;
    if (digest && !errors.length) {
        backup = await checkVaultBackup(cwd, stack, env, deps.vault);
        if (backup) io.err(`compared the stack's secrets with their Vault backup: ${backup.status}`);
    }

    const runUrl =
        env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
            ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
            : undefined;
    const report = buildDriftReport({
        project: verdict?.project ?? settings.project ?? "(unknown project)",
        stack,
        production: settings.production,
        verdict: errors.length ? undefined : verdict,
        unmanaged,
        backup,
        errors,
        now: (deps.now ?? (() => new Date()))(),
        runUrl,
    });

    io.out(
        format === "json"
            ? renderDriftJson(report)
            : format === "markdown"
              ? renderDriftMarkdown(report)
              : renderDriftText(report),
    );
    if (env.GITHUB_STEP_SUMMARY) {
        try {
            fs.appendFileSync(env.GITHUB_STEP_SUMMARY, renderDriftMarkdown(report) + "\n\n");
        } catch (e) {
            io.err(`could not write the step summary: ${(e as Error).message.slice(0, 200)}`);
        }
    }

    // 4. Who hears about it.
    const targets: AlertTargets = { post: deps.post };
    if (repo)
        targets.github = {
            client: githubClient({
                token: env.GITHUB_TOKEN!,
                apiUrl: env.GITHUB_API_URL,
                warn: io.err,
                retryUnitMs: deps.githubRetryUnitMs,
                paceWrites: deps.githubRetryUnitMs === undefined,
            }),
            repo,
        };
    if (env.PAGERDUTY_ROUTING_KEY)
        targets.pagerduty = { routingKey: env.PAGERDUTY_ROUTING_KEY, eventsUrl: env.PAGERDUTY_EVENTS_URL || undefined };
    if (env.SLACK_WEBHOOK_URL) targets.slackWebhookUrl = env.SLACK_WEBHOOK_URL;
    targets.email = emailSettingsFrom(env, settings.recipients);
    if (targets.slackWebhookUrl && !repo)
        io.err(
            "note: without --repo there is no drift issue to remember the last message by, so Slack hears about every drifted run",
        );
    const outcome = await sendDriftAlerts(report, targets, repo ? `${repo.owner}/${repo.repo}` : undefined);
    io.err(
        `GitHub issue: ${outcome.issue}\nPagerDuty: ${outcome.pagerduty}\nSlack: ${outcome.slack}\nEmail: ${outcome.email}`,
    );
    // Secrets past their rotation limit: a weekly reminder by email (scripts/drift/rotations.ts).
    if (targets.email) {
        const nowMs = (deps.now?.() ?? new Date()).getTime();
        let config: Record<string, unknown> | undefined;
        try {
            config = parseStackFile(path.join(cwd, `Pulumi.${stack}.yaml`)).config;
        } catch {
            config = undefined;
        }
        const reminder = rotationReminder(
            stack,
            overdueSecrets(config, settings.project ?? "ainative-platform", nowMs),
            nowMs,
        );
        if (reminder) io.err(`Email (rotations overdue): ${await sendAlertEmail(targets.email, reminder)}`);
    }

    return report.status === "clean"
        ? DRIFT_EXIT.clean
        : report.status === "drift"
          ? DRIFT_EXIT.drift
          : DRIFT_EXIT.error;
}
