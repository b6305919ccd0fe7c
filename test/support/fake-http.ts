/** A stand-in HTTP endpoint on 127.0.0.1 that records every request (PagerDuty, GitHub) and answers 202. */
import * as http from "http";
import { AddressInfo } from "net";

export interface RecordedRequest {
    method: string;
    path: string;
    headers: http.IncomingHttpHeaders;
    body: any;
}

export async function startFakeHttp(status = 202): Promise<{ url: string; requests: RecordedRequest[]; close(): Promise<void> }> {
    const requests: RecordedRequest[] = [];
    const server = http.createServer((req, res) => {
        let text = "";
        req.on("data", (c) => (text += c));
        req.on("end", () => {
            let body: unknown = text;
            try {
                body = JSON.parse(text);
            } catch {
                // keep text
            }
            requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body });
            res.writeHead(status, { "content-type": "application/json" });
            res.end("{}");
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () =>
            new Promise((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}
