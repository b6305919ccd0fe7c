/**
 * The records the delivery metrics rest on, read where they are kept:
 *
 * - GitHub: the deploy workflow's deployments (task `deploy:pulumi`) per stack environment and
 *   their statuses; the commits' times (lead time); the PR workflow's runs and their failed jobs
 *   (failures stopped before production). Every page, with conditional requests: each response's
 *   ETag is kept in a cache file and sent back as If-None-Match, and GitHub's 304 answers cost
 *   nothing against the rate limit, so a daily run spends little of it.
 * - The health gate's decision records (`--gate-records`): its rollbacks.
 * - Railway (`--railway <stack>=<projectId>`): rollback deployments of each app service.
 */
import * as fs from "fs";
import * as path from "path";
import type { ParsedStackConfig } from "../../config/stack.schema";
import { listDeployments, resolveTarget, rolledBackTo } from "../gate/deployments";
import { GitHubClient, RepoRef } from "../github/client";
import { DEPLOY_TASK } from "../github/deployments";
import type { DeploymentRecord, PrRunRecord, RollbackRecord } from "./compute";

/** ETags and the answers they stand for, by request, kept between runs. */
export class EtagCache {
    private entries: Record<string, { etag: string; data: unknown }> = {};
    hits = 0;
    requests = 0;

    constructor(private readonly file?: string) {
        if (file && fs.existsSync(file)) {
            try {
                this.entries = JSON.parse(fs.readFileSync(file, "utf8"));
            } catch {
                this.entries = {}; // a damaged cache is only a slower run
            }
        }
    }

    async get<T>(gh: GitHubClient, route: string, params: Record<string, unknown>): Promise<T> {
        const key = `${route} ${JSON.stringify(params)}`;
        const cached = this.entries[key];
        this.requests++;
        try {
            const r = await gh.request(route, { ...params, headers: cached ? { "if-none-match": cached.etag } : {} });
            const etag = r.headers.etag;
            if (etag) this.entries[key] = { etag, data: r.data };
            return r.data as T;
        } catch (e) {
            if ((e as { status?: number }).status === 304 && cached) {
                this.hits++;
                return cached.data as T;
            }
            throw e;
        }
    }

    save(): void {
        if (!this.file) return;
        fs.mkdirSync(path.dirname(this.file), { recursive: true });
        fs.writeFileSync(this.file, JSON.stringify(this.entries));
    }
}

const PER_PAGE = 100;
/** How far before the window deployments are read: a break inside the window may need the one before it. */
const LOOKBACK_MS = 14 * 86_400_000;

interface ApiDeployment {
    id: number;
    sha: string;
    task: string;
    environment: string;
    created_at: string;
}

/** The deploy workflow's deployments of one stack, with their statuses, from `since - lookback` on. */
export async function collectDeployments(
    gh: GitHubClient,
    cache: EtagCache,
    repo: RepoRef,
    stack: string,
    since: number,
): Promise<DeploymentRecord[]> {
    const out: DeploymentRecord[] = [];
    for (let page = 1; page <= 1000; page++) {
        const list = await cache.get<ApiDeployment[]>(gh, "GET /repos/{owner}/{repo}/deployments", {
            ...repo,
            environment: stack,
            per_page: PER_PAGE,
            page,
        });
        for (const d of list) {
            if (d.task !== DEPLOY_TASK) continue;
            const statuses: { state: string; created_at: string }[] = [];
            for (let sp = 1; sp <= 100; sp++) {
                const s = await cache.get<{ state: string; created_at: string }[]>(
                    gh,
                    "GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses",
                    {
                        ...repo,
                        deployment_id: d.id,
                        per_page: PER_PAGE,
                        page: sp,
                    },
                );
                statuses.push(...s);
                if (s.length < PER_PAGE) break;
            }
            out.push({
                id: d.id,
                environment: stack,
                sha: d.sha,
                createdAt: Date.parse(d.created_at),
                statuses: statuses.map((s) => ({ state: s.state, at: Date.parse(s.created_at) })),
            });
        }
        // Newest first: a page that ends before the lookback has everything older too.
        const last = list.at(-1);
        if (list.length < PER_PAGE || (last && Date.parse(last.created_at) < since - LOOKBACK_MS)) break;
    }
    return out;
}

