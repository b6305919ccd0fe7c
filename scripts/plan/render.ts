/**
 * The plan's three formats. Every value shown comes from the masked inputs (secrets are
 * "[secret]"), so no format can print a secret.
 */
import { RESOURCE_TYPES } from "../../config/resource-types";
import { shortType } from "../report/markdown";
import type { PlanResource, PlanResult, PlanViolation } from "./plan";

export type PlanFormat = "text" | "json" | "markdown";

/** Inputs worth a glance, per resource type (the JSON format has them all). */
const T = RESOURCE_TYPES;
const KEY_INPUTS: Record<string, string[]> = {
    [T.project]: ["name"],
    [T.environment]: ["name"],
    [T.service]: ["name"],
    [T.instance]: [
        "source",
        "replicas",
        "healthcheckPath",
        "healthcheckTimeout",
        "restartPolicyType",
        "restartPolicyMaxRetries",
        "cronSchedule",
    ],
    [T.variables]: ["variables", "secretVariables"],
    [T.volume]: ["mountPath"],
    [T.serviceDomain]: ["targetPort"],
    [T.customDomain]: ["domain", "targetPort"],
    [T.deployment]: ["fingerprint"],
    [T.branchProtection]: [
        "pattern",
        "requiredPullRequestReviews",
        "requiredStatusChecks",
        "enforceAdmins",
        "allowsForcePushes",
        "allowsDeletions",
    ],
    [T.githubEnvironment]: ["environment", "reviewers"],
    [T.githubDeploymentPolicy]: ["environment", "branchPattern"],
    [T.githubSecret]: ["environment", "secretName", "value"],
    [T.sentryTeam]: ["slug"],
    [T.sentryProject]: ["slug", "platform"],
    [T.sentryKey]: ["name"],
    [T.sentryIssueAlert]: ["name", "environment"],
    [T.sentryMetricAlert]: ["name", "aggregate", "triggers"],
    [T.escalationPolicy]: ["name", "rules"],
    [T.pagerdutyService]: ["name", "incidentUrgencyRule"],
    [T.pagerdutyIntegration]: ["name", "type"],
};

