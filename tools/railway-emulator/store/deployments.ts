/**
 * Deployments: what starts one, their lifecycle on the clock, pushes and Check Suites, rollbacks
 * that restore the target's image and variables, and Railway's `meta` of each.
 */
import { randomUUID } from "crypto";
import { LogKind, LogLine, stageLines } from "../signals";
import { InstanceRec, DeploymentOutcome, DeploymentRec, notFound, badInput, headCommit, key } from "../model";
import { StoreBase } from "./base";

export abstract class DeploymentsStore extends StoreBase {
    /**
     * Starts a deployment of the service's current source and settings with its current variables,
     * when it has a source; a deployment without a source is not possible (returns undefined).
     */
    tryDeploy(
        serviceId: string,
        environmentId: string,
        reason: DeploymentRec["reason"],
        commitSha?: string,
    ): DeploymentRec | undefined {
        const i = this.instance(serviceId, environmentId);
        if (!i.source?.image && !i.source?.repo) return undefined;
        return this.deploy(serviceId, environmentId, reason, commitSha);
    }

    deploy(
        serviceId: string,
        environmentId: string,
        reason: DeploymentRec["reason"],
        commitSha?: string,
        extra: Partial<DeploymentRec> = {},
    ): DeploymentRec {
        const s = this.service(serviceId);
        const i = this.instance(serviceId, environmentId);
        // Code uploaded by `railway up` deploys whatever the service's source (it is the source).
        if (!extra.upload && !i.source?.image && !i.source?.repo)
            throw badInput("Service has no source to deploy: connect a repository or set an image");
        let repo: string | undefined;
        let branch: string | undefined;
        let commitHash: string | undefined;
        if (!extra.upload && i.source?.repo) {
            repo = i.source.repo;
            branch = this.trigger(serviceId, environmentId)?.branch ?? "main";
            const known = this.commitsOf(repo, branch);
            // A named commit may be on any branch of the repository (Railway asks GitHub for it).
            const inRepo = [...this.commits.entries()]
                .filter(([k]) => k.startsWith(`${repo}#`))
                .some(([, shas]) => commitSha !== undefined && shas.includes(commitSha));
            if (commitSha && !inRepo) throw badInput(`Commit not found: ${commitSha}`);
            commitHash = commitSha ?? known[known.length - 1];
        }
        // A deployment still building when a newer one starts is skipped, as Railway does.
        for (const d of this.deploymentsOf(serviceId, environmentId)) {
            if (["INITIALIZING", "BUILDING", "QUEUED", "WAITING"].includes(this.status(d))) d.skipped = true;
        }
        const last = Math.max(0, ...[...this.deployments.values()].map((d) => d.createdAt));
        const { outcome, lines: outcomeLines } = this.takeOutcome(serviceId);
        const d: DeploymentRec = {
            id: randomUUID(),
            projectId: s.projectId,
            serviceId,
            environmentId,
            // Strictly increasing creation times keep "newest" well defined within one millisecond.
            createdAt: Math.max(this.now(), last + 1),
            snapshotId: randomUUID(),
            variables: { ...this.vars(serviceId, environmentId) },
            image: extra.upload ? undefined : i.source?.image,
            repo,
            branch,
            commitHash,
            reason,
            outcome,
            outcomeLines,
            manifest: this.manifestOf(i, repo, branch, !!extra.upload),
            ...extra,
        };
        this.deployments.set(d.id, d);
        return d;
    }

    /** The outcome a test asked for the service's next deployment, if any (consumed). */
    private takeOutcome(serviceId: string): { outcome?: DeploymentOutcome; lines?: string[] } {
        const pending = this.pendingOutcomes.findIndex((o) => !o.serviceId || o.serviceId === serviceId);
        if (pending < 0) return {};
        const { outcome, lines } = this.pendingOutcomes[pending];
        if (--this.pendingOutcomes[pending].count <= 0) this.pendingOutcomes.splice(pending, 1);
        return { outcome, lines };
    }

