/**
 * Why an engine run failed, as a person needs it in a comment, an error or a log: the engine's
 * error lines (diagnostics and "**… failed**" steps), deduplicated and in order; only when it printed
 * none, its last lines. The last lines of a failed `up` are its stack outputs, which say nothing of
 * what went wrong. Given values (the secret being rotated) are cut out first: the CLI masks secrets,
 * and this is the second lock. Bounded in lines and in line length.
 */
import type { PulumiRun } from "./engine";

const MAX_LINE = 300;

export function whyFailed(r: PulumiRun, opts: { lines?: number; values?: readonly string[] } = {}): string {
    const lines = opts.lines ?? 30;
    let text = `${r.stdout}\n${r.stderr}`;
    for (const v of opts.values ?? []) if (v) text = text.split(v).join("[secret]");
    const all = text
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean)
        .map((l) => (l.length > MAX_LINE ? `${l.slice(0, MAX_LINE)}…` : l));
    const errors = [
        ...new Set(
            all.filter(
                (l) =>
                    /^(error|\S.*\berror):/i.test(l) ||
                    /^\S+ .*\*\*(creating|updating|deleting|replacing|reading|refreshing) failed\*\*/.test(l),
            ),
        ),
    ];
    return (errors.length ? errors.slice(0, lines) : all.slice(-lines)).join("\n");
}
