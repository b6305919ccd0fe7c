/**
 * The two decisions about review environments that no engine run is needed for: whether a pull
 * request may have one (the cap), and which ones the sweeper destroys (idle since their last update).
 * What cannot be known (a stack with no readable last update, one being updated) is never destroyed.
 */
import { REVIEW_STACK } from "../../config/derived-environment";

/** A stack as `pulumi stack ls --json` lists it. */
export interface ListedStack {
    name: string;
    lastUpdate?: string;
    updateInProgress?: boolean;
}

export const reviewStacksOf = (stacks: ListedStack[]): ListedStack[] => stacks.filter((s) => REVIEW_STACK.test(s.name));

export type CapDecision = { allowed: true } | { allowed: false; reason: string };

/**
 * Whether `stack` may exist next to the review stacks listed. An existing one always may (a push to
 * a pull request that has its environment); a new one only while fewer than `max` exist. Called
 * again after the new stack is created (`including` it), so that two pull requests opened at once
 * cannot both pass a count made before either existed: the later count refuses both rather than
 * neither (the cap is never exceeded, at worst one is refused that could have had a place).
 */
export function capDecision(listed: ListedStack[], stack: string, max: number, including = false): CapDecision {
    const names = reviewStacksOf(listed).map((s) => s.name);
    if (!including && names.includes(stack)) return { allowed: true };
    const others = names.filter((n) => n !== stack);
    if (others.length < max) return { allowed: true };
    return {
        allowed: false,
        reason: `${others.length} review environments exist (${others.sort().join(", ")}) and the cap is ${max} (reviewEnvironments.max in the base stack's file). One is freed when its pull request closes, or when the sweeper removes one idle past its limit; push again after that.`,
    };
}

export type SweepVerdict =
    | { stack: string; action: "destroy" | "keep"; idleDays: number; closed?: boolean }
    | { stack: string; action: "could not decide"; reason: string };

const DAY_MS = 86_400_000;

/** For each review stack: destroy when its last update is more than `idleDays` before `now`. */
export function sweepVerdicts(listed: ListedStack[], now: Date, idleDays: number): SweepVerdict[] {
    return reviewStacksOf(listed).map((s): SweepVerdict => {
        if (s.updateInProgress)
            return { stack: s.name, action: "could not decide", reason: "an update is in progress" };
        const at = s.lastUpdate ? Date.parse(s.lastUpdate) : NaN;
        if (!Number.isFinite(at))
            return {
                stack: s.name,
                action: "could not decide",
                reason: `its last update is not known (${JSON.stringify(s.lastUpdate ?? null).slice(0, 40)})`,
            };
        const idle = (now.getTime() - at) / DAY_MS;
        return { stack: s.name, action: idle > idleDays ? "destroy" : "keep", idleDays: Math.floor(idle * 10) / 10 };
    });
}
