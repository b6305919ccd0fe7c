/**
 * The deployment health gate: watches the live deployment of one service, decides by the seed's
 * matrix (decide.ts) and rolls back on Railway when it must. Used by `npm run gate`, by the deploy
 * workflow and by the DeploymentGate component.
 *
 * Exit 0: healthy. Exit 1: rolled back. Exit 2: could not decide (Railway unreachable, no
 * deployment, nothing to roll back to, or the live deployment is already the gate's own rollback):
 * the gate never rolls back on missing data.
 */
import type { GateConfig } from "../../config/stack.schema";
import { Clock, realClock } from "./clock";
import {
    immediateTrigger,
    windowUndecided,
    Observations,
    Trigger,
    windowStats,
    WindowStats,
    windowTrigger,
} from "./decide";
import {
    Deployment,
    IN_PROGRESS,
    listDeployments,
    liveDeployment,
    metaString,
    RailwayTarget,
    rollBack,
    rollbackAfter,
    rolledBackTo,
    RollbackOutcome,
    rollbackTarget,
} from "./deployments";
import { FailureNotifications, notifyFailure, notifyRollback, NotifyConfig } from "./notify";
import {
    checkPostgres,
    checkRedis,
    DependencyCheck,
    HealthProbe,
    probeHealth,
    runSmokeTest,
    scrub,
    SmokeResult,
} from "./probes";
import { BUILD_WAIT_FIRST_POLL_MS, MEMORY_READ_EVERY_MS, mayReadOptional, pollDelays } from "./budget";
import { readMemory, readRailwayWindow } from "./railway-signals";
import { failureLogs, FailureLogs, knownSecrets, tail } from "./failure-logs";
import { GateState, readState, writeState } from "./state";

export const GATE_EXIT = { healthy: 0, rolledBack: 1, undecided: 2 } as const;

export const DECISION_FORMAT_VERSION = 1;

export interface GateOptions {
    stack: string;
    service: string;
    config: GateConfig;
    /** The service's base URL (https://app.example.com). */
    baseUrl: string;
    railway: RailwayTarget;
    /** Level 2 from here: connection strings (optional; the app's own report is always read). */
    databaseUrl?: string;
    redisUrl?: string;
    /** One pass of levels 1-3, no monitoring window. */
    once?: boolean;
    /**
     * The deployment to judge (the one `pulumi up` started): waited for while it builds. Without
     * it, the newest deployment of the service is judged.
     */
    deploymentId?: string;
    stateFile: string;
    notify?: NotifyConfig;
    env?: NodeJS.ProcessEnv;
    clock?: Clock;
    /** Replaceable probes (the benchmark's simulation). */
    probes?: Partial<{
        health: (url: string, budgetMs: number) => Promise<HealthProbe>;
        postgres: (url: string) => Promise<DependencyCheck>;
        redis: (url: string) => Promise<DependencyCheck>;
        smoke: typeof runSmokeTest;
        deployments: (t: RailwayTarget) => Promise<Deployment[]>;
        rollback: typeof rollBack;
        railwayMemory: typeof readMemory;
        failureLogs: typeof failureLogs;
        railwayWindow: typeof readRailwayWindow;
    }>;
    /** Progress lines (stderr in the command). */
    log?: (line: string) => void;
    /**
     * The first wait between reads of Railway's deployments, while a build runs or a rollback
     * deploys; it doubles up to 30 s (default 5 s for a build, 2 s for a rollback: budget.ts).
     */
    rollbackPollMs?: number;
    /** Called the moment the rollback call is made (the benchmark measures up to here). */
    onRollbackCall?: () => void;
}

