/**
 * The PR comment (and step summary) of one project/stack, from a {@link PreviewReport}.
 *
 * A hard bound: GitHub refuses a comment body over 65,536 characters, so the body never exceeds
 * {@link COMMENT_LIMIT}. The heading, the summary, the reason for a failure, the dangerous changes
 * and the policy findings are kept whole (each has its own generous cap so that together they
 * always fit); the per-resource details, output changes and warnings take what is left, and the
 * comment says how many it left out.
 */
import { Budget, code, esc, shortType, textBlock } from "../report/markdown";
import type { PolicyFinding, PreviewReport, ResourceChange } from "./report";

export const COMMENT_LIMIT = 65_536;

/** The hidden marker that finds this project/stack's comment again. */
export const previewMarker = (project: string, stack: string) =>
    `<!-- ainative-preview:${project.replace(/-->/g, "")}/${stack.replace(/-->/g, "")} -->`;

// Caps of the kept-whole sections: their sum (plus the heading) stays far below the limit.
const ERRORS_CAP = 8_000;
const DANGER_CAP = 16_000;
const POLICY_CAP = 20_000;
/** Room for the notes that close the body. */
const FOOTER_RESERVE = 600;

const OP_LABEL: Record<string, string> = {
    create: "create",
    update: "update",
    replace: "replace",
    delete: "delete",
    import: "import",
    read: "read",
    refresh: "refresh",
};

function verdict(r: PreviewReport): string {
    if (r.result === "failed") {
        const m = r.policies.mandatory.length;
        return m ? `failed: ${m} mandatory policy violation${m === 1 ? "" : "s"}` : "failed";
    }
    if (r.source === "plan") return "configuration valid, no mandatory policy violation";
    const changed = ["create", "update", "replace", "delete"].reduce((n, op) => n + (r.counts[op] ?? 0), 0);
    return changed ? `${changed} change${changed === 1 ? "" : "s"}` : "no changes";
}

function heading(r: PreviewReport): string[] {
    const icon = r.result === "failed" ? "❌" : "✅";
    const what = r.source === "plan" ? "Offline plan" : "Preview";
    const lines = [
        previewMarker(r.project, r.stack),
        `### ${icon} ${what} of ${code(`${r.project}/${r.stack}`)}: ${esc(verdict(r))}`,
    ];
    const sub = [
        r.commit ? `commit ${code(r.commit.slice(0, 12))}` : undefined,
        r.source === "plan"
            ? "offline plan: no state was read, so this lists what the stack declares, not what would change"
            : "<code>pulumi preview</code> against the stack's state",
    ].filter(Boolean);
    lines.push(`<sub>${sub.join(" · ")}</sub>`, "");
    return lines;
}

function summary(r: PreviewReport): string[] {
    if (r.source === "plan") {
        const rows = Object.entries(r.counts).map(([type, n]) => `| ${code(shortType(type))} | ${n} |`);
        if (!rows.length) return ["No resources declared.", ""];
        const total = Object.values(r.counts).reduce((a, b) => a + b, 0);
        return [
            `**${total} resources declared**`,
            "",
            "| type | count |",
            "|---|---:|",
            ...rows.slice(0, 60),
            ...(rows.length > 60 ? [`| … ${rows.length - 60} more types | |`] : []),
            "",
        ];
    }
    const c = (op: string) => r.counts[op] ?? 0;
    return [
        "| create | update | replace | delete | unchanged |",
        "|---:|---:|---:|---:|---:|",
        `| ${c("create")} | ${c("update")} | ${c("replace")} | ${c("delete")} | ${c("same")} |`,
        "",
    ];
}

/** Lines until `cap` characters, then a line saying how many were left out. */
function capped(lines: string[], cap: number, what: string): string[] {
    const out: string[] = [];
    let used = 0;
    for (let i = 0; i < lines.length; i++) {
        if (used + lines[i].length + 1 > cap) {
            out.push(`… and ${lines.length - i} more ${what} (left out to keep the comment within GitHub's limit)`);
            break;
        }
        out.push(lines[i]);
        used += lines[i].length + 1;
    }
    return out;
}

function errorsSection(r: PreviewReport): string[] {
    if (!r.errors.length) return [];
    const title = r.source === "plan" ? "#### Why the plan failed" : "#### Why the preview failed";
    return [title, "", textBlock(r.errors.join("\n"), ERRORS_CAP - 200), ""];
}

const resourceCell = (c: { type: string; name: string }) => `${code(shortType(c.type))} ${esc(c.name, 200)}`;

