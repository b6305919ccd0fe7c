/**
 * Where a team keeps Pulumi's state, as this project's own commands read it: the same URL the
 * engine takes (`PULUMI_BACKEND_URL`) and the same layout every Pulumi DIY backend uses (keys under
 * `.pulumi/`: stacks, history, backups, locks). Three kinds:
 * - `file://<folder>`: the local loop's (one person, one machine);
 * - `postgres://user:pass@host:port/db[?table=pulumi_state&sslmode=…]`: Pulumi's own PostgreSQL
 *   backend, a table of `{key, data: {"data": <base64>}}` rows (pkg/backend/diy/postgres), keys
 *   under `<db>/` (the engine takes the URL's path as a folder, as for S3);
 * - `s3://bucket[/prefix][?region=…&endpoint=…&use_path_style=true]`: an S3 bucket (AWS, or an
 *   S3-compatible server), credentials from `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`.
 * The commands use it to see Pulumi's locks, to move state between backends and to count bytes;
 * leases (lease.ts) are kept beside, never inside, Pulumi's own keys.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    DeleteObjectCommand,
    GetObjectCommand,
    ListObjectsV2Command,
    NoSuchKey,
    PutObjectCommand,
    S3Client,
} from "@aws-sdk/client-s3";
import { Client as PgClient } from "pg";

// The AWS SDK warns on every process that it will want Node.js 22 in 2027; this project runs on
// Node.js 20 (README) with the SDK pinned, so the warning is noise on every command's stderr.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

export type BackendKind = "file" | "postgres" | "s3";

export interface StateBackend {
    readonly kind: BackendKind;
    /** The URL with any password hidden: what messages print. */
    readonly display: string;
    /** Every key under `prefix` (`.pulumi/locks/...`), sorted. */
    list(prefix: string): Promise<string[]>;
    get(key: string): Promise<Buffer | undefined>;
    put(key: string, body: Buffer): Promise<void>;
    delete(key: string): Promise<void>;
    close(): Promise<void>;
}

/** A backend URL that is not one of the three, or is malformed: a usage problem, said plainly. */
export class BackendUrlProblem extends Error {}

/** The URL with its password (postgres) replaced, for messages and logs. */
export function displayUrl(url: string): string {
    try {
        const u = new URL(url);
        if (u.password) u.password = "****";
        return u.toString();
    } catch {
        return url.replace(/:\/\/[^@/]*@/, "://****@");
    }
}

export function backendKind(url: string): BackendKind {
    if (url.startsWith("file://")) return "file";
    if (url.startsWith("postgres://")) return "postgres";
    if (url.startsWith("s3://")) return "s3";
    if (url.startsWith("postgresql://"))
        throw new BackendUrlProblem(
            `PULUMI_BACKEND_URL ${displayUrl(url).slice(0, 120)}: the engine reads PostgreSQL backends as postgres:// only; write postgres:// instead of postgresql://`,
        );
    throw new BackendUrlProblem(
        `PULUMI_BACKEND_URL ${displayUrl(url).slice(0, 120)} is none this project's commands know: ` +
            "use file://<folder>, postgres://user:pass@host:port/db or s3://bucket (docs/team-setup.md, 'Team set-up')",
    );
}

/** `file://~/x`, `file:///abs`, `file://./rel` as the Pulumi CLI reads them. */
function fileRoot(url: string, cwd: string): string {
    const rest = decodeURIComponent(url.slice("file://".length));
    if (rest === "~" || rest.startsWith("~/")) return path.join(os.homedir(), rest.slice(1));
    return path.resolve(cwd, rest);
}

function fileBackend(url: string, cwd: string): StateBackend {
    const root = fileRoot(url, cwd);
    const abs = (key: string) => {
        const p = path.resolve(root, key);
        if (!p.startsWith(root + path.sep)) throw new Error(`the key ${key.slice(0, 100)} leaves the backend's folder`);
        return p;
    };
    const walk = (dir: string): string[] =>
        fs.existsSync(dir)
            ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
                  const p = path.join(dir, e.name);
                  return e.isDirectory() ? walk(p) : e.isFile() ? [p] : [];
              })
            : [];
    return {
        kind: "file",
        display: url,
        list: async (prefix) =>
            walk(root)
                .map((p) => path.relative(root, p).split(path.sep).join("/"))
                .filter((k) => k.startsWith(prefix))
                .sort(),
        get: async (key) => (fs.existsSync(abs(key)) ? fs.readFileSync(abs(key)) : undefined),
        put: async (key, body) => {
            fs.mkdirSync(path.dirname(abs(key)), { recursive: true });
            fs.writeFileSync(abs(key), body);
        },
        delete: async (key) => fs.rmSync(abs(key), { force: true }),
        close: async () => undefined,
    };
}

/**
 * Pulumi's PostgreSQL backend: its table, the connection string (without `table`, which only Pulumi
 * reads) and the key prefix. The engine treats the URL's path (the database's name) as a folder in
 * the table, as it does an S3 URL's path: its keys are `<database>/.pulumi/...`.
 */
export function postgresTarget(url: string): { connectionString: string; table: string; prefix: string } {
    const u = new URL(url);
    const table = u.searchParams.get("table") ?? "pulumi_state";
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(table))
        throw new BackendUrlProblem(`the postgres backend's table ${table.slice(0, 70)} is not a plain SQL name`);
    u.searchParams.delete("table");
    return { connectionString: u.toString(), table, prefix: folderPrefix(u.pathname) };
}

/** A URL path as the engine's key prefix: `/a/b` → `a/b/`, `/` or none → none. */
const folderPrefix = (pathname: string) => {
    const p = decodeURIComponent(pathname).replace(/^\/+/, "");
    return p && !p.endsWith("/") ? `${p}/` : p;
};

