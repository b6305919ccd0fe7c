/** The deploy workflow's GitHub deployment records, against the contract-checked fake GitHub. */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { deploymentCommand, DEPLOY_TASK } from "../../scripts/commands/deployment";
import { captureIO } from "../support/capture";
import { FakeGitHub, startFakeGitHub } from "../../tools/fakes/github/server";

describe("npm run deployment: each deploy stage as a GitHub deployment with statuses", function () {
    this.timeout(20_000);
    let gh: FakeGitHub;
    const TOKEN = "ghs_deploymenttoken000000000000000000";
    const SHA = "0123456789abcdef0123456789abcdef01234567";
    before(async () => {
        gh = await startFakeGitHub();
        gh.addToken(TOKEN, "", "installation");
        gh.repo("ainative", "platform");
    });
    after(() => gh.close());
    const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
        GITHUB_TOKEN: TOKEN,
        GITHUB_API_URL: gh.url,
        GITHUB_REPOSITORY: "ainative/platform",
        GITHUB_SERVER_URL: "https://github.com",
        GITHUB_RUN_ID: "4242",
        ...extra,
    });
    const run = async (argv: string[], e = env()) => {
        const io = captureIO();
        return { code: await deploymentCommand(argv, io, e, { githubRetryUnitMs: 1 }), io };
    };

    it("start records an in_progress deployment of the ref to the stack's environment, with the run's log URL, and prints its id", async () => {
        const output = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gh-output-")), "out");
        const { code, io } = await run(
            ["start", "--stack", "production", "--ref", SHA, "--description", "pulumi up production"],
            env({ GITHUB_OUTPUT: output }),
        );
        assert.strictEqual(code, 0, io.all());
        const id = Number(io.stdout[0]);
        assert.strictEqual(fs.readFileSync(output, "utf8"), `id=${id}\n`);
        const d = gh.repo("ainative", "platform").deployments.find((x) => x.id === id)!;
        assert.deepStrictEqual(
            [d.environment, d.task, d.sha, d.production_environment],
            ["production", DEPLOY_TASK, SHA, true],
        );
        assert.deepStrictEqual(
            d.statuses.map((s) => [s.state, s.log_url]),
            [["in_progress", "https://github.com/ainative/platform/actions/runs/4242"]],
        );
    });

    it("finish adds the final status; a success makes the stack's earlier success inactive (staging)", async () => {
        const first = Number((await run(["start", "--stack", "staging", "--ref", SHA])).io.stdout[0]);
        assert.strictEqual(
            (
                await run([
                    "finish",
                    "--id",
                    String(first),
                    "--state",
                    "success",
                    "--environment-url",
                    "https://staging.ainative.dev",
                ])
            ).code,
            0,
        );
        const second = Number((await run(["start", "--stack", "staging", "--ref", SHA])).io.stdout[0]);
        assert.strictEqual(
            (await run(["finish", "--id", String(second), "--state", "failure", "--description", "gate rolled back"]))
                .code,
            0,
        );
        const deployments = gh.repo("ainative", "platform").deployments;
        assert.deepStrictEqual(
            deployments.find((x) => x.id === second)!.statuses.map((s) => s.state),
            ["in_progress", "failure"],
        );
        assert.strictEqual(
            deployments.find((x) => x.id === first)!.statuses.at(-1)!.state,
            "success",
            "a failure does not deactivate the live one",
        );
    });

    it("a refusal is exit 1 with GitHub's reason; usage mistakes are exit 2", async () => {
        const missing = await run(["finish", "--id", "999999", "--state", "success"]);
        assert.strictEqual(missing.code, 1);
        assert.match(missing.io.stderr.join("\n"), /HTTP 404/);
        for (const [argv, e, message] of [
            [["deploy"], env(), /unknown command 'deploy'/],
            [[], env(), /Commands:\n\s+start \[options\]/],
            [
                ["start", "--stack", "production", "--ref", "main"],
                env(),
                /option '--ref <sha>' argument 'main' is invalid\. must be the commit's SHA/,
            ],
            [
                ["finish", "--id", "1", "--state", "done"],
                env(),
                /option '--state <state>' argument 'done' is invalid\. Allowed choices are success, failure/,
            ],
            [
                ["finish", "--id", "x", "--state", "success"],
                env(),
                /option '--id <deployment id>' argument 'x' is invalid/,
            ],
            [["start", "--stack", "production", "--ref", SHA], env({ GITHUB_TOKEN: "" }), /GITHUB_TOKEN is not set/],
            [["start", "--stack", "production", "--ref", SHA], env({ GITHUB_REPOSITORY: "" }), /GITHUB_REPOSITORY/],
        ] as const) {
            const r = await run([...argv], e);
            assert.strictEqual(r.code, 2, argv.join(" "));
            assert.match(r.io.stderr.join("\n"), message);
        }
    });
});
