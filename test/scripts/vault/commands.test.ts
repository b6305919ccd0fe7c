/**
 * The Vault commands' refusals before anything runs (secret:backup, secret:restore, secret:rotate):
 * a stack with no backup, a `vault` section with every problem named at once, flags that do not go
 * together, and a rotation that would need Vault with no credentials for it. No engine, no Vault.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { secretBackupCommand } from "../../../scripts/commands/secret-backup";
import { secretRestoreCommand } from "../../../scripts/commands/secret-restore";
import { secretRotateCommand } from "../../../scripts/commands/secret-rotate";
import { captureIO } from "../../support/capture";

describe("the Vault commands refuse before anything runs", () => {
    let dir: string;
    const stackFile = (stack: string, vault?: unknown) =>
        fs.writeFileSync(
            path.join(dir, `Pulumi.${stack}.yaml`),
            JSON.stringify({
                config: {
                    "ainative-platform:environment": stack,
                    ...(vault ? { "ainative-platform:vault": vault } : {}),
                },
            }),
        );
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ainative-vault-cmd-"));
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: ainative-platform\nruntime: nodejs\n");
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("secret:backup of a stack with no vault section says how to add one", async () => {
        stackFile("staging");
        const io = captureIO();
        assert.equal(await secretBackupCommand(["--stack", "staging"], io, dir, { PATH: "" }), 2);
        assert.match(io.all(), /Pulumi\.staging\.yaml has no ainative-platform:vault section \(address, mount\)/);
        assert.match(io.all(), /Secrets backup \(Vault\)/);
    });

    it("a wrong vault section: every problem at once, each naming its key", async () => {
        stackFile("production", { address: "ftp://vault", mount: "a/b", prefix: "", extra: 1 });
        const io = captureIO();
        assert.equal(await secretBackupCommand(["--stack", "production"], io, dir, { PATH: "" }), 2);
        const out = io.all();
        assert.match(out, /ainative-platform:vault\.address: must be Vault's URL/);
        assert.match(out, /ainative-platform:vault\.mount: must be 1 to 64 letters/);
        assert.match(out, /ainative-platform:vault\.prefix: must be 1 to 64 letters/);
        assert.match(out, /ainative-platform:vault: Unrecognized key: "extra"/);
    });

    it("secret:restore: --version needs --secret, and --secret must be a backed-up name", async () => {
        stackFile("production", { address: "https://vault.example.com" });
        let io = captureIO();
        assert.equal(await secretRestoreCommand(["--stack", "production", "--version", "2"], io, dir, {}), 2);
        assert.match(io.all(), /--version goes with --secret/);
        io = captureIO();
        assert.equal(await secretRestoreCommand(["--stack", "production", "--secret", "../etc"], io, dir, {}), 2);
        assert.match(io.all(), /--secret '\.\.\/etc' is not a backed-up secret's name/);
        io = captureIO();
        assert.equal(
            await secretRestoreCommand(["--stack", "production", "--secret", "web.KEY", "--version", "0"], io, dir, {}),
            2,
        );
    });

    it("secret:rotate to a stack with a Vault but no credentials stops before anything changes", async () => {
        stackFile("staging");
        stackFile("production", { address: "https://vault.example.com" });
        const io = captureIO();
        const code = await secretRotateCommand(
            ["--secret", "web.AUTH_SECRET", "--generate"],
            io,
            dir,
            { PATH: "" },
            async () => "",
        );
        assert.equal(code, 2);
        assert.match(io.all(), /production back up to Vault, but no Vault credentials: set VAULT_TOKEN/);
        assert.match(io.all(), /staging: no Vault backup configured/);
    });
});
