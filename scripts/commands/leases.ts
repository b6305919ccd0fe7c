/**
 * The stack leases of a command that changes stacks through the engine (scripts/state/stack-lease.ts):
 * which backend and project they are taken on, the `--lock-timeout` every such command takes, and
 * what a lease problem means for its exit code.
 */
import { InvalidArgumentError } from "@commander-js/extra-typings";
import { Engine, projectPulumi, RunPulumi, runPulumi, stopAllEngines } from "../engine/engine";
import { BackendUrlProblem } from "../state/backend";
import { LeaseTimeout } from "../state/lease";
import { StackLeases, StackNeedsAPerson } from "../state/stack-lease";
import { CommandIO, EXIT } from "./io";
import { backendUrlOf, projectName } from "../engine/project";

/** The --lock-timeout option every stack-changing command takes: minutes to wait for another holder. */
export const LOCK_TIMEOUT = {
    flags: "--lock-timeout <minutes>",
    description: "how long to wait for another command holding a stack",
    parse: (value: string): number => {
        const n = Number(value);
        if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 24 * 60)
            throw new InvalidArgumentError("must be a number of minutes from 0 to 1440.");
        return n;
    },
    defaultMinutes: 20,
} as const;

/** The leases for a command in a project folder, or the usage problem that keeps it from starting. */
export async function commandLeases(
    engine: Engine,
    cwd: string,
    env: NodeJS.ProcessEnv,
    io: CommandIO,
    command: string,
    lockTimeoutMinutes: number,
): Promise<StackLeases | { problem: string }> {
    const project = projectName(cwd);
    if (!project) return { problem: `no Pulumi.yaml in ${cwd}: run this from the project's folder` };
    const backendUrl = await backendUrlOf(engine, cwd, env);
    if (!backendUrl)
        return {
            problem:
                "no backend: set PULUMI_BACKEND_URL or run `pulumi login <url>` (docs/team-setup.md, 'Team set-up')",
        };
    return new StackLeases({
        backendUrl,
        project,
        command,
        env,
        cwd,
        io,
        lockTimeoutMs: lockTimeoutMinutes * 60_000,
        run: (args, opts) =>
            runPulumi(engine, [...args, "--non-interactive"], {
                cwd,
                env,
                input: opts?.input,
                timeoutMs: 4 * 3600_000,
            }),
        stopEngine: stopAllEngines,
    });
}

/** A lease problem as the command's answer: the holder named (exit 1), or what a person must settle (exit 2). */
export function leaseProblem(e: unknown, io: CommandIO): number | undefined {
    if (e instanceof LeaseTimeout) {
        io.err(`error: ${e.message}`);
        return EXIT.findings;
    }
    if (e instanceof StackNeedsAPerson || e instanceof BackendUrlProblem) {
        io.err(`error: ${e.message}`);
        return EXIT.usage;
    }
    return undefined;
}

/**
 * Runs `fn` with the project's engine behind the command's stack leases (each stack's lease taken
 * before its first change, all released however it ends). A lease problem is the command's answer
 * (`exit`, said on stderr); a project or backend it cannot find is a usage problem for the caller.
 */
export async function withCommandLeases<T>(
    engine: Engine,
    cwd: string,
    env: NodeJS.ProcessEnv,
    io: CommandIO,
    lease: { command: string; lockTimeoutMinutes: number; engineTimeoutMs: number },
    fn: (pulumi: RunPulumi) => Promise<T>,
): Promise<{ value: T } | { exit: number } | { usage: string }> {
    const leases = await commandLeases(engine, cwd, env, io, lease.command, lease.lockTimeoutMinutes);
    if ("problem" in leases) return { usage: leases.problem };
    try {
        return { value: await fn(leases.wrap(projectPulumi(engine, cwd, env, lease.engineTimeoutMs))) };
    } catch (e) {
        const code = leaseProblem(e, io);
        if (code !== undefined) return { exit: code };
        throw e;
    } finally {
        await leases.releaseAll();
    }
}
