/**
 * The delivery metrics as text, markdown (the step summary), JSON, and one self-contained HTML page:
 * uPlot and its stylesheet are inlined from the npm package, the data is embedded, so the page
 * needs no network when it is viewed (an Actions artifact, a laptop).
 */
import * as fs from "fs";
import * as path from "path";
import { esc } from "../report/markdown";
import type { Figure, MetricsResult } from "./compute";

export type MetricsFormat = "text" | "markdown" | "json" | "html";

export function showValue(f: Figure): string {
    if (f.value === null) return f.note ?? "no records";
    switch (f.unit) {
        case "percent":
            return `${f.value}%`;
        case "minutes":
            return `${f.value} min`;
        case "hours":
            return `${f.value} h`;
        case "per-week":
            return `${f.value}/week`;
        default:
            return String(f.value);
    }
}

export function showTarget(f: Figure): string {
    if (!f.target) return "";
    const unit = f.unit === "percent" ? "%" : f.unit === "minutes" ? " min" : f.unit === "hours" ? " h" : "";
    return `${f.target.op} ${f.target.value}${unit} (${f.target.source})`;
}

const verdict = (f: Figure) => (f.met === true ? "met" : f.met === false ? "NOT met" : f.target ? "—" : "");

function rows(result: MetricsResult): { scope: string; f: Figure }[] {
    return [
        ...result.stacks.flatMap((s) => s.figures.map((f) => ({ scope: s.stack, f }))),
        ...result.overall.map((f) => ({ scope: "all", f })),
    ];
}

export function renderMetricsText(result: MetricsResult): string {
    const lines = [
        `Delivery metrics ${result.window.since.slice(0, 10)} to ${result.window.until.slice(0, 10)} (${result.counts.deployments} deployments, ${result.counts.prRuns} PR runs, ${result.counts.rollbacks} rollbacks)`,
    ];
    for (const { scope, f } of rows(result)) {
        const p90 = f.detail?.p90 !== undefined && f.detail.p90 !== null ? `  p90 ${f.detail.p90}` : "";
        lines.push(
            `  ${scope.padEnd(11)} ${f.label.padEnd(36)} ${showValue(f).padEnd(34)} ${showTarget(f).padEnd(38)} ${verdict(f)}  [${f.records} records]${p90}`,
        );
    }
    return lines.join("\n");
}

export function renderMetricsMarkdown(result: MetricsResult): string {
    const lines = [
        `### Delivery metrics, ${esc(result.window.since.slice(0, 10))} to ${esc(result.window.until.slice(0, 10))}`,
        "",
        `${result.counts.deployments} deployments, ${result.counts.prRuns} PR workflow runs, ${result.counts.rollbacks} rollbacks.`,
        "",
        "| scope | figure | value | target | | records |",
        "|---|---|---:|---|---|---:|",
        ...rows(result).map(
            ({ scope, f }) =>
                `| ${esc(scope)} | ${esc(f.label)} | ${esc(showValue(f))} | ${esc(showTarget(f))} | ${verdict(f) === "met" ? "✅" : verdict(f) === "NOT met" ? "❌" : ""} | ${f.records} |`,
        ),
    ];
    return lines.join("\n");
}

export function renderMetricsJson(result: MetricsResult): string {
    return JSON.stringify(result, null, 2);
}

const NODE_MODULES = path.resolve(__dirname, "..", "..", "node_modules");

/** Text safe inside a <script> element: `</` cannot close it, U+2028/9 cannot break it. */
const scriptSafe = (json: string) =>
    json
        .replace(/</g, "\\u003c")
        .replace(/\u2028/g, "\\u2028")
        .replace(/\u2029/g, "\\u2029");

const htmlEscape = (text: string) =>
    text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** The figures charted week by week (per stack, and the one across stacks). */
const CHARTS: { key: string; label: string; unit: string; overall?: boolean }[] = [
    { key: "deploymentFrequency", label: "Deployments per week", unit: "" },
    { key: "successRate", label: "Deployment success rate", unit: "%" },
    { key: "changeFailureRate", label: "Change failure rate", unit: "%" },
    { key: "reworkRate", label: "Deployment rework rate", unit: "%" },
    { key: "timeToRestore", label: "Time to restore (mean, minutes)", unit: " min" },
    { key: "leadTime", label: "Lead time for changes (median, hours)", unit: " h" },
    { key: "duration", label: "Deployment duration (median, minutes)", unit: " min" },
    { key: "caughtBeforeProduction", label: "Failures stopped before production", unit: "%", overall: true },
];

