/**
 * One lease per stack, taken by every command of ours that changes a stack, before the engine
 * starts and released after it ends. Pulumi's own DIY lock is a listing (list, write, list again)
 * with no expiry, so a runner that dies leaves it behind; this lease is the server's job and dies
 * with its holder:
 * - PostgreSQL: a session advisory lock (`pg_try_advisory_lock`) on a connection held for the run;
 *   the server drops it when that connection dies. Who holds it is a row beside it.
 * - S3: an object written only if absent (`If-None-Match: *`), renewed while the run lasts
 *   (`If-Match` on its ETag) and taken over by a waiter (`If-Match` again, so one taker wins) once
 *   it has gone `ttlMs` without renewal. A holder that fails to renew has lost it, and says so.
 * - file (the local loop, one machine): a file created exclusively, whose holder is dead when its
 *   process is gone or it went `ttlMs` without renewal.
 * A waiter prints who holds it (the workflow run or user@host, the command, since when) while it
 * waits, and gives up after `timeoutMs` naming the holder. Leases of different stacks never meet.
 */
import { createHash, randomUUID } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GetObjectCommand, PutObjectCommand, DeleteObjectCommand } from "@aws-sdk/client-s3";
import { Client as PgClient } from "pg";
import { backendKind, createOnce, displayUrl, postgresTarget, s3Backend } from "./backend";
import { processAlive } from "./process-alive";

export interface Holder {
    /** The workflow run's URL, or user@host. */
    who: string;
    /** What it runs (`up --stack production`). */
    command: string;
    /** ISO time it took the lease. */
    since: string;
    host: string;
    pid: number;
}

export interface Lease {
    readonly holder: Holder;
    /** Settles when the lease is lost (an S3 or file lease not renewed in time): the run must stop. */
    readonly lost: Promise<string>;
    release(): Promise<void>;
}

export interface LeaseOptions {
    /** How long to wait for another holder (then fail naming it). */
    timeoutMs: number;
    /** Called while waiting, about every `progressMs`, with who holds it. */
    onWait?: (holder: Holder | undefined, waitedMs: number) => void;
    progressMs?: number;
    /** S3 and file: a lease not renewed for this long is a dead holder's. */
    ttlMs?: number;
    /** How often a holder renews (S3, file). */
    renewMs?: number;
    /** How often a waiter tries again. */
    pollMs?: number;
    env?: NodeJS.ProcessEnv;
    cwd?: string;
}

/** The lease is held by someone else past the wait: the message names them. */
export class LeaseTimeout extends Error {
    constructor(
        readonly stack: string,
        readonly holder: Holder | undefined,
        waitedMs: number,
    ) {
        super(
            `stack ${stack} is held by ${holder ? describeHolder(holder) : "another command (its record could not be read)"}; ` +
                `gave up after waiting ${Math.round(waitedMs / 1000)} s (--lock-timeout). Wait for it to end, or if that ` +
                'runner is certainly gone, see docs/team-setup.md "Team set-up", "Clearing a lease by hand"',
        );
    }
}

export function describeHolder(h: Holder): string {
    return `${h.who} (${h.command}, since ${h.since})`;
}

