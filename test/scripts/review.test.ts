/**
 * `npm run review`'s parts that need no engine: the cap and the sweeper's verdicts, the stack file
 * made from the base's, the comment, and the command's refusals (forks, bad names).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { reviewCommand } from "../../scripts/commands/review";
import { canaryUp } from "../../scripts/review/canary";
import { REVIEW_MARKER, renderReviewComment } from "../../scripts/review/comment";
import { whyFailed } from "../../scripts/engine/why-failed";
import { reviewSweep, reviewUp } from "../../scripts/review/run";
import { capDecision, sweepVerdicts } from "../../scripts/review/decide";
import { gateJudges, reviewSettings, reviewStackFile } from "../../scripts/review/stack-file";
import { captureIO } from "../support/capture";
import { REPO_ROOT } from "../support/stack-files";

const DAY = 86_400_000;
const REVIEW = { pullRequest: 7, branch: "feature/x", repository: "ainative/platform", base: "staging" };

describe("review environments: the cap", () => {
    const listed = (...names: string[]) => names.map((name) => ({ name }));

    it("counts only pr-<n> stacks; a new one fits while fewer than the cap exist", () => {
        assert.deepEqual(capDecision(listed("staging", "production", "pr-1"), "pr-2", 2), { allowed: true });
        const refused = capDecision(listed("staging", "pr-1", "pr-3"), "pr-2", 2);
        assert.equal(refused.allowed, false);
        assert.match(
            (refused as { reason: string }).reason,
            /2 review environments exist \(pr-1, pr-3\) and the cap is 2/,
        );
    });

    it("an existing one always may update, past the cap too", () => {
        assert.deepEqual(capDecision(listed("pr-1", "pr-2", "pr-3"), "pr-2", 2), { allowed: true });
    });

    it("counted again after its creation, two opened at once are both refused rather than both kept", () => {
        const both = listed("pr-1", "pr-2", "pr-3");
        assert.equal(capDecision(both, "pr-2", 2, true).allowed, false);
        assert.equal(capDecision(both, "pr-3", 2, true).allowed, false);
        assert.equal(capDecision(listed("pr-1", "pr-2"), "pr-2", 2, true).allowed, true);
    });
});

describe("review environments: the sweeper's verdicts", () => {
    const now = new Date("2026-12-10T00:00:00Z");
    const ago = (days: number) => new Date(now.getTime() - days * DAY).toISOString();

    it("destroys past the idle limit from the last update, keeps the rest, and never touches other stacks", () => {
        const v = sweepVerdicts(
            [
                { name: "pr-1", lastUpdate: ago(8) },
                { name: "pr-2", lastUpdate: ago(6.9) },
                { name: "staging", lastUpdate: ago(100) },
            ],
            now,
            7,
        );
        assert.deepEqual(
            v.map((x) => [x.stack, x.action]),
            [
                ["pr-1", "destroy"],
                ["pr-2", "keep"],
            ],
        );
    });

    it("could not decide, and keeps, what has no readable last update or is being updated", () => {
        const v = sweepVerdicts(
            [
                { name: "pr-1" },
                { name: "pr-2", lastUpdate: "yesterday-ish" },
                { name: "pr-3", lastUpdate: ago(30), updateInProgress: true },
            ],
            now,
            7,
        );
        assert.deepEqual(
            v.map((x) => x.action),
            ["could not decide", "could not decide", "could not decide"],
        );
    });
});

describe("review environments: the stack file", () => {
    const staging = fs.readFileSync(`${REPO_ROOT}/Pulumi.staging.yaml`, "utf8");

    it("is staging's, encryption and secrets included, plus `review`, without the base's own review settings", () => {
        const base = parse(staging);
        const made = parse(reviewStackFile(staging, "staging", REVIEW));
        assert.equal(made.encryptionsalt, base.encryptionsalt);
        assert.deepEqual(made.config["ainative-platform:secrets"], base.config["ainative-platform:secrets"]);
        assert.deepEqual(made.config["ainative-platform:review"], REVIEW);
        assert.equal(made.config["ainative-platform:reviewEnvironments"], undefined);
    });

    it("reads the cap and idle days from the base, refuses a review stack's file as a base, and names bad settings", () => {
        assert.deepEqual(reviewSettings(staging, "staging"), { max: 5, idleDays: 7 });
        assert.deepEqual(reviewSettings("config:\n  a: b\n", "x"), { max: 5, idleDays: 7 }, "the defaults");
        assert.throws(
            () => reviewStackFile(reviewStackFile(staging, "staging", REVIEW), "pr-7", REVIEW),
            /itself a derived environment's \(it has ainative-platform:review\)/,
        );
        assert.throws(
            () => reviewSettings("config:\n  ainative-platform:reviewEnvironments:\n    max: 0\n", "staging"),
            /ainative-platform:reviewEnvironments\.max: /,
        );
        assert.equal(gateJudges(staging, "staging"), true);
        const gateOff = staging.replace(
            "  ainative-platform:gate:\n",
            "  ainative-platform:gate:\n    enabled: false\n",
        );
        assert.notEqual(gateOff, staging);
        assert.equal(gateJudges(gateOff, "staging"), false);
    });
});

describe("review environments: the comment", () => {
    const at = new Date("2026-12-03T10:00:00Z");

    it("carries its marker first, the URLs and the gate's verdict", () => {
        const body = renderReviewComment({
            state: "deployed",
            stack: "pr-7",
            judged: true,
            urls: { web: ["https://web-pr-7.up.railway.app"], worker: [] },
            branch: "feature/x",
            commit: "0123456789abcdef",
            at,
            idleDays: 7,
        });
        assert.equal(body.split("\n")[0], REVIEW_MARKER);
        assert.match(body, /health gate passed/);
        assert.match(body, /\| `web` \| `https:\/\/web-pr-7\.up\.railway\.app` \|/);
        assert.doesNotMatch(body, /worker/, "a service without a URL has no row");
        assert.match(body, /after 7 days without a push/);
    });

    it("a hostile branch name or failure text cannot break out of its code span or fence", () => {
        const body = renderReviewComment({
            state: "failed",
            stack: "pr-7",
            judged: false,
            urls: {},
            branch: "x`<script>`\n# heading",
            at,
            idleDays: 7,
            details: "line\n```\n# injected\n" + "y".repeat(5000),
        });
        assert.match(body, /`x'<script>''# heading`/);
        assert.equal(body.match(/```/g)!.length, 2, "one fence, opened and closed");
        assert.ok(body.length < 3000, "bounded");
    });
});

describe("review environments: why an up failed", () => {
    it("names the engine's errors, not the stack outputs that end its output", () => {
        const stdout = [
            "Updating (pr-1):",
            " +  railway:index:ServiceInstance platform-web **creating failed** error: railway: writing the settings failed",
            "Diagnostics:",
            "  railway:index:ServiceInstance (platform-web):",
            "    error: railway: writing the settings failed",
            "  pulumi:pulumi:Stack (ainative-platform-pr-1):",
            "    error: update failed",
            "Outputs:",
            ...Array.from({ length: 40 }, (_, i) => `    output${i}: "value"`),
            "Resources:",
            "    17 unchanged",
            "    2 errored",
        ].join("\n");
        const why = whyFailed({ code: 1, stdout, stderr: "" });
        assert.match(why, /^error: railway: writing the settings failed$/m);
        assert.match(why, /^error: update failed$/m);
        assert.match(why, /creating failed/);
        assert.doesNotMatch(why, /output\d+/);
        assert.equal(why.split("\n").length, 3, why);
        // Nothing that looks like an error: the last lines, as before.
        assert.match(whyFailed({ code: 1, stdout: "a\nb\nc", stderr: "" }), /c$/);
    });
});

describe("review environments: the sweeper asks GitHub", () => {
    const now = new Date("2026-12-03T10:00:00Z");
    const fresh = new Date(now.getTime() - DAY).toISOString();
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "review-sweep-"));
    fs.copyFileSync(`${REPO_ROOT}/Pulumi.staging.yaml`, path.join(cwd, "Pulumi.staging.yaml"));
    const run = async (open: Record<number, boolean | undefined> | undefined) => {
        const calls: string[][] = [];
        const progress: string[] = [];
        const listed = [1, 2, 3].map((n) => ({ name: `pr-${n}`, lastUpdate: fresh }));
        const swept = await reviewSweep(
            {
                cwd,
                now: () => now,
                progress: (l) => progress.push(l),
                pulumi: async (args) => {
                    calls.push(args);
                    return {
                        code: 0,
                        stdout: args[0] === "stack" && args[1] === "ls" ? JSON.stringify(listed) : "",
                        stderr: "",
                    };
                },
                pullRequestOpen: open ? async (pr) => open[pr] : undefined,
            },
            { base: "staging", repository: "ainative/platform" },
        );
        const destroyedStacks = calls.filter((a) => a[0] === "destroy").map((a) => a[a.indexOf("--stack") + 1]);
        return { swept, destroyedStacks, progress };
    };

    it("a closed pull request's environment goes now, an open one's stays until idle, and an unknown one is said", async () => {
        const r = await run({ 1: true, 2: false, 3: undefined });
        assert.deepEqual(r.destroyedStacks, ["pr-2"]);
        assert.deepEqual(
            r.swept.verdicts.map((v) => [v.stack, v.action]),
            [
                ["pr-1", "keep"],
                ["pr-2", "destroy"],
                ["pr-3", "keep"],
            ],
        );
        assert.ok(r.progress.some((l) => /GitHub could not say whether #3 is open; going by the idle limit/.test(l)));
    });

    it("without GitHub, the idle limit alone decides", async () => {
        assert.deepEqual((await run(undefined)).destroyedStacks, []);
    });
});

describe("review and canary runs: a base file that cannot be one is 'could not decide', before any engine run", () => {
    const staging = fs.readFileSync(`${REPO_ROOT}/Pulumi.staging.yaml`, "utf8");
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "review-base-"));
    // A review stack's file given as the base: the stack-file layer refuses it.
    fs.writeFileSync(path.join(cwd, "Pulumi.staging.yaml"), reviewStackFile(staging, "staging", REVIEW));
    const calls: string[][] = [];
    const deps = {
        cwd,
        pulumi: async (args: string[]) => {
            calls.push(args);
            return { code: 0, stdout: "[]", stderr: "" };
        },
        progress: () => {},
        now: () => new Date("2026-12-03T10:00:00Z"),
    };

    it("up, destroy and the canary each say why, and run nothing", async () => {
        const up = await reviewUp(deps, REVIEW);
        assert.equal(up.result, "could not decide");
        assert.match((up as { reason: string }).reason, /itself a derived environment's/);
        const canary = await canaryUp(deps, { base: "staging", repository: REVIEW.repository, commit: "0123456" });
        assert.equal(canary.result, "could not decide");
        assert.deepEqual(
            calls.filter((a) => a[0] !== "stack" || a[1] !== "ls"),
            [],
            "no stack made, no update",
        );
    });
});

describe("npm run review: refusals before anything runs", () => {
    const run = async (args: string[]) => {
        const io = captureIO();
        return { code: await reviewCommand(args, io, REPO_ROOT, { PATH: "" }), io };
    };

    it("a fork's pull request never gets one", async () => {
        const { code, io } = await run([
            "up",
            "--pr",
            "7",
            "--branch",
            "main",
            "--repo",
            "ainative/platform",
            "--head-repo",
            "someone/platform",
        ]);
        assert.equal(code, 2);
        assert.match(io.all(), /a fork of ainative\/platform: pull requests from forks never get a review environment/);
    });

    it("names a branch that is not a git ref name, and a missing subcommand", async () => {
        const bad = await run(["up", "--pr", "7", "--branch", "a..b", "--repo", "ainative/platform"]);
        assert.equal(bad.code, 2);
        assert.match(bad.io.all(), /--branch.*must be the pull request's head branch name/);
        const none = await run([]);
        assert.equal(none.code, 2);
        assert.match(none.io.all(), /Commands:\n\s+up \[options\]/, "the help, naming the subcommands");
    });
});

describe("the canary's verdict: only the health gate refuses a commit", () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "canary-verdict-"));
    fs.copyFileSync(`${REPO_ROOT}/Pulumi.production.yaml`, path.join(cwd, "Pulumi.production.yaml"));
    const canaryWith = (up: { code: number; stderr: string }) =>
        canaryUp(
            {
                cwd,
                pulumi: async (args: string[]) =>
                    args.includes("up")
                        ? { stdout: "", ...up }
                        : { code: 0, stdout: args.includes("ls") ? "[]" : "{}", stderr: "" },
                progress: () => {},
                now: () => new Date("2026-12-06T10:00:00Z"),
            },
            { base: "production", repository: REVIEW.repository, commit: "0123456789abcdef" },
        );

    it("an up that failed on Railway's lost answers judged nothing: could not decide, never 'failed'", async () => {
        const r = await canaryWith({
            code: 255,
            stderr: "error: Railway ServiceInstanceUpdate failed: Internal Server Error (HTTP 502, after 6 attempts)",
        });
        assert.equal(r.result, "could not decide");
        assert.match(
            (r as { reason: string }).reason,
            /failed before the health gate judged 0123456789ab, so nothing is known of the commit; run it again:\n.*ServiceInstanceUpdate failed/,
        );
    });

    it("the gate's refusal inside the up: failed", async () => {
        const r = await canaryWith({
            code: 255,
            stderr: "gate: rolled-back: the newest deployment d1 ended FAILED; no earlier deployment is live (exit 1)",
        });
        assert.equal(r.result, "failed");
    });
});
