/** Time, injectable: the gate runs on the real clock; its benchmark on a simulated one. */
export interface Clock {
    now(): number;
    sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A clock that jumps instead of waiting (for simulations). */
export function simulatedClock(start = 0): Clock & { advance(ms: number): void } {
    let t = start;
    return {
        now: () => t,
        sleep: async (ms) => {
            t += ms;
        },
        advance: (ms) => {
            t += ms;
        },
    };
}
