/**
 * `npm run bench:render`: the PR comment and the drift classification at scale.
 *
 * 1. Render: a 10,000-resource preview (digest and event log, bench/synthetic.ts) into the PR
 *    comment, from parsed data to the bounded body (target under 1 s), and the comment's length
 *    (at most 65,536 characters).
 * 2. Classify: a 10,000-resource `refresh --preview-only` (digest and event log) into the drifted
 *    resources with their property paths (target under 1 s).
 *
 * Each figure is the median of 5 runs after one warm-up, parsing included (the JSON text is made
 * once, as the CLI would have written it).
 */
import { classifyRefresh } from "../scripts/drift/classify";
import { parseDigest, parseEvents } from "../scripts/engine/output";
import { renderComment } from "../scripts/pr-comment/comment";
import { reportFromPreview } from "../scripts/pr-comment/report";
import { syntheticPreview, syntheticRefresh } from "./synthetic";
import { defineCommand, parseCommand } from "../scripts/commands/cli";
import { EXIT, runMain } from "../scripts/commands/io";

const N = 10_000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timed<T>(fn: () => T, runs = 5): { ms: number; result: T } {
    let result = fn(); // warm-up
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        result = fn();
        times.push(performance.now() - t0);
    }
    return { ms: median(times), result };
}

runMain((argv, io) => {
    const parsed = parseCommand(
        defineCommand(
            "bench:render",
            "Prints the PR comment's render time and the drift classification at 10,000 resources. No options.",
            io,
        ),
        argv,
    );
    if (parsed !== true) return parsed;
    const preview = syntheticPreview(N, { violations: 40 });
    const previewText = JSON.stringify(preview.digest, null, 4);
    const previewEvents = preview.events.map((e) => JSON.stringify(e)).join("\n");
    const render = timed(() =>
        renderComment(
            reportFromPreview({
                digest: parseDigest(previewText),
                events: parseEvents(previewEvents),
                stack: "staging",
                exitCode: 1,
            }),
        ),
    );

    const refresh = syntheticRefresh(N);
    const refreshText = JSON.stringify(refresh.digest, null, 4);
    const refreshEvents = refresh.events.map((e) => JSON.stringify(e)).join("\n");
    const classify = timed(() => classifyRefresh(parseDigest(refreshText), parseEvents(refreshEvents)));

    const mb = (s: string) => (s.length / 1e6).toFixed(1);
    console.log(
        `PR comment from a ${N.toLocaleString("en")}-resource preview (${mb(previewText)} MB digest, ${mb(previewEvents)} MB event log):`,
    );
    console.log(`  render: ${render.ms.toFixed(0)} ms (target under 1000 ms)`);
    console.log(`  comment length: ${render.result.length.toLocaleString("en")} characters (limit 65,536)`);
    console.log(
        `drift classification of a ${N.toLocaleString("en")}-resource refresh (${mb(refreshText)} MB digest, ${mb(refreshEvents)} MB event log):`,
    );
    console.log(
        `  classify: ${classify.ms.toFixed(0)} ms (target under 1000 ms); ${classify.result.drifted.length} drifted resources named, ${classify.result.unidentified} not identified`,
    );
    return EXIT.ok;
});
