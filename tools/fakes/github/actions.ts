/**
 * GitHub Actions as `gh workflow` and `gh run` use it: the repository's workflows (each with the
 * `workflow_dispatch` inputs its file declares), dispatching one (`gh workflow run deploy.yml -f
 * ref=<sha>`, refused as GitHub refuses: a workflow without `workflow_dispatch`, an unknown input,
 * a required input missing, a ref that does not exist), its runs and jobs, and re-running a run
 * (all jobs, or the failed ones). A run's outcome is the test's to set.
 */
import { newestCommit } from "./issues";
import type { FakeGitHub } from "./server";
import { Answer, DOCS, FakeRepo, FakeWorkflow, FakeWorkflowRun, Handler, notFound } from "./state";

export function workflowJson(gh: FakeGitHub, r: FakeRepo, w: FakeWorkflow) {
    return {
        id: w.id,
        node_id: `W_${w.id}`,
        name: w.name,
        path: w.path,
        state: "active",
        created_at: "2026-01-01T00:00:00Z",
        updated_at: "2026-01-01T00:00:00Z",
        url: `${gh.apiBase}/repos/${r.owner}/${r.name}/actions/workflows/${w.id}`,
        html_url: `https://github.com/${r.owner}/${r.name}/blob/main/${w.path}`,
        badge_url: `https://github.com/${r.owner}/${r.name}/workflows/${encodeURIComponent(w.name)}/badge.svg`,
    };
}

/** The workflow a path parameter names: its numeric id or its file name (`deploy.yml`). */
export function findWorkflow(r: FakeRepo, idOrFile: string): FakeWorkflow | undefined {
    const key = decodeURIComponent(idOrFile);
    return r.workflows.find((w) => String(w.id) === key || w.path.split("/").pop() === key);
}

const unprocessable = (message: string): Answer => ({ status: 422, body: { message, documentation_url: DOCS } });

