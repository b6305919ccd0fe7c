/**
 * `npm run railway:rotate-token -- [--stacks staging,production]`
 *
 * Rotates each stack's pipeline Railway project token (scripts/rotation/project-token.ts): a new
 * token made through Railway's API, stored through the stack as the `RAILWAY_TOKEN` secret of
 * GitHub environment `drift-<stack>` (the deploy watcher's), proven by a call of its own, and only
 * then the old one deleted. A failure before that is undone; the old token never stopped working.
 * Stacks in order; the first that fails stops the rest. No token is ever printed.
 *
 * Exit 0 rotated everywhere, 1 undone, 2 usage error or could not decide. Environment:
 * RAILWAY_API_TOKEN (an account or workspace token: project tokens cannot make project tokens),
 * RAILWAY_API_URL (optional), and what `pulumi up` needs (PULUMI_CONFIG_PASSPHRASE, the backend
 * login, GITHUB_TOKEN for the GitHub provider); VAULT_TOKEN, or VAULT_ROLE_ID and VAULT_SECRET_ID,
 * for a stack with a Vault backup (the new token is written there before the stack stores it).
 */
import { DOCUMENTS, isMutation, OperationName } from "../../providers/railway/documents";
import { RailwayClient } from "../../providers/railway/client";
import { engineOnPath, RunPulumi } from "../engine/engine";
import { RailwayCall, rotateProjectToken, TokenOutcome, VAULT_SECRET } from "../rotation/project-token";
import type { KvOptions } from "../vault/kv";
import { vaultBackups } from "../vault/rotation-backup";
import type { StackSecret } from "../vault/stack-secrets";
import { defineCommand, parseCommand, stackName, usageProblem } from "./cli";
import { CommandIO, EXIT } from "./io";
import { LOCK_TIMEOUT, withCommandLeases } from "./leases";

function rotateTokenProgram(io: CommandIO) {
    return defineCommand(
        "railway:rotate-token",
        "Rotates each stack's pipeline Railway project token: made, stored through the stack in GitHub, verified, then the old one deleted.",
        io,
        [
            "Exit 0 rotated everywhere, 1 undone, 2 usage error or could not decide.",
            "Environment: RAILWAY_API_TOKEN (account or workspace token), RAILWAY_API_URL, and what pulumi up needs",
            "(PULUMI_CONFIG_PASSPHRASE, the backend login, GITHUB_TOKEN).",
        ].join("\n"),
    )
        .option("--stacks <names>", "the stacks in order, comma-separated", "staging,production")
        .option(LOCK_TIMEOUT.flags, LOCK_TIMEOUT.description, LOCK_TIMEOUT.parse, LOCK_TIMEOUT.defaultMinutes);
}

/** Test seams: the clock, the Vault client's timing. */
export interface RotateTokenDeps {
    now?: () => Date;
    vault?: KvOptions;
}

export async function railwayRotateTokenCommand(
    argv: string[],
    io: CommandIO,
    cwd = process.cwd(),
    env: NodeJS.ProcessEnv = process.env,
    deps: RotateTokenDeps = {},
): Promise<number> {
    const cmd = rotateTokenProgram(io);
    const parsed = parseCommand(cmd, argv);
    if (parsed !== true) return parsed;
    const usage = usageProblem(io, cmd);
    const stacks = cmd
        .opts()
        .stacks.split(",")
        .map((s) => s.trim());
    for (const s of stacks) {
        try {
            stackName(s);
        } catch (e) {
            return usage(`--stacks: '${s.slice(0, 80)}' ${(e as Error).message}`);
        }
    }
    if (!env.RAILWAY_API_TOKEN?.trim())
        return usage("RAILWAY_API_TOKEN is not set: an account or workspace token makes and deletes project tokens");
    const now = deps.now ?? (() => new Date());
    const backup = vaultBackups(stacks, cwd, env, deps.vault, now().toISOString().slice(0, 10), (line) =>
        io.err(`railway:rotate-token: ${line}`),
    );
    if ("problem" in backup) return usage(backup.problem);
    const engine = engineOnPath(env);
    if (!engine) return usage("no Pulumi CLI on PATH (scripts/install-pulumi.sh installs one)");
    const r = await withCommandLeases(
        engine,
        cwd,
        env,
        io,
        { command: "railway:rotate-token", lockTimeoutMinutes: cmd.opts().lockTimeout, engineTimeoutMs: 30 * 60_000 },
        (pulumi) => rotateTokens(stacks, pulumi, io, env, deps, backup.write),
    );
    return "usage" in r ? usage(r.usage) : "exit" in r ? r.exit : r.value;
}

async function rotateTokens(
    stacks: string[],
    pulumi: RunPulumi,
    io: CommandIO,
    env: NodeJS.ProcessEnv,
    deps: RotateTokenDeps,
    backup: (stack: string, secret: StackSecret) => Promise<string | undefined>,
): Promise<number> {
    const apiUrl = env.RAILWAY_API_URL;
    const account = new RailwayClient({ apiUrl, env: { RAILWAY_API_TOKEN: env.RAILWAY_API_TOKEN } });
    const railway: RailwayCall = (op: OperationName, variables, projectToken) => {
        const client = projectToken
            ? new RailwayClient({ apiUrl, env: { RAILWAY_TOKEN: projectToken }, retry: { maxAttempts: 1 } })
            : account;
        return client.request(op, DOCUMENTS[op], variables, isMutation(op));
    };
    const outcomes: TokenOutcome[] = [];
    for (const stack of stacks) {
        const outcome = await rotateProjectToken(stack, {
            pulumi,
            railway,
            progress: io.err,
            now: deps.now ?? (() => new Date()),
            backup: (token) => backup(stack, { ...VAULT_SECRET, value: token }),
        });
        outcomes.push(outcome);
        if (outcome.result === "rotated") {
            io.out(`${stack}: rotated (${outcome.tokenName}); the earlier pipeline tokens are deleted`);
            for (const l of outcome.leftOver) io.out(`  still valid, delete it in Railway: ${l}`);
            continue;
        }
        io.out(`${stack}: ${outcome.result}\n${outcome.reason.replace(/^/gm, "  ")}`);
        break;
    }
    const untouched = stacks.slice(outcomes.length);
    if (untouched.length) io.out(`not touched: ${untouched.join(", ")}`);
    const last = outcomes[outcomes.length - 1];
    if (last.result === "could not decide") return EXIT.usage;
    return last.result === "undone" ? EXIT.findings : EXIT.ok;
}
