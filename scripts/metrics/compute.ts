/**
 * The delivery figures, from the records the pipeline leaves (definitions: README, "Delivery
 * metrics"). Pure: records in, figures out, so that a reader can recompute any figure by hand.
 *
 * A deployment is one GitHub deployment made by the deploy workflow (task `deploy:pulumi`) in an
 * environment named after its stack. Its outcome:
 * - succeeded: a `success` status and no `failure`/`error` status, and no rollback in its
 *   environment between its success and the next deployment there;
 * - rolled back: it succeeded, then a rollback happened (the gate's decision records, Railway's
 *   rollback deployments) before the next deployment in its environment;
 * - failed: a `failure` or `error` status;
 * - never finished: no final status {@link UNFINISHED_AFTER_MS} after it was created (counts as failed);
 * - in progress: younger than that, no final status (left out of every figure).
 */

export const UNFINISHED_AFTER_MS = 6 * 3600_000;
/** Fewest records a rate rests on, and fewest durations a median rests on; below: no number. */
export const MIN_RATE_RECORDS = 5;
export const MIN_DURATIONS = 3;

export interface DeploymentRecord {
    id: number;
    environment: string;
    sha: string;
    createdAt: number;
    statuses: { state: string; at: number }[];
}

export interface PrRunRecord {
    id: number;
    createdAt: number;
    conclusion: string | null;
    failedJobs: string[];
}

export interface RollbackRecord {
    environment: string;
    at: number;
    source: "gate" | "railway";
}

export interface MetricsInput {
    since: number;
    until: number;
    now: number;
    stacks: string[];
    deployments: DeploymentRecord[];
    /** Commit SHA → commit time (for lead time). */
    commitTimes: Map<string, number>;
    prRuns: PrRunRecord[];
    rollbacks: RollbackRecord[];
}

export type Unit = "percent" | "minutes" | "hours" | "per-week" | "count";

export interface Figure {
    key: string;
    label: string;
    value: number | null;
    unit: Unit;
    /** How many records the figure rests on. */
    records: number;
    target?: { op: ">=" | "<=" | "<"; value: number; source: string };
    met?: boolean | null;
    /** Why there is no number (too few records), or a detail worth a glance (p90). */
    note?: string;
    detail?: Record<string, number | null>;
}

export interface WeekPoint {
    /** Monday 00:00 UTC of the week, ms. */
    week: number;
    values: Record<string, number | null>;
}

export interface StackFigures {
    stack: string;
    figures: Figure[];
    weekly: WeekPoint[];
}

export interface MetricsResult {
    version: 1;
    window: { since: string; until: string };
    stacks: StackFigures[];
    overall: Figure[];
    /** The share of failures stopped before production, week by week. */
    overallWeekly: WeekPoint[];
    counts: { deployments: number; prRuns: number; rollbacks: number; inProgress: number };
}

type Outcome = "succeeded" | "rolled-back" | "failed" | "unfinished" | "in-progress";

interface Classified extends DeploymentRecord {
    outcome: Outcome;
    /** When it ended: its first success, failure or error; for a never-finished one, its creation. */
    endedAt: number;
    succeededAt?: number;
    /** When it stopped serving: its failure, or the rollback. */
    brokeAt?: number;
}

const FINAL = new Set(["success", "failure", "error"]);

function classify(deployments: DeploymentRecord[], rollbacks: RollbackRecord[], now: number): Classified[] {
    const byEnv = new Map<string, DeploymentRecord[]>();
    for (const d of deployments) {
        const list = byEnv.get(d.environment);
        if (list) list.push(d);
        else byEnv.set(d.environment, [d]);
    }
    const out: Classified[] = [];
    for (const [env, list] of byEnv) {
        const sorted = [...list].sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
        sorted.forEach((d, i) => {
            const statuses = [...d.statuses].sort((a, b) => a.at - b.at);
            const failure = statuses.find((s) => s.state === "failure" || s.state === "error");
            const success = statuses.find((s) => s.state === "success");
            const firstFinal = statuses.find((s) => FINAL.has(s.state));
            if (failure) {
                out.push({
                    ...d,
                    outcome: "failed",
                    endedAt: firstFinal!.at,
                    brokeAt: failure.at,
                    succeededAt: success && success.at < failure.at ? success.at : undefined,
                });
                return;
            }
            if (success) {
                const next = sorted[i + 1]?.createdAt ?? Infinity;
                const rollback = rollbacks.find((r) => r.environment === env && r.at >= success.at && r.at < next);
                out.push(
                    rollback
                        ? {
                              ...d,
                              outcome: "rolled-back",
                              endedAt: success.at,
                              succeededAt: success.at,
                              brokeAt: rollback.at,
                          }
                        : { ...d, outcome: "succeeded", endedAt: success.at, succeededAt: success.at },
                );
                return;
            }
            if (now - d.createdAt >= UNFINISHED_AFTER_MS)
                out.push({ ...d, outcome: "unfinished", endedAt: d.createdAt, brokeAt: d.createdAt });
            else out.push({ ...d, outcome: "in-progress", endedAt: d.createdAt });
        });
    }
    return out;
}