export function renderMetricsHtml(result: MetricsResult, repo: string): string {
    const uplotJs = fs.readFileSync(path.join(NODE_MODULES, "uplot", "dist", "uPlot.iife.min.js"), "utf8");
    const uplotCss = fs.readFileSync(path.join(NODE_MODULES, "uplot", "dist", "uPlot.min.css"), "utf8");
    const cards = rows(result)
        .map(({ scope, f }) => {
            const state = f.met === true ? "met" : f.met === false ? "missed" : "none";
            return `<div class="card ${state}"><div class="scope">${htmlEscape(scope)}</div><div class="label">${htmlEscape(f.label)}</div><div class="value${f.value === null ? " empty" : ""}" data-figure="${htmlEscape(`${scope}.${f.key}`)}" data-value="${f.value === null ? "" : f.value}">${htmlEscape(showValue(f))}</div><div class="target">${htmlEscape(showTarget(f))} ${htmlEscape(verdict(f))}</div><div class="records">${f.records} records</div></div>`;
        })
        .join("\n");
    const charts = CHARTS.map(
        (c) =>
            `<section class="chart"><h2>${htmlEscape(c.label)}</h2><div class="plot" id="chart-${c.key}" data-chart="${c.key}"></div></section>`,
    ).join("\n");
    const title = `Delivery metrics: ${repo}`;
    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${htmlEscape(title)}</title>
<style>${uplotCss}</style>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1f2328; background: #fff; }
h1 { font-size: 20px; margin: 0 0 4px; }
.sub { color: #59636e; margin-bottom: 16px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 10px; margin-bottom: 24px; }
.card { border: 1px solid #d1d9e0; border-left: 6px solid #d1d9e0; border-radius: 6px; padding: 8px 10px; }
.card.met { border-left-color: #1a7f37; } .card.missed { border-left-color: #cf222e; }
.card .scope { color: #59636e; font-size: 12px; text-transform: uppercase; } .card .value { font-size: 22px; font-weight: 600; }
.card .value.empty { font-size: 14px; font-weight: 400; color: #59636e; }
.card .target, .card .records { color: #59636e; font-size: 12px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr)); gap: 16px; }
.chart h2 { font-size: 15px; margin: 0 0 6px; }
</style>
</head>
<body>
<h1>${htmlEscape(title)}</h1>
<div class="sub">${htmlEscape(result.window.since.slice(0, 10))} to ${htmlEscape(result.window.until.slice(0, 10))}: ${result.counts.deployments} deployments, ${result.counts.prRuns} PR workflow runs, ${result.counts.rollbacks} rollbacks. Definitions: the project's docs/delivery-metrics.md, "Delivery metrics".</div>
<div class="cards">
${cards}
</div>
<div class="charts">
${charts}
</div>
<script type="application/json" id="metrics-data">${scriptSafe(JSON.stringify(result))}</script>
<script>${uplotJs}</script>
<script>
(function () {
  var data = JSON.parse(document.getElementById("metrics-data").textContent);
  var charts = ${scriptSafe(JSON.stringify(CHARTS))};
  var colors = ["#0969da", "#bf3989", "#1a7f37", "#9a6700", "#8250df"];
  charts.forEach(function (c) {
    var el = document.getElementById("chart-" + c.key);
    var series = c.overall ? [{ name: "all", weekly: data.overallWeekly }] : data.stacks.map(function (s) { return { name: s.stack, weekly: s.weekly }; });
    var weeks = (series[0] ? series[0].weekly : []).map(function (p) { return p.week / 1000; });
    var columns = [weeks].concat(series.map(function (s) { return s.weekly.map(function (p) { var v = p.values[c.key]; return v === undefined ? null : v; }); }));
    var opts = {
      width: Math.max(440, el.clientWidth), height: 220,
      series: [{}].concat(series.map(function (s, i) { return { label: s.name, stroke: colors[i % colors.length], width: 2, spanGaps: false, points: { show: true, size: 6 }, value: function (u, v) { return v === null ? "—" : v + c.unit; } }; })),
      axes: [{}, { size: 72, values: function (u, vs) { return vs.map(function (v) { return v + c.unit; }); } }],
      scales: { x: { time: true } }
    };
    new uPlot(opts, columns, el);
    el.setAttribute("data-drawn", "true");
  });
})();
</script>
</body>
</html>
`;
}

export function renderMetrics(result: MetricsResult, format: MetricsFormat, repo: string): string {
    return format === "json"
        ? renderMetricsJson(result)
        : format === "markdown"
          ? renderMetricsMarkdown(result)
          : format === "html"
            ? renderMetricsHtml(result, repo)
            : renderMetricsText(result);
}
