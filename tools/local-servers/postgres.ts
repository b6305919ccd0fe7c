/**
 * A real PostgreSQL server for tests and benchmarks, from Debian's packages: its own cluster in a temporary
 * folder, on a free port of 127.0.0.1, trust auth, stopped (and removed) by the test.
 * `.ci/run` installs the package; nothing here reaches beyond loopback.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { freePort } from "./ports";

function binDir(): string {
    try {
        return execFileSync("pg_config", ["--bindir"], { encoding: "utf8" }).trim();
    } catch {
        const root = "/usr/lib/postgresql";
        const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
        if (!versions.length)
            throw new Error("PostgreSQL is not installed: apt-get install -y postgresql (bash .ci/run does it)");
        return path.join(root, versions[0], "bin");
    }
}

export interface TestPostgres {
    url: string;
    port: number;
    /** The postmaster's process id while it runs (tests check it is gone after a clean-up). */
    pid(): number | undefined;
    stop(): Promise<void>;
    start(): Promise<void>;
    close(): Promise<void>;
}

export async function startPostgres(): Promise<TestPostgres> {
    const bin = binDir();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ainative-pg-"));
    const data = path.join(dir, "data");
    const port = await freePort();
    // PostgreSQL refuses to run as root: as root, run it as the package's postgres user.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) execFileSync("chown", ["-R", "postgres:postgres", dir]);
    const run = (cmd: string, args: string[]) => {
        const res = asRoot
            ? spawnSync("runuser", ["-u", "postgres", "--", path.join(bin, cmd), ...args], { encoding: "utf8" })
            : spawnSync(path.join(bin, cmd), args, { encoding: "utf8" });
        if (res.status !== 0) throw new Error(`${cmd} failed: ${res.stderr || res.stdout}`);
    };
    run("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync"]);
    const opts = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    const pg: TestPostgres = {
        url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
        port,
        pid: () => {
            try {
                return Number(fs.readFileSync(path.join(data, "postmaster.pid"), "utf8").split("\n")[0]) || undefined;
            } catch {
                return undefined;
            }
        },
        start: async () => run("pg_ctl", ["-D", data, "-o", opts, "-l", path.join(dir, "log"), "-w", "start"]),
        stop: async () => run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]),
        close: async () => {
            try {
                run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
            } catch {
                // already stopped
            }
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
    try {
        await pg.start();
    } catch (e) {
        // A half-started cluster is stopped and removed here: the caller never got it to close.
        await pg.close();
        throw e;
    }
    return pg;
}