/** Who this run is: the CI run's URL when there is one, else user@host. */
export function currentHolder(command: string, env: NodeJS.ProcessEnv = process.env): Holder {
    const who =
        env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY
            ? `${env.GITHUB_SERVER_URL ?? "https://github.com"}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}${env.GITHUB_RUN_ATTEMPT ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : ""}`
            : env.CIRCLE_BUILD_URL
              ? env.CIRCLE_BUILD_URL
              : `${os.userInfo().username}@${os.hostname()}`;
    return { who, command, since: new Date().toISOString(), host: os.hostname(), pid: process.pid };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for `tryTake` to succeed, reporting the holder, until the deadline. */
async function waitFor<T>(
    stack: string,
    opts: LeaseOptions,
    tryTake: () => Promise<{ taken: T } | { holder: Holder | undefined }>,
): Promise<T> {
    const started = Date.now();
    let lastReport = 0;
    for (;;) {
        const r = await tryTake();
        if ("taken" in r) return r.taken;
        const waited = Date.now() - started;
        if (waited >= opts.timeoutMs) throw new LeaseTimeout(stack, r.holder, waited);
        if (waited - lastReport >= (opts.progressMs ?? 10_000) || lastReport === 0) {
            opts.onWait?.(r.holder, waited);
            lastReport = waited || 1;
        }
        await sleep(Math.min(opts.pollMs ?? 500, opts.timeoutMs - waited));
    }
}

/** A 64-bit advisory lock key for a stack of a backend: the same for every runner, different per stack. */
export function advisoryKey(name: string): string {
    return BigInt.asIntN(
        64,
        BigInt(`0x${createHash("sha256").update(`ainative-lease:${name}`).digest("hex").slice(0, 16)}`),
    ).toString();
}

async function postgresLease(url: string, stack: string, holder: Holder, opts: LeaseOptions): Promise<Lease> {
    const { connectionString, table } = postgresTarget(url);
    const leases = `${table}_leases`;
    const client = new PgClient({ connectionString });
    await client.connect();
    // The connection dying (a runner killed, a network lost) must never leave an unhandled error.
    client.on("error", () => undefined);
    try {
        await createOnce(client, [
            `CREATE TABLE IF NOT EXISTS ${leases} (stack TEXT PRIMARY KEY, holder JSON NOT NULL, taken_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now())`,
        ]);
        // Per table: two backends in one database (a table each) keep apart stacks of the same name.
        const key = advisoryKey(`${table}:${stack}`);
        await waitFor(stack, opts, async () => {
            const got = await client.query("SELECT pg_try_advisory_lock($1::bigint) AS ok", [key]);
            if (got.rows[0].ok) return { taken: true };
            const row = await client.query(`SELECT holder FROM ${leases} WHERE stack = $1`, [stack]);
            return { holder: row.rows[0]?.holder as Holder | undefined };
        });
        await client.query(
            `INSERT INTO ${leases} (stack, holder) VALUES ($1, $2) ON CONFLICT (stack) DO UPDATE SET holder = $2, taken_at = now()`,
            [stack, JSON.stringify(holder)],
        );
        let released = false;
        return {
            holder,
            // A session lock is lost only with its connection, and then the run's own queries fail too.
            lost: new Promise<string>((resolve) =>
                client.once("end", () => released || resolve(`the lease's connection to ${displayUrl(url)} ended`)),
            ),
            release: async () => {
                released = true;
                await client.query(`DELETE FROM ${leases} WHERE stack = $1 AND holder->>'since' = $2`, [
                    stack,
                    holder.since,
                ]);
                await client.query("SELECT pg_advisory_unlock($1::bigint)", [key]);
                await client.end();
            },
        };
    } catch (e) {
        await client.end().catch(() => undefined);
        throw e;
    }
}

interface LeaseRecord extends Holder {
    /** Epoch ms the holder last renewed it. */
    renewedAt: number;
    token: string;
}

/** Where leases live in a bucket or folder: beside `.pulumi/`, never among Pulumi's own keys. */
export const leaseKey = (stack: string) => `.ainative/leases/${stack}.json`;

async function s3Lease(url: string, stack: string, holder: Holder, opts: LeaseOptions): Promise<Lease> {
    const b = s3Backend(url, opts.env ?? process.env);
    const Key = `${b.prefix}${leaseKey(stack)}`;
    const ttl = opts.ttlMs ?? 60_000;
    const token = randomUUID();
    const body = () => JSON.stringify({ ...holder, renewedAt: Date.now(), token } satisfies LeaseRecord);
    const status = (e: unknown) => (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    const read = async (): Promise<{ record?: LeaseRecord; etag?: string }> => {
        try {
            const r = await b.client.send(new GetObjectCommand({ Bucket: b.bucket, Key }));
            return { record: JSON.parse(await r.Body!.transformToString()) as LeaseRecord, etag: r.ETag };
        } catch (e) {
            if (status(e) === 404) return {};
            throw e;
        }
    };
    const put = async (condition: { IfNoneMatch: "*" } | { IfMatch: string }): Promise<string | undefined> => {
        try {
            return (await b.client.send(new PutObjectCommand({ Bucket: b.bucket, Key, Body: body(), ...condition })))
                .ETag;
        } catch (e) {
            // 412: someone else's lease is there (or changed since we read it); 409: a concurrent write won.
            if (status(e) === 412 || status(e) === 409) return undefined;
            throw e;
        }
    };
    let etag: string = await waitFor(
        stack,
        opts,
        async (): Promise<{ taken: string } | { holder: Holder | undefined }> => {
            const made = await put({ IfNoneMatch: "*" });
            if (made) return { taken: made };
            const seen = await read();
            if (!seen.record || !seen.etag) return { holder: undefined };
            if (Date.now() - seen.record.renewedAt > ttl) {
                // Not renewed for a whole TTL: its holder is dead. Taken over conditionally: one taker wins.
                const taken = await put({ IfMatch: seen.etag });
                if (taken) return { taken };
            }
            return { holder: seen.record };
        },
    );
    let lostReason: ((why: string) => void) | undefined;
    const lost = new Promise<string>((resolve) => (lostReason = resolve));
    const renew = setInterval(
        async () => {
            try {
                const next = await put({ IfMatch: etag });
                if (next) etag = next;
                else throw new Error("another runner took it over");
            } catch (e) {
                clearInterval(renew);
                lostReason?.(
                    `the lease on ${stack} could not be renewed (${(e as Error).message}); another runner may hold the stack now`,
                );
            }
        },
        opts.renewMs ?? Math.max(1000, Math.floor(ttl / 4)),
    );
    renew.unref();
    return {
        holder,
        lost,
        release: async () => {
            clearInterval(renew);
            const seen = await read();
            // Ours still (our token): deleted; someone else's (it expired and was taken): left alone.
            if (seen.record?.token === token) await b.client.send(new DeleteObjectCommand({ Bucket: b.bucket, Key }));
            await b.close();
        },
    };
}

/**
 * Moves a dead holder's lease file out of the way, only if it is still that holder's: renamed first
 * (atomic, so of two waiters only one moves any given file), then read; a file that turns out to be
 * a live lease another waiter wrote meanwhile is linked back where it was (a link never overwrites).
 */
function setAsideIfStill(file: string, deadToken: string): void {
    const aside = `${file}.${randomUUID()}.dead`;
    try {
        fs.renameSync(file, aside);
    } catch {
        return; // already moved by another waiter
    }
    try {
        const moved = JSON.parse(fs.readFileSync(aside, "utf8")) as LeaseRecord;
        if (moved.token !== deadToken) fs.linkSync(aside, file);
    } catch {
        // unreadable: it was the dead one's (a torn write); a link that fails means a newer lease is there
    } finally {
        fs.rmSync(aside, { force: true });
    }
}

async function fileLease(url: string, stack: string, holder: Holder, opts: LeaseOptions): Promise<Lease> {
    const rest = decodeURIComponent(url.slice("file://".length));
    const root =
        rest === "~" || rest.startsWith("~/")
            ? path.join(os.homedir(), rest.slice(1))
            : path.resolve(opts.cwd ?? process.cwd(), rest);
    const file = path.join(root, leaseKey(stack));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const ttl = opts.ttlMs ?? 60_000;
    const token = randomUUID();
    const write = (flag: "wx" | "w") =>
        fs.writeFileSync(file, JSON.stringify({ ...holder, renewedAt: Date.now(), token }), { flag });
    const read = (): LeaseRecord | undefined => {
        try {
            return JSON.parse(fs.readFileSync(file, "utf8")) as LeaseRecord;
        } catch {
            return undefined;
        }
    };
    await waitFor(stack, opts, async () => {
        try {
            write("wx");
            return { taken: true };
        } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
        }
        const seen = read();
        const dead =
            seen && ((seen.host === os.hostname() && !processAlive(seen.pid)) || Date.now() - seen.renewedAt > ttl);
        if (dead) setAsideIfStill(file, seen.token);
        return { holder: seen };
    });
    let lostReason: ((why: string) => void) | undefined;
    const lost = new Promise<string>((resolve) => (lostReason = resolve));
    const renew = setInterval(
        () => {
            if (read()?.token !== token) {
                clearInterval(renew);
                lostReason?.(`the lease file of ${stack} was taken by another runner`);
                return;
            }
            write("w");
        },
        opts.renewMs ?? Math.max(1000, Math.floor(ttl / 4)),
    );
    renew.unref();
    return {
        holder,
        lost,
        release: async () => {
            clearInterval(renew);
            if (read()?.token === token) fs.rmSync(file, { force: true });
        },
    };
}

/** Takes the stack's lease on the backend `url` names (see the file comment), waiting as told. */
export async function acquireLease(url: string, stack: string, holder: Holder, opts: LeaseOptions): Promise<Lease> {
    switch (backendKind(url)) {
        case "postgres":
            return postgresLease(url, stack, holder, opts);
        case "s3":
            return s3Lease(url, stack, holder, opts);
        case "file":
            return fileLease(url, stack, holder, opts);
    }
}
