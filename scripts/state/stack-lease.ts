/**
 * What every command of ours that changes a stack does around the engine (`npm run up|destroy|
 * refresh`, review, canary, the rotations, the emergency deploy, the import, state migration):
 *
 *   1. take the stack's lease (lease.ts), waiting with progress up to `--lock-timeout`;
 *   2. a Pulumi lock still there now is a dead runner's (every writer of ours holds the lease
 *      first): that stack's Pulumi lock is removed with the engine's own `pulumi cancel`, and said
 *      so. One held by a `pulumi` process alive on this machine is a person running the engine
 *      outside these commands: the command stops instead;
 *   3. operations a dead runner left pending in the state are settled before anything else
 *      (pending-creates.ts decides; the state is written back with each create that happened made a
 *      resource, and a refresh reads them); what cannot be decided stops the command with what to
 *      check;
 *   4. run the command, and release the lease however it ends. A lease lost while the command runs
 *      (an S3 lease not renewed) stops the engine: two writers never run at once.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CommandIO } from "../commands/io";
import { PulumiRun, RunPulumi } from "../engine/engine";
import { openBackend, StateBackend } from "./backend";
import { acquireLease, currentHolder, describeHolder, Lease } from "./lease";
import { decide, Decision, ExportedDeployment, Fetch, PendingCreate, settledDeployment } from "./pending-creates";
import { processAlive } from "./process-alive";
import { whyFailed } from "../engine/why-failed";

export interface StackCommand {
    /** PULUMI_BACKEND_URL. */
    backendUrl: string;
    /** Pulumi.yaml's `name`. */
    project: string;
    stack: string;
    /** What it runs, for the lease's record (`up --stack production`). */
    command: string;
    env: NodeJS.ProcessEnv;
    cwd: string;
    io: CommandIO;
    lockTimeoutMs: number;
    /** The engine in the project folder. */
    run: RunPulumi;
    /** Stops the engine at once (the lease was lost). */
    stopEngine?: () => void;
    fetch?: Fetch;
}

/** A problem only a person can settle: the command stops before the engine runs, saying what to do. */
export class StackNeedsAPerson extends Error {}

/** The folder of a stack's Pulumi locks in a DIY backend (project-scoped stacks live in org "organization"). */
export const pulumiLockDir = (project: string, stack: string) => `.pulumi/locks/organization/${project}/${stack}/`;

/** Removes a dead runner's Pulumi lock of this stack (only this stack's), saying whose it was. */
export async function clearDeadPulumiLocks(c: StackCommand, backend: StateBackend): Promise<number> {
    const keys = await backend.list(pulumiLockDir(c.project, c.stack));
    if (!keys.length) return 0;
    const owners: string[] = [];
    for (const key of keys) {
        let lock: { pid?: number; username?: string; hostname?: string; timestamp?: string } = {};
        try {
            lock = JSON.parse((await backend.get(key))?.toString("utf8") ?? "{}");
        } catch {
            // an unreadable lock is still a dead runner's
        }
        if (lock.hostname === os.hostname() && lock.pid && lock.pid !== process.pid && processAlive(lock.pid))
            throw new StackNeedsAPerson(
                `stack ${c.stack} is locked by a pulumi process still running on this machine (pid ${lock.pid}), outside this project's commands: let it finish, or stop it, then run this again`,
            );
        owners.push(
            `${lock.username ?? "?"}@${lock.hostname ?? "?"} (pid ${lock.pid ?? "?"}) at ${lock.timestamp ?? "?"}`,
        );
    }
    const r = await c.run(["cancel", "--yes", "--stack", c.stack, "--non-interactive"]);
    if (r.code !== 0) throw new Error(`pulumi cancel could not remove the dead lock of ${c.stack}: ${lastLines(r)}`);
    c.io.err(
        `${c.stack}: Pulumi's lock left by ${owners.join(", ")} belonged to a runner that died (this command holds the stack's lease): removed`,
    );
    return keys.length;
}

const lastLines = (r: PulumiRun) => whyFailed(r, { lines: 5 });