    /** An instance's deploy settings as Railway shows them, in a deployment's manifest and in the environment's config alike. */
    deploySettings(i: InstanceRec): Record<string, unknown> {
        return {
            startCommand: i.startCommand ?? null,
            preDeployCommand: i.preDeployCommand ?? null,
            healthcheckPath: i.healthcheckPath ?? null,
            healthcheckTimeout: i.healthcheckTimeout ?? null,
            multiRegionConfig: structuredClone(i.multiRegionConfig),
            cronSchedule: i.cronSchedule ?? null,
            restartPolicyType: i.restartPolicyType,
            restartPolicyMaxRetries: i.restartPolicyMaxRetries,
            sleepApplication: i.sleepApplication ?? false,
            overlapSeconds: i.overlapSeconds ?? null,
            drainingSeconds: i.drainingSeconds ?? null,
        };
    }

    private manifestOf(i: InstanceRec, repo?: string, branch?: string, uploaded = false): Record<string, unknown> {
        return {
            source: uploaded
                ? { upload: true }
                : i.source?.image
                  ? { image: i.source.image }
                  : { repo, branch, rootDirectory: i.rootDirectory ?? null },
            build: { buildCommand: i.buildCommand ?? null, watchPatterns: i.watchPatterns },
            deploy: this.deploySettings(i),
        };
    }

    /** A deployment's build or deploy log lines so far: its stages on the clock, then what tests added. */
    logLines(d: DeploymentRec, kind: LogKind): LogLine[] {
        return [...stageLines(d, kind, this.status(d), this.deployStageMs), ...this.signals.extraLinesOf(d.id, kind)];
    }

    /** The deployment serving the service at `at` (SUCCESS or SLEEPING then), if any. */
    liveDeploymentAt(serviceId: string, environmentId: string, at: number): DeploymentRec | undefined {
        return this.deploymentsOf(serviceId, environmentId)
            .filter((d) => ["SUCCESS", "SLEEPING", "REMOVING"].includes(this.status(d, at)))
            .sort((a, b) => b.createdAt - a.createdAt)[0];
    }

    seedHistory(serviceId: string, environmentId: string, count: number): DeploymentRec[] {
        const span = 5 * this.deployStageMs;
        return Array.from({ length: count }, (_, i) =>
            this.deploy(serviceId, environmentId, "deploy", undefined, {
                createdAt: this.now() - (count - i) * span - span,
            }),
        );
    }

    commitsOf(repo: string, branch: string): string[] {
        const k = `${repo}#${branch}`;
        if (!this.commits.has(k)) this.commits.set(k, [headCommit(repo, branch)]);
        return this.commits.get(k)!;
    }

    /**
     * A push to a branch: a new head commit, deployed wherever a trigger follows that branch; where
     * the trigger has Check Suites on, the deployment waits (WAITING) for {@link checksConcluded}.
     */
    push(repo: string, branch: string, sha: string): DeploymentRec[] {
        this.commitsOf(repo, branch).push(sha);
        const made: DeploymentRec[] = [];
        for (const t of this.triggers.values()) {
            if (t.repository === repo && t.branch === branch && this.hasInstance(t.serviceId, t.environmentId))
                made.push(
                    this.deploy(
                        t.serviceId,
                        t.environmentId,
                        "push",
                        sha,
                        t.checkSuites ? { heldForChecks: true } : {},
                    ),
                );
        }
        return made;
    }

    /**
     * The commit's GitHub workflows finished (what GitHub tells Railway): the deployments held for
     * them proceed when all passed, and are skipped when one failed (Railway's docs, "Check Suites").
     */
    checksConcluded(sha: string, passed: boolean): DeploymentRec[] {
        const held = [...this.deployments.values()].filter((d) => d.heldForChecks && d.commitHash === sha);
        for (const d of held) {
            d.heldForChecks = false;
            if (passed) d.createdAt = Math.max(this.now(), d.createdAt);
            else d.skipped = true;
        }
        return held;
    }

    deploymentsOf(serviceId: string, environmentId: string): DeploymentRec[] {
        return [...this.deployments.values()].filter(
            (d) => d.serviceId === serviceId && d.environmentId === environmentId,
        );
    }

    deployment(id: string): DeploymentRec {
        const d = this.deployments.get(id);
        if (!d) throw notFound("Deployment");
        return d;
    }

