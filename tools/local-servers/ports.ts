import * as net from "net";

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

/**
 * Resolves once something accepts connections on the port; rejects after timeoutMs, or as soon as
 * `gaveUp()` says the server will not come (it exited), so that no poll outlives its server.
 */
export async function waitForPort(
    port: number,
    timeoutMs = 60_000,
    gaveUp: () => boolean = () => false,
): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        if (gaveUp()) throw new Error(`the server for 127.0.0.1:${port} stopped before it listened`);
        const ok = await new Promise<boolean>((resolve) => {
            const socket = net.connect(port, "127.0.0.1", () => {
                socket.destroy();
                resolve(true);
            });
            socket.once("error", () => resolve(false));
        });
        if (ok) return;
        if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
    }
}
