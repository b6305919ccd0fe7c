/**
 * Servers a suite starts, stopped whatever happens: started side by side, and when one fails to
 * start, the others (already up, or still coming up) are stopped too, so a failed before-all hook
 * leaves no process or open handle behind and the run ends at once instead of hanging.
 */
export interface Closable {
    close(): Promise<void>;
}

export class Servers {
    private readonly started: Closable[] = [];

    /** Starts them all; resolves with each, or rejects with the first failure once all have settled. */
    async start<T extends readonly Promise<Closable>[]>(...starting: T): Promise<{ [K in keyof T]: Awaited<T[K]> }> {
        const settled = await Promise.allSettled(starting);
        for (const s of settled) if (s.status === "fulfilled") this.started.push(s.value);
        const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
        if (failed) throw failed.reason;
        return settled.map((s) => (s as PromiseFulfilledResult<Closable>).value) as { [K in keyof T]: Awaited<T[K]> };
    }

    /**
     * Stops every server started, one after another, newest first: what depends on a server (the
     * sample app on PostgreSQL and Redis) goes before it. A failure to stop one does not keep the
     * others up.
     */
    async closeAll(): Promise<void> {
        for (const s of this.started.splice(0).reverse()) await s.close().catch(() => undefined);
    }
}
