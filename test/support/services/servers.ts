/**
 * Servers a suite starts, stopped whatever happens: started side by side, and when one fails to
 * start, the others (already up, or still coming up) are stopped too, so a failed before-all hook
 * leaves no process or open handle behind and the run ends at once instead of hanging.
 *
 * Every start in flight is tracked: a clean-up waits for the starts still running and stops what
 * they started, and a start that completes after the clean-up (a before-all hook that timed out
 * under load while its servers were still coming up) stops what it started at once.
 */
export interface Closable {
    close(): Promise<void>;
}

export class Servers {
    private readonly started: Closable[] = [];
    private readonly inFlight = new Set<Promise<unknown>>();
    private closed = false;

    /** Starts them all; resolves with each, or rejects with the first failure once all have settled. */
    async start<T extends readonly Promise<Closable>[]>(...starting: T): Promise<{ [K in keyof T]: Awaited<T[K]> }> {
        const all = Promise.allSettled(starting);
        this.inFlight.add(all);
        let settled: PromiseSettledResult<Closable>[];
        try {
            settled = await all;
        } finally {
            this.inFlight.delete(all);
        }
        const up = settled
            .filter((s): s is PromiseFulfilledResult<Closable> => s.status === "fulfilled")
            .map((s) => s.value);
        if (this.closed) {
            // The suite's clean-up has run: nothing may stay up behind it.
            for (const s of up.reverse()) await s.close().catch(() => undefined);
            throw new Error(
                "the servers were started after the suite's clean-up ran (its set-up timed out); they are stopped",
            );
        }
        this.started.push(...up);
        const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
        if (failed) throw failed.reason;
        return up as unknown as { [K in keyof T]: Awaited<T[K]> };
    }

    /**
     * Stops every server started, one after another, newest first (what depends on a server, the
     * sample app on PostgreSQL and Redis, goes before it), after waiting for the starts still in
     * flight. A failure to stop one does not keep the others up.
     */
    async closeAll(): Promise<void> {
        this.closed = true;
        await Promise.allSettled([...this.inFlight]);
        for (const s of this.started.splice(0).reverse()) await s.close().catch(() => undefined);
    }
}