/** Commit times of the given SHAs (cached: a commit's time never changes). */
export async function collectCommitTimes(
    gh: GitHubClient,
    cache: EtagCache,
    repo: RepoRef,
    shas: string[],
): Promise<Map<string, number>> {
    const times = new Map<string, number>();
    for (const sha of [...new Set(shas)]) {
        try {
            const c = await cache.get<{ commit: { committer?: { date?: string }; author?: { date?: string } } }>(
                gh,
                "GET /repos/{owner}/{repo}/commits/{ref}",
                {
                    ...repo,
                    ref: sha,
                },
            );
            const at = Date.parse(c.commit.committer?.date ?? c.commit.author?.date ?? "");
            if (Number.isFinite(at)) times.set(sha, at);
        } catch (e) {
            // A commit GitHub no longer has (a force-push) only leaves its lead time out.
            if ((e as { status?: number }).status !== 422 && (e as { status?: number }).status !== 404) throw e;
        }
    }
    return times;
}

/** The PR workflow's finished runs in the window; for each failed one, which jobs failed. */
export async function collectPrRuns(
    gh: GitHubClient,
    cache: EtagCache,
    repo: RepoRef,
    workflowFile: string,
    since: number,
    until: number,
): Promise<PrRunRecord[]> {
    const out: PrRunRecord[] = [];
    const created = `${new Date(since).toISOString()}..${new Date(until).toISOString()}`;
    for (let page = 1; page <= 1000; page++) {
        const r = await cache.get<{ workflow_runs: { id: number; created_at: string; conclusion: string | null }[] }>(
            gh,
            "GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs",
            {
                ...repo,
                workflow_id: workflowFile,
                status: "completed",
                created,
                per_page: PER_PAGE,
                page,
            },
        );
        for (const run of r.workflow_runs) {
            let failedJobs: string[] = [];
            if (run.conclusion === "failure") {
                const jobs = await cache.get<{ jobs: { name: string; conclusion: string | null }[] }>(
                    gh,
                    "GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs",
                    {
                        ...repo,
                        run_id: run.id,
                        per_page: PER_PAGE,
                    },
                );
                failedJobs = jobs.jobs.filter((j) => j.conclusion === "failure").map((j) => j.name);
            }
            out.push({ id: run.id, createdAt: Date.parse(run.created_at), conclusion: run.conclusion, failedJobs });
        }
        if (r.workflow_runs.length < PER_PAGE) break;
    }
    return out;
}

/** The gate's rollbacks from its decision records (`*.json` files under `dir`, any depth). */
export function readGateRollbacks(dir: string): { rollbacks: RollbackRecord[]; unreadable: number } {
    const rollbacks: RollbackRecord[] = [];
    let unreadable = 0;
    const walk = (d: string) => {
        for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
            const full = path.join(d, entry.name);
            if (entry.isDirectory()) walk(full);
            else if (entry.name.endsWith(".json")) {
                try {
                    const r = JSON.parse(fs.readFileSync(full, "utf8")) as {
                        decision?: string;
                        stack?: string;
                        finishedAt?: string;
                    };
                    if (r.decision === "rolled-back" && typeof r.stack === "string" && typeof r.finishedAt === "string")
                        rollbacks.push({ environment: r.stack, at: Date.parse(r.finishedAt), source: "gate" });
                } catch {
                    unreadable++;
                }
            }
        }
    };
    walk(dir);
    return { rollbacks, unreadable };
}

/** Railway's rollback deployments of a stack's app services (its environment is the stack file's). */
export async function collectRailwayRollbacks(
    stack: string,
    projectId: string,
    config: ParsedStackConfig,
): Promise<RollbackRecord[]> {
    const out: RollbackRecord[] = [];
    for (const svc of config.railway.services.filter((s) => s.kind !== "datastore")) {
        const target = await resolveTarget(config.railway.apiUrl, projectId, config.railway.environment, svc.name);
        for (const d of await listDeployments(target))
            if (rolledBackTo(d)) out.push({ environment: stack, at: Date.parse(d.createdAt), source: "railway" });
    }
    return out;
}
