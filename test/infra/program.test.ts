import { strict as assert } from "assert";
import { installMocks } from "../support/mocks";
import { runtimeConfig } from "../support/stack-files";

/** Loads infra/index.ts afresh (a Pulumi program runs once per process). */
function runProgram(): Record<string, unknown> {
    const entry = require.resolve("../../infra/index");
    delete require.cache[entry];
    return require(entry);
}

describe("infra/index.ts (the Pulumi program)", () => {
    it("throws every config problem before registering any resource", () => {
        const { config, secretKeys } = runtimeConfig("production", (c) => {
            (c["ainative-platform:railway"] as any).services[0].replicas = 0;
            (c["ainative-platform:railway"] as any).services[0].variables.NODE_ENV = "development";
        });
        const captured = installMocks("production", config, secretKeys);
        assert.throws(runProgram, (e: Error) => {
            assert.match(e.message, /2 configuration problems in stack 'production'/);
            assert.match(e.message, /railway\.services\[0\]\.replicas/);
            assert.match(e.message, /railway\.services\[0\]\.variables\.NODE_ENV/);
            return true;
        });
        assert.equal(captured.length, 0);
    });

    it("loads a valid stack", () => {
        const { config, secretKeys } = runtimeConfig("staging");
        installMocks("staging", config, secretKeys);
        const program = runProgram();
        assert.equal(program.environment, "staging");
        assert.deepEqual(program.services, ["web", "worker", "postgres", "redis"]);
    });
});
