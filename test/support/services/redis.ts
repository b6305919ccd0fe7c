/** A real Redis server for tests, from Debian's packages, on a free port of 127.0.0.1, no persistence. */
import { ChildProcess, spawn } from "child_process";
import { freePort, waitForPort } from "./ports";

export interface TestRedis {
    url: string;
    close(): Promise<void>;
}

export async function startRedis(): Promise<TestRedis> {
    const port = await freePort();
    let child: ChildProcess;
    try {
        child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    } catch {
        throw new Error("redis-server is not installed: apt-get install -y redis-server (bash .ci/run does it)");
    }
    const failed = new Promise<never>((_, reject) =>
        child.once("error", () => reject(new Error("redis-server is not installed: apt-get install -y redis-server (bash .ci/run does it)"))),
    );
    await Promise.race([waitForPort(port), failed]);
    return {
        url: `redis://127.0.0.1:${port}`,
        close: () =>
            new Promise((resolve) => {
                if (child.exitCode !== null) return resolve();
                child.once("exit", () => resolve());
                child.kill();
            }),
    };
}
