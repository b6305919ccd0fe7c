/**
 * The backup of a stack's secrets in Vault: write a new version only when a value changed, compare
 * without the value leaving the process, and read back for a restore.
 *
 * A value is compared by a keyed hash (HMAC-SHA256) kept in the entry's custom metadata. The key
 * lives in Vault beside the stack's secrets (`<prefix>/<stack>/_backup/hmac-key`, made by the first
 * backup): whoever may read it may read the secrets anyway, and without it a hash of a short
 * password cannot be guessed offline. Writes are check-and-set on the version read, so two runners
 * never overwrite each other unseen; a lost answer is settled by reading what Vault holds.
 */
import { createHmac, randomBytes, timingSafeEqual } from "crypto";
import { KvMetadata, KvStore, VaultProblem } from "./kv";
import { BACKUP_FOLDER, StackSecret } from "./stack-secrets";

/** Who wrote a version, from what, and the rotation date it carries: the entry's custom metadata. */
export interface WriteMeta {
    commit?: string;
    writtenBy: string;
    /** The date the value was rotated (YYYY-MM-DD), when known. */
    rotatedAt?: string;
}

export type BackupResult =
    | { name: string; result: "written" | "unchanged"; version: number }
    | { name: string; result: "failed"; problem: string };

export const HMAC_FIELD = "hmac-sha256";

/** The folder of one stack's secrets in the mount. */
export const stackFolder = (prefix: string, stack: string) => `${prefix}/${stack}`;

const digest = (key: Buffer, value: string) => createHmac("sha256", key).update(value, "utf8").digest("hex");
/** Equal, compared in constant time (a hash or a value). */
const same = (a: string, b: string | undefined) => {
    if (b === undefined) return false;
    const x = Buffer.from(a, "utf8");
    const y = Buffer.from(b, "utf8");
    return x.length === y.length && timingSafeEqual(x, y);
};

/** The stack's backup key, made on first use (check-and-set 0: two first runs agree on one). */
export async function backupKey(store: KvStore, folder: string, create: boolean): Promise<Buffer | undefined> {
    const p = `${folder}/${BACKUP_FOLDER}/hmac-key`;
    for (let attempt = 0; attempt < 2; attempt++) {
        const found = await store.read(p);
        const key = found?.data.key;
        if (typeof key === "string" && key.length >= 32) return Buffer.from(key, "base64");
        if (!create) return undefined;
        // Written or refused (another run made it first), the key is the one Vault now holds: read it back.
        await store.write(p, { key: randomBytes(32).toString("base64") }, 0);
    }
    throw new VaultProblem(
        `${p}: the backup key could not be made or read (its newest version deleted? undelete it with vault kv undelete)`,
    );
}

/**
 * Whether Vault's newest version holds `value`: by the keyed hash when the metadata's hash is the
 * newest version's, else (a run that died between the two writes, a version written by hand) by
 * reading the version and comparing in memory.
 */
async function holds(
    store: KvStore,
    p: string,
    md: KvMetadata,
    key: Buffer | undefined,
    value: string,
): Promise<boolean> {
    if (md.currentGone) return false;
    if (key && md.custom.version === String(md.currentVersion) && md.custom[HMAC_FIELD] !== undefined)
        return same(digest(key, value), md.custom[HMAC_FIELD]);
    const now = await store.read(p, md.currentVersion);
    return typeof now?.data.value === "string" && same(now.data.value, value);
}

/** One secret's backup: a new version when the newest does not hold the value, else nothing. */
export async function backUpSecret(
    store: KvStore,
    folder: string,
    key: Buffer,
    secret: StackSecret,
    meta: WriteMeta,
): Promise<BackupResult> {
    const p = `${folder}/${secret.path}`;
    const hash = digest(key, secret.value);
    const custom = (version: number) => ({
        [HMAC_FIELD]: hash,
        "written-by": meta.writtenBy.slice(0, 200),
        ...(meta.commit ? { commit: meta.commit.slice(0, 64) } : {}),
        ...(meta.rotatedAt ? { "rotated-at": meta.rotatedAt } : {}),
        version: String(version),
    });
    try {
        const md = await store.metadata(p);
        if (md && (await holds(store, p, md, key, secret.value))) {
            // Settles a hash left stale by a run that died between its two writes.
            if (md.custom.version !== String(md.currentVersion) || md.custom[HMAC_FIELD] !== hash)
                await store.setCustomMetadata(p, { ...md.custom, ...custom(md.currentVersion) });
            return { name: secret.name, result: "unchanged", version: md.currentVersion };
        }
        let version = await store.write(p, { value: secret.value }, md?.currentVersion ?? 0);
        if (version === "conflict") {
            // Another runner wrote meanwhile, or our own write's answer was lost: what does Vault hold now?
            const now = await store.read(p);
            if (!now || typeof now.data.value !== "string" || !same(now.data.value, secret.value))
                return {
                    name: secret.name,
                    result: "failed",
                    problem: "another writer changed it in Vault meanwhile; run the backup again",
                };
            version = now.version;
        }
        await store.setCustomMetadata(p, custom(version));
        return { name: secret.name, result: "written", version };
    } catch (e) {
        if (e instanceof VaultProblem) return { name: secret.name, result: "failed", problem: e.message };
        throw e;
    }
}

/** How a stack secret stands against its copy in Vault. */
export type Comparison = { name: string; state: "same" | "missing" | "differs" };

/** Each secret against Vault's newest copy, by keyed hash (by value, in memory, when the hash is stale). */
export async function compareWithVault(store: KvStore, folder: string, secrets: StackSecret[]): Promise<Comparison[]> {
    const key = await backupKey(store, folder, false);
    const out: Comparison[] = [];
    for (const s of secrets) {
        const p = `${folder}/${s.path}`;
        const md = await store.metadata(p);
        if (!md || md.currentGone) out.push({ name: s.name, state: "missing" });
        else out.push({ name: s.name, state: (await holds(store, p, md, key, s.value)) ? "same" : "differs" });
    }
    return out;
}
