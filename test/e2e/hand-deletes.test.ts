/**
 * What a person deleted by hand in Railway's dashboard, under the real engine: `pulumi up` alone
 * trusts the state and does not see it (the engine refreshes only when asked), so the runbook's
 * path is drift's report, `npm run refresh` (the state forgets what is gone), then `npm run up`,
 * which makes it again: nothing else touched, and a preview after is empty.
 */
import { strict as assert } from "assert";
import { LocalStack, startLocalStack } from "../support/e2e";
import { runNpm } from "../support/npm-process";

describe("deleted by hand in Railway, under the real engine", function () {
    let s: LocalStack;
    before(async () => {
        s = await startLocalStack();
        const up = await s.run(["up", "--yes", "--skip-preview"]);
        assert.equal(up.code, 0, up.stdout + up.stderr);
    });
    after(async () => s?.close());

    const npm = (script: string, args: string[]) => runNpm(script, args, { cwd: s.ws.dir, env: s.ws.env });
    const live = () => [...s.emu.store.services.values()].map((x) => x.name).sort();

    for (const what of ["a service", "the stack's environment"] as const)
        it(`${what}: refresh then up makes it again, and nothing else`, async () => {
            const before = live();
            const others = [...s.emu.store.services.values()].filter((x) => x.name !== "web").map((x) => x.id);
            if (what === "a service")
                s.emu.store.deleteService([...s.emu.store.services.values()].find((x) => x.name === "web")!.id);
            else s.emu.store.deleteEnvironment([...s.emu.store.environments.values()].find((e) => !e.deletedAt)!.id);
            // up alone trusts the state: it changes nothing, so the runbook refreshes first.
            const refreshed = await npm("refresh", ["--stack", "local", "--yes"]);
            assert.equal(refreshed.code, 0, refreshed.stdout + refreshed.stderr);
            assert.match(refreshed.stderr + refreshed.stdout, /deleted/);
            const up = await npm("up", ["--stack", "local", "--yes"]);
            assert.equal(up.code, 0, up.stdout + up.stderr);
            assert.deepEqual(live(), before, "every service is back, and none twice");
            if (what === "a service")
                for (const id of others) assert.ok(s.emu.store.services.has(id), "another service was replaced");
            const preview = await s.run(["preview", "--expect-no-changes"]);
            assert.equal(preview.code, 0, preview.stdout + preview.stderr);
        });
});
