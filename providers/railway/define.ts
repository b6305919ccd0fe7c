/**
 * How every Railway provider is defined: its methods, plus the rules all of them share.
 * - Results are made wire-safe (wire.ts).
 * - A read with no recorded properties is an import (`pulumi import`): the endpoint it read from
 *   (RAILWAY_API_URL, or Railway's own) becomes the resource's `apiUrl`, as the program declares it,
 *   so an imported resource is not seen as changed for that alone.
 *
 * Self-contained on purpose: serialized with each provider's code into Pulumi state.
 */
import type * as pulumi from "@pulumi/pulumi";
import { wireSafe } from "./wire";

export function defineProvider(type: string, provider: pulumi.dynamic.ResourceProvider): pulumi.dynamic.ResourceProvider {
    if (!provider.read) return wireSafe(type, provider);
    return wireSafe(type, {
        ...provider,
        async read(id, props) {
            const result = await provider.read!(id, props);
            const importing = !props || Object.keys(props).length === 0;
            if (importing && result.id && result.props && result.props.apiUrl === undefined && process.env.RAILWAY_API_URL) {
                return { ...result, props: { ...result.props, apiUrl: process.env.RAILWAY_API_URL } };
            }
            return result;
        },
    });
}