/**
 * Runs schema statements holding a transaction-scoped advisory lock, so concurrent runners make a
 * table one after the other (two `CREATE TABLE IF NOT EXISTS` at once can both try, and one fails).
 */
export async function createOnce(client: PgClient, statements: string[]): Promise<void> {
    await client.query("BEGIN");
    try {
        await client.query("SELECT pg_advisory_xact_lock(hashtext('ainative-state-schema'))");
        for (const sql of statements) await client.query(sql);
        await client.query("COMMIT");
    } catch (e) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw e;
    }
}

async function postgresBackend(url: string): Promise<StateBackend> {
    const { connectionString, table, prefix: root } = postgresTarget(url);
    const client = new PgClient({ connectionString });
    await client.connect();
    // The table (and index) Pulumi makes at its first run, as its schema.sql makes them: made here
    // first, one creator at a time, so that runners starting together on a fresh database find it
    // there (PostgreSQL's CREATE ... IF NOT EXISTS is not safe against a concurrent one).
    await createOnce(client, [
        `CREATE TABLE IF NOT EXISTS ${table} (key TEXT PRIMARY KEY, data JSON NOT NULL, updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now())`,
        `CREATE INDEX IF NOT EXISTS ${table}_key_prefix_idx ON ${table} (key text_pattern_ops)`,
    ]);
    return {
        kind: "postgres",
        display: displayUrl(url),
        list: async (prefix) =>
            (
                await client.query(`SELECT key FROM ${table} WHERE key LIKE $1 ORDER BY key`, [
                    `${(root + prefix).replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
                ])
            ).rows.map((r) => (r.key as string).slice(root.length)),
        get: async (key) => {
            const r = await client.query(`SELECT data FROM ${table} WHERE key = $1`, [root + key]);
            if (!r.rows.length) return undefined;
            const data = r.rows[0].data as { data: string };
            return Buffer.from(data.data, "base64");
        },
        put: async (key, body) => {
            await client.query(
                `INSERT INTO ${table} (key, data) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET data = $2, updated_at = now()`,
                [root + key, JSON.stringify({ data: body.toString("base64") })],
            );
        },
        delete: async (key) => {
            await client.query(`DELETE FROM ${table} WHERE key = $1`, [root + key]);
        },
        close: () => client.end(),
    };
}

/** The S3 bucket, key prefix and client settings a `s3://` URL names (gocloud's parameters). */
export function s3Target(url: string, env: NodeJS.ProcessEnv) {
    const u = new URL(url);
    const bucket = u.hostname;
    const q = u.searchParams;
    const truthy = (k: string) => ["true", "1"].includes((q.get(k) ?? "").toLowerCase());
    const endpoint = q.get("endpoint") ?? undefined;
    return {
        bucket,
        prefix: folderPrefix(u.pathname),
        client: {
            region: q.get("region") ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1",
            endpoint:
                endpoint && !/^https?:\/\//.test(endpoint)
                    ? `${truthy("disable_https") ? "http" : "https"}://${endpoint}`
                    : endpoint,
            forcePathStyle: truthy("use_path_style") || truthy("s3ForcePathStyle"),
            credentials:
                env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
                    ? {
                          accessKeyId: env.AWS_ACCESS_KEY_ID,
                          secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
                          sessionToken: env.AWS_SESSION_TOKEN,
                      }
                    : undefined,
        },
    };
}

function s3Backend(
    url: string,
    env: NodeJS.ProcessEnv,
): StateBackend & { client: S3Client; bucket: string; prefix: string } {
    const t = s3Target(url, env);
    const client = new S3Client(t.client);
    const full = (key: string) => `${t.prefix}${key}`;
    return {
        kind: "s3",
        display: displayUrl(url),
        client,
        bucket: t.bucket,
        prefix: t.prefix,
        list: async (prefix) => {
            const keys: string[] = [];
            let token: string | undefined;
            do {
                const page = await client.send(
                    new ListObjectsV2Command({ Bucket: t.bucket, Prefix: full(prefix), ContinuationToken: token }),
                );
                for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key.slice(t.prefix.length));
                token = page.IsTruncated ? page.NextContinuationToken : undefined;
            } while (token);
            return keys.sort();
        },
        get: async (key) => {
            try {
                const r = await client.send(new GetObjectCommand({ Bucket: t.bucket, Key: full(key) }));
                return Buffer.from(await r.Body!.transformToByteArray());
            } catch (e) {
                if (e instanceof NoSuchKey || (e as { name?: string }).name === "NoSuchKey") return undefined;
                throw e;
            }
        },
        put: async (key, body) => {
            await client.send(new PutObjectCommand({ Bucket: t.bucket, Key: full(key), Body: body }));
        },
        delete: async (key) => {
            await client.send(new DeleteObjectCommand({ Bucket: t.bucket, Key: full(key) }));
        },
        close: async () => client.destroy(),
    };
}

export async function openBackend(
    url: string,
    opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<StateBackend> {
    const kind = backendKind(url);
    if (kind === "file") return fileBackend(url, opts.cwd ?? process.cwd());
    if (kind === "postgres") return postgresBackend(url);
    return s3Backend(url, opts.env ?? process.env);
}

export { s3Backend };

/** Bytes of every object under `.pulumi/` (what a backend holds for this project's stacks). */
export async function stateBytes(backend: StateBackend): Promise<number> {
    let total = 0;
    for (const key of await backend.list(".pulumi/")) total += (await backend.get(key))?.length ?? 0;
    return total;
}
