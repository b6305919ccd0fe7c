/**
 * The `railway` provider plugin's resource methods: each `railway:index:<Name>` call goes to the
 * same provider the dynamic resource used (resources.ts), with Pulumi's wire format translated on
 * the way: secrets arrive wrapped (the plugin accepts secrets), are given to the CRUD as plain
 * values, and go back wrapped, for every top-level property that came in secret and every
 * property the schema declares secret, so a secret never lands in state in plain text.
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as provider from "@pulumi/pulumi/provider";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { shown } from "../../../config/values";
import { INVOKES } from "./invokes";
import { RESOURCES, resourceName, ResourceSpec } from "./resources";
import { PACKAGE_VERSION, packageSchema } from "./schema";

type Props = Record<string, unknown>;

const isSecret = (v: unknown): v is { value: unknown } =>
    !!v && typeof v === "object" && (v as Props)[specialSigKey] === specialSecretSig;

/** A value with its secret wrappers removed. */
function plain(v: unknown): unknown {
    if (isSecret(v)) return plain(v.value);
    if (Array.isArray(v)) return v.map(plain);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
    return v;
}

const holdsSecret = (v: unknown): boolean =>
    isSecret(v) ||
    (Array.isArray(v) ? v.some(holdsSecret) : !!v && typeof v === "object" && Object.values(v).some(holdsSecret));

/** The top-level properties given secret (anywhere inside them). */
const secretKeys = (props: Props | undefined) =>
    Object.entries(props ?? {})
        .filter(([, v]) => holdsSecret(v))
        .map(([k]) => k);

function wrapSecrets(props: Props | undefined, spec: ResourceSpec, alsoSecret: string[]): Props | undefined {
    if (!props) return props;
    const secret = new Set([
        ...alsoSecret,
        ...Object.entries(spec.properties)
            .filter(([, p]) => p.secret || p.secretValues)
            .map(([k]) => k),
    ]);
    return Object.fromEntries(
        Object.entries(props).map(([k, v]) => [
            k,
            secret.has(k) && v !== undefined && v !== null ? { [specialSigKey]: specialSecretSig, value: v } : v,
        ]),
    );
}

const inputsOf = (props: Props | undefined, spec: ResourceSpec): Props =>
    Object.fromEntries(
        Object.entries(props ?? {}).filter(
            ([k, v]) => v !== undefined && spec.properties[k] !== undefined && !spec.properties[k].output,
        ),
    );

/**
 * The keys a dynamic resource's state held for the engine's dynamic-provider host (`__provider`:
 * the provider's serialized code). A stack that moves to this package (README "The provider
 * package", Migration) has them in its old state; they are dropped from what is stored.
 */
const legacyKeys = (props: Props | undefined) => Object.keys(props ?? {}).filter((k) => k.startsWith("__"));
const withoutLegacy = (props: Props | undefined): Props =>
    Object.fromEntries(Object.entries(props ?? {}).filter(([k]) => !k.startsWith("__")));

/** The resource type of a URN (`urn:pulumi:stack::project::parent$type::name`). */
function specOf(urn: string): { name: string; spec: ResourceSpec; impl: pulumi.dynamic.ResourceProvider } {
    const type = urn.split("::")[2]?.split("$").pop() ?? "";
    const name = resourceName(type);
    if (!name) throw new Error(`the railway provider has no resource type '${type}'`);
    const spec = RESOURCES[name];
    return { name, spec, impl: spec.provider };
}

export function railwayProvider(): provider.Provider {
    const schema = JSON.stringify(packageSchema());
    return {
        version: PACKAGE_VERSION,
        schema,
        async check(urn, olds: Props, news: Props) {
            const { spec, impl } = specOf(urn);
            const given = secretKeys(news);
            if (!impl.check) return { inputs: news };
            const r = await impl.check(plain(olds) as Props, plain(news) as Props);
            return { inputs: wrapSecrets(r.inputs as Props, spec, given), failures: r.failures ?? [] };
        },
        async diff(id, urn, olds: Props, news: Props) {
            const { impl } = specOf(urn);
            const r = impl.diff ? await impl.diff(id, plain(withoutLegacy(olds)) as Props, plain(news) as Props) : {};
            // A resource moved from a dynamic provider with nothing else to change is updated all the
            // same, so that its serialized code leaves the state (the update touches nothing on Railway).
            if (legacyKeys(olds).length && !r.changes && !r.replaces?.length) return { ...r, changes: true };
            return r;
        },
        async create(urn, inputs: Props) {
            const { spec, impl } = specOf(urn);
            const r = await impl.create(plain(inputs) as Props);
            return { id: r.id, outs: wrapSecrets(r.outs as Props, spec, secretKeys(inputs)) };
        },
        async read(id, urn, props?: Props) {
            const { name, spec, impl } = specOf(urn);
            const importing = !props || Object.keys(props).length === 0;
            if (importing && !spec.importId)
                throw new Error(`railway:index:${name} cannot be imported (${spec.description})`);
            if (!impl.read) return { id, props };
            const r = await impl.read(id, plain(props) as Props);
            // Gone from Railway: an empty id is how refresh hears it (and drops it). An import would
            // hear "provider does not support importing resources", which sends people the wrong way.
            if (!r.id && importing)
                throw new Error(
                    `railway:index:${name} ${shown(id, 200)}: Railway has nothing of that ID the token can see (deleted, another project's, or the ID of something else); the import ID is ${spec.importId}`,
                );
            if (!r.id) return { id: "", props: {} };
            const given = secretKeys(props);
            const found = withoutLegacy(r.props as Props);
            const outs = wrapSecrets(found, spec, given);
            // What the program would declare: an import needs these to write its code and to diff.
            return { id: r.id, props: outs, inputs: wrapSecrets(inputsOf(found, spec), spec, given) };
        },
        async update(id, urn, olds: Props, news: Props) {
            const { spec, impl } = specOf(urn);
            if (legacyKeys(olds).length) {
                const current = withoutLegacy(olds);
                const r = impl.diff ? await impl.diff(id, plain(current) as Props, plain(news) as Props) : {};
                // Only the move from the dynamic provider: the state is rewritten, Railway is not called.
                if (!r.changes && !r.replaces?.length)
                    return {
                        outs: wrapSecrets(plain(current) as Props, spec, [...secretKeys(olds), ...secretKeys(news)]),
                    };
                olds = current;
            }
            if (!impl.update) return { outs: news };
            const r = await impl.update(id, plain(olds) as Props, plain(news) as Props);
            return { outs: wrapSecrets(r.outs as Props, spec, secretKeys(news)) };
        },
        async delete(id, urn, props: Props) {
            const { impl } = specOf(urn);
            if (impl.delete) await impl.delete(id, plain(props) as Props);
        },
        async invoke(token: string, inputs: Props) {
            const fn = INVOKES[token];
            if (!fn)
                throw new Error(
                    `the railway provider has no function '${token}' (it has ${Object.keys(INVOKES).join(", ")})`,
                );
            return fn(plain(inputs) as Props);
        },
    };
}
