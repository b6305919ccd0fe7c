/** The command-line layer every command shares (scripts/commands/cli.ts): how a mistake is told. */
import { strict as assert } from "assert";
import { defineCommand, parseCommand, stackName, usageProblem } from "../../scripts/commands/cli";
import { EXIT } from "../../scripts/commands/io";
import { planCommand } from "../../scripts/commands/plan";
import { captureIO } from "../support/capture";
import { REPO_ROOT } from "../support/stack-files";

function sample(io: ReturnType<typeof captureIO>) {
    return defineCommand("sample", "A sample command.", io)
        .requiredOption("--stack <name>", "the stack", stackName)
        .option("--service <name>", "the service")
        .option("--timeout <minutes>", "how long");
}

describe("the shared command line", () => {
    it("names a misspelt option, with the nearest, before a required option it hides", () => {
        const io = captureIO();
        assert.equal(parseCommand(sample(io), ["--stak", "production"]), EXIT.usage);
        assert.match(io.all(), /unknown option '--stak' \(did you mean --stack\?\)/);
        assert.doesNotMatch(io.all(), /required option/);
    });
    it("an option nothing is near gets no guess", () => {
        const io = captureIO();
        assert.equal(parseCommand(sample(io), ["--stack", "production", "--zzzzzzzz"]), EXIT.usage);
        assert.match(io.all(), /unknown option '--zzzzzzzz'$/m);
    });
    it("a usage error prints the problem and one line of usage, not the whole help", () => {
        const io = captureIO();
        const cmd = sample(io);
        assert.equal(parseCommand(cmd, []), EXIT.usage);
        assert.match(io.all(), /required option '--stack <name>' not specified\nUsage: npm run sample -- \[options\]/);
        assert.doesNotMatch(io.all(), /Options:/);
        const after = captureIO();
        assert.equal(usageProblem(after, cmd)("--service names no service"), EXIT.usage);
        assert.equal(after.all().trim().split("\n").length, 2, after.all());
    });
    it("--help still lists every option", () => {
        const io = captureIO();
        assert.equal(parseCommand(sample(io), ["--help"]), EXIT.ok);
        assert.match(io.all(), /Options:[^]*--service[^]*--timeout/);
    });
    it("a stack that does not exist is told with the stacks that do", async () => {
        const io = captureIO();
        assert.equal(await planCommand(["--stack", "prod"], io, REPO_ROOT), EXIT.usage);
        assert.match(io.all(), /no stack file .*Pulumi\.prod\.yaml \(stacks here: local, production, staging\)/);
    });
});
