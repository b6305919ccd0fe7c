/**
 * HashiCorp Vault's KV version 2 secrets engine, through node-vault: the reads and writes the
 * secrets backup makes (its HTTP API: `<mount>/data/<path>` for versions, `<mount>/metadata/<path>`
 * for the current version and custom metadata, LIST on `<mount>/metadata/<folder>`).
 *
 * Credentials come from the environment only: VAULT_TOKEN (a person's own token), or
 * VAULT_ROLE_ID and VAULT_SECRET_ID (CI's AppRole, logged in at `auth/<approleMount>/login`);
 * VAULT_CACERT names a private CA's PEM file, as for Vault's own CLI.
 * No message built here holds a token, a secret id or a value: node-vault's errors carry the
 * request (and so the token header), so they are read for their status and Vault's own error
 * text, never printed whole.
 */
import * as fs from "fs";
import nodeVault from "node-vault";
import type { VaultBackupConfig } from "../../config/stack.schema";

/** A Vault problem, said without a credential or a value: safe to print. */
export class VaultProblem extends Error {
    constructor(
        message: string,
        readonly status?: number,
        /** Asking again cannot help (an untrusted certificate): no retry. */
        readonly final = false,
    ) {
        super(message);
    }
}

export type VaultAuth = { token: string } | { roleId: string; secretId: string };

/** The credentials in the environment, or why there are none. */
export function vaultAuthFromEnv(env: NodeJS.ProcessEnv): VaultAuth | { problem: string } {
    if (env.VAULT_TOKEN) return { token: env.VAULT_TOKEN };
    if (env.VAULT_ROLE_ID && env.VAULT_SECRET_ID) return { roleId: env.VAULT_ROLE_ID, secretId: env.VAULT_SECRET_ID };
    if (env.VAULT_ROLE_ID || env.VAULT_SECRET_ID)
        return { problem: "AppRole needs both VAULT_ROLE_ID and VAULT_SECRET_ID; only one is set" };
    return {
        problem:
            "no Vault credentials: set VAULT_TOKEN (your own token) or VAULT_ROLE_ID and VAULT_SECRET_ID (CI's AppRole)",
    };
}

/** Vault's address: VAULT_ADDR wins over the stack file's (a tunnel, a test's server). */
export const vaultAddress = (settings: VaultBackupConfig, env: NodeJS.ProcessEnv) =>
    (env.VAULT_ADDR || settings.address).replace(/\/+$/, "");

export interface KvMetadata {
    currentVersion: number;
    /** The current version was deleted or destroyed: nothing readable is there. */
    currentGone: boolean;
    custom: Record<string, string>;
}

type Client = ReturnType<typeof nodeVault>;

export interface KvOptions {
    /** Per request (default 10 s). */
    timeoutMs?: number;
    /** Attempts on 429, 5xx and no answer (default 4). */
    attempts?: number;
    /** Milliseconds per backoff unit (1000 in earnest; tests shrink it). */
    unitMs?: number;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Vault's answer as a problem: its status and first error, bounded; never the request. */
function problemOf(e: unknown, what: string): VaultProblem {
    const err = e as {
        response?: { statusCode?: number; body?: { errors?: unknown[] } };
        code?: string;
        name?: string;
    };
    const status = err.response?.statusCode;
    if (status !== undefined) {
        const first = err.response?.body?.errors?.[0];
        const said = typeof first === "string" && first ? `: ${cut(first.replace(/\s+/g, " "), 200)}` : "";
        return new VaultProblem(`${what}: Vault answered HTTP ${status}${said}`, status);
    }
    if (err.code === "ECONNABORTED" || err.name === "TimeoutError") return new VaultProblem(`${what}: Vault timed out`);
    if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|HOSTNAME/.test(String(err.code)))
        return new VaultProblem(
            `${what}: Vault's certificate is not trusted (${cut(String(err.code), 60)}): set VAULT_CACERT to its CA's PEM file`,
            undefined,
            true,
        );
    return new VaultProblem(`${what}: no answer from Vault (${cut(String(err.code ?? "network error"), 40)})`);
}

