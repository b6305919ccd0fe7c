/**
 * How old a secret may get: the defaults the policy pack enforces (secret-rotation-due,
 * secret-rotation-overdue) and the drift job's overdue reminder reads, written once.
 */
export const ROTATION_DUE_DAYS = 90;
export const ROTATION_OVERDUE_DAYS = 365;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole days since a recorded rotation date (YYYY-MM-DD, UTC). */
export const rotationAgeDays = (at: string, nowMs: number) =>
    Math.floor((nowMs - Date.parse(`${at}T00:00:00Z`)) / DAY_MS);