/** The p-th percentile (nearest rank) of a sorted-on-the-fly list. */
export function percentile(values: number[], p: number): number | null {
    if (!values.length) return null;
    const sorted = [...values].sort((a, b) => a - b);
    const rank = Math.ceil((p / 100) * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);
const round = (v: number | null, digits = 2) => (v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits);
const MINUTE = 60_000;

function rate(key: string, label: string, numerator: number, denominator: number, target?: Figure["target"]): Figure {
    if (denominator < MIN_RATE_RECORDS)
        return {
            key,
            label,
            value: null,
            unit: "percent",
            records: denominator,
            target,
            met: null,
            note: `too few records (${denominator} of at least ${MIN_RATE_RECORDS})`,
        };
    const value = round((numerator / denominator) * 100)!;
    return {
        key,
        label,
        value,
        unit: "percent",
        records: denominator,
        target,
        met: target ? meets(value, target) : undefined,
    };
}

function meets(value: number, target: NonNullable<Figure["target"]>): boolean {
    return target.op === ">="
        ? value >= target.value
        : target.op === "<="
          ? value <= target.value
          : value < target.value;
}

function duration(
    key: string,
    label: string,
    minutes: number[],
    pick: "mean" | "median",
    target?: Figure["target"],
    unit: Unit = "minutes",
): Figure {
    if (minutes.length < MIN_DURATIONS)
        return {
            key,
            label,
            value: null,
            unit,
            records: minutes.length,
            target,
            met: null,
            note: `too few records (${minutes.length} of at least ${MIN_DURATIONS})`,
        };
    const scale = unit === "hours" ? 1 / 60 : 1;
    const value = round((pick === "mean" ? mean(minutes)! : percentile(minutes, 50)!) * scale)!;
    return {
        key,
        label,
        value,
        unit,
        records: minutes.length,
        target,
        met: target ? meets(value, target) : undefined,
        detail: {
            median: round(percentile(minutes, 50)! * scale),
            p90: round(percentile(minutes, 90)! * scale),
            p95: round(percentile(minutes, 95)! * scale),
        },
    };
}

/** Each break (failure, rollback, never finished) and the minutes to the next success in its environment; `null` when not restored yet. */
function restores(classified: Classified[]): { brokeAt: number; minutes: number | null }[] {
    // Success times per environment, sorted: each break finds the next one by binary search. A
    // deployment's own success always precedes its break, so "after the break" never finds itself.
    const successes = new Map<string, number[]>();
    for (const d of classified) {
        if (d.succeededAt === undefined) continue;
        const list = successes.get(d.environment);
        if (list) list.push(d.succeededAt);
        else successes.set(d.environment, [d.succeededAt]);
    }
    for (const list of successes.values()) list.sort((a, b) => a - b);
    const out: { brokeAt: number; minutes: number | null }[] = [];
    for (const broke of classified) {
        if (broke.brokeAt === undefined) continue;
        const list = successes.get(broke.environment) ?? [];
        let lo = 0;
        let hi = list.length;
        while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (list[mid] > broke.brokeAt) hi = mid;
            else lo = mid + 1;
        }
        out.push({ brokeAt: broke.brokeAt, minutes: lo < list.length ? (list[lo] - broke.brokeAt) / MINUTE : null });
    }
    return out;
}

/**
 * The deployments made to restore service, not planned (DORA's deployment rework rate): each
 * rollback (the gate's or a person's on Railway: one per deployment rolled back, however many
 * records say so), and each fix: of the deployments in the same environment, the one whose success
 * came first after a break (a failure, a rollback, one never finished), as time to restore reads it. Over all deployments, planned and not:
 * the deploy workflow's deployments and the rollbacks, which are deployments on Railway too.
 */