export interface DecisionRecord {
    version: number;
    stack: string;
    service: string;
    deployment?: { id: string; status: string };
    startedAt: string;
    finishedAt: string;
    decision: "healthy" | "rolled-back" | "undecided";
    exitCode: number;
    reason: string;
    trigger?: Trigger;
    /**
     * A deployment that ended FAILED or CRASHED (the one judged, or the gate's own rollback): the
     * end of its build or deploy log, redacted, and who was told.
     */
    failure?: FailureLogs & { notifications?: FailureNotifications };
    checks: {
        health: HealthProbe[];
        dependencies: DependencyCheck[];
        smoke: SmokeResult[];
        /** Memory as Railway measured it (its metrics), the latest reading. */
        railwayMemory?: Observations["railwayMemory"];
        window?: WindowStats;
    };
    rollback?: RollbackOutcome & { notifications?: { pagerduty: string; github: string }; followUp?: string };
}

/** The record of a gate that could not start (no config, no Railway): exit 2, nothing done. */
export function undecidedRecord(stack: string, service: string, reason: string, now = Date.now()): DecisionRecord {
    const at = new Date(now).toISOString();
    return {
        version: DECISION_FORMAT_VERSION,
        stack,
        service,
        startedAt: at,
        finishedAt: at,
        decision: "undecided",
        exitCode: GATE_EXIT.undecided,
        reason,
        checks: { health: [], dependencies: [], smoke: [] },
    };
}