const retryable = (p: VaultProblem) => !p.final && (p.status === undefined || p.status === 429 || p.status >= 500);

/** Path segments are checked where they are made; this keeps a hostile one from walking the tree. */
function checkedPath(p: string): string {
    if (!p || p.split("/").some((s) => !s || s === "." || s === ".." || /[^A-Za-z0-9_:.@-]/.test(s)))
        throw new VaultProblem(`'${cut(p, 120)}' is not a Vault path this tool writes`);
    return p;
}

/** One KV version 2 mount, logged in. */
export class KvStore {
    /** Who Vault says the token is (its display name: `approle`, `token-alice`...), for the metadata. */
    identity = "unknown";

    private constructor(
        private readonly client: Client,
        readonly mount: string,
        private readonly opts: Required<KvOptions>,
    ) {}

    /** Logs in (AppRole) or takes the token, and checks it with a token lookup. */
    static async connect(settings: VaultBackupConfig, env: NodeJS.ProcessEnv, opts: KvOptions = {}): Promise<KvStore> {
        const auth = vaultAuthFromEnv(env);
        if ("problem" in auth) throw new VaultProblem(auth.problem);
        const full = { timeoutMs: 10_000, attempts: 4, unitMs: 1000, ...opts };
        // A private CA, as Vault's own CLI takes it; the certificate is always verified.
        let ca: Buffer | undefined;
        if (env.VAULT_CACERT) {
            try {
                ca = fs.readFileSync(env.VAULT_CACERT);
            } catch (e) {
                throw new VaultProblem(
                    `VAULT_CACERT ${cut(env.VAULT_CACERT, 200)}: cannot read it (${(e as NodeJS.ErrnoException).code ?? "error"})`,
                );
            }
        }
        const client = nodeVault({
            apiVersion: "v1",
            endpoint: vaultAddress(settings, env),
            // node-vault would read VAULT_TOKEN itself; what it may use is decided here.
            token: "token" in auth ? auth.token : "",
            namespace: env.VAULT_NAMESPACE || undefined,
            requestOptions: { timeout: full.timeoutMs, ...(ca ? { ca } : {}) },
        });
        const store = new KvStore(client, settings.mount, full);
        if ("roleId" in auth) {
            const login = await store.call("AppRole login", () =>
                client.approleLogin({
                    mount_point: settings.approleMount,
                    role_id: auth.roleId,
                    secret_id: auth.secretId,
                }),
            );
            const token = (login as { auth?: { client_token?: unknown } }).auth?.client_token;
            if (typeof token !== "string" || !token) throw new VaultProblem("AppRole login: Vault gave no token");
            client.token = token;
        }
        const self = (await store.call("checking the Vault token", () => client.tokenLookupSelf())) as {
            data?: { display_name?: unknown };
        };
        const name = self.data?.display_name;
        if (typeof name === "string" && name) store.identity = cut(name.replace(/[^\w.@:/-]/g, "?"), 100);
        return store;
    }

