/**
 * The runbooks and the decision tree tell the truth: every threshold in the decision tree is the
 * health gate's default, every npm command a runbook names exists with the flags it uses (checked
 * against the command's own --help), and every document they point to is there.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { gateSchema } from "../../config/stack.schema";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const DOCS = path.join(REPO_ROOT, "docs");
const read = (rel: string) => fs.readFileSync(path.join(REPO_ROOT, rel), "utf8");
const docs = ["docs/decision-tree.md", ...fs.readdirSync(path.join(DOCS, "runbooks")).map((f) => `docs/runbooks/${f}`)];

describe("docs: the decision tree's thresholds are the gate's defaults", () => {
    const tree = read("docs/decision-tree.md");
    const defaults = gateSchema.parse(undefined);
    const checks: [RegExp, keyof typeof defaults][] = [
        [/GET (\/[^<\s]+)/g, "healthPath"],
        [/2xx within (\d+) ms/g, "healthBudgetMs"],
        [/(\d+) consecutive 5xx/g, "consecutive5xxForRollback"],
        [/(?<!CPU or )memory \| above (\d+)%|(?<!CPU or )memory above (\d+)%/g, "memoryPercentForRollback"],
        [/error rate (?:\| )?above (\d+)%/g, "errorRatePercentForRollback"],
        [/p95 latency (?:\| )?above (\d+)x/g, "p95LatencyMultiplierForRollback"],
        [/database pool (?:\| )?above (\d+)%/g, "dbPoolPercentForRollback"],
        [/CPU or memory (?:\| )?above (\d+)%/g, "resourcePercentForRollback"],
        [/the (\d+)-minute monitoring window/g, "monitoringWindowMinutes"],
        [/window's (\d+) equal parts/g, "sustainedBuckets"],
        [/fewer than (\d+) samples/g, "minSamplesForRates"],
        [/SUCCESS within (\d+) s/g, "rollbackTimeoutSeconds"],
    ];
    for (const [pattern, key] of checks) {
        it(`${key} = ${String(defaults[key])}`, () => {
            const found = [...tree.matchAll(pattern)].map((m) => m[1] ?? m[2]);
            assert.ok(found.length > 0, `the decision tree does not state ${key} (${pattern})`);
            for (const value of found)
                assert.strictEqual(String(value), String(defaults[key]), `the decision tree says ${value} for ${key}`);
        });
    }

    it("has its three trees: the deployment path and the health flow as Mermaid flowcharts, the rollback matrix as a table", () => {
        const blocks = [...tree.matchAll(/```mermaid\n([^]*?)```/g)].map((m) => m[1]);
        assert.strictEqual(blocks.length, 2);
        for (const b of blocks) assert.match(b, /^flowchart (TD|LR)\n/);
        assert.match(tree, /## Rollback decision matrix\n\n\| signal \| threshold \| when \| action \|/);
    });
});

describe("docs: the runbooks' commands exist", function () {
    this.timeout(180_000);
    const scripts = JSON.parse(read("package.json")).scripts as Record<string, string>;
    const helpOf = new Map<string, string>();
    const help = (script: string) => {
        if (!helpOf.has(script)) {
            const r = spawnSync("npm", ["run", "-s", script, "--", "--help"], {
                cwd: REPO_ROOT,
                encoding: "utf8",
                timeout: 60_000,
            });
            helpOf.set(script, `${r.stdout}${r.stderr}`);
        }
        return helpOf.get(script)!;
    };

    it("every runbook the issue names is there", () => {
        for (const name of ["standard-deployment", "emergency-hotfix", "rollback", "drift", "troubleshooting"])
            assert.ok(fs.existsSync(path.join(DOCS, "runbooks", `${name}.md`)), name);
    });

    it("every `npm run` line in a fenced block names a script that exists, with flags its --help lists", () => {
        let checked = 0;
        for (const doc of docs) {
            const fenced = [...read(doc).matchAll(/```sh\n([^]*?)```/g)].flatMap((m) => m[1].split("\n"));
            for (const line of fenced.map((l) => l.trim()).filter((l) => l.startsWith("npm run "))) {
                const [, script, rest = ""] = /^npm run (?:-s )?([\w:-]+)(?: -- (.*))?$/.exec(line) ?? [];
                assert.ok(script && scripts[script], `${doc}: ${line}: no such npm script`);
                const usage = help(script);
                assert.match(usage, /Usage: npm run/, `${doc}: npm run ${script} -- --help printed no usage`);
                for (const flag of rest.match(/--[a-z][a-z-]*/g) ?? [])
                    assert.ok(usage.includes(flag), `${doc}: ${line}: ${flag} is not in npm run ${script}'s usage`);
                // An action word (start, finish) must be one the command knows.
                const action = /^(\w+)\b/.exec(rest)?.[1];
                if (action)
                    assert.ok(
                        usage.includes(` ${action} `),
                        `${doc}: ${line}: '${action}' is not in npm run ${script}'s usage`,
                    );
                checked++;
            }
        }
        assert.ok(checked >= 8, `only ${checked} commands found`);
    });

    it("every document a runbook points to exists", () => {
        for (const doc of docs) {
            for (const m of read(doc).matchAll(/`((?:docs\/)?(?:runbooks\/)?[\w-]+\.md)`/g)) {
                const ref = m[1];
                const candidates = [path.join(REPO_ROOT, ref), path.join(path.dirname(path.join(REPO_ROOT, doc)), ref)];
                assert.ok(
                    candidates.some((c) => fs.existsSync(c)),
                    `${doc} points to ${ref}, which does not exist`,
                );
            }
        }
    });
});
