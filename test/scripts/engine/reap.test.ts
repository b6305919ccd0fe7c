/**
 * A tool that starts the engine reaps what it started: the CLI's language host and provider
 * plugins outlive a killed CLI and ignore SIGTERM, so the whole process group goes. Checked with a
 * stand-in `pulumi` that starts such a child (its own `sleep`, which ignores SIGTERM) and hangs.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runPulumi } from "../../../scripts/engine/engine";

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        // A zombie is dead for our purpose.
        return !/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
    } catch {
        return false;
    }
}

/**
 * Whether the process is gone, given the kernel time to finish a SIGKILL already sent. Not our
 * child, so there is nothing to wait on: polled, with a bound far above any load (30 s).
 */
async function gone(pid: number): Promise<boolean> {
    for (let i = 0; i < 300 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    return !alive(pid);
}

describe("engine runs reap what they start", () => {
    function fakeEngine(script: string) {
        const bin = fs.mkdtempSync(path.join(os.tmpdir(), "fake-pulumi-"));
        fs.writeFileSync(path.join(bin, "pulumi"), `#!/usr/bin/env bash\n${script}\n`, { mode: 0o755 });
        return { bin, env: {}, version: "fake" };
    }

    it("a run killed at its time limit leaves no plugin behind, even one that ignores SIGTERM", async () => {
        const pidFile = path.join(os.tmpdir(), `plugin-${process.pid}-${Date.now()}.pid`);
        const engine = fakeEngine(`(trap '' TERM; exec sleep 300) & echo $! > ${pidFile}; sleep 300`);
        const r = await runPulumi(engine, ["up"], { cwd: os.tmpdir(), env: process.env, timeoutMs: 1000 });
        assert.match(r.stderr, /\[killed after 1000 ms\]/);
        const plugin = Number(fs.readFileSync(pidFile, "utf8"));
        assert.ok(plugin > 0);
        assert.ok(await gone(plugin), `plugin ${plugin} still running`);
    });

    it("a CLI that exits without reading its input: the run ends with its exit code, not an EPIPE crash", async () => {
        // 8 MB of input cannot fit in the pipe: writing it to a CLI that closed its stdin fails.
        const engine = fakeEngine("exec 0<&-; echo closed >&2; exit 4");
        const r = await runPulumi(engine, ["up"], {
            cwd: os.tmpdir(),
            env: process.env,
            timeoutMs: 60_000,
            input: "x".repeat(8 * 1024 * 1024),
        });
        assert.equal(r.code, 4);
        assert.match(r.stderr, /closed/);
    });

    it("a CLI that exits while its plugin lingers: the run ends, and the plugin goes", async () => {
        const pidFile = path.join(os.tmpdir(), `plugin-${process.pid}-${Date.now()}-b.pid`);
        const engine = fakeEngine(`(trap '' TERM; exec sleep 300) & echo $! > ${pidFile}; echo done; exit 3`);
        const r = await runPulumi(engine, ["preview"], { cwd: os.tmpdir(), env: process.env, timeoutMs: 60_000 });
        assert.equal(r.code, 3);
        assert.match(r.stdout, /done/);
        assert.ok(await gone(Number(fs.readFileSync(pidFile, "utf8"))));
    });
});
