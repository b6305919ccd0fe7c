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

describe("a before-all hook that fails (test support)", function () {
    this.timeout(60_000);
    it("ends the run within seconds, with every server it started stopped (no --exit needed)", async () => {
        const portsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "hook-")), "ports.json");
        const started = Date.now();
        const child = spawn(
            process.execPath,
            [require.resolve("mocha/bin/mocha.js"), "--no-config", "-r", "ts-node/register/transpile-only", "--extension", "ts", "test/support/hooks/failing-before.fixture.ts"],
            {
                cwd: REPO,
                env: { ...process.env, HOOK_FIXTURE_PORTS: portsFile },
                stdio: ["ignore", "pipe", "pipe"],
            },
        );
        let output = "";
        child.stdout.on("data", (b) => (output += b));
        child.stderr.on("data", (b) => (output += b));
        const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
        const seconds = (Date.now() - started) / 1000;
        assert.notEqual(code, 0, output);
        assert.match(output, /the set-up failed on purpose/);
        assert.ok(seconds < 30, `the run took ${seconds} s`);
        const ports = JSON.parse(fs.readFileSync(portsFile, "utf8")) as number[];
        assert.equal(ports.length, 4, "PostgreSQL, Redis, the emulator and the sample app were up");
        for (const port of ports) assert.equal(await listening(port), false, `something still listens on ${port}`);
    });
});
