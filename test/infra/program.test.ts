import * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "assert";
import { installMocks, runProgram } from "../support/mocks";
import { runtimeConfig } from "../support/stack-files";

describe("infra/index.ts (the Pulumi program)", () => {
    it("stops with exactly the validation lines (a RunError: no stack trace, no object dump) before registering any resource", async () => {
        const { config, secretKeys } = runtimeConfig("production", (c) => {
            (c["ainative-platform:railway"] as any).services[0].replicas = 0;
            (c["ainative-platform:railway"] as any).services[0].variables.NODE_ENV = "development";
        });
        const captured = installMocks("production", config, secretKeys);
        await assert.rejects(runProgram(), (e: Error) => {
            // The engine prints a RunError's message alone; any other error with its stack.
            assert.ok(e instanceof pulumi.RunError, `expected a RunError, got ${e?.constructor?.name}`);
            assert.deepEqual(e.message.split("\n"), [
                "production: ainative-platform:railway.services[0].replicas (service web): is below the minimum 1 (use a value of at least 1)",
                "production: ainative-platform:railway.services[0].variables.NODE_ENV (service web): is 'development' in production (set it to 'production')",
            ]);
            return true;
        });
        assert.equal(captured.length, 0);
    });

    it("loads a valid stack and exports only what it has", async () => {
        const { config, secretKeys } = runtimeConfig("staging");
        installMocks("staging", config, secretKeys);
        const program = await runProgram();
        assert.equal(program.environment, "staging");
        assert.deepEqual(program.services, ["web", "worker", "postgres", "redis"]);
        assert.ok(
            Object.values(program).every((v) => v !== undefined),
            "no output is undefined (the engine warns about each)",
        );
    });
});
