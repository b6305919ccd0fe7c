/**
 * The secrets backup in a real Vault under the real engine (dev mode on 127.0.0.1), on the local
 * stack with the health gate on: `secret:backup` writes each secret once; a rotation lands in Vault
 * before Railway sees it, and an undone one leaves Vault's newest the value that runs; a Vault that
 * cannot take the value stops the rotation with nothing changed; `drift` names a Vault copy that
 * differs; `secret:restore` after the stack's secret config is wiped brings it back and the next
 * preview shows no change. No value reaches any output, the stack file, the state, the emails (read
 * back from a real SMTP server) or Vault's audit log.
 */
import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import * as fs from "fs";
import nodeVault from "node-vault";
import { secretBackupCommand } from "../../scripts/commands/secret-backup";
import { secretRestoreCommand } from "../../scripts/commands/secret-restore";
import { secretRotateCommand } from "../../scripts/commands/secret-rotate";
import { freePort } from "../../tools/local-servers/ports";
import { startSmtp, TestSmtp } from "../../tools/local-servers/smtp";
import { startVault, TestVault } from "../../tools/local-servers/vault";
import { captureIO } from "../support/capture";
import { LocalStack } from "../support/e2e";
import { startGatedLocalStack } from "../support/gated-stack";
import { Servers } from "../support/services/servers";

const FIRST = `planted-vault-first-${randomBytes(12).toString("hex")}`;
const REFUSED = `planted-vault-refused-${randomBytes(12).toString("hex")}`;
const TAMPERED = `planted-vault-tampered-${randomBytes(12).toString("hex")}`;
const ENTRY = "ainative-platform/local/web/AUTH_SECRET";
const FAST = { vault: { unitMs: 5, timeoutMs: 5_000, attempts: 2 } };

