/**
 * A test server's process and its temporary folder, stopped together: whether it has exited (so a
 * wait for its port gives up at once), and a close that stops it, waits for it, and removes the folder.
 */
import type { ChildProcess } from "child_process";
import * as fs from "fs";

export interface ServerProcess {
    exited(): boolean;
    close(): Promise<void>;
}

export function serverProcess(child: ChildProcess, dir: string): ServerProcess {
    let exited = false;
    child.once("exit", () => (exited = true));
    return {
        exited: () => exited,
        async close() {
            if (!exited) {
                child.kill("SIGTERM");
                await new Promise((r) => child.once("exit", r));
            }
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}
