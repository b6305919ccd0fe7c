/**
 * `npm run up -- --stack <s> [--yes] [--lock-timeout <minutes>] [--policy-config <file>]`
 * `npm run destroy -- --stack <s> [--yes] [--lock-timeout <minutes>]`
 * `npm run refresh -- --stack <s> [--yes] [--lock-timeout <minutes>]`
 * `npm run import -- --stack <s> --file <import.json> [--yes] [--lock-timeout <minutes>]`
 *
 * The engine's `up`, `destroy`, `refresh` and `import --file` (railway:import's file, imported
 * unprotected and without generated code), the way a person and every workflow run them on a
 * shared backend (scripts/state/stack-lease.ts): the stack's lease first (waiting for another holder,
 * with progress, up to --lock-timeout, then failing naming it), a dead runner's Pulumi lock and
 * pending operations settled, the engine's progress shown as it goes, the lease released however it
 * ends. `up` runs the policy pack (`policies/`, with `policies/config/<stack>.json` when there is
 * one), as the deploy workflow does.
 *
 * At a terminal it shows what would change and asks for the stack's name before changing anything;
 * with --yes, or when CI is set (every workflow), it asks nothing.
 *
 * Exit 0 done; 1 the engine failed, or another holder kept the stack past --lock-timeout; 2 usage
 * error, or something only a person can settle (a create a dead runner left that could not be
 * told apart, a live `pulumi` outside these commands).
 */
import * as fs from "fs";
import * as path from "path";
import { engineOnPath, runPulumi, stopAllEngines } from "../engine/engine";
import { backendUrlOf, projectName } from "../engine/project";
import { withStackLease } from "../state/stack-lease";
import { defineCommand, parseCommand, stackName, usageProblem } from "./cli";
import { Ask, CommandIO, EXIT, terminalAsk } from "./io";
import { LOCK_TIMEOUT, leaseProblem } from "./leases";

export type StackOperation = "up" | "destroy" | "refresh" | "import";

const SUMMARY: Record<StackOperation, string> = {
    up: "pulumi up of one stack with the policy pack, holding the stack's lease (a dead runner's lock and leftovers settled first)",
    destroy: "pulumi destroy of one stack, holding the stack's lease",
    refresh: "pulumi refresh of one stack (the state made to match what runs), holding the stack's lease",
    import: "pulumi import --file of one stack (npm run railway:import's file), holding the stack's lease",
};

