/**
 * A real S3-compatible server for tests and benchmarks: versitygw (scripts/install-s3-server.sh builds it, cached)
 * serving a temporary folder on a free port of 127.0.0.1, with keys made here and one bucket.
 * Pulumi reaches it with `s3://<bucket>?endpoint=…&use_path_style=true` and the AWS_* variables;
 * nothing here reaches beyond loopback.
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { serverProcess } from "./server-process";
import { freePort, waitForPort } from "./ports";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

export interface TestS3 {
    /** The backend URL for Pulumi and this project's commands. */
    url: string;
    endpoint: string;
    bucket: string;
    /** AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION for whoever talks to it. */
    env: Record<string, string>;
    close(): Promise<void>;
}

export function s3ServerBinary(): string {
    const r = spawnSync("bash", [path.join(REPO_ROOT, "scripts", "install-s3-server.sh")], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    });
    if (r.status !== 0) throw new Error("scripts/install-s3-server.sh failed (its reason is above)");
    return r.stdout.trim().split("\n").pop()!;
}

export async function startS3(bucket = "ainative-state"): Promise<TestS3> {
    const bin = s3ServerBinary();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ainative-s3-"));
    const port = await freePort();
    const access = `AKIA${randomBytes(8).toString("hex").toUpperCase()}`;
    const secret = randomBytes(20).toString("hex");
    const child: ChildProcess = spawn(
        bin,
        ["--access", access, "--secret", secret, "--port", `127.0.0.1:${port}`, "--quiet", "posix", dir],
        { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr!.on("data", (c) => (stderr += c));
    const { exited, close } = serverProcess(child, dir);
    try {
        await waitForPort(port, 30_000, exited);
        const endpoint = `http://127.0.0.1:${port}`;
        const env = { AWS_ACCESS_KEY_ID: access, AWS_SECRET_ACCESS_KEY: secret, AWS_REGION: "us-east-1" };
        const client = new S3Client({
            region: "us-east-1",
            endpoint,
            forcePathStyle: true,
            credentials: { accessKeyId: access, secretAccessKey: secret },
        });
        await client.send(new CreateBucketCommand({ Bucket: bucket }));
        client.destroy();
        return {
            url: `s3://${bucket}?endpoint=${encodeURIComponent(endpoint)}&region=us-east-1&use_path_style=true`,
            endpoint,
            bucket,
            env,
            close,
        };
    } catch (e) {
        await close();
        throw new Error(`versitygw did not start: ${(e as Error).message}\n${stderr.slice(-2000)}`, { cause: e });
    }
}
