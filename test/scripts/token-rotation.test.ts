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
});
