/**
 * Vault's side of a rotation (`secret:rotate`, `railway:rotate-token`): the new value written to
 * the stack's backup before Railway sees it, and the previous one again when it is undone.
 */
import type { VaultBackupConfig } from "../../config/stack.schema";
import { backupKey, backUpSecret, stackFolder } from "./backup";
import { KvOptions, KvStore, vaultAuthFromEnv, VaultProblem } from "./kv";
import { stackBackupSettings, writerOf } from "./stack-backup";
import type { StackSecret } from "./stack-secrets";

/**
 * The Vault backup of each stack that has one (its stack file's `vault` section), checked before
 * anything changes: a stack whose section is wrong, or with no Vault credentials here, stops the
 * rotation at once. A stack without a section is rotated without a backup, and said so.
 */
export function vaultBackups(
    stacks: string[],
    cwd: string,
    env: NodeJS.ProcessEnv,
    opts: KvOptions | undefined,
    today: string,
    progress: (line: string) => void,
): { problem: string } | { write: (stack: string, secret: StackSecret) => Promise<string | undefined> } {
    const settings = new Map<string, VaultBackupConfig>();
    for (const stack of stacks) {
        const s = stackBackupSettings(cwd, stack);
        if ("problem" in s) return { problem: s.problem };
        if ("none" in s) progress(`${stack}: no Vault backup configured; the new value is not backed up`);
        else settings.set(stack, s.vault);
    }
    if (settings.size) {
        const auth = vaultAuthFromEnv(env);
        if ("problem" in auth)
            return { problem: `${[...settings.keys()].join(", ")} back up to Vault, but ${auth.problem}` };
    }
    const stores = new Map<string, Promise<{ store: KvStore; key: Buffer }>>();
    return {
        write: async (stack, secret) => {
            const vault = settings.get(stack);
            if (!vault) return undefined;
            const folder = stackFolder(vault.prefix, stack);
            try {
                if (!stores.has(stack))
                    stores.set(
                        stack,
                        KvStore.connect(vault, env, opts).then(async (store) => ({
                            store,
                            key: (await backupKey(store, folder, true))!,
                        })),
                    );
                const { store, key: hmacKey } = await stores.get(stack)!;
                const r = await backUpSecret(store, folder, hmacKey, secret, {
                    writtenBy: writerOf(store.identity, env),
                    rotatedAt: today,
                });
                if (r.result === "failed") return r.problem;
                progress(`${stack}: ${secret.name} ${r.result} in Vault (version ${r.version})`);
                return undefined;
            } catch (e) {
                stores.delete(stack);
                if (e instanceof VaultProblem) return e.message;
                throw e;
            }
        },
    };
}
