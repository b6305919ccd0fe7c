/**
 * One command table: every command is in scripts/commands/table.ts, every npm alias runs the bin
 * with a command of the table, the README lists each, each command's own --help names it, and the
 * top level lists them all and refuses (with the nearest name) one it does not have.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { EXIT } from "../../scripts/commands/io";
import { commandList, resolveCommand } from "../../scripts/commands/main";
import { COMMANDS } from "../../scripts/commands/table";
import { REPO_ROOT } from "../../scripts/engine/engine";
import { captureIO } from "../support/capture";

const BIN = path.join(REPO_ROOT, "bin", "ainative.js");
const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));

describe("the command table", function () {
    this.timeout(120_000);
    const names = COMMANDS.map((c) => c.name);

    it("names each command once, and each npm alias is the bin running a command of the table", () => {
        assert.equal(new Set(names).size, names.length, "a name twice");
        assert.equal(pkg.bin.ainative, "bin/ainative.js");
        const aliases = Object.entries<string>(pkg.scripts).filter(([, run]) =>
            run.startsWith("node bin/ainative.js "),
        );
        assert.deepEqual(
            aliases.map(([script, run]) => [script, run]),
            aliases.map(([script]) => [script, `node bin/ainative.js ${script}`]),
            "an alias runs another command than its name",
        );
        assert.deepEqual(aliases.map(([s]) => s).sort(), [...names].sort(), "the aliases and the table differ");
        const shims = Object.entries<string>(pkg.scripts).filter(([, run]) => /scripts\/[\w-]+\.ts/.test(run));
        assert.deepEqual(shims, [], "an npm script runs a file of scripts/ directly");
    });

    it("the README's command table lists every command", () => {
        const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
        const section = readme.slice(readme.indexOf("## Commands"), readme.indexOf("### Exit codes"));
        const listed = new Set([...section.matchAll(/`([a-z][\w:-]*)`/g)].map((m) => m[1]));
        assert.deepEqual(
            names.filter((n) => !listed.has(n)),
            [],
        );
    });

    it("each command's --help names it as its npm script, and exits 0", async () => {
        for (const entry of COMMANDS.filter((c) => c.name !== "plan")) {
            const io = captureIO();
            const code = await entry.run(["--help"], io);
            assert.equal(code, EXIT.ok, `${entry.name}: ${io.all()}`);
            assert.match(io.all(), new RegExp(`Usage: npm run ${entry.name} --`), entry.name);
        }
    });

    it("--help lists every command with its one line; no command prints the list and exits 2", () => {
        const help = captureIO();
        assert.equal(resolveCommand(["--help"], help), EXIT.ok);
        assert.equal(help.stdout.join("\n"), commandList());
        for (const c of COMMANDS) assert.ok(help.all().includes(`  ${c.name.padEnd(20)}  ${c.summary}`), c.name);
        const none = captureIO();
        assert.equal(resolveCommand([], none), EXIT.usage);
        assert.match(none.stderr.join("\n"), /^Usage: ainative <command>/);
    });

    it("an unknown command is a usage error naming the nearest, with one line of usage", () => {
        const io = captureIO();
        assert.equal(resolveCommand(["deploy:emergncy", "--stack", "x"], io), EXIT.usage);
        assert.equal(
            io.all(),
            "error: unknown command 'deploy:emergncy' (did you mean deploy:emergency?)\nUsage: ainative <command> [options]   (--help lists every command)",
        );
    });

    it("through the bin as a process: the plan's help, a misspelt option, an unknown command", () => {
        const run = (...args: string[]) =>
            spawnSync(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, encoding: "utf8", timeout: 60_000 });
        const help = run("plan", "--help");
        assert.equal(help.status, 0, help.stderr);
        assert.match(help.stdout, /Usage: npm run plan --/);
        const typo = run("validate", "--stak", "production");
        assert.equal(typo.status, EXIT.usage, typo.stderr);
        assert.match(typo.stderr, /unknown option '--stak' \(did you mean --stack\?\)/);
        const unknown = run("valdate");
        assert.equal(unknown.status, EXIT.usage);
        assert.match(unknown.stderr, /did you mean validate\?/);
    });
});
