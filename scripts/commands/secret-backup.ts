/**
 * `npm run secret:backup -- --stack <s> [--commit <sha>]`
 *
 * Copies every secret the stack holds to the Vault its stack file names (`vault`: address, mount,
 * prefix): service secrets, the pipeline's, providers' secret config, and the CI's own secrets the
 * jobs read from the environment (scripts/vault/stack-secrets.ts). A new KV version is written only
 * when the value changed (compared by a keyed hash, scripts/vault/backup.ts), so a second run writes
 * nothing. Prints each secret by name with what was done; never a value.
 *
 * Exit 0 backed up, 1 some secret could not be written (the others were), 2 usage error or could
 * not decide. Environment: VAULT_TOKEN, or VAULT_ROLE_ID and VAULT_SECRET_ID (AppRole); VAULT_ADDR
 * (overrides the stack file's), VAULT_CACERT (a private CA), VAULT_NAMESPACE; what `pulumi config`
 * needs (PULUMI_CONFIG_PASSPHRASE, the backend login); GITHUB_SHA (the commit recorded, else git's HEAD).
 */
import { spawnSync } from "child_process";
import { engineOnPath, projectPulumi } from "../engine/engine";
import { backupKey, backUpSecret, BackupResult, stackFolder } from "../vault/backup";
import { KvStore, VaultProblem } from "../vault/kv";
import { readStackSecrets, rotatedAt, stackBackupSettings, writerOf } from "../vault/stack-backup";
import { BACKUP_FOLDER, secretOfPath } from "../vault/stack-secrets";
import { commitSha, defineCommand, parseCommand, stackName, usageProblem } from "./cli";
import { CommandIO, EXIT } from "./io";

function backupProgram(io: CommandIO) {
    return defineCommand(
        "secret:backup",
        "Copies every secret of a stack to its Vault (KV version 2), a new version only where a value changed.",
        io,
        [
            "Exit 0 backed up, 1 some secret could not be written, 2 usage error or could not decide.",
            "Environment: VAULT_TOKEN, or VAULT_ROLE_ID and VAULT_SECRET_ID (AppRole); VAULT_ADDR; VAULT_CACERT; VAULT_NAMESPACE;",
            "what pulumi config needs (PULUMI_CONFIG_PASSPHRASE, the backend login); GITHUB_SHA.",
        ].join("\n"),
    )
        .requiredOption("--stack <name>", "the stack whose secrets to back up", stackName)
        .option(
            "--commit <sha>",
            "the commit recorded with each written version (default GITHUB_SHA, else HEAD)",
            commitSha,
        );
}

/** Test seam: the Vault client's timing. */
export interface VaultDeps {
    vault?: { unitMs?: number; timeoutMs?: number; attempts?: number };
}

/** The commit to record: the flag, the CI's, else the checkout's; none when there is no repository. */
function commitOf(flag: string | undefined, cwd: string, env: NodeJS.ProcessEnv): string | undefined {
    if (flag) return flag;
    if (env.GITHUB_SHA && /^[0-9a-f]{7,40}$/.test(env.GITHUB_SHA)) return env.GITHUB_SHA;
    const r = spawnSync("git", ["rev-parse", "HEAD"], { cwd, encoding: "utf8", timeout: 10_000 });
    const sha = r.status === 0 ? r.stdout.trim() : "";
    return /^[0-9a-f]{40}$/.test(sha) ? sha : undefined;
}

export async function secretBackupCommand(
    argv: string[],
    io: CommandIO,
    cwd = process.cwd(),
    env: NodeJS.ProcessEnv = process.env,
    deps: VaultDeps = {},
): Promise<number> {
    const cmd = backupProgram(io);
    const parsed = parseCommand(cmd, argv);
    if (parsed !== true) return parsed;
    const o = cmd.opts() as { stack: string; commit?: string };
    const usage = usageProblem(io, cmd);
    const settings = stackBackupSettings(cwd, o.stack);
    if ("problem" in settings) return usage(settings.problem);
    if ("none" in settings) return usage(settings.none);
    const engine = engineOnPath(env);
    if (!engine) return usage("no Pulumi CLI on PATH (scripts/install-pulumi.sh installs one)");

    const read = await readStackSecrets(projectPulumi(engine, cwd, env, 5 * 60_000), o.stack, env);
    if ("problem" in read) return usage(read.problem);
    for (const name of read.skipped) io.err(`not backed up: ${name} (not a string, or not a name Vault can hold)`);
    for (const name of read.envMissing)
        io.err(`not backed up: ${name}, which the stack reads from the environment, is not set here`);

    let store: KvStore;
    try {
        store = await KvStore.connect(settings.vault, env, deps.vault);
    } catch (e) {
        if (e instanceof VaultProblem) return usage(`could not decide: ${e.message}`);
        throw e;
    }
    const folder = stackFolder(settings.vault.prefix, o.stack);
    let key: Buffer | undefined;
    try {
        key = await backupKey(store, folder, true);
    } catch (e) {
        if (e instanceof VaultProblem) return usage(`could not decide: ${e.message}`);
        throw e;
    }
    const commit = commitOf(o.commit, cwd, env);
    const writtenBy = writerOf(store.identity, env);
    const results: BackupResult[] = [];
    for (const secret of read.secrets) {
        const r = await backUpSecret(store, folder, key!, secret, {
            writtenBy,
            commit,
            rotatedAt: rotatedAt(settings.rotations, secret),
        });
        results.push(r);
        io.out(
            r.result === "failed"
                ? `${r.name}: failed: ${r.problem}`
                : `${r.name}: ${r.result === "written" ? "written" : "unchanged"} (version ${r.version})`,
        );
    }
    // Entries of secrets the stack no longer holds stay (a restore may need them): said, not deleted.
    try {
        const current = new Set(read.secrets.map((x) => x.path));
        const stale = (await store.listAll(folder))
            .filter((p) => !p.startsWith(`${BACKUP_FOLDER}/`) && !current.has(p))
            .map((p) => secretOfPath(p)?.name ?? p.slice(0, 120));
        if (stale.length)
            io.out(
                `kept in Vault, no longer in the stack (a restore of the whole stack skips them): ${stale.slice(0, 50).join(", ")}${stale.length > 50 ? `, and ${stale.length - 50} more` : ""}`,
            );
    } catch (e) {
        if (!(e instanceof VaultProblem)) throw e;
        io.err(`could not list the stack's entries in Vault: ${e.message}`);
    }
    const count = (what: BackupResult["result"]) => results.filter((r) => r.result === what).length;
    io.out(
        `secret:backup ${o.stack}: ${count("written")} written, ${count("unchanged")} unchanged, ${count("failed")} failed, at ${settings.vault.mount}/${folder}`,
    );
    return count("failed") ? EXIT.findings : EXIT.ok;
}