export async function stackOperationCommand(
    operation: StackOperation,
    argv: string[],
    io: CommandIO,
    cwd = process.cwd(),
    env: NodeJS.ProcessEnv = process.env,
    deps: { ask?: Ask } = { ask: terminalAsk() },
): Promise<number> {
    const cmd = defineCommand(
        operation,
        SUMMARY[operation],
        io,
        "Exit 0 done, 1 the engine failed or the stack stayed held past --lock-timeout, 2 usage error or a leftover only a person can settle.\n" +
            "Environment: PULUMI_BACKEND_URL (else the backend `pulumi login` chose), PULUMI_CONFIG_PASSPHRASE, the providers' tokens; CI set: never asks.",
    )
        .option("--stack <name>", "the stack", stackName)
        .option("--yes", "change the stack without asking (CI never asks)", false)
        .option(LOCK_TIMEOUT.flags, LOCK_TIMEOUT.description, LOCK_TIMEOUT.parse, LOCK_TIMEOUT.defaultMinutes);
    if (operation === "up")
        cmd.option("--policy-config <file>", "the policy pack's config (default: policies/config/<stack>.json)");
    if (operation === "import")
        cmd.option("--file <import.json>", "the import file (npm run railway:import writes one)");
    const parsed = parseCommand(cmd, argv);
    if (parsed !== true) return parsed;
    const flags = cmd.opts() as {
        stack?: string;
        yes: boolean;
        lockTimeout: number;
        policyConfig?: string;
        file?: string;
    };
    const usage = usageProblem(io, cmd);
    if (!flags.stack) return usage("--stack is required");
    const stack = flags.stack;
    const project = projectName(cwd);
    if (!project) return usage(`no Pulumi.yaml in ${cwd}: run this from the project's folder`);
    const engine = engineOnPath(env);
    if (!engine)
        return usage(
            'pulumi is not on PATH: install the CLI (eval "$(bash scripts/install-pulumi.sh --env)" puts the project\'s on it)',
        );
    const pulumiEnv = { ...env, PULUMI_SKIP_UPDATE_CHECK: "true" };
    const backendUrl = await backendUrlOf(engine, cwd, pulumiEnv);
    if (!backendUrl)
        return usage(
            "no backend: set PULUMI_BACKEND_URL or run `pulumi login <url>` (docs/team-setup.md, 'Team set-up')",
        );

    const stream = (chunk: string) =>
        chunk
            .split("\n")
            .filter((l) => l.trim())
            .forEach((l) => io.err(`  ${l}`));
    const run = (args: string[], show = false) =>
        runPulumi(engine, [...args, "--non-interactive", "--color", "never"], {
            cwd,
            env: pulumiEnv,
            timeoutMs: 4 * 3600_000,
            ...(show ? { onOutput: stream, onStdout: stream } : {}),
        });
    // What the operation takes besides the stack: the policy pack for up, the file for import.
    const opArgs: string[] = [];
    if (operation === "import") {
        if (!flags.file) return usage("--file is required: the import file npm run railway:import wrote");
        const file = path.resolve(cwd, flags.file);
        if (!fs.existsSync(file)) return usage(`no import file ${file}`);
        opArgs.push("--file", file, "--protect=false", "--generate-code=false");
    }
    const policyArgs: string[] = [];
    if (operation === "up") {
        const config = path.resolve(cwd, flags.policyConfig ?? path.join("policies", "config", `${stack}.json`));
        if (flags.policyConfig && !fs.existsSync(config)) return usage(`no policy config ${config}`);
        policyArgs.push(
            "--policy-pack",
            "policies",
            ...(fs.existsSync(config) ? ["--policy-pack-config", config] : []),
        );
    }
    const ask = flags.yes || env.CI ? undefined : deps.ask;
    if (!flags.yes && !env.CI && !ask)
        return usage(`no terminal to confirm on: pass --yes to ${operation} ${stack} without a question`);

    try {
        return await withStackLease(
            {
                backendUrl,
                project,
                stack,
                command: `${operation} --stack ${stack}`,
                env: pulumiEnv,
                cwd,
                io,
                lockTimeoutMs: flags.lockTimeout * 60_000,
                run: (args) => run(args),
                stopEngine: stopAllEngines,
            },
            async () => {
                if (ask) {
                    io.err(`what ${operation} would change on ${stack}:`);
                    const preview =
                        operation === "up"
                            ? await run(["preview", "--stack", stack, ...policyArgs], true)
                            : await run([operation, "--stack", stack, "--preview-only", ...opArgs], true);
                    if (preview.code !== 0) {
                        io.err(`the preview failed (exit ${preview.code}): nothing was changed`);
                        return EXIT.findings;
                    }
                    const answer = (
                        await ask(`${operation} ${stack} as shown? Type the stack's name to go on: `)
                    ).trim();
                    if (answer !== stack) {
                        io.err(`the answer was not '${stack}': nothing was changed`);
                        return EXIT.findings;
                    }
                }
                io.err(`pulumi ${operation} --stack ${stack}`);
                const r = await run(
                    [
                        operation,
                        "--stack",
                        stack,
                        "--yes",
                        ...(ask ? ["--skip-preview"] : []),
                        ...opArgs,
                        ...policyArgs,
                    ],
                    true,
                );
                if (r.code !== 0) {
                    io.err(`pulumi ${operation} exited ${r.code} (its output is above)`);
                    return EXIT.findings;
                }
                io.err(`${operation} of ${stack}: done`);
                return EXIT.ok;
            },
        );
    } catch (e) {
        const code = leaseProblem(e, io);
        if (code !== undefined) return code;
        throw e;
    }
}
