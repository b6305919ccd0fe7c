/**
 * "Did you mean" hints for unknown keys: a typo such as `STRIPE_SECRT_KEY` should point at the
 * key the author meant instead of only saying the key is unknown.
 */

/** Levenshtein distance, case-insensitive (env keys and config keys differ in case by convention). */
function editDistance(a: string, b: string): number {
    const s = a.toLowerCase();
    const t = b.toLowerCase();
    let previous = Array.from({ length: t.length + 1 }, (_, i) => i);
    for (let i = 1; i <= s.length; i++) {
        const current = [i];
        for (let j = 1; j <= t.length; j++) {
            const cost = s[i - 1] === t[j - 1] ? 0 : 1;
            current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
        }
        previous = current;
    }
    return previous[t.length];
}

/**
 * The known key closest to `unknown`, when it is close enough to be a likely typo: at most a third
 * of the key's length in edits (and at least one edit allowed), so `REDIS_UR` finds `REDIS_URL` but
 * `FOO` finds nothing.
 */
export function closestKey(unknown: string, known: Iterable<string>): string | undefined {
    let best: string | undefined;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const candidate of known) {
        const d = editDistance(unknown, candidate);
        if (d < bestDistance) {
            best = candidate;
            bestDistance = d;
        }
    }
    const budget = Math.max(1, Math.floor(unknown.length / 3));
    return best !== undefined && bestDistance <= budget ? best : undefined;
}

/** The fix text for an unknown key: a hint when one is close, otherwise what to do instead. */
export function unknownKeyFix(unknown: string, known: Iterable<string>, otherwise: string): string {
    const hint = closestKey(unknown, known);
    return hint ? `did you mean '${hint}'?` : otherwise;
}