function compact(value: unknown): string {
    if (typeof value === "string") return value;
    // Variables: names only; a value may be long and the names are what a reviewer scans.
    if (
        value &&
        typeof value === "object" &&
        !Array.isArray(value) &&
        Object.values(value).every((v) => typeof v === "string")
    ) {
        const entries = Object.entries(value as Record<string, string>);
        if (entries.length > 3)
            return `{${entries.map(([k, v]) => (v === "[secret]" ? `${k}=[secret]` : k)).join(", ")}}`;
    }
    const text = JSON.stringify(value);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function keyInputs(r: PlanResource): string {
    const keys =
        KEY_INPUTS[r.type] ??
        Object.keys(r.inputs)
            .filter((k) => typeof r.inputs[k] !== "object")
            .slice(0, 4);
    return keys
        .filter((k) => r.inputs[k] !== undefined && r.inputs[k] !== null)
        .map((k) => `${k}=${compact(r.inputs[k])}`)
        .join("  ");
}

/** Resources under each component (by URN), in registration order; stack-level ones under "". */
function grouped(plan: PlanResult): Map<string, PlanResource[]> {
    const groups = new Map<string, PlanResource[]>();
    for (const r of plan.resources) {
        if (!r.custom && !r.parent) continue; // a top-level component heads its own group
        const key = r.parent ?? "";
        groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    return groups;
}

function violationLine(v: PlanViolation): string {
    const where = v.resource ? `${shortType(v.resource.type)} ${v.resource.name}` : "stack";
    return `[${v.policy}] ${where}: ${v.message.replace(/\n/g, " ")}`;
}

function verdict(plan: PlanResult): string {
    if (!plan.config.valid) return "FAILED: the configuration is invalid (exit 1)";
    if (plan.error) return `FAILED: ${plan.error.split("\n")[0]} (exit 1)`;
    if (!plan.policies) return "FAILED (exit 1)";
    return plan.ok ? "OK (exit 0)" : `FAILED: ${plan.policies.mandatory.length} mandatory policy violation(s) (exit 1)`;
}

export function renderText(plan: PlanResult): string {
    const out: string[] = [
        `Offline plan of stack '${plan.stack}' (project ${plan.project}, format v${plan.version})`,
        "",
    ];
    out.push(plan.config.valid ? "Config: valid" : `Config: ${plan.config.issues.length} problem(s)`);
    for (const i of plan.config.issues) out.push(`  ${i}`);
    for (const w of plan.config.warnings ?? []) out.push(`  warning: ${w}`);
    if (plan.error) out.push("", `Error: ${plan.error}`);
    if (plan.config.valid) {
        out.push("", `Resources (${plan.resources.length}):`);
        const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
        for (const [parent, members] of grouped(plan)) {
            const head = parent ? byUrn.get(parent) : undefined;
            out.push(head ? `  ${head.type} ${head.name}` : "  (stack)");
            for (const r of members)
                out.push(
                    `    ${shortType(r.type)} ${r.name}${r.protect ? " [protected]" : ""}${keyInputs(r) ? `  ${keyInputs(r)}` : ""}`,
                );
        }
        out.push("", "Counts per type:");
        for (const [type, n] of Object.entries(plan.counts)) out.push(`  ${String(n).padStart(3)}  ${type}`);
    }
    if (plan.policies) {
        out.push(
            "",
            `Policies (pack ${plan.policies.pack} ${plan.policies.version}${plan.policies.configFile ? `, config ${plan.policies.configFile}` : ""}):`,
        );
        for (const level of ["mandatory", "advisory"] as const) {
            const list = plan.policies[level];
            out.push(`  ${level}: ${list.length === 0 ? "none" : list.length}`);
            for (const v of list) out.push(`    ${violationLine(v)}`);
        }
    }
    out.push("", `Result: ${verdict(plan)}`);
    return out.join("\n");
}

function renderJson(plan: PlanResult): string {
    return JSON.stringify(plan, null, 2);
}

const mermaidId = (s: string) => s.replace(/[^A-Za-z0-9_]/g, "_");
const mermaidLabel = (s: string) => s.replace(/["<>]/g, "'");

/** A Mermaid graph of components and their resources (GitHub renders it). */
function mermaid(plan: PlanResult): string {
    const lines = ["```mermaid", "graph LR"];
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    let n = 0;
    for (const [parent, members] of grouped(plan)) {
        const head = parent ? byUrn.get(parent) : undefined;
        const group = mermaidId(head ? `${head.name}_${n++}` : `stack_${n++}`);
        lines.push(`  subgraph ${group}["${mermaidLabel(head ? `${shortType(head.type)} ${head.name}` : "stack")}"]`);
        for (const r of members)
            lines.push(
                `    ${mermaidId(`r_${n++}`)}["${mermaidLabel(shortType(r.type))}<br/>${mermaidLabel(r.name)}"]`,
            );
        lines.push("  end");
    }
    lines.push("```");
    return lines.join("\n");
}

/** Markdown for PR comments and step summaries; adds the diagram for stacks of at most 100 resources. */
export function renderMarkdown(plan: PlanResult, opts: { diagramLimit?: number } = {}): string {
    const out: string[] = [`### Offline plan: \`${plan.stack}\``, "", `**${verdict(plan)}**`, ""];
    if (plan.config.warnings?.length)
        out.push(
            "#### Configuration warnings",
            "",
            ...plan.config.warnings.map((w) => `- ${w.replace(/\|/g, "\\|")}`),
            "",
        );
    if (!plan.config.valid) {
        out.push(
            "#### Configuration problems",
            "",
            ...plan.config.issues.map((i) => `- ${i.replace(/\|/g, "\\|")}`),
            "",
        );
        return out.join("\n");
    }
    if (plan.error) {
        out.push("```", plan.error, "```", "");
        return out.join("\n");
    }
    if (plan.policies) {
        for (const level of ["mandatory", "advisory"] as const) {
            const list = plan.policies[level];
            out.push(`#### ${level === "mandatory" ? "Mandatory" : "Advisory"} policy violations: ${list.length}`, "");
            if (list.length) {
                out.push("| policy | resource | message |", "|---|---|---|");
                for (const v of list)
                    out.push(
                        `| \`${v.policy}\` | ${v.resource ? `\`${shortType(v.resource.type)}\` ${v.resource.name}` : "stack"} | ${v.message.replace(/\n/g, " ").replace(/\|/g, "\\|")} |`,
                    );
                out.push("");
            }
        }
    }
    out.push(
        "<details><summary>Resources: " + plan.resources.length + "</summary>",
        "",
        "| type | count |",
        "|---|---|",
    );
    for (const [type, n] of Object.entries(plan.counts)) out.push(`| \`${type}\` | ${n} |`);
    out.push("", "| component | resource | key inputs |", "|---|---|---|");
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    for (const [parent, members] of grouped(plan)) {
        const head = parent ? (byUrn.get(parent)?.name ?? parent) : "(stack)";
        for (const r of members)
            out.push(
                `| ${head} | \`${shortType(r.type)}\` ${r.name}${r.protect ? " 🔒" : ""} | ${keyInputs(r).replace(/\|/g, "\\|")} |`,
            );
    }
    out.push("", "</details>", "");
    if (plan.resources.length <= (opts.diagramLimit ?? 100)) out.push(mermaid(plan), "");
    return out.join("\n");
}

export function render(plan: PlanResult, format: PlanFormat): string {
    return format === "json" ? renderJson(plan) : format === "markdown" ? renderMarkdown(plan) : renderText(plan);
}
