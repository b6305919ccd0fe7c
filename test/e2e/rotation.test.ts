/**
 * `npm run secret:rotate` under the real engine, with the health gate on (the sample app on real
 * PostgreSQL and Redis): a generated AUTH_SECRET reaches Railway through `pulumi up` and the gate
 * passes; a value from standard input whose deployment fails is undone (the previous value back in
 * the config and on Railway, the date not recorded). Neither value is printed or stored in clear.
 */
import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import * as fs from "fs";
import { secretRotateCommand } from "../../scripts/commands/secret-rotate";
import { captureIO } from "../support/capture";
import { LocalStack } from "../support/e2e";
import { startGatedLocalStack } from "../support/gated-stack";
import { Servers } from "../support/services/servers";

const FIRST = `planted-rotation-first-${randomBytes(12).toString("hex")}`;
const REFUSED = `planted-rotation-refused-${randomBytes(12).toString("hex")}`;

describe("secret rotation under the real engine, judged by the health gate", function () {
    let s: LocalStack;
    const servers = new Servers();
    const web = () => [...s.emu.store.services.values()].find((x) => x.name === "web")!;
    const envId = () => [...s.emu.store.environments.values()].find((e) => e.name === "local" && !e.deletedAt)!.id;
    const liveSecret = () => s.emu.store.vars(web().id, envId()).AUTH_SECRET;
    const rotateWith = async (args: string[], stdin: string, today: string) => {
        const io = captureIO();
        const code = await secretRotateCommand(
            ["--secret", "web.AUTH_SECRET", "--stacks", "local", ...args],
            io,
            s.ws.dir,
            s.ws.env,
            async () => stdin,
            () => new Date(`${today}T12:00:00Z`),
        );
        s.outputs.push(io.all());
        return { code, io };
    };

    before(async () => {
        ({ s } = await startGatedLocalStack(servers, { authSecret: FIRST }));
    });
    after(async () => {
        await s?.close();
        await servers.closeAll();
    });

    it("a generated value is set, applied and judged: Railway has it, the date is recorded, no value printed", async () => {
        const { code, io } = await rotateWith(["--generate"], "", "2026-12-01");
        assert.equal(code, 0, io.all());
        assert.match(io.all(), /local: rotated/);
        const rotated = liveSecret();
        assert.notEqual(rotated, FIRST);
        assert.match(rotated, /^[A-Za-z0-9_-]{64}$/, "48 random bytes, base64url");
        assert.ok(!io.all().includes(rotated) && !io.all().includes(FIRST), "no value printed");
        const stackFile = fs.readFileSync(s.ws.stackFile, "utf8");
        assert.match(stackFile, /rotations:\s*\n\s*web:\s*\n\s*AUTH_SECRET: "?2026-12-01"?/);
        assert.ok(!stackFile.includes(rotated), "the stack file holds it encrypted");
    });

    it("a value whose deployment fails is undone: the previous value back on Railway and in the config, the date kept", async () => {
        const before = liveSecret();
        s.emu.nextDeployments("FAILED", 1, web().id);
        const { code, io } = await rotateWith(["--stdin"], `${REFUSED}\n`, "2026-12-03");
        assert.equal(code, 1, io.all());
        assert.match(io.all(), /local: undone/);
        assert.equal(liveSecret(), before, "Railway has the previous value again");
        const got = await s.ws.run(["config", "get", "--path", "secrets.services.web.AUTH_SECRET", "--stack", "local"]);
        assert.equal(got.stdout.trim(), before);
        const stackFile = fs.readFileSync(s.ws.stackFile, "utf8");
        assert.match(stackFile, /AUTH_SECRET: "?2026-12-01"?/, "the date of the last rotation that held");
        const exported = await s.ws.exportState();
        for (const text of [...s.outputs, exported.text, stackFile])
            for (const value of [REFUSED, before]) assert.ok(!text.includes(value), "no value in any output or record");
    });
});
