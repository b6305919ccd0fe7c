/**
 * A runner that takes a stack's lease and holds it until it is killed: the lease tests kill it with
 * SIGKILL (a dead CI runner) and check what the next taker sees.
 * Usage: node -r ./scripts/register.js test/support/state/hold-lease.ts <backend url> <stack> <ttl ms>
 * Prints one line, `held <holder json>`, once it holds the lease.
 */
import { acquireLease, currentHolder } from "../../../scripts/state/lease";

async function main(): Promise<void> {
    const [url, stack, ttl] = process.argv.slice(2);
    const holder = currentHolder(`hold-lease ${stack}`);
    await acquireLease(url, stack, holder, { timeoutMs: 60_000, ttlMs: Number(ttl), pollMs: 50 });
    process.stdout.write(`held ${JSON.stringify(holder)}\n`);
    // Held until killed: a timer keeps the process alive (the lease's renewal timer is unref'd).
    setInterval(() => undefined, 60_000);
}

main().catch((e) => {
    process.stderr.write(`hold-lease: ${(e as Error).message}\n`);
    // Nothing else keeps the process alive (the lease's timers are unref'd): it ends with this code.
    process.exitCode = 1;
});
