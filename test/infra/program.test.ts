import { strict as assert } from "assert";
import { installMocks, runProgram } from "../support/mocks";
import { runtimeConfig } from "../support/stack-files";

describe("infra/index.ts (the Pulumi program)", () => {
    it("throws every config problem before registering any resource", async () => {
        const { config, secretKeys } = runtimeConfig("production", (c) => {
            (c["ainative-platform:railway"] as any).services[0].replicas = 0;
            (c["ainative-platform:railway"] as any).services[0].variables.NODE_ENV = "development";
        });
        const captured = installMocks("production", config, secretKeys);
        await assert.rejects(runProgram(), (e: Error) => {
            assert.match(e.message, /2 configuration problems in stack 'production'/);
            assert.match(e.message, /railway\.services\[0\]\.replicas/);
            assert.match(e.message, /railway\.services\[0\]\.variables\.NODE_ENV/);
            return true;
        });
        assert.equal(captured.length, 0);
    });

    it("loads a valid stack", async () => {
        const { config, secretKeys } = runtimeConfig("staging");
        installMocks("staging", config, secretKeys);
        const program = await runProgram();
        assert.equal(program.environment, "staging");
        assert.deepEqual(program.services, ["web", "worker", "postgres", "redis"]);
    });
});
