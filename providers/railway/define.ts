/**
 * How every Railway provider is defined: its methods, plus the rules all of them share.
 * - Results are made wire-safe (wire.ts).
 * - Adoption: a resource created with an `adoptId` input (an import ID in the resource's
 *   documented format) does not create anything. It reads that resource from Railway and takes it
 *   into the stack, after checking with the provider's own diff that it is what the program
 *   declares; a difference fails the adoption, naming the properties (never their values). The
 *   stack file's `adopt` drives it; `pulumi import` reads through the same `read` (README
 *   "Adopting existing Railway resources" says why both stay).
 * - A read with no recorded properties is an import: the endpoint it read from (RAILWAY_API_URL,
 *   or Railway's own) becomes the resource's `apiUrl`, as the program declares it.
 */
import type * as pulumi from "@pulumi/pulumi";
import { wireSafe } from "./wire";

/** JSON with object keys sorted, so that two values compare by content, not key order. */
export function canonical(value: unknown): string {
    return JSON.stringify(value ?? null, (_k, v) =>
        v && typeof v === "object" && !Array.isArray(v)
            ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
            : v,
    );
}

export function defineProvider(
    type: string,
    provider: pulumi.dynamic.ResourceProvider,
): pulumi.dynamic.ResourceProvider {
    const withRules: pulumi.dynamic.ResourceProvider = { ...provider };
    if (provider.read) {
        withRules.read = async (id, props) => {
            const result = await provider.read!(id, props);
            const importing = !props || Object.keys(props).length === 0;
            if (
                importing &&
                result.id &&
                result.props &&
                result.props.apiUrl === undefined &&
                process.env.RAILWAY_API_URL
            ) {
                return { ...result, props: { ...result.props, apiUrl: process.env.RAILWAY_API_URL } };
            }
            return result;
        };
        withRules.create = async (inputs) => {
            if (!inputs.adoptId) return provider.create(inputs);
            const found = await provider.read!(inputs.adoptId, { apiUrl: inputs.apiUrl });
            if (!found.id)
                throw new Error(
                    `adopt: railway:${type} '${inputs.adoptId}' does not exist on Railway (check the ID; the format is in docs/railway.md "Adopting existing Railway resources")`,
                );
            const live = { ...found.props, apiUrl: inputs.apiUrl, adoptId: inputs.adoptId };
            const diff = provider.diff ? await provider.diff(found.id, live, inputs) : { changes: false, replaces: [] };
            if (diff.changes || (diff.replaces ?? []).length) {
                const differing = Object.keys(inputs).filter(
                    (k) =>
                        !k.startsWith("__") &&
                        k !== "adoptId" &&
                        inputs[k] !== undefined &&
                        canonical(live[k]) !== canonical(inputs[k]),
                );
                throw new Error(
                    `adopt: railway:${type} '${inputs.adoptId}' is not what the stack declares (differs in: ${differing.join(", ") || "its settings"}); ` +
                        "change the config to match what runs on Railway, adopt, then change it in a later update",
                );
            }
            return { id: found.id, outs: live };
        };
    }
    return wireSafe(type, withRules);
}
