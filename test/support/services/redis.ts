/** A real Redis server for tests, from Debian's packages, on a free port of 127.0.0.1, no persistence. */
import { ChildProcess, spawn } from "child_process";
import { freePort, waitForPort } from "../../../tools/local-servers/ports";

export interface TestRedis {
    url: string;
    /** The server's process id (tests check it is gone after a clean-up). */
    pid: number;
    close(): Promise<void>;
}

export async function startRedis(): Promise<TestRedis> {
    const port = await freePort();
    let child: ChildProcess;
    try {
        child = spawn(
            "redis-server",
            ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            { stdio: "ignore" },
        );
    } catch {
        throw new Error("redis-server is not installed: apt-get install -y redis-server (bash .ci/run does it)");
    }
    const failed = new Promise<never>((_, reject) =>
        child.once("error", () =>
            reject(new Error("redis-server is not installed: apt-get install -y redis-server (bash .ci/run does it)")),
        ),
    );
    // A server that cannot start (a taken port, a broken install) exits: that is the answer, not a wait.
    const exited = new Promise<never>((_, reject) =>
        child.once("exit", (code) =>
            reject(new Error(`redis-server exited (code ${code}) before it listened on 127.0.0.1:${port}`)),
        ),
    );
    failed.catch(() => undefined);
    exited.catch(() => undefined);
    try {
        const waiting = waitForPort(port, undefined, () => child.exitCode !== null || child.signalCode !== null);
        waiting.catch(() => undefined);
        await Promise.race([waiting, failed, exited]);
        // Something listens, but it may be another process that took the port: ours must still run.
        if (child.exitCode !== null || child.signalCode !== null)
            throw new Error(`redis-server exited before it listened on 127.0.0.1:${port}`);
    } catch (e) {
        child.kill("SIGKILL");
        throw e;
    }
    return {
        url: `redis://127.0.0.1:${port}`,
        pid: child.pid!,
        close: () =>
            new Promise((resolve) => {
                if (child.exitCode !== null) return resolve();
                child.once("exit", () => resolve());
                child.kill();
            }),
    };
}
