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
        const project = emu.store.createProject({
            name: "app",
            workspaceId: "local-workspace",
            defaultEnvironmentName: "staging",
        });
        projectId = project.id;
        const staging = emu.store.liveEnvironments(projectId)[0].id;
        serviceId = emu.store.createService({ projectId, name: "web", environmentId: staging }).id;
        emu.store.upsertVariables({
            projectId,
            environmentId: staging,
            serviceId,
            variables: { A: "staging" },
            skipDeploys: true,
        });
    });

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

    it("a copy Railway could not make is an error naming the environment and what to do", async () => {
        const staging = emu.store.liveEnvironments(projectId)[0].id;
        emu.store.createEnvironment({ projectId, name: "pr-1", sourceEnvironmentId: staging });
        // The copy's source goes before Railway gets to it.
        emu.store.deleteEnvironment(staging);
        await assert.rejects(create(), (e: Error) => {
            assert.match(
                e.message,
                /railway\.Environment 'pr-1': Railway could not copy '.+' into it: 'The source environment was deleted/,
            );
            assert.match(e.message, /Delete environment 'pr-1' in Railway and run the update again/);
            return true;
        });
    });

    it("a copy longer than RAILWAY_DUPLICATE_TIMEOUT_MS is an error saying to run again, and the next run takes the environment over", async () => {
        process.env.RAILWAY_DUPLICATE_TIMEOUT_MS = String(COPY_MS / 5);
        await assert.rejects(
            create(),
            /Railway was still copying 'staging' into it after \d+ s \(status 'APPLYING', RAILWAY_DUPLICATE_TIMEOUT_MS\); nothing was written into it\. Run the update again/,
        );
        const [made] = environments().filter((e) => e.name === "pr-1");
        delete process.env.RAILWAY_DUPLICATE_TIMEOUT_MS;
        const { id } = await create();
        assert.equal(id, made.id, "taken over, not made twice");
        await writeInto(id);
    });
});
