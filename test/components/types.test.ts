import { strict as assert } from "assert";
import { RailwayApp } from "../../components/railway-app";
import { COMPONENT_TYPES, withTypeAliases } from "../../components/types";
import { serviceSchema } from "../../config/stack.schema";
import { settled } from "../../scripts/plan/offline-runtime";
import { installMocks, runProgram } from "../support/mocks";
import { runtimeConfig } from "../support/stack-files";

/**
 * Every type token ever released. A token in live state must stay answerable: either it is still
 * a component's token, or it is listed in that component's `formerly` (becoming an alias).
 * Renaming a token without that would replace live resources on the next `pulumi up`.
 */
const RELEASED_TOKENS = [
    "ainative:railway:RailwayApp",
    "ainative:github:RepositoryProtection",
    "ainative:sentry:ErrorTracking",
    "ainative:pagerduty:IncidentRouting",
    "ainative:gate:DeploymentGate",
];

describe("component type tokens", () => {
    it("keeps every released token current or aliased", () => {
        const answerable = new Set<string>(Object.values(COMPONENT_TYPES).flatMap((t) => [t.token, ...t.formerly]));
        for (const token of RELEASED_TOKENS)
            assert.ok(answerable.has(token), `${token} was released; keep it or add it to 'formerly'`);
    });

    it("follows ainative:<module>:<Name>", () => {
        for (const t of Object.values(COMPONENT_TYPES)) assert.match(t.token, /^ainative:[a-z]+:[A-Z][A-Za-z]+$/);
    });

    it("is what the program registers", async function () {
        this.timeout(30_000);
        const { config, secretKeys } = runtimeConfig("production");
        const captured = installMocks("production", config, secretKeys);
        await runProgram();
        const components = captured
            .filter((r) => !r.custom)
            .map((r) => r.type)
            .sort();
        assert.deepEqual(components, [...RELEASED_TOKENS].sort());
    });

    it("registers an alias for each former token, so a rename keeps live resources", async () => {
        const captured = installMocks("local", {}, []);
        const railwayApp = COMPONENT_TYPES.RailwayApp as { token: string; formerly: readonly string[] };
        const saved = railwayApp.formerly;
        railwayApp.formerly = ["ainative:railway:App"];
        try {
            const redis = serviceSchema.parse({ name: "redis", kind: "datastore", source: { image: "redis:7" } });
            new RailwayApp("x", {
                appEnvironment: "local",
                project: { name: "p" },
                environmentName: "dev",
                region: "us-west2",
                services: [redis],
            });
        } finally {
            railwayApp.formerly = saved;
        }
        await settled();
        const reg = captured.find((r) => r.type === "ainative:railway:RailwayApp")!;
        assert.deepEqual(reg.aliases, [{ type: "ainative:railway:App", name: undefined }]);
        assert.ok(
            captured.filter((r) => r.custom).every((r) => r.parent === reg.urn),
            "children follow their parent's alias",
        );
    });

    it("adds nothing when a component was never renamed", () => {
        const opts = { protect: true };
        assert.equal(withTypeAliases(COMPONENT_TYPES.ErrorTracking, opts), opts);
    });
});
