/**
 * j. Faults under the real engine: with Railway answering 429 with Retry-After, 5xx before and
 * after applying mutations, and answers later than the client waits, `pulumi up` still converges in one run, with no duplicate and no
 * orphan; with Railway down, it fails within a bounded time, naming Railway and the operation.
 */
import { strict as assert } from "assert";
import { freePort } from "../../tools/local-servers/ports";
import { LocalStack, startLocalStack } from "../support/e2e";

describe("faults under the real engine", function () {
    let s: LocalStack;
    after(async () => s?.close());

    it("converges through 429s and lost answers: no duplicate, no orphan, no drift", async () => {
        s = await startLocalStack({
            mutate: (c) => (c["ainative-platform:railway"].services[0].domains.custom = ["app.local.ainative.dev"]),
        });
        const faults = [
            { operation: "CustomDomainCreate", status: 500, afterApply: true },
            { operation: "ProjectCreate", status: 429, retryAfter: 1 },
            { operation: "ServiceCreate", status: 502, afterApply: true },
            { operation: "ServiceInstanceUpdate", status: 503 },
            { operation: "VariableCollectionUpsert", status: 500, afterApply: true },
            { operation: "VolumeCreate", status: 504, afterApply: true },
            { operation: "ServiceDomainCreate", status: 429, retryAfter: 1, afterApply: true },
            { operation: "ServiceInstanceDeploy", status: 502, afterApply: true },
            // Lost answers to the project's create, to settings stored twice over, and to the
            // environment's deployment trigger (which once failed the up); a query rate-limited; a
            // variable write answered after the client stopped waiting.
            { operation: "ProjectCreate", status: 502, afterApply: true },
            { operation: "ServiceInstanceUpdate", status: 500, afterApply: true, count: 2 },
            { operation: "DeploymentTriggerCreate", status: 502, afterApply: true },
            { operation: "ProjectServices", status: 429, retryAfter: 1 },
            { operation: "VariableCollectionUpsert", latencyMs: 8000, afterApply: true },
        ];
        for (const f of faults) s.emu.inject(f);
        const up = await s.run(["up", "--yes", "--skip-preview"], { env: { RAILWAY_API_TIMEOUT_MS: "5000" } });
        assert.equal(up.code, 0, up.stdout + up.stderr);
        assert.deepEqual(s.emu.faults, [], "every fault was met");
        const store = s.emu.store;
        assert.equal(store.projects.size, 1);
        assert.deepEqual(
            [...store.services.values()].map((x) => x.name).sort(),
            ["postgres", "redis", "web"],
            "no duplicate service",
        );
        assert.equal(store.volumes.size, 1);
        assert.equal(store.domains.size, 2, "one Railway domain and one custom domain");
        const web = [...store.services.values()].find((x) => x.name === "web")!;
        assert.equal(
            [...store.triggers.values()].filter((t) => t.serviceId === web.id).length,
            1,
            "one deployment trigger",
        );
        for (const svc of store.services.values())
            assert.equal(
                store.deploymentsOf(svc.id, [...store.environments.keys()][0]).length,
                1,
                `${svc.name}: one deployment`,
            );
        // No orphan: every Railway object is in the stack's state.
        const state = (await s.ws.exportState()).deployment.resources as { id?: string }[];
        const ids = new Set(state.map((r) => r.id));
        for (const id of [
            ...store.projects.keys(),
            ...store.services.keys(),
            ...store.volumes.keys(),
            ...store.domains.keys(),
        ])
            assert.ok(ids.has(id), `${id} is in state`);
        const again = await s.run(["preview", "--expect-no-changes"]);
        assert.equal(again.code, 0, again.stdout + again.stderr);
    });

    it("with Railway down, gives up after a bounded number of attempts and names Railway and the operation", async () => {
        const port = await freePort(); // nothing listens there
        const down = await startLocalStack({
            mutate: (c) => (c["ainative-platform:railway"].apiUrl = `http://127.0.0.1:${port}/graphql/v2`),
        });
        try {
            const up = await down.run(["up", "--yes", "--skip-preview"]);
            assert.notEqual(up.code, 0);
            assert.match(
                up.stdout + up.stderr,
                new RegExp(`Railway ProjectCreate failed: cannot reach 127\\.0\\.0\\.1:${port}: ECONNREFUSED`),
            );
            // Bounded by attempts, not by a clock: the create's five tries (four retries logged), then the error.
            const retried = [...(up.stdout + up.stderr).matchAll(/create attempt (\d+) had no clear outcome/g)];
            // Sorted: the engine's diagnostics may print them out of order.
            assert.deepStrictEqual([...new Set(retried.map((m) => Number(m[1])))].sort(), [1, 2, 3, 4]);
        } finally {
            await down.close();
        }
    });
});
