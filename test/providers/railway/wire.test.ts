import { strict as assert } from "assert";
import { toWire, wireSafe } from "../../../providers/railway/wire";

describe("wire-safe provider results (what the engine can store)", () => {
    it("drops object properties that are undefined, deeply, and keeps every JSON value", () => {
        const out = toWire("ServiceInstance", "create", {
            a: undefined,
            b: null,
            c: "x",
            d: 0,
            e: false,
            f: { g: undefined, h: [1, "2", { i: undefined }] },
        });
        assert.deepEqual(out, { b: null, c: "x", d: 0, e: false, f: { h: [1, "2", {}] } });
        assert.ok(!JSON.stringify(out).includes("undefined"));
    });

    for (const [what, value, where] of [
        ["undefined in an array", { list: ["a", undefined] }, "list[1]"],
        ["a function", { nested: { fn: () => 1 } }, "nested.fn"],
        ["NaN", { n: Number.NaN }, "n"],
        ["Infinity", { deep: [{ n: Infinity }] }, "deep[0].n"],
        ["a class instance", { when: new Date(0) }, "when"],
        ["a bigint", { big: BigInt(1) }, "big"],
    ] as const) {
        it(`refuses ${what}, naming the resource type, the method and the property path`, () => {
            assert.throws(
                () => toWire("Volume", "read", value),
                (e: unknown) =>
                    e instanceof Error &&
                    e.name === "WireValueError" &&
                    e.message.includes("railway:Volume read") &&
                    e.message.includes(`'${where}'`),
            );
        });
    }

    it("wraps every method: results made safe, a missing or empty create id refused with the type named", async () => {
        const safe = wireSafe("Service", {
            create: async () => ({ id: "svc-1", outs: { name: "web", icon: undefined } }),
            read: async () => ({ id: "", props: { gone: undefined } }),
            update: async () => ({ outs: { name: undefined, projectId: "p" } }),
            check: async (_o, news) => ({ inputs: { ...news, extra: undefined } }),
        });
        assert.deepEqual(await safe.create({}), { id: "svc-1", outs: { name: "web" } });
        assert.deepEqual(await safe.read!("svc-1", {}), { id: "", props: {} }, "an empty id is how a read says gone");
        assert.deepEqual(await safe.update!("svc-1", {}, {}), { outs: { projectId: "p" } });
        assert.deepEqual(await safe.check!({}, { name: "web" }), { inputs: { name: "web" }, failures: [] });
        const noId = wireSafe("Service", { create: async () => ({ id: "", outs: {} }) });
        await assert.rejects(noId.create({}), /railway:Service create returned an empty id/);
    });
});