    /** When a deployment went live (its stage clock reached SUCCESS), or undefined if it never did. */
    private wentLiveAt(d: DeploymentRec, now: number): number | undefined {
        if (d.fixedStatus)
            return ["SUCCESS", "SLEEPING", "REMOVED", "REMOVING"].includes(d.fixedStatus) ? d.createdAt : undefined;
        if (d.skipped || d.outcome) return undefined;
        const at = d.createdAt + 3 * this.deployStageMs;
        return now >= at ? at : undefined;
    }

    /**
     * INITIALIZING → BUILDING → DEPLOYING → SUCCESS on the clock (a sleeping app then SLEEPING); a
     * failed build is FAILED, a crashing start CRASHED; superseded while building, SKIPPED; replaced by
     * a newer live deployment, REMOVING and then REMOVED.
     */
    status(d: DeploymentRec, now = this.now()): string {
        if (d.fixedStatus) return d.fixedStatus;
        if (d.removed) return "REMOVED";
        if (d.skipped) return "SKIPPED";
        if (d.heldForChecks) return "WAITING";
        const st = this.deployStageMs;
        const t = now - d.createdAt;
        if (t < st) return "INITIALIZING";
        if (t < 2 * st) return "BUILDING";
        if (d.outcome === "FAILED") return "FAILED";
        if (t < 3 * st) return "DEPLOYING";
        if (d.outcome === "CRASHED") return "CRASHED";
        const live = d.createdAt + 3 * st;
        const replacedAt = this.deploymentsOf(d.serviceId, d.environmentId)
            .filter((o) => o !== d && o.createdAt > d.createdAt)
            .map((o) => this.wentLiveAt(o, now))
            .filter((at): at is number => at !== undefined && at >= live)
            .sort((a, b) => a - b)[0];
        if (replacedAt !== undefined) return now - replacedAt < st ? "REMOVING" : "REMOVED";
        if ((d.manifest.deploy as { sleepApplication?: boolean })?.sleepApplication && t >= 5 * st) return "SLEEPING";
        return "SUCCESS";
    }

    /** Railway can roll back to a deployment that was live, is no longer, and is within image retention. */
    canRollback(d: DeploymentRec): boolean {
        const s = this.status(d);
        return (
            (s === "REMOVED" || s === "REMOVING") &&
            this.wentLiveAt(d, this.now()) !== undefined &&
            this.now() - d.createdAt <= this.rollbackRetentionMs
        );
    }

    /**
     * deploymentRollback: a new deployment of the target's image and settings, and the target's
     * variables restored on the service (so they no longer match what was last applied).
     */
    rollback(id: string): DeploymentRec {
        const target = this.deployment(id);
        if (!this.canRollback(target)) throw badInput("Deployment cannot be rolled back");
        this.variables.set(key(target.serviceId, target.environmentId), { ...target.variables });
        const last = Math.max(0, ...[...this.deployments.values()].map((d) => d.createdAt));
        for (const d of this.deploymentsOf(target.serviceId, target.environmentId)) {
            if (["INITIALIZING", "BUILDING"].includes(this.status(d))) d.skipped = true;
        }
        const d: DeploymentRec = {
            ...structuredClone(target),
            id: randomUUID(),
            createdAt: Math.max(this.now(), last + 1),
            fixedStatus: undefined,
            skipped: undefined,
            // A rollback is a deployment too: it can fail (a test asks for it the same way).
            ...(({ outcome, lines }) => ({ outcome, outcomeLines: lines }))(this.takeOutcome(target.serviceId)),
            reason: "rollback",
            rollbackOf: target.id,
        };
        this.deployments.set(d.id, d);
        return d;
    }

    /** Railway's `meta` of a deployment. */
    meta(d: DeploymentRec): Record<string, unknown> {
        return {
            reason: d.reason,
            serviceManifest: d.manifest,
            ...(d.image ? { image: d.image } : {}),
            ...(d.repo ? { repo: d.repo, branch: d.branch, commitHash: d.commitHash } : {}),
            ...(d.rollbackOf ? { rollbackTargetDeploymentId: d.rollbackOf } : {}),
            // Railway shows an upload's `--message` where a commit's message goes.
            ...(d.upload ? { fileCount: d.upload.files.length, commitMessage: d.upload.message ?? null } : {}),
        };
    }
}
