import { strict as assert } from "assert";
import { environmentProvider, variablesProvider } from "../../../providers/railway";
import { RailwayEmulator, startRailwayEmulator } from "../../../tools/railway-emulator";

/**
 * A review stack's first up writes into an environment Railway is still copying: the Environment
 * resource hands on a duplicate only once Railway reports the copy applied (issue 37, item 8).
 */
describe("Railway provider: a duplicated environment is handed on only once its copy has landed", function () {
    this.timeout(60_000);
    const COPY_MS = 1_500;
    let emu: RailwayEmulator;
    const saved = { ...process.env };
    let projectId: string;
    let serviceId: string;

    before(async () => {
        emu = await startRailwayEmulator({ deployStageMs: 5, duplicateMs: COPY_MS });
        process.env.RAILWAY_API_TOKEN = emu.token;
        process.env.RAILWAY_API_URL = emu.apiUrl;
    });
    after(async () => {
        for (const k of [
            "RAILWAY_API_TOKEN",
            "RAILWAY_API_URL",
            "RAILWAY_API_TIMEOUT_MS",
            "RAILWAY_DUPLICATE_TIMEOUT_MS",
        ])
            if (saved[k] === undefined) delete process.env[k];
            else process.env[k] = saved[k];
        await emu.close();
    });
    beforeEach(() => {
        emu.store.clear();
        emu.log.length = 0;
        delete process.env.RAILWAY_API_TIMEOUT_MS;
        delete process.env.RAILWAY_DUPLICATE_TIMEOUT_MS;
        const staging = newProject("app");
        serviceId = emu.store.createService({ projectId, name: "web", environmentId: staging }).id;
        emu.store.upsertVariables({
            projectId,
            environmentId: staging,
            serviceId,
            variables: { A: "staging" },
            skipDeploys: true,
        });
    });

    /** A project of its own with its default environment, staging (its id returned), as the one under test. */
    const newProject = (name: string): string => {
        projectId = emu.store.createProject({
            name,
            workspaceId: "local-workspace",
            defaultEnvironmentName: "staging",
        }).id;
        return emu.store.liveEnvironments(projectId)[0].id;
    };
    /** Until the provider's environmentCreate for the project under test has reached Railway. */
    const createSent = async () => {
        const sent = () =>
            emu.log.some(
                (l) =>
                    l.operationName === "EnvironmentCreate" &&
                    (l.variables.input as { projectId: string }).projectId === projectId,
            );
        while (!sent()) await new Promise((r) => setImmediate(r));
    };
    const create = (name = "pr-1") =>
        environmentProvider.create!({ projectId, name, duplicateFrom: "staging", ephemeral: true, apiUrl: emu.apiUrl });
    const writeInto = (environmentId: string) =>
        variablesProvider.create!({
            projectId,
            environmentId,
            serviceId,
            variables: { A: "review" },
            secretVariables: {},
            apiUrl: emu.apiUrl,
        });
    const environments = () => [...emu.store.environments.values()].filter((e) => !e.deletedAt);

    it("asks for the copy after the answer and waits for it, so the stack's first write lands (a call timeout shorter than the copy no longer lets a write in early)", async () => {
        // Railway's copy within the request outlasts the call's timeout: the create, answered or not,
        // must not hand on an environment the copy has not reached yet.
        process.env.RAILWAY_API_TIMEOUT_MS = String(COPY_MS / 3);
        const { id } = await create();
        await writeInto(id);
        const sent = emu.log.find((l) => l.operationName === "EnvironmentCreate")!;
        assert.equal((sent.variables.input as { applyChangesInBackground?: boolean }).applyChangesInBackground, true);
        assert.ok(
            emu.log.some((l) => l.operationName === "EnvironmentStagedChanges"),
            "Railway was asked, not guessed",
        );
        assert.deepEqual(
            emu.store.vars(serviceId, id),
            { A: "review" },
            "the stack's write stands: the copy is not over it",
        );
        assert.equal(environments().length, 2);
    });

    it("takes over an environment of that name whose copy is still being made (a create lost in an earlier run) once the copy lands, creating nothing", async () => {
        const staging = emu.store.liveEnvironments(projectId)[0].id;
        const lost = emu.store.createEnvironment({ projectId, name: "pr-1", sourceEnvironmentId: staging });
        assert.ok(lost.applying);
        const { id } = await create();
        assert.equal(id, lost.id);
        assert.equal(emu.store.environment(id).applying, undefined);
        assert.ok(!emu.log.some((l) => l.operationName === "EnvironmentCreate"));
        await writeInto(id);
        assert.equal(environments().length, 2);
    });

    it("a copy Railway could not make: one this create made is deleted (nothing half made), one found by name is named to delete", async () => {
        const staging = emu.store.liveEnvironments(projectId)[0].id;
        const creating = create();
        // The copy's source goes before Railway gets to it.
        await createSent();
        emu.store.deleteEnvironment(staging);
        await assert.rejects(creating, (e: Error & { id?: string }) => {
            assert.match(
                e.message,
                /railway\.Environment 'pr-1': Railway could not copy 'staging' into it: 'The source environment was deleted.*'\. The environment was deleted: run the update again to make it anew/,
            );
            assert.equal(e.id, undefined, "not an initialization error: nothing goes into the state");
            return true;
        });
        assert.deepEqual(
            environments().map((e) => e.name),
            [],
            "the half-made duplicate is gone (and so is its source)",
        );

        // Its delete refused too: then it stays in the state (an initialization error), for a destroy.
        const from = newProject("again");
        emu.inject({ operation: "EnvironmentDelete", status: 403, count: 1 });
        const kept = create();
        await createSent();
        emu.store.deleteEnvironment(from);
        await assert.rejects(kept, (e: Error & { id?: string }) => {
            assert.match(
                e.message,
                /Deleting it failed too \(.*\): destroy this stack's environment \(pulumi destroy\)/,
            );
            const left = environments().find((x) => x.projectId === projectId && x.name === "pr-1")!;
            assert.equal(e.id, left.id, "carried into the state");
            return true;
        });

        const source = newProject("other");
        const found = emu.store.createEnvironment({ projectId, name: "pr-1", sourceEnvironmentId: source });
        emu.store.deleteEnvironment(source);
        await assert.rejects(
            create(),
            /Railway could not copy '.+' into it: .*\. Delete environment 'pr-1' in Railway and run the update again/,
        );
        assert.equal(
            emu.store.environment(found.id).deletedAt,
            undefined,
            "one this create did not make is left to its owner",
        );
    });

    it("an environment found long since copied, whose latest patch failed (someone's staged change), is handed on: that error is not the copy's", async () => {
        const staging = emu.store.liveEnvironments(projectId)[0].id;
        const old = emu.store.createEnvironment({ projectId, name: "pr-1", sourceEnvironmentId: staging });
        emu.store.settleDuplicates(old.id);
        old.applyError = "a staged change of someone's failed";
        const { id, outs } = await create();
        assert.equal(id, old.id);
        const inputs = { projectId, name: "pr-1", duplicateFrom: "staging", ephemeral: true, apiUrl: emu.apiUrl };
        await environmentProvider.update!(id, outs, inputs);
        await writeInto(id);
    });

    it("a copy longer than RAILWAY_DUPLICATE_TIMEOUT_MS: an initialization error carrying the environment (the state gets it, a destroy removes it), the next update waits, a lost state takes it over by name", async () => {
        process.env.RAILWAY_DUPLICATE_TIMEOUT_MS = String(COPY_MS / 5);
        let partial: { id: string; properties: Record<string, unknown> } | undefined;
        await assert.rejects(create(), (e: Error & { id: string; properties: Record<string, unknown> }) => {
            assert.match(
                e.message,
                /Railway was still copying 'staging' into it after \d+ s \(status 'APPLYING', RAILWAY_DUPLICATE_TIMEOUT_MS\); nothing was written into it\. Run the update again to wait for it/,
            );
            partial = { id: e.id, properties: e.properties };
            return true;
        });
        const [made] = environments().filter((e) => e.name === "pr-1");
        assert.equal(partial!.id, made.id);
        assert.equal(partial!.properties.environmentId, made.id);
        delete process.env.RAILWAY_DUPLICATE_TIMEOUT_MS;
        const inputs = { projectId, name: "pr-1", duplicateFrom: "staging", ephemeral: true, apiUrl: emu.apiUrl };
        await environmentProvider.update!(made.id, partial!.properties, inputs);
        assert.equal(emu.store.environment(made.id).applying, undefined, "the update returned once the copy landed");
        await writeInto(made.id);
        const { id } = await create();
        assert.equal(id, made.id, "taken over by name, not made twice");
    });
});
