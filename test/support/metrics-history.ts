/**
 * A deployment history whose delivery figures are known by construction (the expected values are
 * worked out beside each record), seeded into the fake GitHub, with the gate's decision record of
 * one rollback. Used by the metrics tests and the dashboard's browser test.
 *
 * Window: 2026-10-05 (a Monday) to 2026-11-02, four weeks. Minutes after the window opens are `m()`.
 */
import * as fs from "fs";
import * as path from "path";
import { DEPLOY_TASK } from "../../scripts/github/deployments";
import type { FakeGitHub } from "../../tools/fakes/github/server";

export const WINDOW = { since: "2026-10-05", until: "2026-11-02", now: Date.parse("2026-11-27T12:00:00Z") };
const T0 = Date.parse("2026-10-05T00:00:00Z");
const MIN = 60_000;
const m = (minutes: number) => new Date(T0 + minutes * MIN).toISOString();
const DAY = 24 * 60;

let shaCounter = 0;
const sha = () => (++shaCounter).toString(16).padStart(40, "a");

function deploy(
    gh: FakeGitHub,
    env: string,
    startMin: number,
    statuses: [string, number][],
    commitBeforeSuccessMin?: number,
): void {
    const s = sha();
    const d = gh.addDeployment("ainative", "platform", { environment: env, sha: s, createdAt: m(startMin) });
    d.task = DEPLOY_TASK;
    d.statuses.push({
        id: gh.newId(),
        state: "in_progress",
        description: "",
        environment: env,
        creator: d.creator,
        created_at: m(startMin),
    });
    for (const [state, after] of statuses)
        d.statuses.push({
            id: gh.newId(),
            state,
            description: "",
            environment: env,
            creator: d.creator,
            created_at: m(startMin + after),
        });
    const success = statuses.find(([state]) => state === "success");
    if (success && commitBeforeSuccessMin !== undefined)
        gh.addCommit("ainative", "platform", s, m(startMin + success[1] - commitBeforeSuccessMin));
}

/** The expected figures (see the comments in {@link seedHistory} for how each is made). */
export const EXPECTED = {
    staging: {
        deploymentFrequency: 1.5,
        successRate: 85.71,
        changeFailureRate: 14.29,
        duration: 8,
        records: 7,
        // The day-5 success fixes the day-4 failure: 1 of 7.
        rework: { rate: 14.29, rollbacks: 0, fixes: 1 },
    },
    production: {
        deploymentFrequency: 1.25,
        successRate: 57.14,
        changeFailureRate: 42.86,
        timeToRestore: { mean: 51, median: 30, p90: 120, records: 3 },
        leadTime: { median: 2, records: 5 },
        duration: { median: 12, records: 6 },
        records: 7,
        // P3, P5 and P7 fix P2, P4 and P6; P4's rollback is a deployment too: 4 of 7 + 1.
        rework: { rate: 50, rollbacks: 1, fixes: 3, weekly: [33.33, 66.67, 50, null] },
    },
    caughtBeforeProduction: { value: 57.14, prChecks: 3, staging: 1, production: 3, records: 7 },
    counts: { deployments: 14, prRuns: 10, rollbacks: 1 },
};

/** Seeds the fake GitHub; returns the folder holding the gate's decision records. */
export function seedHistory(gh: FakeGitHub, gateDir: string): void {
    gh.repo("ainative", "platform");
    // Staging: six successes of 4..14 minutes (median 8), one failure after 5 minutes: 6/7 succeeded.
    [4, 6, 8].forEach((dur, i) => deploy(gh, "staging", DAY * (i + 1), [["success", dur]]));
    deploy(gh, "staging", DAY * 4, [["failure", 5]]);
    [10, 12, 14].forEach((dur, i) => deploy(gh, "staging", DAY * (i + 5), [["success", dur]]));
    // Production, seven finished: P1 ok (10 min, commit 2 h before), P2 fails at 5 min and P3
    // (1 h lead) succeeds 3 min later: restored in 3 min.
    deploy(gh, "production", DAY * 2, [["success", 10]], 120);
    deploy(gh, "production", DAY * 3, [["failure", 5]]);
    deploy(gh, "production", DAY * 3 + 8 - 12, [["success", 12]], 60); // success at DAY*3 + 8: 3 min after P2's failure
    // P4 succeeds (15 min, 3 h lead); the gate rolls it back at +40; P5, 2 h after the rollback, restores (0.5 h lead).
    deploy(gh, "production", DAY * 10, [["success", 15]], 180);
    deploy(gh, "production", DAY * 10 + 40 + 120 - 20, [["success", 20]], 30);
    // P6 never finishes; P7 succeeds 30 min after P6 began (25 min, 4 h lead): restored in 30 min.
    deploy(gh, "production", DAY * 20, []);
    deploy(gh, "production", DAY * 20 + 5, [["success", 25]], 240);
    // Outside the window: before it, and after it.
    deploy(gh, "production", -DAY * 20, [["success", 9]], 10);
    deploy(gh, "production", DAY * 30, [["success", 9]], 10);
    // 250 deployments GitHub Actions made for `environment:` jobs (another task): pages to read past.
    for (let i = 0; i < 250; i++)
        gh.addDeployment("ainative", "platform", { environment: "production", createdAt: m(DAY * 12 + i) });
    // The gate's rollback of P4.
    fs.mkdirSync(gateDir, { recursive: true });
    fs.writeFileSync(
        path.join(gateDir, "web-rollback.json"),
        JSON.stringify({
            version: 1,
            stack: "production",
            service: "web",
            decision: "rolled-back",
            startedAt: m(DAY * 10 + 20),
            finishedAt: m(DAY * 10 + 40),
            exitCode: 1,
        }),
    );
    fs.writeFileSync(
        path.join(gateDir, "web-healthy.json"),
        JSON.stringify({
            version: 1,
            stack: "production",
            service: "web",
            decision: "healthy",
            startedAt: m(DAY * 2),
            finishedAt: m(DAY * 2 + 10),
            exitCode: 0,
        }),
    );
    // PR workflow: ten runs in the window, three failed (policy, test, preview); one failure before the window.
    for (let i = 0; i < 10; i++)
        gh.addWorkflowRun("ainative", "platform", {
            workflowFile: "pr.yml",
            headSha: sha(),
            createdAt: m(DAY * (i + 1) + 30),
            conclusion: i < 3 ? "failure" : "success",
            jobs: [
                { name: "test", conclusion: i === 1 ? "failure" : "success" },
                { name: "policy (production)", conclusion: i === 0 ? "failure" : "success" },
                { name: "preview (production)", conclusion: i === 2 ? "failure" : "success" },
            ],
        });
    gh.addWorkflowRun("ainative", "platform", {
        workflowFile: "pr.yml",
        headSha: sha(),
        createdAt: m(-DAY),
        conclusion: "failure",
        jobs: [{ name: "test", conclusion: "failure" }],
    });
}
