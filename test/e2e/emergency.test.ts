/**
 * Backup path 3 end to end: `npm run deploy:emergency` on the `local` stack with the real engine
 * against the Railway emulator: it deploys and records; it refuses on mandatory policy violations,
 * without a confirmation, and on a wrong answer, with nothing applied. (The throwaway project is
 * not a git work tree, so the git checks are waived here; they are tested in
 * test/scripts/deploy-emergency.test.ts.)
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { emergencyDeployCommand } from "../../scripts/commands/deploy-emergency";
import { REPO_ROOT } from "../../scripts/plan/plan";
import { captureIO } from "../support/capture";
import { LocalStack, startLocalStack } from "../support/e2e";

const WAIVE = ["--allow-dirty", "--allow-unpushed"];

describe("the emergency deploy under the real engine (backup path 3)", function () {
    let s: LocalStack;
    let log: string;
    /** Railway changes the emulator received (every mutation of the provider's documents). */
    const mutations = () =>
        s.emu.log.filter((l) => /Create|Update|Delete|Upsert|Deploy|Rename|Rollback/.test(l.operationName)).length;
    const run = async (argv: string[], ask?: (q: string) => Promise<string>) => {
        const io = captureIO();
        const code = await emergencyDeployCommand([...argv, "--log", log], io, s.ws.dir, s.ws.env, {
            ask,
            now: () => new Date("2026-11-27T03:00:00Z"),
        });
        s.outputs.push(io.all());
        return { code, io };
    };

    before(async () => {
        s = await startLocalStack();
        await s.ws.setSecret("secrets.services.web.AUTH_SECRET", "local-auth-secret-for-the-emergency-e2e");
        await s.ws.setSecret(
            "secrets.services.postgres.POSTGRES_PASSWORD",
            "local-postgres-password-for-the-emergency-e2e",
        );
        log = path.join(s.ws.dir, "deploys", "emergency.ndjson");
    });
    after(async () => s?.close());

    it("deploys with --yes: preview shown, pulumi up applied, the record appended", async () => {
        const { code, io } = await run(["--stack", "local", "--yes", ...WAIVE]);
        assert.equal(code, 0, io.all());
        const err = io.stderr.join("\n");
        for (const n of [1, 2, 3, 4, 5, 6, 7]) assert.match(err, new RegExp(`\\[${n}/7\\]`));
        assert.match(err, /Previewing update \(local\)/);
        assert.deepEqual([...s.emu.store.services.values()].map((x) => x.name).sort(), ["postgres", "redis", "web"]);
        const records = fs
            .readFileSync(log, "utf8")
            .trim()
            .split("\n")
            .map((l) => JSON.parse(l));
        assert.equal(records.length, 1);
        assert.deepEqual(
            [records[0].stack, records[0].result, records[0].upExitCode, records[0].via, records[0].waived],
            ["local", "deployed", 0, "local", ["not a git work tree"]],
        );
        assert.equal((await s.run(["preview", "--expect-no-changes"])).code, 0, "the deploy converged");
    });

    it("refuses on mandatory policy violations, before the preview; nothing applied, nothing recorded", async () => {
        const before = mutations();
        const { code, io } = await run([
            "--stack",
            "local",
            "--yes",
            ...WAIVE,
            "--policy-config",
            path.join(REPO_ROOT, "policies", "config", "production.json"),
        ]);
        assert.equal(code, 1);
        assert.match(io.stderr.join("\n"), /refused: mandatory policy violations:\n {2}\[/);
        assert.doesNotMatch(io.stderr.join("\n"), /\[4\/7\]/);
        assert.equal(mutations(), before);
        assert.equal(fs.readFileSync(log, "utf8").trim().split("\n").length, 1);
    });

    it("without --yes and no terminal, or with a wrong answer, it stops after the preview; nothing applied", async () => {
        s.ws.editStackFile(
            (c) =>
                (c["ainative-platform:railway"].services.find((x: { name: string }) => x.name === "web").replicas = 2),
        );
        const before = mutations();
        const noTerminal = await run(["--stack", "local", ...WAIVE]);
        assert.equal(noTerminal.code, 1);
        assert.match(noTerminal.io.stderr.join("\n"), /\[4\/7\][^]*refused: no terminal to confirm on: pass --yes/);
        const questions: string[] = [];
        const wrong = await run(["--stack", "local", ...WAIVE], async (q) => {
            questions.push(q);
            return "production";
        });
        assert.equal(wrong.code, 1);
        assert.match(wrong.io.stderr.join("\n"), /refused: the answer was not 'local'/);
        assert.match(questions[0], /Type the stack's name/);
        assert.equal(mutations(), before, "nothing was applied");
        const right = await run(["--stack", "local", ...WAIVE], async () => "local");
        assert.equal(right.code, 0, right.io.all());
        assert.equal(fs.readFileSync(log, "utf8").trim().split("\n").length, 2);
    });
});
