/**
 * The scheduled drift job's reminder of secrets past their rotation limit, by email to the stack's
 * addresses that get everything. The policy pack fails production's preview on them
 * (secret-rotation-overdue); this tells people between deploys. Read from the stack file: the
 * secrets each service declares, and the dates `npm run secret:rotate` recorded.
 *
 * Once a week, not every run: the reminder goes out on the run in the first six hours (UTC) of the
 * day a secret turns overdue and of every seventh day after. The job runs every six hours, so that
 * is one run a week per overdue secret set, with no memory to keep between CI machines.
 */
import { ROTATION_OVERDUE_DAYS, rotationAgeDays } from "../../config/rotation";
import type { EmailAlert } from "../notify/email";

export interface OverdueSecret {
    service: string;
    key: string;
    at: string;
    ageDays: number;
}

type Config = Record<string, unknown> | undefined;

/** The declared secrets whose recorded rotation is older than the limit (none recorded: not known, not listed). */
export function overdueSecrets(
    config: Config,
    project: string,
    nowMs: number,
    limit = ROTATION_OVERDUE_DAYS,
): OverdueSecret[] {
    const railway = config?.[`${project}:railway`] as
        { services?: { name?: unknown; secrets?: unknown }[] } | undefined;
    const rotations = (config?.[`${project}:rotations`] ?? {}) as Record<string, Record<string, unknown> | undefined>;
    const out: OverdueSecret[] = [];
    for (const svc of Array.isArray(railway?.services) ? railway!.services : []) {
        if (typeof svc?.name !== "string" || !Array.isArray(svc.secrets)) continue;
        for (const key of svc.secrets) {
            const at = rotations[svc.name]?.[key as string];
            if (typeof at !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(at)) continue;
            const ageDays = rotationAgeDays(at, nowMs);
            if (Number.isFinite(ageDays) && ageDays > limit)
                out.push({ service: svc.name, key: String(key), at, ageDays });
        }
    }
    return out;
}

/** Whether this run reminds: the first run of a day a whole number of weeks past the day it turned overdue. */
export function remindsNow(s: OverdueSecret, nowMs: number, limit = ROTATION_OVERDUE_DAYS): boolean {
    return (s.ageDays - limit - 1) % 7 === 0 && new Date(nowMs).getUTCHours() < 6;
}

/** The reminder as an email, or undefined when this run reminds of nothing. */
export function rotationReminder(stack: string, overdue: OverdueSecret[], nowMs: number): EmailAlert | undefined {
    const due = overdue.filter((s) => remindsNow(s, nowMs));
    if (!due.length) return undefined;
    const day = new Date(nowMs).toISOString().slice(0, 10);
    return {
        kind: "rotation-overdue",
        stack,
        verdict: `${overdue.length} secret${overdue.length > 1 ? "s" : ""} past the rotation limit`,
        summary: `${stack}: ${overdue.length} secret${overdue.length > 1 ? "s were" : " was"} last rotated more than ${ROTATION_OVERDUE_DAYS} days ago. Production's preview fails on them (secret-rotation-overdue) until each is rotated: npm run secret:rotate -- --secret <service>.<KEY> --generate (or --stdin).`,
        log: {
            title: "Past the limit",
            lines: overdue.map((s) => `${s.service}.${s.key}: last rotated ${s.at}, ${s.ageDays} days ago`),
        },
        dedupKey: `rotation-overdue/${stack}/${day}`,
    };
}
