/**
 * `npm run railway:import` against the emulator, as a hostile project would meet it: names are
 * printed through the project's one printer, never raw to the terminal.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { railwayImportCommand } from "../../scripts/commands/railway-import";
import { RailwayEmulator, startRailwayEmulator } from "../../tools/railway-emulator";
import { captureIO } from "../support/capture";

describe("npm run railway:import: hostile names", () => {
    let emu: RailwayEmulator;
    const saved = { token: process.env.RAILWAY_API_TOKEN, url: process.env.RAILWAY_API_URL };
    before(async () => {
        emu = await startRailwayEmulator({ deployStageMs: 5 });
        process.env.RAILWAY_API_TOKEN = emu.token;
        process.env.RAILWAY_API_URL = emu.apiUrl;
    });
    after(async () => {
        for (const [k, v] of [
            ["RAILWAY_API_TOKEN", saved.token],
            ["RAILWAY_API_URL", saved.url],
        ] as const)
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        await emu.close();
    });

    it("a project, environment and services named with escapes, a bidi override and a newline print as one escaped line each", async () => {
        const project = emu.store.createProject({
            name: "acme\u001b[2J\u202egnp.exe",
            defaultEnvironmentName: "production",
        });
        const env = emu.store.liveEnvironments(project.id)[0];
        for (const name of ["a\nb: injected", "web\u001b[31m"]) {
            const svc = emu.store.createService({ projectId: project.id, name });
            emu.store.updateInstance(svc.id, env.id, { source: { image: "acme/app:1" } });
        }
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "railway-import-"));
        const io = captureIO();
        const code = await railwayImportCommand(
            ["--project", project.id, "--environment", "production", "--out", out],
            io,
        );
        const text = io.all();
        assert.equal(code, 1, text);
        for (const raw of ["\u001b", "\u202e"])
            assert.ok(!text.includes(raw), `${JSON.stringify(raw)} reached the terminal`);
        assert.ok(!text.split("\n").some((l) => l.startsWith("b: injected")), "a name's newline split a line");
        assert.match(text, /a\\u000ab: injected/);
    });
});
