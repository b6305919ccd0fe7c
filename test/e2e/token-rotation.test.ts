/**
 * `npm run railway:rotate-token` under the real engine, against the Railway emulator and the fake
 * GitHub (the GitHub provider plugin writes the sealed secret): the new project token reaches GitHub
 * environment `drift-local` through the stack, is proven with a call of its own before the old one
 * is deleted (both valid until then), and a new token that fails its proof is undone with the old
 * one still working. No token is printed or stored in clear.
 */
import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import * as fs from "fs";
import { DOCUMENTS } from "../../providers/railway/documents";
import { RailwayClient } from "../../providers/railway/client";
import { railwayRotateTokenCommand } from "../../scripts/commands/railway-rotate-token";
import { pipelineTokenPrefix } from "../../scripts/rotation/project-token";
import { FakeGitHub, seedLocalOrganisation, startFakeGitHub } from "../../tools/fakes/github/server";
import { deployWatchCommand } from "../../scripts/commands/deploy-watch";
import { captureIO } from "../support/capture";
import { mutationsSince } from "../support/railway-log";
import { LocalStack, startLocalStack } from "../support/e2e";

const GITHUB_TOKEN = `ghp_${randomBytes(18).toString("hex")}`;

describe("pipeline project-token rotation under the real engine", function () {
    let s: LocalStack;
    let gh: FakeGitHub;
    const inGitHub = () => gh.openSecret("ainative", "platform", "drift-local", "RAILWAY_TOKEN");
    const pipelineTokens = () =>
        [...s.emu.store.projectTokens.values()].filter((t) => t.name.startsWith(pipelineTokenPrefix("local")));
    /** Whether Railway takes `token` as a project token. */
    const works = async (token: string) => {
        const client = new RailwayClient({
            apiUrl: s.emu.apiUrl,
            env: { RAILWAY_TOKEN: token },
            retry: { maxAttempts: 1 },
        });
        try {
            await client.request("ProjectTokenScope", DOCUMENTS.ProjectTokenScope, {}, false);
            return true;
        } catch {
            return false;
        }
    };
    const rotate = async (day: string) => {
        const io = captureIO();
        const code = await railwayRotateTokenCommand(["--stacks", "local"], io, s.ws.dir, s.ws.env, {
            now: () => new Date(`${day}T09:30:00Z`),
        });
        s.outputs.push(io.all());
        return { code, io };
    };

    before(async () => {
        gh = await startFakeGitHub();
        gh.addToken(GITHUB_TOKEN, "deployer");
        seedLocalOrganisation(gh);
        // The deploy watcher's environment exists already (docs/pipelines.md "Pipelines"); the stack keeps its secret.
        gh.addEnvironment("ainative", "platform", "drift-local");
        s = await startLocalStack({
            mutate: (c) => {
                c["ainative-platform:integrations"].github = true;
                c["ainative-platform:github"].baseUrl = `${gh.url}/`;
            },
            env: { GITHUB_TOKEN },
        });
        await s.ws.setSecret("secrets.services.web.AUTH_SECRET", "local-auth-secret-for-the-token-e2e");
        await s.ws.setSecret(
            "secrets.services.postgres.POSTGRES_PASSWORD",
            "local-postgres-password-for-the-token-e2e",
        );
        const up = await s.run(["up", "--yes", "--skip-preview"]);
        assert.equal(up.code, 0, up.stdout + up.stderr);
    });
    after(async () => {
        await s?.close();
        await gh?.close();
    });

    let first: string;

    it("a. the first rotation makes a token, stores it through the stack in GitHub's drift-local, and records the date", async () => {
        const { code, io } = await rotate("2026-12-01");
        assert.equal(code, 0, io.all());
        first = inGitHub()!;
        assert.ok(first, "GitHub's drift-local has RAILWAY_TOKEN");
        assert.ok(await works(first), "and Railway takes it");
        assert.equal(pipelineTokens().length, 1);
        const env = [...s.emu.store.environments.values()].find((e) => e.name === "local" && !e.deletedAt)!;
        assert.equal(pipelineTokens()[0].environmentId, env.id, "scoped to the stack's environment");
        assert.match(fs.readFileSync(s.ws.stackFile, "utf8"), /pipeline:\s*\n\s*RAILWAY_TOKEN: "?2026-12-01"?/);
    });

    it("b. the next one: the new token is proven before the old one is deleted; then only the new one works", async () => {
        const from = s.emu.log.length;
        const { code, io } = await rotate("2026-12-02");
        assert.equal(code, 0, io.all());
        const second = inGitHub()!;
        assert.notEqual(second, first);
        const ops = s.emu.log.slice(from).map((o) => `${o.operationName}:${o.status}`);
        const proven = ops.indexOf("ProjectTokenScope:200");
        const deleted = ops.indexOf("ProjectTokenDelete:200");
        assert.ok(proven >= 0 && deleted > proven, `proven, then deleted: ${ops.join(" ")}`);
        assert.ok(ops.indexOf("ProjectTokenCreate:200") < proven);
        assert.deepEqual(
            mutationsSince(s.emu, from),
            ["ProjectTokenCreate", "ProjectTokenDelete"],
            "nothing else changed on Railway (the up targets the GitHub secret alone)",
        );
        assert.equal(await works(first), false, "the old token stopped working");
        assert.ok(await works(second));
        assert.equal(pipelineTokens().length, 1);
        first = second;
    });

    it("c. a new token that fails its proof is undone: GitHub has the old one again, which still works, and the new one is gone", async () => {
        s.emu.inject({ operation: "ProjectTokenScope", status: 500, count: 1 });
        const { code, io } = await rotate("2026-12-03");
        assert.equal(code, 1, io.all());
        assert.match(io.all(), /local: undone[\s\S]*did not verify/);
        assert.equal(inGitHub(), first, "the previous token is back in GitHub");
        assert.ok(await works(first), "and never stopped working");
        assert.equal(pipelineTokens().length, 1, "the failed new token was deleted");
        const got = await s.ws.run([
            "config",
            "get",
            "--path",
            "secrets.deploy.railwayProjectToken",
            "--stack",
            "local",
        ]);
        assert.equal(got.stdout.trim(), first);
        assert.match(
            fs.readFileSync(s.ws.stackFile, "utf8"),
            /RAILWAY_TOKEN: "?2026-12-02"?/,
            "the date of the last that held",
        );
    });

    it("d. the deploy watcher follows a push with that project token alone (what deploy-watch.yml gives it)", async () => {
        const sha = "c0ffee".padEnd(40, "0");
        const pushed = s.emu.store.push("ainative/platform", "main", sha);
        assert.equal(pushed.length, 1, "Railway deploys the push in the stack's environment");
        const project = [...s.emu.store.projects.values()].find((p) => !p.deletedAt)!;
        const io = captureIO();
        // The watcher's Railway reads take the process's credentials, as in the workflow's job.
        const saved = { api: process.env.RAILWAY_API_TOKEN, project: process.env.RAILWAY_TOKEN };
        delete process.env.RAILWAY_API_TOKEN;
        process.env.RAILWAY_TOKEN = first;
        let code: number;
        try {
            code = await deployWatchCommand(
                ["--stack", "local", "--service", "web", "--commit", sha.slice(0, 12), "--interval", "1"],
                io,
                s.ws.dir,
                { ...s.ws.env, RAILWAY_API_TOKEN: "", RAILWAY_TOKEN: first, RAILWAY_PROJECT_ID: project.id },
            );
        } finally {
            if (saved.api !== undefined) process.env.RAILWAY_API_TOKEN = saved.api;
            if (saved.project === undefined) delete process.env.RAILWAY_TOKEN;
            else process.env.RAILWAY_TOKEN = saved.project;
        }
        s.outputs.push(io.all());
        assert.equal(code, 0, io.all());
        assert.equal(JSON.parse(io.stdout.join("\n")).outcome, "healthy");
    });

    it("e. no token in any output, the stack file or the state", async () => {
        const tokens = [...s.emu.store.projectTokens.values()].map((t) => t.token);
        const stackFile = fs.readFileSync(s.ws.stackFile, "utf8");
        const state = (await s.ws.exportState()).text;
        for (const text of [...s.outputs, stackFile, state])
            for (const t of [first, ...tokens]) assert.ok(!text.includes(t), "a token leaked");
    });
});
