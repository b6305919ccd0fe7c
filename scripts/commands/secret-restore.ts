/**
 * `npm run secret:restore -- --stack <s> [--secret <name>] [--version <n>]`
 *
 * Disaster recovery: puts the stack's secrets back from Vault into its config, as secrets (every one
 * the backup holds, or `--secret web.AUTH_SECRET` alone, at `--version N` or the newest). Nothing
 * changes on Railway: review with `pulumi preview`, then `pulumi up`. The CI's own secrets
 * (`_env.<NAME>`) have no place in the stack file: they are named, to be put back in the CI's
 * secrets from Vault by hand. Prints names and versions only.
 *
 * Exit 0 restored, 1 some secret could not be restored (the others were), 2 usage error or could not
 * decide. Environment: VAULT_TOKEN, or VAULT_ROLE_ID and VAULT_SECRET_ID; VAULT_ADDR; what
 * `pulumi config set` needs (PULUMI_CONFIG_PASSPHRASE, the backend login).
 */
import { engineOnPath, projectPulumi } from "../engine/engine";
import { whyFailed } from "../engine/why-failed";
import { stackFolder } from "../vault/backup";
import { KvStore, VaultProblem } from "../vault/kv";
import { stackBackupSettings } from "../vault/stack-backup";
import { BACKUP_FOLDER, pathOfName, secretOfPath } from "../vault/stack-secrets";
import { defineCommand, integerIn, parseCommand, stackName, usageProblem } from "./cli";
import { CommandIO, EXIT } from "./io";
import { unfitSecretValue } from "./secret-rotate";
import type { VaultDeps } from "./secret-backup";

function restoreProgram(io: CommandIO) {
    return defineCommand(
        "secret:restore",
        "Puts a stack's secrets back from Vault into its config (as secrets), ready for pulumi up; changes nothing on Railway.",
        io,
        [
            "Exit 0 restored, 1 some secret could not be restored, 2 usage error or could not decide.",
            "Environment: VAULT_TOKEN, or VAULT_ROLE_ID and VAULT_SECRET_ID; VAULT_ADDR; VAULT_CACERT; what pulumi config set needs.",
        ].join("\n"),
    )
        .requiredOption("--stack <name>", "the stack whose config to restore", stackName)
        .option(
            "--secret <name>",
            "one secret, as secret:backup names it (web.AUTH_SECRET, _deploy.railwayProjectToken)",
        )
        .option("--version <n>", "the Vault version to restore (with --secret; default the newest)", integerIn(1, 1e9));
}

export async function secretRestoreCommand(
    argv: string[],
    io: CommandIO,
    cwd = process.cwd(),
    env: NodeJS.ProcessEnv = process.env,
    deps: VaultDeps = {},
): Promise<number> {
    const cmd = restoreProgram(io);
    const parsed = parseCommand(cmd, argv);
    if (parsed !== true) return parsed;
    const o = cmd.opts() as { stack: string; secret?: string; version?: number };
    const usage = usageProblem(io, cmd);
    if (o.version !== undefined && !o.secret) return usage("--version goes with --secret (one secret's version)");
    const wanted = o.secret === undefined ? undefined : pathOfName(o.secret);
    if (o.secret !== undefined && !wanted)
        return usage(
            `--secret '${o.secret.slice(0, 80)}' is not a backed-up secret's name: <service>.<KEY>, _deploy.<name>, _config.<namespace>:<key> or _env.<NAME>`,
        );
    const settings = stackBackupSettings(cwd, o.stack);
    if ("problem" in settings) return usage(settings.problem);
    if ("none" in settings) return usage(settings.none);
    const engine = engineOnPath(env);
    if (!engine) return usage("no Pulumi CLI on PATH (scripts/install-pulumi.sh installs one)");
    const pulumi = projectPulumi(engine, cwd, env, 5 * 60_000);

    let store: KvStore;
    const folder = stackFolder(settings.vault.prefix, o.stack);
    let paths: string[];
    try {
        store = await KvStore.connect(settings.vault, env, deps.vault);
        paths = wanted ? [wanted] : (await store.listAll(folder)).filter((p) => !p.startsWith(`${BACKUP_FOLDER}/`));
    } catch (e) {
        if (e instanceof VaultProblem) return usage(`could not decide: ${e.message}`);
        throw e;
    }
    if (!paths.length) return usage(`Vault holds no backup of ${o.stack} at ${settings.vault.mount}/${folder}`);

    let restored = 0;
    let failed = 0;
    const fail = (line: string) => {
        failed++;
        io.out(line);
    };
    for (const p of paths) {
        const secret = secretOfPath(p);
        if (!secret) {
            io.err(`skipped ${p.slice(0, 120)}: not a name this tool backs up`);
            continue;
        }
        // A whole-stack restore puts back what the stack file still declares; --secret names any.
        if (
            !wanted &&
            secret.config?.path &&
            /^secrets\.services\./.test(secret.config.key) &&
            !settings.declared.has(secret.name)
        ) {
            io.out(
                `${secret.name}: skipped, no service of Pulumi.${o.stack}.yaml declares it (restore it with --secret ${secret.name})`,
            );
            continue;
        }
        let found: Awaited<ReturnType<KvStore["read"]>>;
        try {
            found = await store.read(`${folder}/${p}`, o.version);
        } catch (e) {
            if (!(e instanceof VaultProblem)) throw e;
            fail(`${secret.name}: failed: ${e.message}`);
            continue;
        }
        const value = found?.data.value;
        if (!found || typeof value !== "string") {
            fail(
                `${secret.name}: failed: Vault has no ${o.version ? `version ${o.version}` : "readable version"} of it (deleted or destroyed?)`,
            );
            continue;
        }
        const unfit = value === "" ? "it is empty" : unfitSecretValue(value);
        if (unfit) {
            fail(`${secret.name}: failed: version ${found.version} in Vault is not a secret value: ${unfit}`);
            continue;
        }
        if (!secret.config) {
            io.out(
                `${secret.name}: version ${found.version} is in Vault; it lives in the CI's secrets, not the stack: put it back there by hand`,
            );
            continue;
        }
        const set = await pulumi(
            [
                "config",
                "set",
                "--secret",
                ...(secret.config.path ? ["--path"] : []),
                secret.config.key,
                "--stack",
                o.stack,
            ],
            { input: value },
        );
        if (set.code !== 0) {
            fail(`${secret.name}: failed: pulumi config set:\n${whyFailed(set, { lines: 6, values: [value] })}`);
            continue;
        }
        restored++;
        io.out(`${secret.name}: restored version ${found.version} into ${secret.config.key}`);
    }
    io.out(
        `secret:restore ${o.stack}: ${restored} restored, ${failed} failed. Nothing changed on Railway: review with pulumi preview --stack ${o.stack}, then pulumi up; commit Pulumi.${o.stack}.yaml.`,
    );
    return failed ? EXIT.findings : EXIT.ok;
}
