/**
 * A set-up that fails ends the run, with nothing left behind: no server listening, no child process.
 * Asserted as behaviour, with no clock: the run is awaited to its end (mocha's own timeout bounds
 * the wait), then every port is closed and every recorded process is gone.
 */
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

const REPO = path.resolve(__dirname, "../..");
const listening = (port: number) =>
    new Promise<boolean>((resolve) => {
        const s = net.connect(port, "127.0.0.1", () => (s.destroy(), resolve(true)));
        s.once("error", () => resolve(false));
    });
const alive = (pid: number) => {
    try {
        process.kill(pid, 0);
        return !/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
    } catch {
        return false;
    }
};

/** Runs the failing fixture in its own mocha; resolves when that process has exited. */
async function runFixture(
    env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string; started: { port: number; pid?: number }[] }> {
    const portsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "hook-")), "ports.json");
    const child = spawn(
        process.execPath,
        [
            require.resolve("mocha/bin/mocha.js"),
            "--no-config",
            "-r",
            path.join(__dirname, "..", "..", "scripts", "register.js"),
            "--extension",
            "ts",
            // Starting PostgreSQL takes seconds on a machine busy with another build: mocha's default
            // 2 s would end the hook before the failure it is about (a generous bound, not a measure).
            "--timeout",
            "120000",
            "test/support/hooks/failing-before.fixture.ts",
        ],
        {
            cwd: REPO,
            env: { ...process.env, ...env, HOOK_FIXTURE_PORTS: portsFile },
            stdio: ["ignore", "pipe", "pipe"],
        },
    );
    let output = "";
    child.stdout.on("data", (b) => (output += b));
    child.stderr.on("data", (b) => (output += b));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    const started = fs.existsSync(portsFile) ? JSON.parse(fs.readFileSync(portsFile, "utf8")) : [];
    return { code, output, started };
}

async function nothingLeft(started: { port: number; pid?: number }[]) {
    for (const { port, pid } of started) {
        assert.equal(await listening(port), false, `something still listens on ${port}`);
        if (pid) assert.equal(alive(pid), false, `process ${pid} is still running`);
    }
}

describe("a before-all hook that fails (test support)", function () {
    this.timeout(180_000);

    it("ends the run, with every server it started stopped and every process gone (no --exit needed)", async () => {
        const r = await runFixture({});
        assert.notEqual(r.code, 0, r.output);
        assert.match(r.output, /the set-up failed on purpose/);
        assert.equal(r.started.length, 4, "PostgreSQL, Redis, the emulator and the sample app were up");
        assert.ok(r.started.filter((s) => s.pid).length >= 2, "PostgreSQL's and Redis's processes were recorded");
        await nothingLeft(r.started);
    });

    it("a redis-server that cannot start (exits 1 at once) fails the set-up, and the others are stopped", async () => {
        const bin = fs.mkdtempSync(path.join(os.tmpdir(), "broken-redis-"));
        fs.writeFileSync(path.join(bin, "redis-server"), "#!/bin/sh\nexit 1\n", { mode: 0o755 });
        const r = await runFixture({ PATH: `${bin}${path.delimiter}${process.env.PATH}` });
        assert.notEqual(r.code, 0, r.output);
        assert.match(r.output, /redis-server exited \(code 1\) before it listened/);
        assert.ok(r.started.length >= 2, "PostgreSQL and the emulator had started");
        await nothingLeft(r.started);
    });
});
