/**
 * The two long-running entry points (`npm run railway:emulator`, `npm run local:fakes`) as a person
 * runs them: they start on the ports given, answer, and end with exit 0 on SIGTERM; a bad port is a
 * usage error before anything listens.
 */
import * as assert from "assert";
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as path from "path";
import { once } from "events";
import { REPO_ROOT } from "../../scripts/engine/engine";

/** The one entry point every npm script goes through. */
const BIN = path.join(REPO_ROOT, "bin", "ainative.js");

/**
 * Started and not yet seen to exit: killed after each test, so a test that times out leaves no
 * process behind (one would keep mocha from ever ending).
 */
const running = new Set<ChildProcess>();

/** Everything each child printed since it started, stdout and stderr together. */
const printed = new WeakMap<ChildProcess, { text: string }>();

function start(command: string, args: string[]): ChildProcess {
    const child = spawn(process.execPath, [BIN, command, ...args], {
        cwd: REPO_ROOT,
        stdio: ["ignore", "pipe", "pipe"],
    });
    const seen = { text: "" };
    printed.set(child, seen);
    // Collected from the start: a line printed before a test begins waiting for it still counts.
    // (Waiting only for data after the wait began missed lines that arrived in one chunk with an
    // earlier one, and the test then hung until its timeout: what looked like a slow start.)
    child.stdout!.on("data", (chunk: Buffer) => (seen.text += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (seen.text += chunk.toString()));
    running.add(child);
    child.once("exit", () => running.delete(child));
    return child;
}

/** Resolves with the first match of `pattern` in all the child has printed, or rejects when it exits first. */
function waitFor(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
    const seen = printed.get(child)!;
    return new Promise((resolve, reject) => {
        const check = () => {
            const m = pattern.exec(seen.text);
            if (!m) return;
            done();
            resolve(m);
        };
        const onExit = (code: number | null) => {
            done();
            reject(new Error(`exited ${code} before ${pattern}:\n${seen.text}`));
        };
        const done = () => {
            child.stdout!.off("data", check);
            child.stderr!.off("data", check);
            child.off("exit", onExit);
        };
        child.stdout!.on("data", check);
        child.stderr!.on("data", check);
        child.once("exit", onExit);
        check();
    });
}

async function stop(child: ChildProcess): Promise<number | null> {
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const [code] = await exited;
    return code as number | null;
}

describe("long-running entry points", function () {
    // Each starts a process that transpiles its modules (once per content, then cached) and reads
    // GitHub's OpenAPI description: seconds on a quiet machine, a minute on a loaded one.
    this.timeout(180_000);
    afterEach(() => {
        for (const child of running) child.kill("SIGKILL");
    });

    it("railway:emulator serves the API on the port it prints and stops with exit 0 on SIGTERM", async () => {
        const child = start("railway:emulator", ["--port", "0", "--token", "t-123"]);
        try {
            const [, url] = await waitFor(child, /railway emulator: (http:\/\/127\.0\.0\.1:\d+\/graphql\/v2)/);
            const res = await fetch(url, {
                method: "POST",
                headers: { "content-type": "application/json", authorization: "Bearer t-123" },
                body: JSON.stringify({ query: "{ me { email } }" }),
            });
            assert.strictEqual(res.status, 200);
            const denied = await fetch(url, {
                method: "POST",
                headers: { "content-type": "application/json", authorization: "Bearer wrong" },
                body: JSON.stringify({ query: "{ me { email } }" }),
            });
            assert.match(JSON.stringify(await denied.json()), /Not Authorized/i);
        } finally {
            assert.strictEqual(await stop(child), 0);
        }
    });

    it("local:fakes starts the three fakes and stops with exit 0 on SIGTERM", async () => {
        const child = start("local:fakes", ["--github-port", "0", "--sentry-port", "0", "--pagerduty-port", "0"]);
        try {
            const [, github] = await waitFor(child, /fake GitHub\s+(http:\/\/127\.0\.0\.1:\d+)\//);
            await waitFor(child, /fake PagerDuty\s+http:\/\/127\.0\.0\.1:\d+/);
            const res = await fetch(`${github}/user`, { headers: { authorization: "token local-fake-github-token" } });
            assert.strictEqual(res.status, 200);
        } finally {
            assert.strictEqual(await stop(child), 0);
        }
    });

    it("a bad port is a usage error (exit 2) naming the option, before anything listens", () => {
        for (const [command, args, option] of [
            ["railway:emulator", ["--port", "70000"], "--port <port>"],
            ["local:fakes", ["--sentry-port", "x"], "--sentry-port <port>"],
        ] as const) {
            const r = spawnSync(process.execPath, [BIN, command, ...args], {
                cwd: REPO_ROOT,
                encoding: "utf8",
                timeout: 30_000,
            });
            assert.strictEqual(r.status, 2, r.stderr);
            assert.match(r.stderr, new RegExp(`option '${option}' argument '[^']+' is invalid`));
            assert.doesNotMatch(r.stdout, /http:\/\//);
        }
    });
});
