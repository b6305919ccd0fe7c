/**
 * Runs inside the Railway CLI's network namespace (railway-cli.ts): for each `<port>=<unix socket>`
 * argument it listens on 127.0.0.1:<port> and pipes every connection to the socket, where the test's
 * emulator answers from outside. A Unix socket is a file, so it is the one door between the
 * namespace and the test: nothing else in the namespace reaches anything. Prints "ready" once every
 * port listens.
 */
import * as net from "net";

const pairs = process.argv.slice(2).map((arg) => {
    const [port, socket] = arg.split("=");
    return { port: Number(port), socket };
});
let listening = 0;
for (const { port, socket } of pairs) {
    net.createServer((inside) => {
        const outside = net.connect(socket);
        inside.pipe(outside).pipe(inside);
        inside.on("error", () => outside.destroy());
        outside.on("error", () => inside.destroy());
    }).listen(port, "127.0.0.1", () => {
        if (++listening === pairs.length) process.stdout.write("ready\n");
    });
}
