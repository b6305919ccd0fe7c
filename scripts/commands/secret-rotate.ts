/**
 * `npm run secret:rotate -- --secret <service>.<KEY> (--generate [--bytes <n>] | --stdin) [--stacks staging,production]`
 *
 * Rotates one secret of a service: a generated value (for what the project owns: AUTH_SECRET, a
 * datastore password) or one read from standard input (a key a vendor issued), set as secret config
 * and applied stack by stack, staging first, each judged by its health gate inside `pulumi up`; a
 * failure puts the previous value back on that stack and stops (scripts/rotation/rotate.ts). The
 * date of each success is recorded under `rotations`. No value is ever printed.
 *
 * A stack whose file names a Vault (`vault`) gets the new value there first, before Railway sees it
 * (a Vault that cannot take it stops the rotation with nothing changed), and the previous value
 * again when the rotation is undone: Vault's newest version is always the one that runs.
 *
 * Exit 0 rotated everywhere, 1 undone (the previous value restored), 2 usage error or could not
 * decide. Environment: what `pulumi up` needs (PULUMI_CONFIG_PASSPHRASE, the backend login,
 * RAILWAY_API_TOKEN...); VAULT_TOKEN, or VAULT_ROLE_ID and VAULT_SECRET_ID, for a stack with a Vault.
 */
import { randomBytes } from "crypto";
import { engineOnPath } from "../engine/engine";
import { rotate } from "../rotation/rotate";
import { defineCommand, integerIn, parseCommand, stackName, usageProblem } from "./cli";
import { CommandIO, EXIT } from "./io";
import { LOCK_TIMEOUT, withCommandLeases } from "./leases";
import { vaultBackups } from "../vault/rotation-backup";
import type { VaultDeps } from "./secret-backup";

const SECRET = /^([a-z][a-z0-9-]*)\.([A-Z_][A-Z0-9_]*)$/;

function rotateProgram(io: CommandIO) {
    return defineCommand(
        "secret:rotate",
        "Rotates one service secret stack by stack (staging first), each judged by its health gate; a failure is undone.",
        io,
        [
            "Exit 0 rotated everywhere, 1 undone (the previous value restored), 2 usage error or could not decide.",
            "Environment: what pulumi up needs (PULUMI_CONFIG_PASSPHRASE, the backend login, RAILWAY_API_TOKEN...).",
        ].join("\n"),
    )
        .requiredOption("--secret <service.KEY>", "the secret, as <service>.<VARIABLE> (web.AUTH_SECRET)")
        .option("--generate", "generate the new value (random, base64url)")
        .option("--bytes <n>", "random bytes of a generated value", integerIn(16, 256), 48)
        .option("--stdin", "read the new value from standard input (a vendor's key)")
        .option("--stacks <names>", "the stacks in order, comma-separated", "staging,production")
        .option(LOCK_TIMEOUT.flags, LOCK_TIMEOUT.description, LOCK_TIMEOUT.parse, LOCK_TIMEOUT.defaultMinutes);
}

export async function secretRotateCommand(
    argv: string[],
    io: CommandIO,
    cwd = process.cwd(),
    env: NodeJS.ProcessEnv = process.env,
    readStdin: () => Promise<string> = readAll,
    today: () => Date = () => new Date(),
    deps: VaultDeps = {},
): Promise<number> {
    const cmd = rotateProgram(io);
    const parsed = parseCommand(cmd, argv);
    if (parsed !== true) return parsed;
    const o = cmd.opts() as {
        secret: string;
        generate?: boolean;
        bytes: number;
        stdin?: boolean;
        stacks: string;
        lockTimeout: number;
    };
    const usage = usageProblem(io, cmd);
    const m = SECRET.exec(o.secret);
    if (!m) return usage(`--secret '${o.secret.slice(0, 80)}' is not <service>.<VARIABLE> (web.AUTH_SECRET)`);
    if (!o.generate === !o.stdin) return usage("give one of --generate and --stdin");
    const stacks = o.stacks.split(",").map((s) => s.trim());
    for (const s of stacks) {
        try {
            stackName(s);
        } catch (e) {
            return usage(`--stacks: '${s.slice(0, 80)}' ${(e as Error).message}`);
        }
    }
    const value = o.generate ? randomBytes(o.bytes).toString("base64url") : (await readStdin()).replace(/\r?\n$/, "");
    if (!value) return usage("standard input held no value");
    const unfit = unfitSecretValue(value);
    if (unfit) return usage(`standard input is not a secret value: ${unfit} (nothing was changed)`);
    const backup = vaultBackups(stacks, cwd, env, deps.vault, today().toISOString().slice(0, 10), (line) =>
        io.err(`secret:rotate: ${line}`),
    );
    if ("problem" in backup) return usage(backup.problem);
    const engine = engineOnPath(env);
    if (!engine) return usage("no Pulumi CLI on PATH (scripts/install-pulumi.sh installs one)");
    const r = await withCommandLeases(
        engine,
        cwd,
        env,
        io,
        { command: `secret:rotate ${o.secret}`, lockTimeoutMinutes: o.lockTimeout, engineTimeoutMs: 60 * 60_000 },
        (pulumi) =>
            rotate(
                {
                    stacks,
                    service: m[1],
                    key: m[2],
                    value,
                    today: today().toISOString().slice(0, 10),
                    backup: (stack, v) =>
                        backup.write(stack, { name: `${m[1]}.${m[2]}`, path: `${m[1]}/${m[2]}`, value: v }),
                },
                pulumi,
                io.err,
            ),
    );
    if ("usage" in r) return usage(r.usage);
    if ("exit" in r) return r.exit;
    const outcomes = r.value;
    for (const x of outcomes)
        io.out(`${x.stack}: ${x.result}${x.result === "rotated" ? "" : `\n${x.reason.replace(/^/gm, "  ")}`}`);
    const untouched = stacks.slice(outcomes.length);
    if (untouched.length) io.out(`not touched: ${untouched.join(", ")}`);
    const last = outcomes[outcomes.length - 1];
    if (!last || last.result === "could not decide") return EXIT.usage;
    return last.result === "undone" ? EXIT.findings : EXIT.ok;
}

/** The largest value read from standard input: a key or a certificate is far smaller. */
export const MAX_SECRET_BYTES = 64 * 1024;

/**
 * Why a value read from standard input cannot be a service's secret, or undefined. Said without the
 * value: its size, or the kind of character that does not belong (an environment variable holds no
 * NUL, and a value with terminal escapes or invalid UTF-8 is garbage piped in by mistake).
 */
export function unfitSecretValue(value: string): string | undefined {
    const bytes = Buffer.byteLength(value);
    if (bytes > MAX_SECRET_BYTES) return `it is over ${MAX_SECRET_BYTES} bytes`;
    if (value.includes("\uFFFD")) return "it is not UTF-8 text (binary data?)";
    if (value.includes("\u0000")) return "it holds a NUL character, which no environment variable can";
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    if (/[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value))
        return "it holds control characters (terminal escapes?); a multi-line value may hold newlines and tabs only";
    return undefined;
}

/** Standard input, bounded: past MAX_SECRET_BYTES it stops reading (the value is then refused as too large). */
function readAll(): Promise<string> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => resolve(Buffer.concat(chunks).toString("utf8"));
        process.stdin.on("data", (c: Buffer) => {
            chunks.push(c);
            size += c.length;
            if (size > MAX_SECRET_BYTES) {
                process.stdin.destroy();
                done();
            }
        });
        process.stdin.on("end", done);
        process.stdin.on("error", reject);
    });
}
