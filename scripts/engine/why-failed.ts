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
    const raw = text.split("\n").map((l) => {
        const t = l.trim();
        return t.length > MAX_LINE ? `${t.slice(0, MAX_LINE)}…` : t;
    });
    const isError = (l: string) =>
        /^(error|\S.*\berror):/i.test(l) ||
        /^\S+ .*\*\*(creating|updating|deleting|replacing|reading|refreshing) failed\*\*/.test(l);
    // "error: 1 error occurred:" says what failed on the lines right after it ("* <reason>"), as the
    // engine prints a provider's initialization error: those lines are the error too.
    const reasonOf = (i: number) => {
        let j = i - 1;
        while (j >= 0 && raw[j].startsWith("* ")) j--;
        return j >= 0 && /errors? occurred:$/.test(raw[j]);
    };
    const errors = [...new Set(raw.filter((l, i) => isError(l) || (l.startsWith("* ") && reasonOf(i))))];
    const all = raw.filter(Boolean);
    return (errors.length ? errors.slice(0, lines) : all.slice(-lines)).join("\n");
}