    private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
        let last: VaultProblem | undefined;
        for (let attempt = 1; attempt <= this.opts.attempts; attempt++) {
            try {
                return await fn();
            } catch (e) {
                if (e instanceof VaultProblem) throw e; // ours, made before any request (a refused path)
                last = problemOf(e, what);
                if (!retryable(last) || attempt === this.opts.attempts) throw last;
                // node-vault hands back no response headers, so Vault's Retry-After cannot be read: back off.
                await pause(Math.min(this.opts.unitMs * 2 ** (attempt - 1), 30 * this.opts.unitMs));
            }
        }
        throw last ?? new VaultProblem(`${what}: not attempted`);
    }

    /** The entry's current version and custom metadata, or undefined when there is none. */
    async metadata(p: string): Promise<KvMetadata | undefined> {
        try {
            const r = (await this.call(`reading ${p}'s metadata`, () =>
                this.client.read(`${this.mount}/metadata/${checkedPath(p)}`),
            )) as {
                data?: {
                    current_version?: unknown;
                    custom_metadata?: unknown;
                    versions?: Record<string, { deletion_time?: string; destroyed?: boolean }>;
                };
            };
            const version = r.data?.current_version;
            if (typeof version !== "number" || version < 1) return undefined;
            const custom = (r.data?.custom_metadata ?? {}) as Record<string, unknown>;
            const current = r.data?.versions?.[String(version)];
            return {
                currentVersion: version,
                currentGone: Boolean(current?.destroyed || current?.deletion_time),
                custom: Object.fromEntries(
                    Object.entries(custom).filter((e): e is [string, string] => typeof e[1] === "string"),
                ),
            };
        } catch (e) {
            if (e instanceof VaultProblem && e.status === 404) return undefined;
            throw e;
        }
    }

    /** A version's data (the newest without `version`), or undefined when it is absent, deleted or destroyed. */
    async read(p: string, version?: number): Promise<{ data: Record<string, unknown>; version: number } | undefined> {
        try {
            const r = (await this.call(`reading ${p}`, () =>
                this.client.read(`${this.mount}/data/${checkedPath(p)}${version ? `?version=${version}` : ""}`),
            )) as { data?: { data?: unknown; metadata?: { version?: unknown } } };
            const data = r.data?.data;
            if (!data || typeof data !== "object") return undefined;
            return { data: data as Record<string, unknown>, version: Number(r.data?.metadata?.version) };
        } catch (e) {
            if (e instanceof VaultProblem && e.status === 404) return undefined;
            throw e;
        }
    }

    /**
     * Writes a new version only if the current one is still `cas` (0: only if there is none), so two
     * writers never overwrite each other unseen. Returns the new version, or "conflict".
     */
    async write(p: string, data: Record<string, string>, cas: number): Promise<number | "conflict"> {
        try {
            const r = (await this.call(`writing ${p}`, () =>
                this.client.write(`${this.mount}/data/${checkedPath(p)}`, { options: { cas }, data }),
            )) as { data?: { version?: unknown } };
            const version = Number(r.data?.version);
            if (!Number.isInteger(version) || version < 1)
                throw new VaultProblem(`writing ${p}: Vault gave no version`);
            return version;
        } catch (e) {
            // Vault's answer to a stale check-and-set: 400 "check-and-set parameter did not match the current version".
            if (e instanceof VaultProblem && e.status === 400 && /check-and-set/i.test(e.message)) return "conflict";
            throw e;
        }
    }

    /** Replaces the entry's custom metadata (Vault's limits: 64 keys, values of 512 bytes). */
    async setCustomMetadata(p: string, custom: Record<string, string>): Promise<void> {
        await this.call(`writing ${p}'s metadata`, () =>
            this.client.write(`${this.mount}/metadata/${checkedPath(p)}`, { custom_metadata: custom }),
        );
    }

    /** The keys under a folder (sub-folders end with '/'), or none when it does not exist. */
    async list(folder: string): Promise<string[]> {
        try {
            const r = (await this.call(`listing ${folder}`, () =>
                this.client.list(`${this.mount}/metadata/${checkedPath(folder)}`),
            )) as { data?: { keys?: unknown } };
            const keys = r.data?.keys;
            return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === "string") : [];
        } catch (e) {
            if (e instanceof VaultProblem && e.status === 404) return [];
            throw e;
        }
    }

    /** Every entry below a folder, as paths relative to it (depth-first, at most `max`). */
    async listAll(folder: string, max = 10_000): Promise<string[]> {
        const out: string[] = [];
        const walk = async (rel: string) => {
            for (const k of await this.list(rel ? `${folder}/${rel.replace(/\/$/, "")}` : folder)) {
                if (out.length >= max) return;
                if (k.endsWith("/")) await walk(`${rel}${k}`);
                else out.push(`${rel}${k}`);
            }
        };
        await walk("");
        return out;
    }
}
