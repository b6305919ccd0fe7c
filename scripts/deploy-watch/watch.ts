/**
 * Follows Railway deployments nobody started from here (a push that Railway deploys through its
 * trigger, a person's redeploy) until they settle: which ones, their outcome, and for a failed
 * build or a crash the end of its log. Bounded in time; what it cannot know is "could not decide".
 */
import type { Clock } from "../gate/clock";
import { Deployment, IN_PROGRESS, listDeployments, metaString, RailwayTarget } from "../gate/deployments";
import { failureLogs, FailureLogs, tail } from "../gate/failure-logs";
import { scrub } from "../gate/probes";

export const WATCH_EXIT = { healthy: 0, failed: 1, undecided: 2 } as const;

export interface WatchOptions {
    /** The services to follow, by name. */
    targets: { service: string; target: RailwayTarget }[];
    /** Only deployments of this commit (a prefix of its SHA) or branch, made at or after `sinceMs`. */
    commit?: string;
    branch?: string;
    sinceMs: number;
    timeoutMs: number;
    intervalMs: number;
    clock: Clock;
    secrets: string[];
    log: (line: string) => void;
    list?: (t: RailwayTarget) => Promise<Deployment[]>;
    /** Called once per deployment that failed or crashed, with its logs read: tells the team (`--report`). */
    onFailure?: (w: WatchedDeployment) => Promise<WatchedDeployment["notifications"]>;
}

export interface WatchedDeployment {
    service: string;
    id: string;
    status: string;
    commit?: string;
    branch?: string;
    failure?: FailureLogs;
    /** Who was told, per channel (`--report`); `skipped` when another reporter had told them already. */
    notifications?: Record<string, string>;
}

export interface WatchResult {
    exitCode: number;
    /** `held`: settled but for deployments Railway holds until the commit's checks finish (this watcher's among them). */
    outcome: "healthy" | "failed" | "held" | "undecided";
    reason: string;
    deployments: WatchedDeployment[];
}

export async function watchDeployments(o: WatchOptions): Promise<WatchResult> {
    const list = o.list ?? listDeployments;
    const deadline = o.clock.now() + o.timeoutMs;
    const seen = new Map<string, WatchedDeployment>();
    const matches = (d: Deployment) =>
        Date.parse(d.createdAt) >= o.sinceMs &&
        (!o.commit || (metaString(d, "commitHash") ?? "").startsWith(o.commit)) &&
        (!o.branch || metaString(d, "branch") === o.branch);
    for (;;) {
        for (const { service, target } of o.targets) {
            let all: Deployment[];
            try {
                all = await list(target);
            } catch (e) {
                return {
                    exitCode: WATCH_EXIT.undecided,
                    outcome: "undecided",
                    reason: `Railway unreachable while reading ${service}'s deployments: ${scrub((e as Error).message)}`,
                    deployments: [...seen.values()],
                };
            }
            for (const d of all.filter(matches)) {
                const known = seen.get(d.id);
                if (!known)
                    o.log(
                        `${service}: deployment ${d.id}${metaString(d, "commitHash") ? ` of ${metaString(d, "commitHash")!.slice(0, 7)}` : ""}: ${d.status}`,
                    );
                else if (known.status !== d.status) o.log(`${service}: deployment ${d.id}: ${d.status}`);
                const w: WatchedDeployment = known ?? {
                    service,
                    id: d.id,
                    status: d.status,
                    commit: metaString(d, "commitHash"),
                    branch: metaString(d, "branch"),
                };
                w.status = d.status;
                if (["FAILED", "CRASHED"].includes(d.status) && !w.failure) {
                    w.failure = await failureLogs(target, d, o.secrets);
                    o.log(
                        `${service}: deployment ${d.id} ended ${d.status}; ${tail(w.failure, w.failure.lines.length)}`,
                    );
                    if (o.onFailure) {
                        w.notifications = await o.onFailure(w);
                        if (w.notifications)
                            o.log(
                                `${service}: told ${Object.entries(w.notifications)
                                    .map(([channel, outcome]) => `${channel} (${outcome})`)
                                    .join(", ")}`,
                            );
                    }
                }
                seen.set(d.id, w);
            }
        }
        const watched = [...seen.values()];
        // WAITING is Railway holding a push for the commit's GitHub checks (its trigger's Check
        // Suites), and this watcher runs as one of those checks: waiting on it would wait on itself.
        const held = watched.filter((w) => w.status === "WAITING");
        const running = watched.filter((w) => IN_PROGRESS.includes(w.status) && w.status !== "WAITING");
        if (watched.length && !running.length) {
            const failed = watched.filter((w) => w.failure);
            if (!failed.length && held.length)
                return {
                    exitCode: WATCH_EXIT.healthy,
                    outcome: "held",
                    reason: `held by Railway until the commit's GitHub checks finish (Check Suites): ${held.map((w) => `${w.service} ${w.id}`).join(", ")}; they deploy only if every check passes`,
                    deployments: watched,
                };
            return failed.length
                ? {
                      exitCode: WATCH_EXIT.failed,
                      outcome: "failed",
                      reason: failed.map((w) => `${w.service}: deployment ${w.id} ended ${w.status}`).join("; "),
                      deployments: watched,
                  }
                : {
                      exitCode: WATCH_EXIT.healthy,
                      outcome: "healthy",
                      reason: `${watched.length} deployment(s) settled: ${watched.map((w) => `${w.service} ${w.status}`).join(", ")}`,
                      deployments: watched,
                  };
        }
        if (o.clock.now() >= deadline)
            return {
                exitCode: WATCH_EXIT.undecided,
                outcome: "undecided",
                reason: watched.length
                    ? `still running after ${Math.round(o.timeoutMs / 1000)} s: ${running.map((w) => `${w.service} ${w.id} (${w.status})`).join(", ")}`
                    : `no matching deployment appeared within ${Math.round(o.timeoutMs / 1000)} s`,
                deployments: watched,
            };
        await o.clock.sleep(Math.min(o.intervalMs, Math.max(0, deadline - o.clock.now())));
    }
}
