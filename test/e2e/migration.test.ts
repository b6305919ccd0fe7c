/**
 * Moving a stack from the dynamic Railway resources to the `railway` provider package, under the
 * real engine: `pulumi up` with the last program that declared dynamic resources (this repository
 * at that commit), then the upgrade (today's program, same stack file and state), whose preview
 * replaces, creates and deletes nothing; its `up` calls no Railway mutation, starts no deployment,
 * and leaves a state with no dynamic resource and no serialized provider code.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import { checkoutCommit, LAST_DYNAMIC_COMMIT } from "../../scripts/engine/checkout";
import { REPO_ROOT } from "../../scripts/engine/engine";
import { parseDigest } from "../../scripts/engine/output";
import { LocalStack, startLocalStack } from "../support/e2e";
import { mutationsSince } from "../support/railway-log";

type StateResource = { type: string; urn: string; id?: string; inputs?: object; outputs?: object };

describe("moving a stack from the dynamic resources to the provider package", function () {
    let s: LocalStack;
    let before: string;
    const exportState = async () => {
        const r = await s.run(["stack", "export"]);
        assert.equal(r.code, 0, r.stderr);
        return { text: r.stdout, resources: JSON.parse(r.stdout).deployment.resources as StateResource[] };
    };
    const railwayIds = (resources: StateResource[]) =>
        Object.fromEntries(
            resources
                .filter((r) => /railway:/.test(r.type) && !r.type.startsWith("pulumi:providers:"))
                .map((r) => [`${r.type.split(":").pop()} ${r.urn.split("::").pop()}`, r.id]),
        );

    after(async () => {
        await s?.close();
        if (before) fs.rmSync(before, { recursive: true, force: true });
    });

    it("up with the previous program, upgrade: no replacement, nothing on Railway touched, no dynamic resource left", async () => {
        before = checkoutCommit(LAST_DYNAMIC_COMMIT);
        s = await startLocalStack({ sources: before });
        const first = await s.run(["up", "--yes", "--skip-preview"]);
        assert.equal(first.code, 0, first.stdout + first.stderr);
        const old = await exportState();
        assert.ok(
            old.resources.some((r) => r.type === "pulumi-nodejs:dynamic/railway:Service"),
            "the previous program made dynamic resources",
        );
        assert.match(old.text, /__provider/);
        const idsBefore = railwayIds(old.resources);
        const deploymentsBefore = s.emu.store.deployments.size;

        s.ws.useSources(REPO_ROOT);
        const preview = await s.run(["preview", "--json"]);
        assert.equal(preview.code, 0, preview.stdout + preview.stderr);
        const ops = parseDigest(preview.stdout)
            .steps!.filter((x) => !["same", "update"].includes(x.op))
            .map((x) => `${x.op} ${x.urn}`)
            // The dynamic provider's default provider leaves the state, the package's arrives.
            .filter((x) => !/::pulumi:providers:(pulumi-nodejs|railway)::default/.test(x));
        assert.deepEqual(ops, [], "nothing replaced, created or deleted");

        const logged = s.emu.log.length;
        const up = await s.run(["up", "--yes", "--skip-preview"]);
        assert.equal(up.code, 0, up.stdout + up.stderr);
        assert.deepEqual(mutationsSince(s.emu, logged), [], "the upgrade called no Railway mutation");
        assert.equal(s.emu.store.deployments.size, deploymentsBefore, "no deployment started");

        const now = await exportState();
        assert.deepEqual(railwayIds(now.resources), idsBefore, "the same resources, same IDs");
        assert.ok(!now.resources.some((r) => r.type.startsWith("pulumi-nodejs:dynamic")), "no dynamic resource");
        assert.doesNotMatch(now.text, /__provider/, "no serialized provider code");

        const again = await s.run(["preview", "--expect-no-changes"]);
        assert.equal(again.code, 0, again.stdout + again.stderr);
    });
});
