/**
 * The one gate between the Railway CRUD and the engine's wire format.
 *
 * The engine receives a provider's results as a protobuf `Struct`, which holds only JSON
 * values. `Struct.fromJavaScript` rejects anything else with "Unexpected struct type." and names
 * neither the resource nor the property, and Pulumi's mock runtime never performs that conversion,
 * so such a bug only shows under the real engine (`pulumi up` failed on every ServiceInstance
 * this way). Every provider is wrapped by {@link wireSafe}: a property whose value is `undefined`
 * is dropped (JSON's own meaning of "absent"), and any other value the wire cannot carry fails
 * with an error naming the resource type, the method and the property path.
 */
import type * as pulumi from "@pulumi/pulumi";

/**
 * A provider result the wire cannot carry; the message names type, method and property path. A
 * plain Error (not a subclass, whose message serialization would empty).
 */
function wireValueError(type: string, method: string, where: string, what: string): Error {
    const e = new Error(
        `railway:${type} ${method} returned ${what} at '${where}', which Pulumi cannot store; this is a bug in the ${type} provider`,
    );
    e.name = "WireValueError";
    return e;
}

/**
 * A copy of `value` holding only JSON values: object properties that are `undefined` are left
 * out; anything else that is not a string, finite number, boolean, null, array or plain object
 * throws a {@link WireValueError}.
 */
export function toWire(type: string, method: string, value: unknown, where = ""): unknown {
    const at = (key: string | number) =>
        typeof key === "number" ? `${where}[${key}]` : where ? `${where}.${key}` : key;
    if (value === null || typeof value === "string" || typeof value === "boolean") return value;
    if (typeof value === "number") {
        if (!Number.isFinite(value)) throw wireValueError(type, method, where || "(root)", String(value));
        return value;
    }
    if (Array.isArray(value)) {
        return value.map((v, i) => {
            if (v === undefined) throw wireValueError(type, method, at(i), "undefined");
            return toWire(type, method, v, at(i));
        });
    }
    if (typeof value === "object") {
        const proto = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null)
            throw wireValueError(
                type,
                method,
                where || "(root)",
                `an instance of ${proto?.constructor?.name ?? "a class"}`,
            );
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
            if (v === undefined) continue;
            out[k] = toWire(type, method, v, at(k));
        }
        return out;
    }
    throw wireValueError(type, method, where || "(root)", value === undefined ? "undefined" : `a ${typeof value}`);
}

function wireId(type: string, method: string, id: unknown, allowEmpty: boolean): string {
    if (typeof id !== "string" || (!allowEmpty && id === ""))
        throw wireValueError(type, method, "id", id === "" ? "an empty id" : `${typeof id} as the id`);
    return id;
}

const wireProps = (type: string, method: string, props: unknown) =>
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the dynamic provider interface types outputs as any
    toWire(type, method, props ?? {}) as Record<string, any>;

/**
 * The provider with every result made wire-safe. `type` is the resource type name
 * (`ServiceInstance`), used in error messages.
 */
export function wireSafe(type: string, provider: pulumi.dynamic.ResourceProvider): pulumi.dynamic.ResourceProvider {
    // Plain closures, not bound functions: Pulumi serializes this code into state, and a bound
    // function's code cannot be serialized.
    const wrapped: pulumi.dynamic.ResourceProvider = {
        async create(inputs) {
            const r = await provider.create(inputs);
            return { id: wireId(type, "create", r.id, false), outs: wireProps(type, "create", r.outs) };
        },
        async diff(id, olds, news) {
            return provider.diff ? provider.diff(id, olds, news) : {};
        },
        async delete(id, props) {
            if (provider.delete) await provider.delete(id, props);
        },
    };
    if (provider.check) {
        wrapped.check = async (olds, news) => {
            const r = await provider.check!(olds, news);
            return {
                inputs: r.inputs === undefined ? undefined : wireProps(type, "check", r.inputs),
                failures: r.failures ?? [],
            };
        };
    }
    if (provider.read) {
        wrapped.read = async (id, props) => {
            const r = await provider.read!(id, props);
            // An empty id is how a read says "gone".
            return {
                id: wireId(type, "read", r.id, true),
                props: wireProps(type, "read", r.props),
                ...(r.inputs !== undefined ? { inputs: wireProps(type, "read", r.inputs) } : {}),
            };
        };
    }
    if (provider.update) {
        wrapped.update = async (id, olds, news) => {
            const r = await provider.update!(id, olds, news);
            return { outs: wireProps(type, "update", r?.outs) };
        };
    }
    return wrapped;
}
