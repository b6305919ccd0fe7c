/**
 * `npm run bench:metrics`: 10,000 deployments with their statuses (a year of history, with
 * failures, rollbacks, commits and PR runs: bench/synthetic.ts) through the figures and the HTML
 * page. Target: under 2 s on this machine. Prints the time of each part and the memory used.
 * The collection from GitHub is left out: it is network-bound and, with the ETag cache, cheap.
 */
import { computeMetrics } from "../scripts/metrics/compute";
import { renderMetricsHtml } from "../scripts/metrics/render";
import { syntheticDeliveryHistory } from "./synthetic";
import { defineCommand, parseCommand } from "../scripts/commands/cli";
import { EXIT, runMain } from "../scripts/commands/io";

const N = 10_000;
runMain((argv, io) => {
    const parsed = parseCommand(
        defineCommand(
            "bench:metrics",
            "Prints the delivery metrics' computation and HTML page time over 10,000 deployments. No options.",
            io,
        ),
        argv,
    );
    if (parsed !== true) return parsed;
    const history = syntheticDeliveryHistory(N);
    const rssBefore = process.memoryUsage().rss;
    const t0 = performance.now();
    const result = computeMetrics({ ...history, now: history.until, stacks: ["staging", "production"] });
    const t1 = performance.now();
    const html = renderMetricsHtml(result, "ainative/platform");
    const t2 = performance.now();
    const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
    console.log(
        `Delivery metrics over ${N.toLocaleString("en")} deployments (${result.stacks[0].weekly.length} weeks, ${history.rollbacks.length} rollbacks, ${history.prRuns.length.toLocaleString("en")} PR runs):`,
    );
    console.log(`  figures: ${(t1 - t0).toFixed(0)} ms`);
    console.log(`  HTML page: ${(t2 - t1).toFixed(0)} ms (${(html.length / 1024).toFixed(0)} KB)`);
    console.log(`  total: ${(t2 - t0).toFixed(0)} ms (target under 2000 ms): ${t2 - t0 < 2000 ? "met" : "NOT met"}`);
    console.log(
        `  memory: ${mb(process.memoryUsage().heapUsed)} heap, ${mb(process.memoryUsage().rss)} resident (+${mb(process.memoryUsage().rss - rssBefore)} during the run)`,
    );
    return EXIT.ok;
});
