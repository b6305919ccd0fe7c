/**
 * The review environment's sticky comment on its pull request: one per pull request, found again
 * by its marker and edited on every push (scripts/github/sticky.ts). It says where the environment
 * answers and what the health gate said, or why there is none.
 */
export const REVIEW_MARKER = "<!-- ainative:review-environment -->";

export type ReviewState =
    | {
          state: "deployed" | "failed";
          stack: string;
          /** Whether the health gate judged the deployment (gate on, a service with a health check). */
          judged: boolean;
          urls: Record<string, string[]>;
          branch: string;
          commit?: string;
          at: Date;
          idleDays: number;
          /** The failed run's last lines (the CLI masks secrets). */
          details?: string;
      }
    | { state: "refused"; stack: string; reason: string; at: Date }
    | { state: "destroyed"; stack: string; reason: string; at: Date };

/** Text in a code span: no backtick can close it early, no line break, bounded. */
const code = (text: string, max = 100) => "`" + text.replace(/[`\r\n]/g, "'").slice(0, max) + "`";

const when = (d: Date) => d.toISOString().slice(0, 16).replace("T", " ") + " UTC";

/** A fenced block no line of `text` can close; at most 40 lines of 300 characters. */
function fenced(text: string): string {
    const lines = text
        .split("\n")
        .slice(-40)
        .map((l) => (l.length > 300 ? l.slice(0, 300) + "…" : l));
    return "```text\n" + lines.join("\n").replace(/```/g, "ˋˋˋ") + "\n```";
}

export function renderReviewComment(s: ReviewState): string {
    const head = `${REVIEW_MARKER}\n### Review environment ${code(s.stack)}\n\n`;
    if (s.state === "refused") return `${head}**Not created.** ${s.reason}\n\n_${when(s.at)}_`;
    if (s.state === "destroyed") return `${head}**Destroyed** ${s.reason}\n\n_${when(s.at)}_`;
    const verdict =
        s.state === "failed"
            ? "❌ **The deployment failed**" + (s.judged ? " (or the health gate refused it and rolled it back)" : "")
            : s.judged
              ? "✅ **Deployed; the health gate passed** (health and smoke tests on its Railway domain)"
              : "✅ **Deployed**, not judged: the base stack's health gate is off or no service has a health check";
    const rows = Object.entries(s.urls)
        .filter(([, urls]) => urls.length > 0)
        .map(
            ([svc, urls]) =>
                `| ${code(svc, 40)} | ${urls
                    .slice(0, 3)
                    .map((u) => code(u, 200))
                    .join("<br>")} |`,
        );
    const table = rows.length ? `| Service | URL |\n| --- | --- |\n${rows.join("\n")}\n\n` : "No URL yet.\n\n";
    const commit = s.commit ? `${code(s.commit.slice(0, 12))} of ` : "";
    const details = s.details
        ? `\n<details><summary>Why it failed (the run's errors)</summary>\n\n${fenced(s.details)}\n</details>\n`
        : "";
    return (
        `${head}${verdict}\n\n${table}` +
        `Deployed ${commit}${code(s.branch)} at ${when(s.at)}. Destroyed when the pull request closes or merges, ` +
        `or after ${s.idleDays} days without a push.\n${details}`
    );
}
