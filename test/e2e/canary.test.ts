/**
 * The canary under the real engine, against the Railway emulator, with the health gate on (the sample
 * app on real PostgreSQL and Redis): `npm run canary -- up` deploys a commit to an environment of
 * its own made from the base stack's (here `local`, standing for production), judged by the gate;
 * a commit whose deployment fails there is refused (exit 1) and the base environment gets nothing
 * from either run. The base waits for checks as production does: Railway holds the merge's
 * deployment until the workflow with the canary passes, and skips it when it fails. `destroy`
 * leaves nothing behind.
 */
import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import { canaryCommand } from "../../scripts/commands/canary";
import { captureIO } from "../support/capture";
import { LocalStack } from "../support/e2e";
import { startGatedLocalStack } from "../support/gated-stack";
import { Servers } from "../support/services/servers";
import { railwayViews } from "../support/railway-views";

const REPO = "ainative/platform";

describe("the canary under the real engine", function () {
    let s: LocalStack;
    const servers = new Servers();
    const { env, service, deploymentsIn } = railwayViews(() => s.emu);
    const web = () => service("web");
    const canary = async (args: string[]) => {
        const io = captureIO();
        const code = await canaryCommand([...args, "--repo", REPO, "--base", "local"], io, s.ws.dir, s.ws.env);
        s.outputs.push(io.all());
        return { code, io };
    };
    /** A commit on main, as a merge makes it (Railway knows it; the base's own trigger deploys it). */
    const merged = () => {
        const sha = randomBytes(20).toString("hex");
        s.emu.store.push(REPO, "main", sha);
        return sha;
    };

    before(async () => {
        ({ s } = await startGatedLocalStack(servers, {
            authSecret: "local-auth-secret-for-the-canary-e2e",
            // As production: Railway holds a push until the commit's checks (the deploy workflow, the canary in it) finish.
            mutate: (c) => {
                c["ainative-platform:railway"].services.find(
                    (x: { name: string }) => x.name === "web",
                ).source.waitForChecks = true;
            },
        }));
    });
    after(async () => {
        await s?.close();
        await servers.closeAll();
    });

    it("0. the base's trigger waits for checks (Railway's Check Suites), read back without a diff", async () => {
        const trigger = s.emu.store.trigger(web().id, env("local")!.id)!;
        assert.equal(trigger.checkSuites, true);
        const again = await s.run(["preview", "--expect-no-changes"]);
        assert.equal(again.code, 0, again.stdout + again.stderr);
    });

    it("a. a good commit passes: deployed to the canary environment (a duplicate of the base's), judged, the base untouched", async () => {
        const sha = merged();
        const [held] = deploymentsIn("local").slice(-1);
        assert.equal(held.commitHash, sha);
        assert.equal(s.emu.store.status(held), "WAITING", "Railway holds the merge's deployment of the base");
        const base = deploymentsIn("local").length;
        const { code, io } = await canary(["up", "--commit", sha]);
        assert.equal(code, 0, io.all());
        assert.match(
            io.all(),
            new RegExp(`canary: passed \\(the health gate judged it\\): ${sha.slice(0, 12)} may go to local`),
        );
        const e = env("canary")!;
        assert.equal(e.sourceEnvironmentId, env("local")!.id);
        assert.equal(e.ephemeral, false, "kept between deploys");
        assert.equal(s.emu.store.trigger(web().id, e.id)!.checkSuites, false, "the canary itself waits for nothing");
        const [deployed] = deploymentsIn("canary");
        assert.equal(deployed.commitHash, sha);
        assert.deepEqual(
            Object.values(s.emu.store.instance(web().id, e.id).multiRegionConfig).map((r) => r.numReplicas),
            [1],
            "one replica",
        );
        assert.equal(deploymentsIn("local").length, base, "nothing deployed to the base by the canary");
        const domain = [...s.emu.store.domains.values()].find((d) => d.environmentId === e.id && !d.custom)!;
        assert.ok(io.all().includes(`https://${domain.domain}`), "its own Railway domain");
        // The deploy workflow passes (the canary in it): GitHub tells Railway, which deploys the base.
        s.emu.store.checksConcluded(sha, true);
        assert.equal(s.emu.store.status(held, Number.MAX_SAFE_INTEGER), "SUCCESS");
    });

    it("b. a commit whose deployment fails is refused: exit 1, and the base gets nothing", async () => {
        const sha = merged();
        const base = deploymentsIn("local").length;
        s.emu.nextDeployments("FAILED", 1, web().id);
        const { code, io } = await canary(["up", "--commit", sha]);
        assert.equal(code, 1, io.all());
        assert.match(io.all(), new RegExp(`canary: failed: ${sha.slice(0, 12)} must not go to local`));
        assert.equal(deploymentsIn("local").length, base);
        // The deploy workflow fails with it: Railway skips the base's held deployment of that commit.
        const held = deploymentsIn("local").find((d) => d.commitHash === sha)!;
        assert.equal(s.emu.store.status(held), "WAITING");
        s.emu.store.checksConcluded(sha, false);
        assert.equal(s.emu.store.status(held, Number.MAX_SAFE_INTEGER), "SKIPPED", "the base never runs it");
    });

    it("c. destroy removes the canary's environment and stack; the base is whole", async () => {
        const { code, io } = await canary(["destroy"]);
        assert.equal(code, 0, io.all());
        assert.equal(env("canary"), undefined);
        assert.ok(env("local"));
        const stacks = await s.ws.run(["stack", "ls", "--json"]);
        assert.deepEqual(
            (JSON.parse(stacks.stdout) as { name: string }[]).map((x) => x.name),
            ["local"],
        );
    });
});