/** Writes a stack's state back through the engine, from a file only this user can read, removed after. */
async function importState(c: StackCommand, version: number, deployment: ExportedDeployment): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ainative-settle-"));
    const file = path.join(dir, "state.json");
    try {
        fs.writeFileSync(file, JSON.stringify({ version, deployment }), { mode: 0o600 });
        const r = await c.run(["stack", "import", "--stack", c.stack, "--file", file, "--non-interactive"]);
        if (r.code !== 0) throw new Error(`writing ${c.stack}'s settled state failed: ${lastLines(r)}`);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** Settles what a dead runner left pending. Returns the decisions carried out (none: nothing was pending). */
export async function settlePendingOperations(c: StackCommand): Promise<Decision[]> {
    const exported = await c.run(["stack", "export", "--stack", c.stack]);
    // A stack that does not exist yet has nothing pending.
    if (exported.code !== 0) return [];
    const state = JSON.parse(exported.stdout || "{}") as { version?: number; deployment?: ExportedDeployment };
    const pending = state.deployment?.pending_operations ?? [];
    if (!pending.length) return [];
    const providers = new Map(
        (state.deployment?.resources ?? [])
            .filter((r) => r.type.startsWith("pulumi:providers:"))
            .map((r) => [`${r.urn}::${r.id}`, r.inputs ?? {}]),
    );
    const creates: PendingCreate[] = pending
        .filter((p) => p.type === "creating")
        .map((p) => ({
            urn: p.resource.urn,
            type: p.resource.type,
            inputs: p.resource.inputs ?? {},
            provider: p.resource.provider ? providers.get(p.resource.provider) : undefined,
        }));
    const decisions = await Promise.all(creates.map((op) => decide(op, c.env, c.fetch)));
    const undecided = decisions.filter((d) => d.action === "undecided");
    if (undecided.length)
        throw new StackNeedsAPerson(
            `${c.stack}: a runner that died left ${undecided.length} create(s) pending, and whether each happened could not be decided:\n` +
                undecided.map((d) => `  ${d.urn}: ${d.why}`).join("\n") +
                `\nCheck each in its service. Made: pulumi stack export --stack ${c.stack} --file state.json, move that operation's "resource" into "resources" with its "id", then pulumi stack import --stack ${c.stack} --file state.json. Not made: pulumi refresh --stack ${c.stack} --clear-pending-creates. Nothing was changed.`,
        );
    c.io.err(
        `${c.stack}: a runner that died left ${pending.length} operation(s) pending; settling them:\n` +
            [
                ...decisions.map((d) => `  ${d.urn}: ${d.action === "import" ? `import ${d.id}` : "clear"} (${d.why})`),
                ...pending
                    .filter((p) => p.type !== "creating")
                    .map((p) => `  ${p.resource.urn}: refresh (was ${p.type})`),
            ].join("\n"),
    );
    if (decisions.length) await importState(c, state.version ?? 3, settledDeployment(state.deployment!, decisions));
    const refreshed = await c.run(["refresh", "--stack", c.stack, "--yes", "--skip-preview", "--non-interactive"]);
    if (refreshed.code !== 0)
        throw new Error(`the refresh that settles ${c.stack}'s pending operations failed: ${lastLines(refreshed)}`);
    return decisions;
}

/** Runs `fn` holding the stack's lease, after clearing a dead runner's lock and settling its leftovers. */
export async function withStackLease<T>(c: StackCommand, fn: (lease: Lease) => Promise<T>): Promise<T> {
    const backend = await openBackend(c.backendUrl, { env: c.env, cwd: c.cwd });
    let lease: Lease | undefined;
    try {
        lease = await acquireLease(c.backendUrl, `${c.project}/${c.stack}`, currentHolder(c.command, c.env), {
            timeoutMs: c.lockTimeoutMs,
            env: c.env,
            cwd: c.cwd,
            onWait: (holder, waited) =>
                c.io.err(
                    `waiting for stack ${c.stack}: held by ${holder ? describeHolder(holder) : "another command"} (${Math.round(waited / 1000)} s so far, --lock-timeout ${Math.round(c.lockTimeoutMs / 1000)} s)`,
                ),
        });
        await clearDeadPulumiLocks(c, backend);
        await settlePendingOperations(c);
        let lost: string | undefined;
        lease.lost.then((why) => {
            lost = why;
            c.stopEngine?.();
        });
        const result = await fn(lease);
        if (lost) throw new Error(lost);
        return result;
    } finally {
        await lease
            ?.release()
            .catch((e) => c.io.err(`warning: releasing the lease of ${c.stack} failed: ${(e as Error).message}`));
        await backend.close();
    }
}

/** Whether an engine command changes the stack it names (and so needs its lease). */
export function changesStack(args: string[]): boolean {
    if (args.includes("--preview-only")) return false;
    const [first, second] = args;
    if (["up", "update", "destroy", "refresh", "import", "cancel", "state"].includes(first)) return true;
    return first === "stack" && ["init", "rm", "import", "rename", "change-secrets-provider"].includes(second);
}

/** The stack an engine command names (`--stack x`, `-s x`, `--stack=x`, or `stack init|rm <x>`). */
export function stackOf(args: string[]): string | undefined {
    if (args[0] === "stack" && ["init", "rm"].includes(args[1]) && args[2] && !args[2].startsWith("-")) return args[2];
    for (let i = 0; i < args.length; i++) {
        if (args[i] === "--stack" || args[i] === "-s") return args[i + 1];
        if (args[i].startsWith("--stack=")) return args[i].slice("--stack=".length);
    }
    return undefined;
}

/**
 * The leases of a command that changes several stacks, or one stack in several engine runs (a
 * review environment, a rotation, the canary): the engine runner it wraps takes a stack's lease the
 * first time a run changes that stack (clearing a dead runner's lock and leftovers then) and keeps
 * it until {@link releaseAll}, so nothing else changes that stack between the command's steps.
 */
export class StackLeases {
    private readonly held = new Map<string, Lease>();
    private readonly taking = new Map<string, Promise<Lease>>();

    constructor(private readonly c: Omit<StackCommand, "stack">) {}

    private async take(stack: string): Promise<Lease> {
        const c: StackCommand = { ...this.c, stack, command: `${this.c.command} (${stack})` };
        const lease = await acquireLease(c.backendUrl, `${c.project}/${stack}`, currentHolder(c.command, c.env), {
            timeoutMs: c.lockTimeoutMs,
            env: c.env,
            cwd: c.cwd,
            onWait: (holder, waited) =>
                c.io.err(
                    `waiting for stack ${stack}: held by ${holder ? describeHolder(holder) : "another command"} (${Math.round(waited / 1000)} s so far)`,
                ),
        });
        try {
            const backend = await openBackend(c.backendUrl, { env: c.env, cwd: c.cwd });
            try {
                await clearDeadPulumiLocks(c, backend);
            } finally {
                await backend.close();
            }
            await settlePendingOperations(c);
        } catch (e) {
            await lease.release().catch(() => undefined);
            throw e;
        }
        lease.lost.then(() => this.c.stopEngine?.());
        return lease;
    }

    /** The engine runner with leases: every run that changes a stack holds that stack's lease. */
    wrap(run: RunPulumi): RunPulumi {
        return async (args, opts) => {
            const stack = stackOf(args);
            if (stack && changesStack(args) && !this.held.has(stack)) {
                let pending = this.taking.get(stack);
                if (!pending) {
                    pending = this.take(stack);
                    this.taking.set(stack, pending);
                }
                try {
                    this.held.set(stack, await pending);
                } finally {
                    this.taking.delete(stack);
                }
            }
            return run(args, opts);
        };
    }

    /** Releases every lease taken; a failure to release one is said, and does not keep the others. */
    async releaseAll(): Promise<void> {
        for (const [stack, lease] of [...this.held].reverse()) {
            this.held.delete(stack);
            await lease
                .release()
                .catch((e) =>
                    this.c.io.err(`warning: releasing the lease of ${stack} failed: ${(e as Error).message}`),
                );
        }
    }
}
