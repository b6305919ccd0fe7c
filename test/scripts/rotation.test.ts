/**
 * The rotation's order and its undo, over a recorded Pulumi CLI (the e2e test runs it under the
 * real engine with the gate): staging before production, a failure undone where it happened and
 * the stacks after it untouched, the date recorded only for a success, no value on any argument.
 */
import { strict as assert } from "assert";
import type { PulumiRun } from "../../scripts/engine/engine";
import { rotate } from "../../scripts/rotation/rotate";
import { MAX_SECRET_BYTES, secretRotateCommand, unfitSecretValue } from "../../scripts/commands/secret-rotate";
import { captureIO } from "../support/capture";

const NEW = "planted-new-value-7f3a";
const OLD = "planted-old-value-91cc";

/** A CLI whose `up` fails on the stacks named, holding each stack's config in memory. */
function cli(failingUps: Record<string, number>) {
    const config: Record<string, Record<string, string>> = {
        staging: { "secrets.services.web.AUTH_SECRET": OLD },
        production: { "secrets.services.web.AUTH_SECRET": OLD },
    };
    const calls: { args: string[]; input?: string }[] = [];
    const run = async (args: string[], opts?: { input?: string }): Promise<PulumiRun> => {
        calls.push({ args, input: opts?.input });
        const stack = args[args.indexOf("--stack") + 1];
        const ok = (stdout = "") => ({ code: 0, stdout, stderr: "" });
        if (args[0] === "config" && args[1] === "get") {
            const v = config[stack][args[3]];
            return v === undefined ? { code: 1, stdout: "", stderr: "not found" } : ok(`${v}\n`);
        }
        if (args[0] === "config" && args[1] === "set") {
            const secret = args.includes("--secret");
            const key = args[secret ? 4 : 3];
            config[stack][key] = secret ? opts!.input! : args[4];
            return ok();
        }
        if (args[0] === "up") {
            if ((failingUps[stack] ?? 0) > 0) {
                failingUps[stack]--;
                return { code: 255, stdout: `gate: 3 consecutive failed health checks (value ${NEW})`, stderr: "" };
            }
            return ok();
        }
        throw new Error(`unexpected ${args.join(" ")}`);
    };
    return { run, calls, config };
}

const plan = { stacks: ["staging", "production"], service: "web", key: "AUTH_SECRET", value: NEW, today: "2026-12-03" };

describe("secret rotation: order and undo", () => {
    it("rotates staging, then production, and records each date", async () => {
        const c = cli({});
        const lines: string[] = [];
        const outcomes = await rotate(plan, c.run, (l) => lines.push(l));
        assert.deepEqual(
            outcomes.map((o) => `${o.stack} ${o.result}`),
            ["staging rotated", "production rotated"],
        );
        for (const s of ["staging", "production"]) {
            assert.equal(c.config[s]["secrets.services.web.AUTH_SECRET"], NEW);
            assert.equal(c.config[s]["rotations.web.AUTH_SECRET"], "2026-12-03");
        }
        assert.deepEqual(
            c.calls.filter((x) => x.args[0] === "up").map((x) => x.args.at(-1)),
            ["staging", "production"],
        );
        assert.ok(
            c.calls.every((x) => !x.args.some((a) => a.includes(NEW) || a.includes(OLD))),
            "no value on a command line",
        );
        assert.ok(!lines.join("\n").includes(NEW));
    });

    it("a gate that fails on production puts production's previous value back; staging keeps the new one", async () => {
        const c = cli({ production: 1 });
        const outcomes = await rotate(plan, c.run, () => {});
        assert.deepEqual(
            outcomes.map((o) => `${o.stack} ${o.result}`),
            ["staging rotated", "production undone"],
        );
        assert.equal(c.config.production["secrets.services.web.AUTH_SECRET"], OLD);
        assert.equal(c.config.production["rotations.web.AUTH_SECRET"], undefined);
        const reason = (outcomes[1] as { reason: string }).reason;
        assert.match(reason, /3 consecutive failed health checks/);
        assert.ok(!reason.includes(NEW), "the failed run's output is cut of the value");
    });

    it("a failure on staging stops there: production is not touched", async () => {
        const c = cli({ staging: 1 });
        const outcomes = await rotate(plan, c.run, () => {});
        assert.deepEqual(
            outcomes.map((o) => `${o.stack} ${o.result}`),
            ["staging undone"],
        );
        assert.ok(!c.calls.some((x) => x.args.includes("production")));
    });

    it("an undo that fails too, or a secret not set, is 'could not decide', saying what the config holds", async () => {
        const both = await rotate(plan, cli({ staging: 2 }).run, () => {});
        assert.equal(both[0].result, "could not decide");
        assert.match((both[0] as { reason: string }).reason, /the config holds the previous value/);
        const unset = await rotate({ ...plan, key: "NOPE" }, cli({}).run, () => {});
        assert.equal(unset[0].result, "could not decide");
        assert.match((unset[0] as { reason: string }).reason, /secrets\.services\.web\.NOPE is not set on staging/);
    });

    it("an engine that cannot start after the new value is set: undone (the previous value back), never an exception, no value in the reason", async () => {
        const c = cli({});
        let ups = 0;
        const run = async (args: string[], opts?: { input?: string }) => {
            if (args[0] === "up" && ++ups === 1)
                throw Object.assign(new Error("spawn pulumi ENOMEM"), { code: "ENOMEM" });
            return c.run(args, opts);
        };
        const outcomes = await rotate(plan, run, () => {});
        assert.deepEqual(
            outcomes.map((o) => `${o.stack} ${o.result}`),
            ["staging undone"],
        );
        assert.match((outcomes[0] as { reason: string }).reason, /the Pulumi CLI could not run: spawn pulumi ENOMEM/);
        assert.equal(c.config.staging["secrets.services.web.AUTH_SECRET"], OLD, "the previous value is back");
        assert.equal(c.config.production["secrets.services.web.AUTH_SECRET"], OLD, "production untouched");
        assert.ok(!JSON.stringify(outcomes).includes(NEW) && !JSON.stringify(outcomes).includes(OLD));
    });
});

describe("npm run secret:rotate --stdin: garbage piped in", () => {
    const garbage: [string, RegExp][] = [
        ["\u0000\u0001\u0002binary", /NUL character/],
        ["\u001b[2Jkey-with-escape", /control characters/],
        ["planted\uFFFDvalue", /not UTF-8 text/],
        ["k".repeat(MAX_SECRET_BYTES + 1), /over 65536 bytes/],
    ];
    for (const [value, why] of garbage)
        it(`refuses ${JSON.stringify(value.slice(0, 12))}… before anything runs, without echoing it`, async () => {
            const io = captureIO();
            const code = await secretRotateCommand(
                ["--secret", "web.AUTH_SECRET", "--stdin", "--stacks", "staging"],
                io,
                process.cwd(),
                { PATH: "" },
                async () => value,
            );
            assert.equal(code, 2, io.all());
            assert.match(io.all(), why);
            assert.match(io.all(), /nothing was changed/);
            assert.ok(!io.all().includes(value.slice(3, 40)), "the value was echoed");
        });

    it("takes a multi-line value (a key in PEM form) as it is", () => {
        assert.equal(unfitSecretValue("-----BEGIN KEY-----\nabc\tdef\n-----END KEY-----"), undefined);
    });
});