/** A branch name or a SHA, as GitHub resolves a dispatch's `ref` (the fake's one branch is main). */
function resolveRef(r: FakeRepo, ref: string): string | undefined {
    if (/^[0-9a-f]{40}$/.test(ref)) return r.commits.has(ref) ? ref : undefined;
    const branch = ref.replace(/^refs\/heads\//, "");
    return branch === "main" ? newestCommit(r) : r.branches.get(branch);
}

export const ACTIONS_HANDLERS: Record<string, Handler> = {
    "actions/list-workflow-runs-for-repo"(ctx) {
        const r = this.findRepo(ctx.params);
        if (!r) return notFound();
        const runs = [...r.workflowRuns].sort((a, b) => b.id - a.id).map((x) => runJson(this, r, x));
        const page = this.page(runs, ctx);
        return { ...page, body: { total_count: runs.length, workflow_runs: page.body } };
    },
    "actions/list-workflow-runs"(ctx) {
        const r = this.findRepo(ctx.params);
        if (!r) return notFound();
        const file = decodeURIComponent(ctx.params.workflow_id);
        const created = ctx.query.created?.match(/^(\S+)\.\.(\S+)$/);
        const items = r.workflowRuns
            .filter((x) => x.workflowFile === (findWorkflow(r, file)?.path.split("/").pop() ?? file))
            .filter((x) => !created || (x.createdAt >= created[1] && x.createdAt <= created[2]))
            .filter(
                (x) =>
                    !ctx.query.status ||
                    (ctx.query.status === "completed" ? x.conclusion !== null : x.conclusion === ctx.query.status),
            )
            .sort((a, b) => b.id - a.id);
        const page = this.page(
            items.map((x) => runJson(this, r, x)),
            ctx,
        );
        return { ...page, body: { total_count: items.length, workflow_runs: page.body } };
    },
    "actions/list-jobs-for-workflow-run"(ctx) {
        const r = this.findRepo(ctx.params);
        const run = r?.workflowRuns.find((x) => x.id === Number(ctx.params.run_id));
        if (!r || !run) return notFound();
        const jobs = run.jobs.map((j, i) => ({
            id: run.id * 100 + i,
            run_id: run.id,
            name: j.name,
            status: j.conclusion === null ? "in_progress" : "completed",
            conclusion: j.conclusion,
            head_sha: run.headSha,
        }));
        const page = this.page(jobs, ctx);
        return { ...page, body: { total_count: jobs.length, jobs: page.body } };
    },
    "actions/list-repo-workflows"(ctx) {
        const r = this.findRepo(ctx.params);
        if (!r) return notFound();
        const page = this.page(
            r.workflows.map((w) => workflowJson(this, r, w)),
            ctx,
        );
        return { ...page, body: { total_count: r.workflows.length, workflows: page.body } };
    },
    "actions/get-workflow"(ctx) {
        const r = this.findRepo(ctx.params);
        const w = r && findWorkflow(r, ctx.params.workflow_id);
        if (!r || !w) return notFound();
        return { status: 200, body: workflowJson(this, r, w) };
    },
    "actions/create-workflow-dispatch"(ctx) {
        const r = this.findRepo(ctx.params);
        const w = r && findWorkflow(r, ctx.params.workflow_id);
        if (!r || !w) return notFound();
        if (!w.dispatchInputs) return unprocessable("Workflow does not have 'workflow_dispatch' trigger");
        const given = (ctx.body.inputs ?? {}) as Record<string, unknown>;
        const unexpected = Object.keys(given).filter((k) => !(k in w.dispatchInputs!));
        if (unexpected.length) return unprocessable(`Unexpected inputs provided: ${JSON.stringify(unexpected)}`);
        const missing = Object.entries(w.dispatchInputs)
            .filter(([k, spec]) => spec.required && spec.default === undefined && !(k in given))
            .map(([k]) => k);
        if (missing.length) return unprocessable(`Required input '${missing[0]}' not provided`);
        const sha = resolveRef(r, String(ctx.body.ref));
        if (!sha) return unprocessable(`No ref found for: ${String(ctx.body.ref).slice(0, 100)}`);
        const inputs: Record<string, string> = {};
        for (const [k, spec] of Object.entries(w.dispatchInputs))
            if (k in given || spec.default !== undefined) inputs[k] = String(given[k] ?? spec.default);
        r.workflowRuns.push({
            id: this.newId(),
            workflowFile: w.path.split("/").pop()!,
            headSha: sha,
            headBranch: /^[0-9a-f]{40}$/.test(String(ctx.body.ref)) ? "main" : String(ctx.body.ref),
            createdAt: new Date().toISOString(),
            event: "workflow_dispatch",
            attempt: 1,
            conclusion: null,
            jobs: [],
            inputs,
            actor: ctx.user.login,
        });
        return { status: 204 };
    },
    // The fake's runs upload nothing: their artifact list is empty (a run's artifacts are not modelled).
    "actions/list-workflow-run-artifacts"(ctx) {
        const r = this.findRepo(ctx.params);
        const run = r?.workflowRuns.find((x) => x.id === Number(ctx.params.run_id));
        if (!r || !run) return notFound();
        return { status: 200, body: { total_count: 0, artifacts: [] } };
    },
    // A job's check run: the fake's jobs leave no annotations.
    "checks/list-annotations"(ctx) {
        const r = this.findRepo(ctx.params);
        const id = Number(ctx.params.check_run_id);
        const run = r?.workflowRuns.find((x) => x.id === Math.floor(id / 100) && id % 100 < x.jobs.length);
        if (!r || !run) return notFound();
        return { status: 200, body: [] };
    },
    "actions/get-workflow-run"(ctx) {
        const r = this.findRepo(ctx.params);
        const run = r?.workflowRuns.find((x) => x.id === Number(ctx.params.run_id));
        if (!r || !run) return notFound();
        return { status: 200, body: runJson(this, r, run) };
    },
    "actions/re-run-workflow"(ctx) {
        return rerun.call(this, ctx.params, () => true);
    },
    "actions/re-run-workflow-failed-jobs"(ctx) {
        return rerun.call(this, ctx.params, (j) => j.conclusion === "failure");
    },
};

/** Runs again, as a new attempt: the jobs chosen start over (in progress), the others keep their outcome. */
function rerun(
    this: FakeGitHub,
    params: Record<string, string>,
    again: (job: FakeWorkflowRun["jobs"][number]) => boolean,
): Answer {
    const r = this.findRepo(params);
    const run = r?.workflowRuns.find((x) => x.id === Number(params.run_id));
    if (!r || !run) return notFound();
    if (run.conclusion === null)
        return { status: 403, body: { message: "This workflow is already running", documentation_url: DOCS } };
    if (!run.jobs.some(again) && run.jobs.length)
        return { status: 403, body: { message: "There are no failed jobs to re-run", documentation_url: DOCS } };
    run.attempt = (run.attempt ?? 1) + 1;
    run.conclusion = null;
    run.jobs = run.jobs.map((j) => (again(j) ? { ...j, conclusion: null } : j));
    return { status: 201, body: {} };
}

export function runJson(gh: FakeGitHub, r: FakeRepo, run: FakeWorkflowRun) {
    const workflow = findWorkflow(r, run.workflowFile);
    const actor = { login: run.actor ?? "github-actions[bot]", id: 41898282, type: "Bot" };
    return {
        id: run.id,
        name: workflow?.name ?? run.workflowFile.replace(/\.ya?ml$/, ""),
        display_title: workflow?.name ?? run.workflowFile,
        node_id: `WFR_${run.id}`,
        head_sha: run.headSha,
        head_branch: run.headBranch ?? "main",
        path: `.github/workflows/${run.workflowFile}`,
        event: run.event ?? "pull_request",
        status: run.conclusion === null ? "in_progress" : "completed",
        conclusion: run.conclusion,
        workflow_id: workflow?.id ?? 1,
        run_number: run.id,
        run_attempt: run.attempt ?? 1,
        created_at: run.createdAt,
        updated_at: run.createdAt,
        run_started_at: run.createdAt,
        actor,
        triggering_actor: actor,
        html_url: `https://github.com/${r.owner}/${r.name}/actions/runs/${run.id}`,
        url: `${gh.apiBase}/repos/${r.owner}/${r.name}/actions/runs/${run.id}`,
        jobs_url: `${gh.apiBase}/repos/${r.owner}/${r.name}/actions/runs/${run.id}/jobs`,
        logs_url: `${gh.apiBase}/repos/${r.owner}/${r.name}/actions/runs/${run.id}/logs`,
        workflow_url: `${gh.apiBase}/repos/${r.owner}/${r.name}/actions/workflows/${workflow?.id ?? 1}`,
        repository: { id: r.id, name: r.name, full_name: `${r.owner}/${r.name}` },
        head_repository: { id: r.id, name: r.name, full_name: `${r.owner}/${r.name}` },
        head_commit: { id: run.headSha, message: "", timestamp: run.createdAt },
    };
}