function rework(classified: Classified[]): { rollbacks: number; fixes: number } {
    const rollbacks = classified.filter((d) => d.outcome === "rolled-back").length;
    // The fix of a break is the deployment whose success came first after it (time to restore's end).
    const successes = new Map<string, { times: number[]; ids: number[] }>();
    const byTime = classified
        .filter((d) => d.succeededAt !== undefined)
        .sort((a, b) => a.succeededAt! - b.succeededAt!);
    for (const d of byTime) {
        const list = successes.get(d.environment) ?? { times: [], ids: [] };
        list.times.push(d.succeededAt!);
        list.ids.push(d.id);
        successes.set(d.environment, list);
    }
    const fixes = new Set<number>();
    for (const broke of classified) {
        if (broke.brokeAt === undefined) continue;
        const list = successes.get(broke.environment);
        const i = list ? firstAfter(list.times, broke.brokeAt) : 0;
        if (list && i < list.times.length) fixes.add(list.ids[i]);
    }
    return { rollbacks, fixes: fixes.size };
}

/** The index of the first value above `t` in an ascending list (its length when none is). */
function firstAfter(sorted: number[], t: number): number {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sorted[mid] > t) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}

function reworkRate(classified: Classified[]): Figure {
    const { rollbacks, fixes } = rework(classified);
    const all = classified.length + rollbacks;
    return {
        ...rate("reworkRate", "Deployment rework rate", rollbacks + fixes, all),
        detail: { rollbacks, fixes },
    };
}

function restoreMinutes(classified: Classified[]): { minutes: number[]; unrestored: number } {
    const all = restores(classified);
    return {
        minutes: all.flatMap((r) => (r.minutes === null ? [] : [r.minutes])),
        unrestored: all.filter((r) => r.minutes === null).length,
    };
}

/** The seed's targets (docs/architecture/README.md "The seed's targets") and DORA's elite band where the seed sets none. */
export const TARGETS = {
    successRate: { op: ">=", value: 99, source: "seed" },
    timeToRestore: { op: "<", value: 5, source: "seed (mean time to recovery)" },
    caughtBeforeProduction: { op: ">=", value: 95, source: "seed" },
    durationStaging: { op: "<", value: 15, source: "seed" },
    durationProduction: { op: "<", value: 20, source: "seed" },
    changeFailureRate: { op: "<=", value: 15, source: "DORA (elite)" },
    leadTime: { op: "<", value: 24, source: "DORA (elite: under a day)" },
} as const satisfies Record<string, Figure["target"]>;

function stackFigures(stack: string, all: Classified[], input: MetricsInput, weeks: number): Figure[] {
    const mine = all.filter((d) => d.environment === stack && d.outcome !== "in-progress");
    const succeeded = mine.filter((d) => d.outcome === "succeeded").length;
    const broken = mine.filter((d) => d.outcome !== "succeeded").length;
    const restore = restoreMinutes(all.filter((d) => d.environment === stack));
    const durations = mine.filter((d) => d.outcome !== "unfinished").map((d) => (d.endedAt - d.createdAt) / MINUTE);
    const leadTimes = mine
        .filter((d) => d.succeededAt !== undefined && input.commitTimes.has(d.sha))
        .map((d) => (d.succeededAt! - input.commitTimes.get(d.sha)!) / MINUTE);
    const figures: Figure[] = [
        {
            key: "deploymentFrequency",
            label: "Deployments per week",
            value: round(mine.filter((d) => d.succeededAt !== undefined).length / weeks),
            unit: "per-week",
            records: mine.length,
        },
        rate("successRate", "Deployment success rate", succeeded, mine.length, TARGETS.successRate),
        rate("changeFailureRate", "Change failure rate", broken, mine.length, TARGETS.changeFailureRate),
        reworkRate(mine),
        {
            ...duration("timeToRestore", "Time to restore (mean)", restore.minutes, "mean", TARGETS.timeToRestore),
            ...(restore.unrestored ? { note: `${restore.unrestored} not restored yet` } : {}),
        },
        duration("leadTime", "Lead time for changes (median)", leadTimes, "median", TARGETS.leadTime, "hours"),
        duration(
            "duration",
            "Deployment duration (median)",
            durations,
            "median",
            stack === "production"
                ? TARGETS.durationProduction
                : stack === "staging"
                  ? TARGETS.durationStaging
                  : undefined,
        ),
    ];
    return figures;
}

function weekStart(t: number): number {
    const d = new Date(t);
    const day = (d.getUTCDay() + 6) % 7; // Monday 0
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day);
}