describe("secrets backup in a real Vault, under the real engine", function () {
    let s: LocalStack;
    let vault: TestVault;
    let smtp: TestSmtp;
    let admin: ReturnType<typeof nodeVault>;
    const servers = new Servers();
    const values: string[] = [FIRST, REFUSED, TAMPERED];
    const web = () => [...s.emu.store.services.values()].find((x) => x.name === "web")!;
    const envId = () => [...s.emu.store.environments.values()].find((e) => e.name === "local" && !e.deletedAt)!.id;
    const liveSecret = () => s.emu.store.vars(web().id, envId()).AUTH_SECRET;
    const vaultEnv = () => ({ ...s.ws.env, VAULT_ADDR: vault.address, VAULT_TOKEN: vault.rootToken });
    const newest = async () =>
        (
            (await admin.read(`secret/data/${ENTRY}`)) as {
                data: { data: { value: string }; metadata: { version: number; created_time: string } };
            }
        ).data;
    const command = async (
        run: (io: ReturnType<typeof captureIO>) => Promise<number>,
    ): Promise<{ code: number; out: string }> => {
        const io = captureIO();
        const code = await run(io);
        s.outputs.push(io.all());
        return { code, out: io.all() };
    };
    const backup = () => command((io) => secretBackupCommand(["--stack", "local"], io, s.ws.dir, vaultEnv(), FAST));
    const rotate = (args: string[], stdin: string, env = vaultEnv()) =>
        command((io) =>
            secretRotateCommand(
                ["--secret", "web.AUTH_SECRET", "--stacks", "local", ...args],
                io,
                s.ws.dir,
                env,
                async () => stdin,
                () => new Date("2026-12-05T12:00:00Z"),
                FAST,
            ),
        );

    before(async () => {
        [vault, smtp] = await servers.start(startVault(), startSmtp());
        admin = nodeVault({ apiVersion: "v1", endpoint: vault.address, token: vault.rootToken });
        ({ s } = await startGatedLocalStack(servers, {
            authSecret: FIRST,
            mutate: (c) => {
                c["ainative-platform:vault"] = { address: "https://vault.ainative.invalid:8200" };
                c["ainative-platform:alerts"] = {
                    email: { recipients: [{ address: "platform@ainative.test", gets: "everything" }] },
                };
            },
            // SMTP_URL holds the relay's password: the backup keeps it too, as a CI secret (_env).
            env: {
                VAULT_ADDR: vault.address,
                VAULT_TOKEN: vault.rootToken,
                SMTP_URL: smtp.url,
                AINATIVE_SMTP_CA: smtp.caFile,
                ALERT_EMAIL_FROM: "alerts@ainative.test",
            },
        }));
    });
    after(async () => {
        await s?.close();
        await servers.closeAll();
    });

    it("secret:backup copies each secret once, by name, and a second run writes nothing", async () => {
        // A removed service's secret, backed up long ago: kept, said, never restored with the stack.
        await admin.write("secret/data/ainative-platform/local/oldsvc/OLD_KEY", { data: { value: "old" } });
        const first = await backup();
        assert.equal(first.code, 0, first.out);
        assert.match(first.out, /web\.AUTH_SECRET: written \(version 1\)/);
        assert.match(
            first.out,
            /_env\.SMTP_URL: written \(version 1\)[\s\S]*postgres\.POSTGRES_PASSWORD: written \(version 1\)[\s\S]*3 written, 0 unchanged, 0 failed, at secret\/ainative-platform\/local/,
        );
        assert.equal((await newest()).data.value, FIRST);
        assert.match(
            first.out,
            /kept in Vault, no longer in the stack \(a restore of the whole stack skips them\): oldsvc\.OLD_KEY/,
        );
        const second = await backup();
        assert.equal(second.code, 0, second.out);
        assert.match(second.out, /web\.AUTH_SECRET: unchanged \(version 1\)/);
        assert.match(second.out, /0 written, 3 unchanged/);
    });

    it("a rotation lands in Vault before Railway sees it, with the rotation date", async () => {
        const { code, out } = await rotate(["--generate"], "");
        assert.equal(code, 0, out);
        const rotated = liveSecret();
        values.push(rotated);
        assert.notEqual(rotated, FIRST);
        const now = await newest();
        assert.equal(now.data.value, rotated, "Vault's newest is the value Railway runs");
        assert.equal(now.metadata.version, 2);
        const md = (await admin.read(`secret/metadata/${ENTRY}`)) as {
            data: { custom_metadata: Record<string, string> };
        };
        assert.equal(md.data.custom_metadata["rotated-at"], "2026-12-05");
        // The first request that carried the new value to Railway came after Vault had it.
        const carried = s.emu.log.find((l) => JSON.stringify(l.variables).includes(rotated));
        assert.ok(carried, "the emulator received the new value");
        assert.ok(Date.parse(now.metadata.created_time) <= carried.at, "Vault's version was written first");
        assert.match(out, /web\.AUTH_SECRET written in Vault \(version 2\)/);
    });

    it("a Vault that cannot take the new value stops the rotation with nothing changed", async () => {
        const before = liveSecret();
        const closed = await freePort();
        const { code, out } = await rotate(["--stdin"], `${REFUSED}\n`, {
            ...vaultEnv(),
            VAULT_ADDR: `http://127.0.0.1:${closed}`,
        });
        assert.equal(code, 2, out);
        assert.match(out, /could not decide[\s\S]*could not be written to Vault first, so nothing changed on local/);
        assert.equal(liveSecret(), before, "Railway untouched");
        const got = await s.ws.run(["config", "get", "--path", "secrets.services.web.AUTH_SECRET", "--stack", "local"]);
        assert.equal(got.stdout.trim(), before, "the config untouched");
        assert.equal((await newest()).metadata.version, 2, "no version written");
    });

    it("an undone rotation leaves Vault's newest the value that runs", async () => {
        const before = liveSecret();
        s.emu.nextDeployments("FAILED", 1, web().id);
        const { code, out } = await rotate(["--stdin"], `${REFUSED}\n`);
        assert.equal(code, 1, out);
        assert.match(out, /local: undone/);
        assert.equal(liveSecret(), before);
        const now = await newest();
        assert.equal(now.data.value, before, "the previous value is Vault's newest again");
        assert.equal(now.metadata.version, 4, "the refused value (3), then the previous one (4)");
    });

    it("drift names a Vault copy that differs, by name only; a backup settles it", async () => {
        await admin.write(`secret/data/${ENTRY}`, { data: { value: TAMPERED } });
        const drifted = await s.drift();
        assert.equal(drifted.code, 7, drifted.io.all());
        const report = JSON.parse(drifted.io.stdout.join("\n")) as { backup: unknown; status: string };
        assert.equal(report.status, "drift");
        assert.deepEqual(report.backup, {
            status: "checked",
            checked: 3,
            findings: [{ name: "web.AUTH_SECRET", state: "differs" }],
        });
        // The stack's address hears of it by email, by name only (read back from the SMTP server).
        const mails = (await smtp.messages()).filter((m) => /drift/i.test(m.parsed.subject ?? ""));
        assert.equal(mails.length, 1, "one email for the drift");
        assert.deepEqual(mails[0].envelope.to, ["platform@ainative.test"]);
        assert.match(mails[0].parsed.text ?? "", /web\.AUTH_SECRET: Vault's copy differs/);
        const settled = await backup();
        assert.match(settled.out, /web\.AUTH_SECRET: written \(version 6\)/);
        const clean = await s.drift();
        assert.equal(clean.code, 0, clean.io.all());
    });

    it("secret:restore after the stack's secret config is wiped brings it back; the next preview shows no change", async () => {
        const running = liveSecret();
        const rm = await s.ws.run(["config", "rm", "ainative-platform:secrets", "--stack", "local"]);
        assert.equal(rm.code, 0, rm.stderr);
        assert.ok(!/ainative-platform:secrets/.test(fs.readFileSync(s.ws.stackFile, "utf8")), "wiped");
        const restored = await command((io) =>
            secretRestoreCommand(["--stack", "local"], io, s.ws.dir, vaultEnv(), FAST),
        );
        assert.equal(restored.code, 0, restored.out);
        assert.match(restored.out, /web\.AUTH_SECRET: restored version 6 into secrets\.services\.web\.AUTH_SECRET/);
        assert.match(restored.out, /Nothing changed on Railway/);
        assert.match(restored.out, /_env\.SMTP_URL: version 1 is in Vault; it lives in the CI's secrets/);
        assert.match(restored.out, /2 restored, 0 failed/);
        assert.match(restored.out, /oldsvc\.OLD_KEY: skipped, no service of Pulumi\.local\.yaml declares it/);
        assert.equal(liveSecret(), running, "the restore changed nothing on Railway");
        const preview = await s.run(["preview", "--expect-no-changes", "--color", "never"]);
        assert.equal(preview.code, 0, preview.stdout + preview.stderr);
        // One secret at an older version, too.
        const older = await command((io) =>
            secretRestoreCommand(
                ["--stack", "local", "--secret", "web.AUTH_SECRET", "--version", "1"],
                io,
                s.ws.dir,
                vaultEnv(),
                FAST,
            ),
        );
        assert.equal(older.code, 0, older.out);
        const got = await s.ws.run(["config", "get", "--path", "secrets.services.web.AUTH_SECRET", "--stack", "local"]);
        assert.equal(got.stdout.trim(), FIRST);
    });

    it("no value in any output, the stack file, the state, the emails, or Vault's audit log and server log", async () => {
        const exported = await s.ws.exportState();
        const audit = fs.readFileSync(vault.auditFile, "utf8");
        assert.ok(audit.includes(ENTRY), "the audit device saw the backup's requests");
        const mails = (await smtp.messages()).map((m) => m.raw);
        assert.ok(mails.length >= 1, "the drift emails were sent");
        const texts = [
            ...s.outputs,
            exported.text,
            fs.readFileSync(s.ws.stackFile, "utf8"),
            audit,
            vault.serverLog(),
            ...mails,
        ];
        for (const text of texts)
            for (const value of [...values, smtp.password]) assert.ok(!text.includes(value), "a value in clear");
    });
});