function pathsCell(c: ResourceChange, max = 8): string {
    if (!c.paths.length) return c.op === "update" || c.op === "replace" ? "(the provider does not say)" : "";
    const shown = c.paths.slice(0, max).map((p) => code(p, 80));
    const more = c.paths.length > max ? ` … +${c.paths.length - max}` : "";
    const note = c.pathsFrom === "inputs" ? " <sub>(from the inputs)</sub>" : "";
    return `${shown.join(" ")}${more}${note}`;
}

function dangerSection(r: PreviewReport): string[] {
    const dangerous = r.changes.filter((c) => c.danger);
    if (!dangerous.length) return [];
    const rows = dangerous.map(
        (c) => `| **${OP_LABEL[c.op]}** | ${resourceCell(c)} | ${esc(c.danger!)} | ${pathsCell(c)} |`,
    );
    return [
        `#### ⚠️ Dangerous changes: ${dangerous.length}`,
        "",
        "| change | resource | why it matters | changed |",
        "|---|---|---|---|",
        ...capped(rows, DANGER_CAP, "dangerous changes"),
        "",
    ];
}

function findingRows(fs: PolicyFinding[], cap: number): string[] {
    const rows = fs.map(
        (f) =>
            `| ${code(f.policy)} | ${f.resource ? resourceCell(f.resource) : "the stack"} | ${esc(f.message, 600)} |`,
    );
    return ["| policy | resource | message |", "|---|---|---|", ...capped(rows, cap, "findings")];
}

function policySection(r: PreviewReport): string[] {
    const { ran, mandatory, advisory } = r.policies;
    if (!ran) return ["#### Policies", "", "Not run: this preview was given no policy pack.", ""];
    if (!mandatory.length && !advisory.length) return ["#### Policies", "", "✅ No violations.", ""];
    const out = [`#### Policies: ${mandatory.length} mandatory, ${advisory.length} advisory`, ""];
    if (mandatory.length)
        out.push("**Mandatory** (block the deployment):", "", ...findingRows(mandatory, POLICY_CAP * 0.7), "");
    if (advisory.length)
        out.push(
            `<details><summary>Advisory: ${advisory.length}</summary>`,
            "",
            ...findingRows(advisory, POLICY_CAP * 0.25),
            "",
            "</details>",
            "",
        );
    return out;
}

/** Renders the comment; never longer than `limit` characters. */
export function renderComment(r: PreviewReport, limit = COMMENT_LIMIT): string {
    const kept = [...heading(r), ...summary(r), ...errorsSection(r), ...dangerSection(r), ...policySection(r)].join(
        "\n",
    );
    const budget = new Budget(limit - FOOTER_RESERVE);
    if (!budget.tryAdd(kept)) throw new Error("the kept sections exceed the comment limit (their caps are wrong)");

    const notes: string[] = [];
    const changes = r.changes.filter((c) => !c.danger);
    if (changes.length) {
        const head = [
            `<details><summary>${r.changes.length > changes.length ? "Other resource changes" : "Resource changes"}: ${changes.length}</summary>`,
            "",
            "| change | resource | changed properties |",
            "|---|---|---|",
        ];
        const closing = ["", "</details>", ""];
        const closingLength = closing.join("\n").length + 1;
        if (budget.tryAdd(head.join("\n"))) {
            const rows = changes.map((c) => `| ${OP_LABEL[c.op]} | ${resourceCell(c)} | ${pathsCell(c)} |`);
            const shown = budget.addItems(rows, closingLength + 400);
            budget.tryAdd(closing.join("\n"));
            if (shown < rows.length)
                notes.push(
                    `${rows.length - shown} of ${rows.length} resource changes left out to stay within GitHub's 65,536-character limit.`,
                );
        } else
            notes.push(`${changes.length} resource changes left out to stay within GitHub's 65,536-character limit.`);
    }
    if (r.outputs?.length) {
        const rows = r.outputs.map((o) => `| ${code(o.name)} | ${o.kind} | ${esc(o.shown, 120)} |`);
        const block = [
            `<details><summary>Output changes: ${r.outputs.length}</summary>`,
            "",
            "| output | change | new value |",
            "|---|---|---|",
            ...rows,
            "",
            "</details>",
            "",
        ].join("\n");
        if (!budget.tryAdd(block)) notes.push(`${r.outputs.length} output changes left out.`);
    }
    if (r.warnings.length) {
        const block = [
            `<details><summary>Warnings: ${r.warnings.length}</summary>`,
            "",
            ...r.warnings.slice(0, 50).map((w) => `- ${esc(w, 400)}`),
            "",
            "</details>",
            "",
        ].join("\n");
        if (!budget.tryAdd(block)) notes.push(`${r.warnings.length} warnings left out.`);
    }
    const footer = notes.length
        ? `\n> ${notes.map((n) => esc(n)).join(" ")} The preview's JSON, kept as the job's artifact, holds everything.`
        : "";
    return `${budget.toString()}${footer}`.slice(0, limit);
}
