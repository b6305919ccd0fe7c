/**
 * Which property changes replace a resource is declared once, in the property table: each CRUD's
 * diff replaces on a change of exactly those properties, and on no other (the package schema is
 * checked against the same table in schema-file.test.ts). Under the real engine:
 * test/e2e/provider-plugin.test.ts.
 */
import { strict as assert } from "assert";
import { PropertySpec, RESOURCE_PROPERTIES, ResourceName, replaceKeys } from "../../../providers/railway/properties";
import { RESOURCES } from "../../../providers/railway/plugin/resources";

/** Two different values of a property's type. */
const SAMPLES: Record<PropertySpec["type"], [unknown, unknown]> = {
    string: ["a", "b"],
    integer: [1, 2],
    number: [1.5, 2.5],
    boolean: [false, true],
    stringMap: [{ A: "1" }, { A: "2" }],
    integerMap: [{ "us-west2": 1 }, { "us-west2": 2 }],
    stringList: [["a"], ["b"]],
    any: [
        { repo: "o/a", branch: "main" },
        { repo: "o/b", branch: "main" },
    ],
};

describe("replace keys: one table, the CRUDs' diffs and the schema agree", () => {
    for (const name of Object.keys(RESOURCE_PROPERTIES) as ResourceName[]) {
        it(`${name}: a change replaces exactly when the table says so (${replaceKeys(name).join(", ") || "never"})`, async () => {
            const properties: Record<string, PropertySpec> = RESOURCE_PROPERTIES[name].properties;
            const inputs = Object.entries(properties).filter(([key, p]) => !p.output && key !== "adoptId");
            const olds = Object.fromEntries(inputs.map(([key, p]) => [key, SAMPLES[p.type][0]]));
            const wrong: string[] = [];
            for (const [key, p] of inputs) {
                const news = { ...olds, [key]: SAMPLES[p.type][1] };
                const d = await RESOURCES[name].provider.diff!("id-1", olds, news);
                const replaced = (d.replaces ?? []).includes(key);
                if (replaced !== !!p.replaceOnChanges)
                    wrong.push(
                        `${key}: ${replaced ? "replaces" : "does not replace"}, the table says ${p.replaceOnChanges ? "replace" : "update"}`,
                    );
                assert.deepEqual(
                    (d.replaces ?? []).filter((k) => k !== key),
                    [],
                    `${name}.${key}: a replace names another property`,
                );
            }
            assert.deepEqual(wrong, []);
        });
    }
});

describe("a volume's region", () => {
    const base = { projectId: "p", environmentId: "e", serviceId: "s", mountPath: "/data" };
    const check = (olds: object, news: object) => RESOURCES.Volume.provider.check!(olds, news);

    it("a change is refused with the steps to take, since Railway cannot move a volume and a replacement would adopt and delete it", async () => {
        const r = await check({ ...base, region: "us-west2" }, { ...base, region: "europe-west4-drams3a" });
        assert.deepEqual(
            r.failures?.map((f) => f.property),
            ["region"],
        );
        assert.match(r.failures![0].reason, /cannot move from us-west2 to europe-west4-drams3a[^]*volume-restore\.md/);
    });

    it("the same region, a first one, or one left unset is no change to refuse", async () => {
        for (const [olds, news] of [
            [
                { ...base, region: "us-west2" },
                { ...base, region: "us-west2" },
            ],
            [{}, { ...base, region: "europe-west4-drams3a" }],
            [{ ...base, region: "us-west2" }, { ...base }],
        ])
            assert.deepEqual((await check(olds, news)).failures, []);
    });
});
