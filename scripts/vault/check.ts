/**
 * The drift run's look at the backup: each secret of the stack against Vault's newest copy, by
 * name (scripts/vault/backup.ts compares by keyed hash). Undefined when the stack has no backup.
 */
import type { BackupCheck } from "../drift/report";
import { engineOnPath, projectPulumi } from "../engine/engine";
import { compareWithVault, stackFolder } from "./backup";
import { KvOptions, KvStore, vaultAuthFromEnv, VaultProblem } from "./kv";
import { readStackSecrets, stackBackupSettings } from "./stack-backup";

export async function checkVaultBackup(
    cwd: string,
    stack: string,
    env: NodeJS.ProcessEnv,
    opts: KvOptions = {},
): Promise<BackupCheck | undefined> {
    const settings = stackBackupSettings(cwd, stack);
    if ("none" in settings) return undefined;
    if ("problem" in settings) return { status: "failed", reason: settings.problem.slice(0, 300) };
    const auth = vaultAuthFromEnv(env);
    if ("problem" in auth) return { status: "skipped", reason: auth.problem };
    const engine = engineOnPath(env);
    if (!engine) return { status: "skipped", reason: "no Pulumi CLI on PATH to read the stack's secrets" };
    const read = await readStackSecrets(projectPulumi(engine, cwd, env, 5 * 60_000), stack, env);
    if ("problem" in read) return { status: "failed", reason: read.problem.slice(0, 300) };
    try {
        const store = await KvStore.connect(settings.vault, env, opts);
        const compared = await compareWithVault(store, stackFolder(settings.vault.prefix, stack), read.secrets);
        return {
            status: "checked",
            checked: compared.length,
            findings: compared.flatMap((c) => (c.state === "same" ? [] : [{ name: c.name, state: c.state }])),
        };
    } catch (e) {
        if (e instanceof VaultProblem) return { status: "failed", reason: e.message.slice(0, 300) };
        throw e;
    }
}
