/**
 * The secrets backup against a real Vault (dev mode on 127.0.0.1, tools/local-servers/vault.ts):
 * KV version 2 written only on change and compared by keyed hash, check-and-set against a second
 * writer, a lost answer settled by reading back, CI's AppRole login held to its policy, errors that
 * never carry a token, and an audit log with no value in clear.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as http from "http";
import { randomBytes } from "crypto";
import nodeVault from "node-vault";
import { backupKey, backUpSecret, compareWithVault, HMAC_FIELD, stackFolder } from "../../../scripts/vault/backup";
import { KvStore, VaultProblem } from "../../../scripts/vault/kv";
import type { StackSecret } from "../../../scripts/vault/stack-secrets";
import { freePort } from "../../../tools/local-servers/ports";
import { startVault, TestVault } from "../../../tools/local-servers/vault";

const SETTINGS = {
    address: "https://vault.invalid:8200",
    mount: "secret",
    prefix: "ainative-platform",
    approleMount: "approle",
};
const FAST = { unitMs: 5, timeoutMs: 5_000, attempts: 4 };
const secret = (name: string, value: string): StackSecret => ({
    name,
    path: name.replace(".", "/"),
    value,
    config: { key: `secrets.services.${name}`, path: true },
});
const META = { writtenBy: "tests (mocha)", commit: "0123456789abcdef0123456789abcdef01234567" };

describe("secrets backup in Vault's KV version 2 (a real Vault)", function () {
    this.timeout(120_000);
    let vault: TestVault;
    let store: KvStore;
    let admin: ReturnType<typeof nodeVault>;
    const planted: string[] = [];
    const plant = (label: string) => {
        const v = `planted-${label}-${randomBytes(12).toString("hex")}`;
        planted.push(v);
        return v;
    };
    const personEnv = () => ({ VAULT_ADDR: vault.address, VAULT_TOKEN: vault.rootToken });

    before(async function () {
        this.timeout(20 * 60_000); // a cold machine builds Vault first (scripts/install-vault-server.sh)
        vault = await startVault();
        store = await KvStore.connect(SETTINGS, personEnv(), FAST);
        admin = nodeVault({ apiVersion: "v1", endpoint: vault.address, token: vault.rootToken });
    });
    after(async () => vault?.close());

    it("writes a version only when the value changed, and records who, what commit and the keyed hash", async () => {
        const folder = stackFolder("ainative-platform", "once");
        const key = (await backupKey(store, folder, true))!;
        const first = plant("first");
        const a = await backUpSecret(store, folder, key, secret("web.AUTH_SECRET", first), {
            ...META,
            rotatedAt: "2026-12-01",
        });
        assert.deepEqual(a, { name: "web.AUTH_SECRET", result: "written", version: 1 });
        const again = await backUpSecret(store, folder, key, secret("web.AUTH_SECRET", first), META);
        assert.deepEqual(again, { name: "web.AUTH_SECRET", result: "unchanged", version: 1 }, "idempotent");
        const second = plant("second");
        const b = await backUpSecret(store, folder, key, secret("web.AUTH_SECRET", second), META);
        assert.deepEqual(b, { name: "web.AUTH_SECRET", result: "written", version: 2 });

        const md = (await admin.read(`secret/metadata/${folder}/web/AUTH_SECRET`)) as {
            data: { current_version: number; custom_metadata: Record<string, string> };
        };
        assert.equal(md.data.current_version, 2);
        const custom = md.data.custom_metadata;
        assert.match(custom[HMAC_FIELD], /^[0-9a-f]{64}$/);
        assert.equal(custom.commit, META.commit);
        assert.equal(custom["written-by"], "tests (mocha)");
        assert.equal(custom.version, "2");
        assert.ok(!JSON.stringify(custom).includes(second) && !JSON.stringify(custom).includes(first));
        const v1 = (await admin.read(`secret/data/${folder}/web/AUTH_SECRET?version=1`)) as {
            data: { data: { value: string } };
        };
        assert.equal(v1.data.data.value, first, "the old version is kept for a restore");
        assert.equal((await store.read(`${folder}/web/AUTH_SECRET`))?.data.value, second);
    });

    it("compares by keyed hash: same, differs, missing; and a hash left stale by a dead run is read through", async () => {
        const folder = stackFolder("ainative-platform", "compare");
        const key = (await backupKey(store, folder, true))!;
        const kept = plant("kept");
        await backUpSecret(store, folder, key, secret("web.KEPT", kept), META);
        await backUpSecret(store, folder, key, secret("web.CHANGED", plant("old")), META);
        // A version written by another hand (or a run that died before its metadata): the hash is stale.
        const byHand = plant("by-hand");
        await admin.write(`secret/data/${folder}/web/BY_HAND`, { data: { value: byHand } });
        const compared = await compareWithVault(store, folder, [
            secret("web.KEPT", kept),
            secret("web.CHANGED", plant("new")),
            secret("web.ABSENT", plant("absent")),
            secret("web.BY_HAND", byHand),
        ]);
        assert.deepEqual(compared, [
            { name: "web.KEPT", state: "same" },
            { name: "web.CHANGED", state: "differs" },
            { name: "web.ABSENT", state: "missing" },
            { name: "web.BY_HAND", state: "same" },
        ]);
        // The backup settles that stale hash without writing a version.
        const settled = await backUpSecret(store, folder, key, secret("web.BY_HAND", byHand), META);
        assert.deepEqual(settled, { name: "web.BY_HAND", result: "unchanged", version: 1 });
        // A deleted newest version is missing, whatever its hash said.
        await admin.delete(`secret/data/${folder}/web/KEPT`);
        assert.deepEqual(await compareWithVault(store, folder, [secret("web.KEPT", kept)]), [
            { name: "web.KEPT", state: "missing" },
        ]);
    });

    it("two first runs agree on one backup key (check-and-set 0)", async () => {
        const folder = stackFolder("ainative-platform", "racing-key");
        const [a, b] = await Promise.all([backupKey(store, folder, true), backupKey(store, folder, true)]);
        assert.ok(a && b && a.equals(b));
        assert.equal(await backupKey(store, stackFolder("ainative-platform", "never"), false), undefined);
    });

    it("a second writer between the read and the write is a conflict, never overwritten unseen", async () => {
        const folder = stackFolder("ainative-platform", "conflict");
        const key = (await backupKey(store, folder, true))!;
        await backUpSecret(store, folder, key, secret("web.RACE", plant("base")), META);
        // The other runner writes right after this one has read the metadata (version 1).
        const between = (write: () => Promise<unknown>): KvStore => {
            const racing = Object.create(store) as KvStore;
            racing.metadata = async (p: string) => {
                const md = await store.metadata(p);
                await write();
                return md;
            };
            return racing;
        };
        const theirs = plant("theirs");
        const refused = await backUpSecret(
            between(() => admin.write(`secret/data/${folder}/web/RACE`, { data: { value: theirs } })),
            folder,
            key,
            secret("web.RACE", plant("mine")),
            META,
        );
        assert.equal(refused.result, "failed");
        assert.match(
            refused.result === "failed" ? refused.problem : "",
            /another writer changed it in Vault meanwhile/,
        );
        const now = (await store.read(`${folder}/web/RACE`))!;
        assert.deepEqual([now.version, now.data.value], [2, theirs], "their version stands, not overwritten");
        // The other runner wrote the very value this one had: nothing to refuse, its version is taken.
        const same = plant("same");
        const agreed = await backUpSecret(
            between(() => admin.write(`secret/data/${folder}/web/RACE`, { data: { value: same } })),
            folder,
            key,
            secret("web.RACE", same),
            META,
        );
        assert.deepEqual(agreed, { name: "web.RACE", result: "written", version: 3 });
        assert.deepEqual(await compareWithVault(store, folder, [secret("web.RACE", same)]), [
            { name: "web.RACE", state: "same" },
        ]);
    });

    it("a write whose answer is lost is retried, refused by check-and-set, and settled by reading back", async () => {
        // A proxy that passes every request to Vault but drops the answer to the first data write.
        let dropped = 0;
        const port = await freePort();
        const target = new URL(vault.address);
        const proxy = http.createServer((req, res) => {
            const forward = http.request(
                { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
                (answer) => {
                    if (req.method === "POST" && req.url?.includes("/data/") && dropped === 0) {
                        dropped++;
                        answer.resume();
                        answer.on("end", () => req.socket.destroy());
                        return;
                    }
                    res.writeHead(answer.statusCode ?? 502, answer.headers);
                    answer.pipe(res);
                },
            );
            req.pipe(forward);
        });
        await new Promise<void>((r) => proxy.listen(port, "127.0.0.1", r));
        try {
            const viaProxy = await KvStore.connect(
                SETTINGS,
                { VAULT_ADDR: `http://127.0.0.1:${port}`, VAULT_TOKEN: vault.rootToken },
                FAST,
            );
            const folder = stackFolder("ainative-platform", "lost");
            const key = (await backupKey(store, folder, true))!;
            const value = plant("lost");
            const r = await backUpSecret(viaProxy, folder, key, secret("web.LOST", value), META);
            assert.equal(dropped, 1, "the first write's answer was dropped");
            assert.deepEqual(r, { name: "web.LOST", result: "written", version: 1 }, "one version, not two");
            assert.deepEqual(await compareWithVault(store, folder, [secret("web.LOST", value)]), [
                { name: "web.LOST", state: "same" },
            ]);
        } finally {
            await new Promise((r) => proxy.close(r));
        }
    });

    it("CI's AppRole logs in and writes the backup's folder, and its policy refuses anything else, said without a credential", async () => {
        const ci = {
            VAULT_ADDR: vault.address,
            VAULT_ROLE_ID: vault.approle.roleId,
            VAULT_SECRET_ID: vault.approle.secretId,
        };
        const approle = await KvStore.connect(SETTINGS, ci, FAST);
        assert.equal(approle.identity, "approle");
        const folder = stackFolder("ainative-platform", "ci");
        const key = (await backupKey(approle, folder, true))!;
        const r = await backUpSecret(approle, folder, key, secret("web.CI", plant("ci")), META);
        assert.equal(r.result, "written");
        const outside = await approle.write("elsewhere/web/CI", { value: "x" }, 0).catch((e: unknown) => e);
        assert.ok(outside instanceof VaultProblem);
        assert.match(outside.message, /HTTP 403.*permission denied/);
        const text = `${outside.message} ${outside.stack ?? ""}`;
        for (const credential of [vault.approle.secretId, vault.approle.roleId, vault.rootToken])
            assert.ok(!text.includes(credential), "no credential in the error");
    });

    it("a wrong token, half an AppRole, or no Vault at all: each a clear problem, no credential in it", async () => {
        const wrong = `test-wrong-${randomBytes(8).toString("hex")}`;
        const bad = await KvStore.connect(SETTINGS, { VAULT_ADDR: vault.address, VAULT_TOKEN: wrong }, FAST).then(
            () => assert.fail("connected"),
            (e: unknown) => e as Error,
        );
        assert.ok(bad instanceof VaultProblem);
        assert.match(bad.message, /checking the Vault token: Vault answered HTTP 403/);
        assert.ok(!bad.message.includes(wrong));
        const half = await KvStore.connect(SETTINGS, { VAULT_ROLE_ID: "r" }, FAST).then(
            () => assert.fail("connected"),
            (e: unknown) => e as Error,
        );
        assert.match(half.message, /needs both VAULT_ROLE_ID and VAULT_SECRET_ID/);
        const none = await KvStore.connect(SETTINGS, {}, FAST).then(
            () => assert.fail("connected"),
            (e: unknown) => e as Error,
        );
        assert.match(none.message, /no Vault credentials: set VAULT_TOKEN .* or VAULT_ROLE_ID and VAULT_SECRET_ID/);
        const closed = await freePort();
        const down = await KvStore.connect(
            SETTINGS,
            { VAULT_ADDR: `http://127.0.0.1:${closed}`, VAULT_TOKEN: wrong },
            FAST,
        ).then(
            () => assert.fail("connected"),
            (e: unknown) => e as Error,
        );
        assert.match(down.message, /no answer from Vault \(ECONNREFUSED\)/);
        assert.ok(!down.message.includes(wrong));
    });

    it("a path this tool does not write is refused before any request", async () => {
        for (const p of ["../sys/raw", "a//b", "a/./b", "a/b c", ""])
            await assert.rejects(store.read(p), /is not a Vault path this tool writes/);
    });

    it("Vault's audit log holds no planted value in clear (Vault HMACs what it logs)", async () => {
        const audit = fs.readFileSync(vault.auditFile, "utf8");
        assert.ok(audit.length > 1000, "the audit device logged the requests");
        for (const v of planted) assert.ok(!audit.includes(v), "a planted value in the audit log");
        assert.ok(!vault.serverLog().includes(planted[0]));
    });
});

describe("Vault over TLS (a real Vault in dev-tls mode)", function () {
    this.timeout(120_000);
    let vault: TestVault;
    before(async function () {
        this.timeout(20 * 60_000);
        vault = await startVault({ tls: true });
    });
    after(async () => vault?.close());

    it("verifies the certificate against VAULT_CACERT, and refuses an untrusted one at once, saying what to set", async () => {
        const env = { VAULT_ADDR: vault.address, VAULT_TOKEN: vault.rootToken };
        assert.match(vault.address, /^https:/);
        const trusted = await KvStore.connect(SETTINGS, { ...env, VAULT_CACERT: vault.caFile }, FAST);
        const folder = stackFolder("ainative-platform", "tls");
        const key = (await backupKey(trusted, folder, true))!;
        assert.equal((await backUpSecret(trusted, folder, key, secret("web.TLS", "over-tls"), META)).result, "written");
        const untrusted = await KvStore.connect(SETTINGS, env, { ...FAST, unitMs: 60_000 }).then(
            () => assert.fail("connected without trusting the CA"),
            (e: unknown) => e as Error,
        );
        // unitMs of a minute: a retry would time the test out, so this also shows it is not retried.
        assert.match(untrusted.message, /Vault's certificate is not trusted \(.+\): set VAULT_CACERT/);
        const missing = await KvStore.connect(SETTINGS, { ...env, VAULT_CACERT: "/nonexistent/ca.pem" }, FAST).then(
            () => assert.fail("connected"),
            (e: unknown) => e as Error,
        );
        assert.match(missing.message, /VAULT_CACERT \/nonexistent\/ca\.pem: cannot read it \(ENOENT\)/);
    });
});
