/**
 * Which property paths differ between two recorded states, in Pulumi's path syntax
 * (`variables.NODE_ENV`, `rules[0].targets`, `["a.b"]`). Needed because a dynamic provider (ours
 * for Railway) gives the engine no detailed diff: the preview says a Railway resource changes but
 * not what, so the tools compare the old and new inputs (or outputs) themselves.
 *
 * Secrets stay unreadable: a secret on both sides cannot be compared (the digest blinds both to
 * "[secret]"), so it is never reported as changed or unchanged from its value, only when one side
 * is secret and the other not.
 */

/** The value of a computed output during a preview (Pulumi's `computedValuePlaceholder`). */
export const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";

/** Whether a recorded value is a secret: the digest's "[secret]" or the event stream's blinded object. */
export function isSecretValue(v: unknown): boolean {
    return v === "[secret]" || (typeof v === "object" && v !== null && SECRET_SIG_KEY in v);
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function join(prefix: string, key: string | number): string {
    if (typeof key === "number") return `${prefix}[${key}]`;
    if (IDENTIFIER.test(key)) return prefix ? `${prefix}.${key}` : key;
    return `${prefix}[${JSON.stringify(key)}]`;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The differing leaf paths of `before` and `after`, at most `limit` of them (a resource with a
 * thousand changed keys is summarised, not listed). Top-level keys starting with `__` (the dynamic
 * provider's serialized code, Pulumi's `__defaults`) are not properties a reviewer set.
 */
export function changedPaths(before: unknown, after: unknown, limit = 50): string[] {
    const out: string[] = [];
    const walk = (a: unknown, b: unknown, path: string, depth: number) => {
        if (out.length >= limit) return;
        if (isSecretValue(a) || isSecretValue(b)) {
            if (isSecretValue(a) !== isSecretValue(b)) out.push(path);
            return;
        }
        if (a === b) return;
        if (depth < 8 && isPlainObject(a) && isPlainObject(b)) {
            const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
            for (const k of [...keys].sort()) {
                if (depth === 0 && k.startsWith("__")) continue;
                walk(a[k], b[k], join(path, k), depth + 1);
            }
            return;
        }
        if (depth < 8 && Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
            a.forEach((v, i) => walk(v, b[i], join(path, i), depth + 1));
            return;
        }
        if (JSON.stringify(a) !== JSON.stringify(b)) out.push(path || "(whole value)");
    };
    walk(before ?? {}, after ?? {}, "", 0);
    return out;
}
