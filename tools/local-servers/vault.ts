/**
 * A real HashiCorp Vault for tests: scripts/install-vault-server.sh builds it (cached per version),
 * started in dev mode on a free port of 127.0.0.1 (in memory, unsealed, KV version 2 at `secret/`),
 * with a file audit device, the AppRole auth method and a role CI would log in with, whose policy
 * reaches the backup's folder and nothing else. Set up through node-vault, the client the product
 * uses; nothing here reaches beyond loopback.
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import nodeVault from "node-vault";
import { serverProcess } from "./server-process";
import { freePort, waitForPort } from "./ports";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

export interface TestVault {
    /** http://127.0.0.1:<port>, or https:// with `tls` (VAULT_ADDR). */
    address: string;
    /** With `tls`: the PEM file of the CA the dev server made for itself (VAULT_CACERT). */
    caFile?: string;
    /** The dev server's root token: a person's own token in the tests. */
    rootToken: string;
    /** CI's AppRole login (VAULT_ROLE_ID, VAULT_SECRET_ID), allowed `<mount>/*<prefix>/*` only. */
    approle: { roleId: string; secretId: string };
    /** The audit device's log: every request and answer, values HMAC'd by Vault. */
    auditFile: string;
    /** Everything the server printed (its own log). */
    serverLog(): string;
    close(): Promise<void>;
}

export function vaultServerBinary(): string {
    const r = spawnSync("bash", [path.join(REPO_ROOT, "scripts", "install-vault-server.sh")], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    });
    if (r.status !== 0) throw new Error("scripts/install-vault-server.sh failed (its reason is above)");
    return r.stdout.trim().split("\n").pop()!;
}

/** The ACL policy the CI's role gets: the backup's folder in the KV mount, read and write. */
export function backupPolicy(mount = "secret", prefix = "ainative-platform"): string {
    const caps = '["create", "read", "update", "list"]';
    return [
        `path "${mount}/data/${prefix}/*" { capabilities = ${caps} }`,
        `path "${mount}/metadata/${prefix}/*" { capabilities = ${caps} }`,
        `path "${mount}/metadata/${prefix}" { capabilities = ["list"] }`,
    ].join("\n");
}

export async function startVault(opts: { tls?: boolean } = {}): Promise<TestVault> {
    const bin = vaultServerBinary();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ainative-vault-"));
    if (opts.tls) fs.mkdirSync(path.join(dir, "tls")); // the dev server writes its CA and certificate there
    const port = await freePort();
    // Vault keeps the `hvs.` prefix for tokens it makes itself: a chosen ID may not use it.
    const rootToken = `test-root-${randomBytes(12).toString("hex")}`;
    let log = "";
    const child: ChildProcess = spawn(
        bin,
        [
            "server",
            "-dev",
            `-dev-listen-address=127.0.0.1:${port}`,
            "-dev-root-token-id=" + rootToken,
            "-dev-no-store-token",
            ...(opts.tls ? ["-dev-tls", `-dev-tls-cert-dir=${path.join(dir, "tls")}`] : []),
        ],
        // HOME in the temporary folder: the dev server keeps nothing in the runner's.
        { stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env.PATH, HOME: dir, VAULT_LOG_LEVEL: "warn" } },
    );
    child.stdout!.on("data", (c) => (log = (log + c).slice(-200_000)));
    child.stderr!.on("data", (c) => (log = (log + c).slice(-200_000)));
    const { exited, close } = serverProcess(child, dir);
    try {
        await waitForPort(port, 60_000, exited);
        const address = `${opts.tls ? "https" : "http"}://127.0.0.1:${port}`;
        const caFile = opts.tls ? path.join(dir, "tls", "vault-ca.pem") : undefined;
        const admin = nodeVault({
            apiVersion: "v1",
            endpoint: address,
            token: rootToken,
            ...(caFile ? { requestOptions: { ca: fs.readFileSync(caFile) } } : {}),
        });
        // Dev mode unseals before it listens, but mounts KV a moment later: wait for the mount.
        const deadline = Date.now() + 30_000;
        for (;;) {
            const mounts = (await admin.mounts().catch(() => ({}))) as Record<string, unknown>;
            if ("secret/" in mounts || "secret/" in ((mounts as { data?: object }).data ?? {})) break;
            if (exited()) throw new Error("the dev server stopped");
            if (Date.now() > deadline) throw new Error("the dev server did not mount secret/ in 30 s");
            await new Promise((r) => setTimeout(r, 100));
        }
        const auditFile = path.join(dir, "audit.log");
        await admin.enableAudit({ name: "file", type: "file", options: { file_path: auditFile } });
        await admin.enableAuth({ mount_point: "approle", type: "approle" });
        await admin.addPolicy({ name: "ainative-backup", rules: backupPolicy() });
        await admin.addApproleRole({ role_name: "ci", policies: "ainative-backup", token_ttl: 600 });
        const roleId = ((await admin.getApproleRoleId({ role_name: "ci" })) as { data: { role_id: string } }).data
            .role_id;
        const secretId = ((await admin.getApproleRoleSecret({ role_name: "ci" })) as { data: { secret_id: string } })
            .data.secret_id;
        return { address, caFile, rootToken, approle: { roleId, secretId }, auditFile, serverLog: () => log, close };
    } catch (e) {
        await close();
        throw new Error(`Vault did not start: ${(e as Error).message}\n${log.slice(-2000)}`, { cause: e });
    }
}