export async function runGate(o: GateOptions): Promise<DecisionRecord> {
    const clock = o.clock ?? realClock;
    const log = o.log ?? (() => undefined);
    const health = o.probes?.health ?? probeHealth;
    const postgres = o.probes?.postgres ?? checkPostgres;
    const redis = o.probes?.redis ?? checkRedis;
    const smoke = o.probes?.smoke ?? runSmokeTest;
    const deployments = o.probes?.deployments ?? listDeployments;
    const rollback = o.probes?.rollback ?? rollBack;
    const railwayMemory = o.probes?.railwayMemory ?? readMemory;
    const railwayWindow = o.probes?.railwayWindow ?? readRailwayWindow;
    const cfg = o.config;
    const obs: Observations = { health: [], dependencies: [], smoke: [] };
    const startedAt = new Date(clock.now()).toISOString();
    const record = (
        decision: DecisionRecord["decision"],
        exitCode: number,
        reason: string,
        extra: Partial<DecisionRecord> = {},
    ): DecisionRecord => ({
        version: DECISION_FORMAT_VERSION,
        stack: o.stack,
        service: o.service,
        startedAt,
        finishedAt: new Date(clock.now()).toISOString(),
        decision,
        exitCode,
        reason,
        checks: { ...obs },
        ...extra,
    });

    // Which deployment is live: without that, no decision can be acted on.
    // A deployment still building (right after `pulumi up` changed the service) is waited for:
    // the gate watches the deployment that was just made, not the one it replaces.
    let list: Deployment[];
    const waitStart = clock.now();
    const watched = (l: Deployment[]) => (o.deploymentId ? l.find((d) => d.id === o.deploymentId) : l[0]);
    try {
        list = await deployments(o.railway);
        for (const delay of pollDelays(
            cfg.rollbackTimeoutSeconds * 1000,
            o.rollbackPollMs ?? BUILD_WAIT_FIRST_POLL_MS,
        )) {
            if (!watched(list) || !IN_PROGRESS.includes(watched(list)!.status)) break;
            if (clock.now() === waitStart)
                log(`gate: waiting for deployment ${watched(list)!.id} (${watched(list)!.status})`);
            await clock.sleep(delay);
            list = await deployments(o.railway);
        }
    } catch (e) {
        return record(
            "undecided",
            GATE_EXIT.undecided,
            `Railway unreachable: ${scrub((e as Error).message)}; not deciding without it`,
        );
    }
    if (o.deploymentId && !watched(list))
        return record(
            "undecided",
            GATE_EXIT.undecided,
            `deployment ${o.deploymentId} is not one of this service's deployments in this environment`,
        );
    const newest = watched(list);
    // The deployment judged was rolled back already (by this gate before, or by a person): Railway's
    // history says so, whatever a state file holds.
    const rolledAway = newest && rollbackAfter(list, newest);
    if (newest && rolledAway && rolledAway.id !== newest.id) {
        return record(
            "rolled-back",
            GATE_EXIT.rolledBack,
            `deployment ${newest.id} was already rolled back (Railway's deployment ${rolledAway.id}, ${rolledAway.status}); not rolling back twice`,
            {
                deployment: { id: newest.id, status: newest.status },
            },
        );
    }
    if (newest && IN_PROGRESS.includes(newest.status)) {
        return record(
            "undecided",
            GATE_EXIT.undecided,
            `deployment ${newest.id} is still ${newest.status} after ${cfg.rollbackTimeoutSeconds} s`,
        );
    }
    const live = liveDeployment(list);
    if (newest && newest.id !== live?.id && ["FAILED", "CRASHED"].includes(newest.status)) {
        // Failed, whether an older deployment stays live or (a first deployment) none does: told everywhere.
        const failure = await reportFailure(o, newest, "pulumi up");
        const kept = live
            ? `Railway kept ${live.id} live, so nothing is rolled back`
            : "no earlier deployment is live, so there is nothing to roll back to";
        return record(
            "rolled-back",
            GATE_EXIT.rolledBack,
            `the newest deployment ${newest.id} ended ${newest.status}; ${kept}; ${tail(failure)}`,
            {
                deployment: { id: newest.id, status: newest.status },
                failure,
            },
        );
    }
    if (!live)
        return record(
            "undecided",
            GATE_EXIT.undecided,
            "no live (SUCCESS) deployment of this service in this environment",
        );
    if (newest && newest.id !== live.id && ["SKIPPED", "REMOVED", "REMOVING"].includes(newest.status)) {
        // Superseded (a push deployed again meanwhile): judge what is live, and say so.
        log(`gate: deployment ${newest.id} was superseded (${newest.status}); judging the live deployment ${live.id}`);
    }
    const state: GateState = readState(o.stateFile);
    const deployment = { id: live.id, status: live.status };
    // "Never twice" comes from Railway's own history (the state file is a cache: a new CI runner
    // has none, and a lost answer may have left a rollback it never recorded).
    const after = rollbackAfter(list, live);
    if (after) {
        return record(
            "rolled-back",
            GATE_EXIT.rolledBack,
            `deployment ${live.id} was already rolled back (Railway's deployment ${after.id}, ${after.status}); not rolling back twice`,
            {
                deployment,
            },
        );
    }
    const earlier = state.rollbacks.find((r) => r.from === live.id);
    if (earlier) {
        return record(
            "rolled-back",
            GATE_EXIT.rolledBack,
            `deployment ${live.id} was already rolled back at ${earlier.at} (to ${earlier.to}); not rolling back twice`,
            {
                deployment,
            },
        );
    }
    log(`gate: ${o.stack}/${o.service}: watching deployment ${live.id} at ${o.baseUrl}`);

    const url = new URL(cfg.healthPath, o.baseUrl).toString();
    const interval = cfg.intervalSeconds * 1000;
    const windowMs = o.once ? 0 : cfg.monitoringWindowMinutes * 60_000;
    const start = clock.now();
    let trigger: Trigger | undefined;
    let lastMemoryRead: number | undefined;
    let memoryProblem: string | undefined;
    for (let i = 0; ; i++) {
        // Probes are stamped with the gate's clock, so windows are measured in one time.
        const at = clock.now();
        const [h, ...deps] = await Promise.all([
            health(url, cfg.healthBudgetMs),
            ...(o.databaseUrl ? [postgres(o.databaseUrl)] : []),
            ...(o.redisUrl ? [redis(o.redisUrl)] : []),
        ]);
        obs.health.push({ ...(h as HealthProbe), at });
        obs.dependencies.push(...(deps as DependencyCheck[]).map((d) => ({ ...d, at })));
        if (i === 0) for (const t of cfg.smokeTests) obs.smoke.push(await smoke(o.baseUrl, t, o.env ?? process.env));
        const budget =
            lastMemoryRead === undefined || at - lastMemoryRead >= MEMORY_READ_EVERY_MS
                ? mayReadOptional(o.railway.env)
                : undefined;
        if (budget && !budget.ok) {
            lastMemoryRead = at;
            if (!memoryProblem)
                log(
                    `gate: ${budget.why}: Railway's memory figures are not read; the memory rule reads the app's payload only`,
                );
            memoryProblem = budget.why;
        } else if (budget) {
            lastMemoryRead = at;
            const m = await railwayMemory(o.railway, at, Date.parse(startedAt));
            if ("problem" in m) {
                if (!memoryProblem) log(`gate: ${m.problem}; the memory rule reads the app's payload only`);
                memoryProblem = m.problem;
            } else obs.railwayMemory = { ...m, at };
        }
        trigger = immediateTrigger(obs, cfg);
        if (trigger) break;
        const next = start + (i + 1) * interval;
        if (o.once || next > start + windowMs) break;
        await clock.sleep(Math.max(0, next - clock.now()));
    }
    const end = clock.now();
    const stats = o.once ? undefined : windowStats(obs, cfg, start, end, state.baseline?.p95Ms);
    if (stats) {
        stats.baselineSource = state.baseline ? `state file (deployment ${state.baseline.deploymentId})` : undefined;
        if (!trigger) {
            stats.railway = await railwayWindow(o.railway, start, end, cfg.sustainedBuckets, live.createdAt);
            for (const p of stats.railway.problems) log(`gate: ${p}; the rules that need it decide nothing`);
        }
    }
    if (!trigger && stats) trigger = windowTrigger(stats, cfg);
    const sparse = !trigger && stats ? windowUndecided(stats, cfg) : undefined;
    if (sparse)
        return {
            ...record("undecided", GATE_EXIT.undecided, `${sparse}; not deciding on it, nothing rolled back`, {
                deployment,
            }),
            checks: { ...obs, window: stats },
        };
    const checks = () => ({ ...obs, window: stats });
    const couldNotRun = obs.smoke.filter((t) => t.critical && t.undecided);
    if (!trigger && couldNotRun.length) {
        // Missing inputs are missing data: neither healthy nor a reason to roll back.
        const which = couldNotRun.map((t) => `'${t.name}' (${t.problem})`).join("; ");
        return {
            ...record(
                "undecided",
                GATE_EXIT.undecided,
                `critical smoke test(s) could not run: ${which}; not deciding without them, nothing rolled back`,
                { deployment },
            ),
            checks: checks(),
        };
    }

    if (!trigger) {
        if (stats && !o.once && stats.samples >= cfg.minSamplesForRates && Number.isFinite(stats.p95Ms)) {
            // This deployment passed the whole window: it is the next one's baseline.
            state.baseline = {
                deploymentId: live.id,
                p95Ms: stats.p95Ms,
                errorRatePercent: stats.errorRatePercent,
                at: new Date(clock.now()).toISOString(),
            };
            writeState(o.stateFile, state);
        }
        return {
            ...record(
                "healthy",
                GATE_EXIT.healthy,
                o.once ? "levels 1-3 passed" : "healthy through the monitoring window",
                { deployment },
            ),
            checks: checks(),
        };
    }
    log(`gate: ${o.stack}/${o.service}: ${trigger.reason}`);
    const rollbackOf = rolledBackTo(live) ?? state.rollbacks.find((r) => r.newDeploymentId === live.id)?.to;
    if (rollbackOf !== undefined) {
        return {
            ...record(
                "undecided",
                GATE_EXIT.undecided,
                `${trigger.reason}; the live deployment is itself a rollback (to ${rollbackOf}), so it is not rolled back again: a person must act`,
                { deployment, trigger },
            ),
            checks: checks(),
        };
    }
    const { target, problem } = rollbackTarget(list, live, undefined, {
        nowMs: clock.now(),
        hours: o.config.imageRetentionHours,
    });
    if (!target)
        return {
            ...record("undecided", GATE_EXIT.undecided, `${trigger.reason}; ${problem}`, { deployment, trigger }),
            checks: checks(),
        };

    let outcome: RollbackOutcome;
    try {
        log(`gate: rolling back ${live.id} to ${target.id}`);
        o.onRollbackCall?.();
        outcome = await rollback(
            o.railway,
            target,
            clock,
            cfg.rollbackTimeoutSeconds * 1000,
            () => {
                state.rollbacks.push({
                    from: live.id,
                    to: target.id,
                    at: new Date(clock.now()).toISOString(),
                    reason: trigger!.reason,
                });
                writeState(o.stateFile, state);
            },
            o.rollbackPollMs,
        );
    } catch (e) {
        // Whether Railway took the rollback is in the state the call wrote when it was accepted.
        const accepted = state.rollbacks.some((r) => r.from === live.id && r.to === target.id);
        const why = scrub((e as Error).message);
        if (!accepted)
            return {
                ...record("undecided", GATE_EXIT.undecided, `${trigger.reason}; the rollback call failed: ${why}`, {
                    deployment,
                    trigger,
                }),
                checks: checks(),
            };
        outcome = { target: target.id, status: "UNCONFIRMED", waitedMs: 0, watchError: why };
    }
    // The rollback's own deployment can fail too (a restored image that no longer starts).
    const rollbackFailure =
        outcome.newDeploymentId && ["FAILED", "CRASHED"].includes(outcome.status)
            ? await reportFailure(
                  o,
                  { id: outcome.newDeploymentId, status: outcome.status, createdAt: "", canRollback: false },
                  "rollback",
              )
            : undefined;
    const entry = state.rollbacks.find((r) => r.from === live.id);
    if (entry) entry.newDeploymentId = outcome.newDeploymentId;
    writeState(o.stateFile, state);
    const notifications = await notifyRollback(o.notify ?? {}, {
        stack: o.stack,
        service: o.service,
        from: live.id,
        to: target.id,
        reason: trigger.reason,
        newDeploymentId: outcome.newDeploymentId,
        status: outcome.status,
    });
    const reason =
        outcome.status === "SUCCESS"
            ? `${trigger.reason}; rolled back to ${target.id}`
            : outcome.watchError
              ? `${trigger.reason}; Railway accepted the rollback to ${target.id}, but watching the new deployment failed (${scrub(outcome.watchError)}): confirm it in Railway's dashboard`
              : `${trigger.reason}; rolled back to ${target.id}, but the new deployment is ${outcome.status} after ${Math.round(outcome.waitedMs / 1000)} s${rollbackFailure ? `; ${tail(rollbackFailure)}` : ""}`;
    // Railway's rollback restored the target's image and variables: the stack's state no longer
    // says what runs. Drift shows it; refresh records it; the next `pulumi up` deploys the code again.
    const followUp = `Railway restored deployment ${target.id}'s image and variables, so the stack's state no longer matches what runs: fix the cause, then run 'pulumi refresh --stack ${o.stack}' to record it (npm run drift reports it until then); the next 'pulumi up' deploys the code again`;
    log(`gate: ${followUp}`);
    return {
        ...record("rolled-back", GATE_EXIT.rolledBack, reason, {
            deployment,
            trigger,
            rollback: { ...outcome, notifications, followUp },
            ...(rollbackFailure ? { failure: rollbackFailure } : {}),
        }),
        checks: checks(),
    };
}

/**
 * A deployment that ended FAILED or CRASHED: the end of its log (redacted) and every channel told,
 * PagerDuty when the stack pages for it.
 */
async function reportFailure(
    o: GateOptions,
    d: Deployment,
    origin: "pulumi up" | "rollback",
): Promise<FailureLogs & { notifications: FailureNotifications }> {
    const failure = await (o.probes?.failureLogs ?? failureLogs)(o.railway, d, knownSecrets(o.env ?? {}));
    const notifications = await notifyFailure(o.notify ?? {}, {
        stack: o.stack,
        service: o.service,
        origin,
        deploymentId: d.id,
        status: d.status,
        commit: metaString(d, "commitHash"),
        failure,
        page: o.config.pageOnFailedDeployment ?? o.stack === "production",
    });
    return { ...failure, notifications };
}
