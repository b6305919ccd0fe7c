/**
 * Teardown for what several spec files share (the policy pack's process): registered by whoever
 * starts it, run once after the whole run. Loaded by every mocha config (`require`), as a root hook
 * plugin.
 */
const teardowns: (() => Promise<void> | void)[] = [];

export function onTeardown(fn: () => Promise<void> | void): void {
    teardowns.push(fn);
}

export const mochaHooks = {
    async afterAll(): Promise<void> {
        for (const fn of teardowns.splice(0).reverse()) await fn();
    },
};
