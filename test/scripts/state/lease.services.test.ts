/**
 * Stack leases on the three backends a team can keep state on, against real servers: PostgreSQL
 * (Debian's) and an S3-compatible server (versitygw), each on 127.0.0.1, and a folder. What a
 * runner must be able to count on: one holder at a time however many race, a waiter that gives up
 * naming the holder, stacks that never wait for each other, a killed holder's lease coming free
 * (PostgreSQL at once, S3 and a folder once it is dead), and a holder that lost its lease told so.
 */
import { strict as assert } from "assert";
import { ChildProcess, spawn } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Client } from "pg";
import { REPO_ROOT } from "../../../scripts/engine/engine";
import { acquireLease, currentHolder, Holder, LeaseTimeout } from "../../../scripts/state/lease";
import { startPostgres, TestPostgres } from "../../../tools/local-servers/postgres";
import { startS3, TestS3 } from "../../../tools/local-servers/s3";

interface Backend {
    name: string;
    /** A backend URL of its own for one test (a table, a prefix, a folder). */
    fresh(): string;
    env: NodeJS.ProcessEnv;
    /** Whether a killed holder's lease is free at once (its session died with it). */
    freedAtOnce: boolean;
}

const unique = () => randomBytes(4).toString("hex");

describe("stack leases on a shared backend (real PostgreSQL, S3 server, folder)", function () {
    this.timeout(120_000);
    let pg: TestPostgres;
    let s3: TestS3;
    let folder: string;
    const backends: Backend[] = [];

    before(async () => {
        [pg, s3] = await Promise.all([startPostgres(), startS3()]);
        folder = fs.mkdtempSync(path.join(os.tmpdir(), "ainative-lease-"));
        const pgUrl = pg.url.replace(/^postgresql:/, "postgres:");
        backends.push(
            {
                name: "postgres",
                fresh: () => `${pgUrl}?sslmode=disable&table=state_${unique()}`,
                env: {},
                freedAtOnce: true,
            },
            {
                name: "s3",
                fresh: () => s3.url.replace(`s3://${s3.bucket}?`, `s3://${s3.bucket}/team-${unique()}?`),
                env: s3.env,
                freedAtOnce: false,
            },
            { name: "file", fresh: () => `file://${path.join(folder, unique())}`, env: {}, freedAtOnce: true },
        );
    });
    after(async () => {
        await Promise.all([pg?.close(), s3?.close()]);
        fs.rmSync(folder, { recursive: true, force: true });
    });

    const opts = (b: Backend, extra: Partial<Parameters<typeof acquireLease>[3]> = {}) => ({
        timeoutMs: 60_000,
        pollMs: 25,
        env: { ...process.env, ...b.env },
        ...extra,
    });

    for (const name of ["postgres", "s3", "file"]) {
        describe(name, () => {
            const backend = () => backends.find((b) => b.name === name)!;

            it("lets one of eight racing runners hold a stack at a time, and every one in turn", async () => {
                const b = backend();
                const url = b.fresh();
                let inside = 0;
                let most = 0;
                const order: number[] = [];
                await Promise.all(
                    Array.from({ length: 8 }, async (_, i) => {
                        const lease = await acquireLease(url, "web/production", currentHolder(`up ${i}`), opts(b));
                        inside++;
                        most = Math.max(most, inside);
                        order.push(i);
                        // Work that yields to the event loop, so the others' attempts run meanwhile.
                        for (let k = 0; k < 5; k++) await new Promise((r) => setImmediate(r));
                        inside--;
                        await lease.release();
                    }),
                );
                assert.equal(most, 1, "two runners held the stack at once");
                assert.deepEqual([...order].sort(), [0, 1, 2, 3, 4, 5, 6, 7]);
            });

            it("gives up after the wait, naming the holder, its command and since when", async () => {
                const b = backend();
                const url = b.fresh();
                const holder: Holder = {
                    ...currentHolder("up --stack production"),
                    who: "https://github.com/acme/web/actions/runs/42",
                };
                const held = await acquireLease(url, "web/production", holder, opts(b));
                const seen: (Holder | undefined)[] = [];
                try {
                    await assert.rejects(
                        acquireLease(
                            url,
                            "web/production",
                            currentHolder("refresh"),
                            opts(b, {
                                timeoutMs: 300,
                                progressMs: 50,
                                onWait: (h) => seen.push(h),
                            }),
                        ),
                        (e: unknown) => {
                            assert.ok(e instanceof LeaseTimeout);
                            assert.match(e.message, /actions\/runs\/42 \(up --stack production, since \d{4}-/);
                            assert.match(e.message, /--lock-timeout/);
                            return true;
                        },
                    );
                    assert.ok(seen.length >= 1, "the waiter reported nothing while it waited");
                    assert.equal(seen[0]?.who, holder.who);
                } finally {
                    await held.release();
                }
                // Released: the next taker gets it without waiting.
                const next = await acquireLease(
                    url,
                    "web/production",
                    currentHolder("refresh"),
                    opts(b, { timeoutMs: 0 }),
                );
                await next.release();
            });

            it("never makes one stack wait for another", async () => {
                const b = backend();
                const url = b.fresh();
                const production = await acquireLease(url, "web/production", currentHolder("up"), opts(b));
                try {
                    const staging = await acquireLease(
                        url,
                        "web/staging",
                        currentHolder("up"),
                        opts(b, { timeoutMs: 0 }),
                    );
                    const other = await acquireLease(
                        url,
                        "api/production",
                        currentHolder("up"),
                        opts(b, { timeoutMs: 0 }),
                    );
                    await Promise.all([staging.release(), other.release()]);
                } finally {
                    await production.release();
                }
            });

            it("frees a killed runner's lease: at once where its death is seen, else once it went unrenewed", async () => {
                const b = backend();
                const url = b.fresh();
                // Where the death is seen (a session ended, a pid gone), the TTL is set past the wait:
                // getting the lease then can only come from seeing the holder die.
                const ttl = b.freedAtOnce ? 10 * 60_000 : 1500;
                const child = await holdInChild(url, "web/production", ttl, b.env);
                child.process.kill("SIGKILL");
                await new Promise((r) => child.process.once("exit", r));
                if (!b.freedAtOnce) {
                    // A dead S3 holder is only known by its silence: right after the kill, it is still held, by it.
                    await assert.rejects(
                        acquireLease(url, "web/production", currentHolder("up"), opts(b, { timeoutMs: 0, ttlMs: ttl })),
                        (e: unknown) => e instanceof LeaseTimeout && e.message.includes(child.holder.who),
                    );
                }
                const lease = await acquireLease(url, "web/production", currentHolder("up"), opts(b, { ttlMs: ttl }));
                await lease.release();
            });
        });
    }

    it("s3: a holder whose lease was taken over is told, and its release leaves the new holder's alone", async () => {
        const b = backends.find((x) => x.name === "s3")!;
        const url = b.fresh();
        // A stalled runner: it renews every 1.5 s, but its lease is a dead one's after 0.4 s unrenewed.
        const stalled = await acquireLease(
            url,
            "web/production",
            currentHolder("up"),
            opts(b, { ttlMs: 400, renewMs: 1500 }),
        );
        const taker = await acquireLease(url, "web/production", currentHolder("up again"), opts(b, { ttlMs: 400 }));
        // Its next renewal finds the lease taken: it is told (and the command stops its engine).
        assert.match(await stalled.lost, /could not be renewed/);
        await stalled.release();
        await assert.rejects(
            acquireLease(url, "web/production", currentHolder("third"), opts(b, { timeoutMs: 0, ttlMs: 60_000 })),
            (e: unknown) => e instanceof LeaseTimeout && e.message.includes("up again"),
        );
        await taker.release();
    });

    it("postgres: a holder whose session is ended is told, and the stack is free", async () => {
        const b = backends.find((x) => x.name === "postgres")!;
        const url = b.fresh();
        const lease = await acquireLease(url, "web/production", currentHolder("up"), opts(b));
        const admin = new Client({ connectionString: pg.url });
        await admin.connect();
        try {
            await admin.query(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND pid <> pg_backend_pid()",
            );
        } finally {
            await admin.end();
        }
        assert.match(await lease.lost, /connection .* ended/);
        const next = await acquireLease(url, "web/production", currentHolder("up"), opts(b, { timeoutMs: 5_000 }));
        await next.release();
        await lease.release().catch(() => undefined);
    });

    it("file: a holder whose lease file was taken is told", async () => {
        const b = backends.find((x) => x.name === "file")!;
        const url = b.fresh();
        const lease = await acquireLease(url, "web/production", currentHolder("up"), opts(b, { renewMs: 50 }));
        const file = path.join(url.slice("file://".length), ".ainative", "leases", "web", "production.json");
        const record = JSON.parse(fs.readFileSync(file, "utf8"));
        fs.writeFileSync(file, JSON.stringify({ ...record, token: "someone-else" }));
        assert.match(await lease.lost, /taken by another runner/);
        await lease.release();
        assert.ok(fs.existsSync(file), "the release removed another runner's lease");
    });
});

/** A runner in a process of its own holding the stack's lease (test/support/state/hold-lease.ts). */
async function holdInChild(
    url: string,
    stack: string,
    ttlMs: number,
    env: NodeJS.ProcessEnv,
): Promise<{ process: ChildProcess; holder: Holder }> {
    const child = spawn(
        process.execPath,
        ["-r", "./scripts/register.js", "test/support/state/hold-lease.ts", url, stack, String(ttlMs)],
        { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    child.stderr!.on("data", (c) => (err += c));
    return new Promise((resolve, reject) => {
        child.stdout!.on("data", (c) => {
            out += c;
            const m = /^held (.*)$/m.exec(out);
            if (m) resolve({ process: child, holder: JSON.parse(m[1]) as Holder });
        });
        child.once("exit", (code) => reject(new Error(`hold-lease exited ${code} before it held the lease: ${err}`)));
    });
}
