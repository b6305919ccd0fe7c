/**
 * The pipeline token rotation's decisions without the engine: what it refuses to start, and a lost
 * answer to `projectTokenCreate` (the token may exist, its value is shown only once): the token of
 * that name is deleted and nothing else changes.
 */
import { strict as assert } from "assert";
import { railwayRotateTokenCommand } from "../../scripts/commands/railway-rotate-token";
import { RailwayCall, rotateProjectToken } from "../../scripts/rotation/project-token";
import type { RunPulumi } from "../../scripts/engine/engine";
import { captureIO } from "../support/capture";

describe("railway:rotate-token: refusals and lost answers", () => {
    const outputs = JSON.stringify({ railwayProjectId: "p1", railwayEnvironmentId: "e1" });
    const now = () => new Date("2026-12-03T10:00:00Z");

    it("needs an account or workspace token", async () => {
        const io = captureIO();
        assert.equal(await railwayRotateTokenCommand(["--stacks", "staging"], io, "/nonexistent", { PATH: "" }), 2);
        assert.match(io.all(), /RAILWAY_API_TOKEN is not set/);
    });

    it("could not decide on a stack whose outputs name no project and environment; calls Railway for nothing", async () => {
        const calls: string[] = [];
        const pulumi: RunPulumi = async () => ({ code: 0, stdout: "{}", stderr: "" });
        const railway: RailwayCall = async (op) => {
            calls.push(op);
            return {};
        };
        const r = await rotateProjectToken("staging", { pulumi, railway, progress: () => {}, now });
        assert.equal(r.result, "could not decide");
        assert.match((r as { reason: string }).reason, /run pulumi up --stack staging first/);
        assert.deepEqual(calls, []);
    });

    it("a lost answer to projectTokenCreate: the token of that name is deleted, the config untouched", async () => {
        const pulumiCalls: string[][] = [];
        const pulumi: RunPulumi = async (args) => {
            pulumiCalls.push(args);
            if (args[0] === "stack") return { code: 0, stdout: outputs, stderr: "" };
            return { code: 1, stdout: "", stderr: "config value not found" };
        };
        const tokens = [{ id: "old", name: "pipeline-staging-20261101T000000", environmentId: "e1" }];
        const deleted: string[] = [];
        const railway: RailwayCall = async (op, vars) => {
            if (op === "ProjectTokens")
                return {
                    projectTokens: {
                        edges: tokens.map((node) => ({ node })),
                        pageInfo: { hasNextPage: false, endCursor: null },
                    },
                };
            if (op === "ProjectTokenCreate") {
                const input = vars.input as { name: string };
                tokens.push({ id: "made", name: input.name, environmentId: "e1" });
                throw new Error("socket hang up");
            }
            if (op === "ProjectTokenDelete") {
                deleted.push(String(vars.id));
                return { projectTokenDelete: true };
            }
            throw new Error(`unexpected ${op}`);
        };
        const r = await rotateProjectToken("staging", { pulumi, railway, progress: () => {}, now });
        assert.equal(r.result, "could not decide");
        assert.match((r as { reason: string }).reason, /projectTokenCreate failed; nothing changed/);
        assert.deepEqual(deleted, ["made"], "the one made, never the old one");
        assert.ok(!pulumiCalls.some((a) => a.includes("set")), "the config was not touched");
    });

    /** Railway with one old pipeline token; `fail(op, n)` makes the nth call of op throw (after applying it, for a create). */
    function railwayWith(fail: (op: string, n: number) => boolean) {
        const tokens = [{ id: "old", name: "pipeline-staging-20261101T000000", environmentId: "e1" }];
        const deleted: string[] = [];
        const count: Record<string, number> = {};
        const railway: RailwayCall = async (op, vars) => {
            count[op] = (count[op] ?? 0) + 1;
            const boom = fail(op, count[op]);
            if (op === "ProjectTokens") {
                if (boom)
                    throw Object.assign(new Error("Railway ProjectTokens failed: HTTP 502"), {
                        name: "RailwayApiError",
                    });
                return {
                    projectTokens: {
                        edges: tokens.map((node) => ({ node })),
                        pageInfo: { hasNextPage: false, endCursor: null },
                    },
                };
            }
            if (op === "ProjectTokenCreate") {
                tokens.push({ id: "made", name: (vars.input as { name: string }).name, environmentId: "e1" });
                if (boom) throw Object.assign(new Error("socket hang up"), { name: "RailwayApiError" });
                return { projectTokenCreate: NEW_TOKEN };
            }
            if (op === "ProjectTokenDelete") {
                if (boom)
                    throw Object.assign(new Error("Railway ProjectTokenDelete failed: HTTP 503"), {
                        name: "RailwayApiError",
                    });
                deleted.push(String(vars.id));
                tokens.splice(
                    tokens.findIndex((t) => t.id === vars.id),
                    1,
                );
                return { projectTokenDelete: true };
            }
            if (op === "ProjectTokenScope") throw new Error(`Not Authorized (${NEW_TOKEN} refused)`);
            throw new Error(`unexpected ${op}`);
        };
        return { railway, tokens, deleted };
    }
    const NEW_TOKEN = "rw_new_token_9f2c4e1a7b3d5f60";
    const PREVIOUS = "rw_previous_token_1a2b3c4d5e6f";
    /** A stack whose config holds the previous token, and whose steps answer as `step` says. */
    const pulumiWith = (step: (args: string[]) => { code: number; stdout?: string; stderr?: string } | "throw") => {
        const calls: string[][] = [];
        const pulumi: RunPulumi = async (args) => {
            calls.push(args);
            if (args[0] === "stack") return { code: 0, stdout: outputs, stderr: "" };
            if (args[0] === "config" && args[1] === "get") return { code: 0, stdout: `${PREVIOUS}\n`, stderr: "" };
            const r = step(args);
            if (r === "throw") throw new Error("the engine could not be started (ENOMEM)");
            return { stdout: "", stderr: "", ...r };
        };
        return { pulumi, calls };
    };
    const reasonOf = (r: unknown) => (r as { reason: string }).reason;

    it("a lost answer to projectTokenCreate and Railway failing the lookup too: could not decide, the token named to delete, no crash", async () => {
        const { railway, tokens } = railwayWith(
            (op, n) => op === "ProjectTokenCreate" || (op === "ProjectTokens" && n >= 2),
        );
        const { pulumi, calls } = pulumiWith(() => ({ code: 0 }));
        const r = await rotateProjectToken("staging", { pulumi, railway, progress: () => {}, now });
        assert.equal(r.result, "could not decide");
        assert.match(
            reasonOf(r),
            /project token pipeline-staging-20261203T100000 may be left on Railway .*delete it in the project's settings \(Tokens\), or the next rotation of staging does/,
        );
        assert.ok(
            tokens.some((t) => t.name === "pipeline-staging-20261203T100000"),
            "it is still there, and said so",
        );
        assert.ok(!calls.some((a) => a.includes("set")), "the config was not touched");
    });

    it("the runner failing after the create (the engine cannot start): the new token deleted, could not decide, never a crash", async () => {
        const { railway, tokens, deleted } = railwayWith(() => false);
        let sets = 0;
        const { pulumi } = pulumiWith((args) => (args[1] === "set" && ++sets === 1 ? "throw" : { code: 0 }));
        const r = await rotateProjectToken("staging", { pulumi, railway, progress: () => {}, now });
        assert.equal(r.result, "could not decide");
        assert.match(reasonOf(r), /the rotation failed after the new token was made \(the engine could not be started/);
        assert.deepEqual(deleted, ["made"]);
        assert.deepEqual(
            tokens.map((t) => t.id),
            ["old"],
            "the old token still works",
        );
    });

    it("the new token refused and its delete failing: undone, the token left named, no value in the reason", async () => {
        const { railway } = railwayWith((op) => op === "ProjectTokenDelete");
        const preview = JSON.stringify({
            steps: [
                {
                    op: "same",
                    urn: "urn:pulumi:staging::p::ainative:github:Repository$github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret::x-drift-staging-RAILWAY_TOKEN",
                },
            ],
        });
        const { pulumi } = pulumiWith((args) => (args[0] === "preview" ? { code: 0, stdout: preview } : { code: 0 }));
        const r = await rotateProjectToken("staging", { pulumi, railway, progress: () => {}, now });
        assert.equal(r.result, "undone", reasonOf(r));
        assert.match(reasonOf(r), /the new token did not verify \(Not Authorized \(\[secret\] refused\)\)/);
        assert.match(reasonOf(r), /project token pipeline-staging-20261203T100000 may be left on Railway/);
        assert.ok(!reasonOf(r).includes(NEW_TOKEN) && !reasonOf(r).includes(PREVIOUS));
    });

    it("Railway failing before anything was made: could not decide, nothing changed, never a crash", async () => {
        const { railway } = railwayWith((op) => op === "ProjectTokens");
        const { pulumi, calls } = pulumiWith(() => ({ code: 0 }));
        const r = await rotateProjectToken("staging", { pulumi, railway, progress: () => {}, now });
        assert.equal(r.result, "could not decide");
        assert.match(reasonOf(r), /^nothing changed: Railway ProjectTokens failed: HTTP 502/);
        assert.ok(!calls.some((a) => a.includes("set")));
    });

    it("a stack with a Vault backup: the new token goes to Vault before the stack stores it; Vault refusing it stops everything", async () => {
        const { railway, tokens, deleted } = railwayWith(() => false);
        const { pulumi, calls } = pulumiWith(() => ({ code: 0 }));
        const written: string[] = [];
        const refused = await rotateProjectToken("staging", {
            pulumi,
            railway,
            progress: () => {},
            now,
            backup: async (token) => {
                written.push(token);
                return `writing _deploy/railwayProjectToken: Vault answered HTTP 503 (${token})`;
            },
        });
        assert.equal(refused.result, "could not decide");
        assert.match(
            reasonOf(refused),
            /the new token could not be written to Vault first; the new token was deleted: .*HTTP 503 \(\[secret\]\)/,
        );
        assert.deepEqual(written, [NEW_TOKEN]);
        assert.deepEqual(deleted, ["made"]);
        assert.deepEqual(
            tokens.map((t) => t.id),
            ["old"],
        );
        assert.ok(!calls.some((a) => a.includes("set")), "the stack never stored it");
    });

    it("an undone rotation writes the previous token back to Vault, so Vault's newest is the one that runs", async () => {
        const { railway } = railwayWith(() => false);
        const preview = JSON.stringify({
            steps: [
                {
                    op: "same",
                    urn: "urn:pulumi:staging::p::ainative:github:Repository$github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret::x-drift-staging-RAILWAY_TOKEN",
                },
            ],
        });
        const { pulumi } = pulumiWith((args) => (args[0] === "preview" ? { code: 0, stdout: preview } : { code: 0 }));
        const written: string[] = [];
        const r = await rotateProjectToken("staging", {
            pulumi,
            railway,
            progress: () => {},
            now,
            backup: async (token) => void written.push(token),
        });
        assert.equal(r.result, "undone", reasonOf(r));
        assert.deepEqual(written, [NEW_TOKEN, PREVIOUS]);
    });
});