export function computeMetrics(input: MetricsInput): MetricsResult {
    const inWindow = input.deployments.filter((d) => d.createdAt >= input.since && d.createdAt < input.until);
    // Rollbacks and later deployments outside the window still decide an outcome inside it.
    const classifiedAll = classify(input.deployments, input.rollbacks, input.now);
    const classified = classifiedAll.filter((d) => d.createdAt >= input.since && d.createdAt < input.until);
    const weeks = Math.max(1, (input.until - input.since) / (7 * 86_400_000));
    const stacks = input.stacks.map((stack) => {
        const figures = stackFigures(stack, classified, input, weeks);
        const weekly: WeekPoint[] = [];
        const stackRestores = restores(classified.filter((d) => d.environment === stack));
        for (let w = weekStart(input.since); w < input.until; w += 7 * 86_400_000) {
            const inWeek = classified.filter((d) => d.createdAt >= w && d.createdAt < w + 7 * 86_400_000);
            const f = stackFigures(stack, inWeek, input, 1);
            // Weekly points show what a week can carry: no minimum record count (the headline has it).
            const mine = inWeek.filter((d) => d.environment === stack && d.outcome !== "in-progress");
            const restoredInWeek = stackRestores
                .filter((r) => r.minutes !== null && r.brokeAt >= w && r.brokeAt < w + 7 * 86_400_000)
                .map((r) => r.minutes!);
            const leads = mine
                .filter((d) => d.succeededAt !== undefined && input.commitTimes.has(d.sha))
                .map((d) => (d.succeededAt! - input.commitTimes.get(d.sha)!) / 3600_000);
            weekly.push({
                week: w,
                values: {
                    timeToRestore: restoredInWeek.length ? round(mean(restoredInWeek)) : null,
                    leadTime: leads.length ? round(percentile(leads, 50)) : null,
                    deploymentFrequency: f[0].value,
                    successRate: mine.length
                        ? round((mine.filter((d) => d.outcome === "succeeded").length / mine.length) * 100)
                        : null,
                    changeFailureRate: mine.length
                        ? round((mine.filter((d) => d.outcome !== "succeeded").length / mine.length) * 100)
                        : null,
                    reworkRate: mine.length
                        ? (({ rollbacks, fixes }) => round(((rollbacks + fixes) / (mine.length + rollbacks)) * 100))(
                              rework(mine),
                          )
                        : null,
                    duration: mine.filter((d) => d.outcome !== "unfinished").length
                        ? round(
                              percentile(
                                  mine
                                      .filter((d) => d.outcome !== "unfinished")
                                      .map((d) => (d.endedAt - d.createdAt) / MINUTE),
                                  50,
                              ),
                          )
                        : null,
                },
            });
        }
        return { stack, figures, weekly };
    });

    const prRuns = input.prRuns.filter((r) => r.createdAt >= input.since && r.createdAt < input.until);
    const caughtPr = prRuns.filter((r) => r.conclusion === "failure").length;
    const broke = (env: string) =>
        classified.filter(
            (d) =>
                d.environment === env &&
                (d.outcome === "failed" || d.outcome === "unfinished" || d.outcome === "rolled-back"),
        ).length;
    const caught = caughtPr + broke("staging");
    const escaped = broke("production");
    const caughtFigure = rate(
        "caughtBeforeProduction",
        "Failures stopped before production",
        caught,
        caught + escaped,
        TARGETS.caughtBeforeProduction,
    );
    caughtFigure.detail = { prChecks: caughtPr, staging: broke("staging"), production: escaped };
    const overallWeekly: WeekPoint[] = [];
    for (let w = weekStart(input.since); w < input.until; w += 7 * 86_400_000) {
        const inWeek = (t: number) => t >= w && t < w + 7 * 86_400_000;
        const brokeInWeek = (env: string) =>
            classified.filter(
                (d) =>
                    d.environment === env &&
                    inWeek(d.createdAt) &&
                    (d.outcome === "failed" || d.outcome === "unfinished" || d.outcome === "rolled-back"),
            ).length;
        const c =
            prRuns.filter((r) => r.conclusion === "failure" && inWeek(r.createdAt)).length + brokeInWeek("staging");
        const e = brokeInWeek("production");
        overallWeekly.push({ week: w, values: { caughtBeforeProduction: c + e ? round((c / (c + e)) * 100) : null } });
    }

    return {
        version: 1,
        window: { since: new Date(input.since).toISOString(), until: new Date(input.until).toISOString() },
        stacks,
        overall: [caughtFigure],
        overallWeekly,
        counts: {
            deployments: inWindow.length,
            prRuns: prRuns.length,
            // Deployments rolled back, not rollback records: the gate's record and Railway's own of
            // the same rollback are one.
            rollbacks: classified.filter((d) => d.outcome === "rolled-back").length,
            inProgress: classified.filter((d) => d.outcome === "in-progress").length,
        },
    };
}
