/**
 * `npm run secret:rotate -- --secret <service>.<KEY> (--generate [--bytes <n>] | --stdin) [--stacks staging,production]`
 *
 * Rotates one secret of a service: a generated value (for what the project owns: AUTH_SECRET, a
 * datastore password) or one read from standard input (a key a vendor issued), set as secret config
 * and applied stack by stack, staging first, each judged by its health gate inside `pulumi up`; a
 * failure puts the previous value back on that stack and stops (scripts/rotation/rotate.ts). The
 * date of each success is recorded under `rotations`. No value is ever printed.
 *
 * Exit 0 rotated everywhere, 1 undone (the previous value restored), 2 usage error or could not
 * decide. Environment: what `pulumi up` needs (PULUMI_CONFIG_PASSPHRASE, the backend login,
 * RAILWAY_API_TOKEN...).
 */
import { randomBytes } from "crypto";
import { engineOnPath, projectPulumi } from "../engine/engine";
import { rotate } from "../rotation/rotate";
import { defineCommand, integerIn, parseCommand, stackName, usageProblem } from "./cli";
import { CommandIO, EXIT } from "./io";
import { commandLeases, LOCK_TIMEOUT, leaseProblem } from "./leases";

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
    const engine = engineOnPath(env);
    if (!engine) return usage("no Pulumi CLI on PATH (scripts/install-pulumi.sh installs one)");
    const value = o.generate ? randomBytes(o.bytes).toString("base64url") : (await readStdin()).replace(/\r?\n$/, "");
    if (!value) return usage("standard input held no value");
    const leases = await commandLeases(engine, cwd, env, io, `secret:rotate ${o.secret}`, o.lockTimeout);
    if ("problem" in leases) return usage(leases.problem);
    let outcomes;
    try {
        outcomes = await rotate(
            { stacks, service: m[1], key: m[2], value, today: today().toISOString().slice(0, 10) },
            leases.wrap(projectPulumi(engine, cwd, env, 60 * 60_000)),
            io.err,
        );
    } catch (e) {
        const code = leaseProblem(e, io);
        if (code !== undefined) return code;
        throw e;
    } finally {
        await leases.releaseAll();
    }
    for (const x of outcomes)
        io.out(`${x.stack}: ${x.result}${x.result === "rotated" ? "" : `\n${x.reason.replace(/^/gm, "  ")}`}`);
    const untouched = stacks.slice(outcomes.length);
    if (untouched.length) io.out(`not touched: ${untouched.join(", ")}`);
    const last = outcomes[outcomes.length - 1];
    if (!last || last.result === "could not decide") return EXIT.usage;
    return last.result === "undone" ? EXIT.findings : EXIT.ok;
}

function readAll(): Promise<string> {
    return new Promise((resolve, reject) => {
        let text = "";
        process.stdin.setEncoding("utf8");
        process.stdin.on("data", (c) => (text += c));
        process.stdin.on("end", () => resolve(text));
        process.stdin.on("error", reject);
    });
}
