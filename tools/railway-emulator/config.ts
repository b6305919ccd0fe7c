/**
 * An environment's configuration as Railway serves it (`Environment.config`, `configEtag`) and the
 * environment patches that change it (`environmentPatchCommit`, `environmentStageChanges`,
 * `environmentPatchCommitStaged`), computed from and applied to the same model as every other call:
 * a patch is a list of ordinary changes (settings, variables, volume mounts, an instance made or
 * removed), applied all or nothing, in the one environment it names.
 *
 * The shape is that of Railway's CLI (`src/controllers/config/environment.rs`): `services.<id>` with
 * `source`, `build`, `deploy`, `variables` (`{NAME: {value}}`, null removes), `volumeMounts`
 * (`{<volumeId>: {mountPath}}`), `isCreated` (make the service's instance here) and `isDeleted`
 * (remove it from here only). A key the emulator does not model is refused by name, never ignored.
 */
import { createHash } from "crypto";
import { canonical } from "../../providers/railway/define";
import { badInput, EmulatorStore } from "./store";

type Json = Record<string, any>;

const SOURCE_KEYS = ["image", "repo", "branch", "rootDirectory"] as const;
const BUILD_KEYS = ["builder", "buildCommand", "watchPatterns"] as const;
const DEPLOY_KEYS = [
    "startCommand",
    "preDeployCommand",
    "healthcheckPath",
    "healthcheckTimeout",
    "numReplicas",
    "region",
    "multiRegionConfig",
    "cronSchedule",
    "restartPolicyType",
    "restartPolicyMaxRetries",
    "sleepApplication",
    "overlapSeconds",
    "drainingSeconds",
] as const;
const SERVICE_KEYS = ["source", "build", "deploy", "variables", "volumeMounts", "isCreated", "isDeleted"] as const;
const BUILDERS = ["RAILPACK", "NIXPACKS", "DOCKERFILE", "HEROKU", "PAKETO"];

function unknownKeys(where: string, value: Json, allowed: readonly string[]): void {
    const extra = Object.keys(value).filter((k) => !allowed.includes(k));
    if (extra.length)
        throw badInput(
            `${where}: ${extra.map((k) => `'${k.slice(0, 64)}'`).join(", ")} is not modelled by the Railway emulator (modelled: ${allowed.join(", ")})`,
        );
}

function isObject(v: unknown): v is Json {
    return !!v && typeof v === "object" && !Array.isArray(v);
}

/** `Environment.config`: every service instance of the environment, its volume mounts and volumes. */
export function environmentConfig(store: EmulatorStore, environmentId: string, decryptVariables = false): Json {
    const env = store.environment(environmentId);
    const services: Json = {};
    for (const [k, i] of store.instances) {
        const [serviceId, envId] = k.split(":");
        if (envId !== env.id) continue;
        const trigger = store.trigger(serviceId, envId);
        const vars = store.vars(serviceId, envId);
        const mounts = [...store.volumeInstances.values()].filter(
            (v) => v.environmentId === envId && v.serviceId === serviceId,
        );
        services[serviceId] = {
            source: i.source?.image
                ? { image: i.source.image }
                : i.source?.repo
                  ? { repo: i.source.repo, branch: trigger?.branch ?? null, rootDirectory: i.rootDirectory ?? null }
                  : {},
            build: { builder: "RAILPACK", buildCommand: i.buildCommand ?? null, watchPatterns: i.watchPatterns },
            deploy: store.deploySettings(i),
            // Values only when asked to decrypt, as Railway.
            variables: Object.fromEntries(
                Object.entries(vars).map(([name, value]) => [
                    name,
                    decryptVariables ? { value, isSealed: false } : { isSealed: false },
                ]),
            ),
            volumeMounts: Object.fromEntries(mounts.map((m) => [m.volumeId, { mountPath: m.mountPath }])),
        };
    }
    const volumes = Object.fromEntries(
        [...store.volumeInstances.values()]
            .filter((v) => v.environmentId === env.id)
            .map((v) => [v.volumeId, { sizeMB: v.sizeMB, region: v.region }]),
    );
    const sharedVariables = Object.fromEntries(
        Object.entries(store.shared(env.id)).map(([name, value]) => [
            name,
            decryptVariables ? { value, isSealed: false } : { isSealed: false },
        ]),
    );
    return { services, volumes, sharedVariables };
}

/** `Environment.configEtag`: changes exactly when the environment's config (values included) changes. */
export function configEtag(store: EmulatorStore, environmentId: string): string {
    return createHash("sha256")
        .update(canonical(environmentConfig(store, environmentId, true)))
        .digest("hex")
        .slice(0, 32);
}

/**
 * Applies a patch to one environment, all or nothing. Returns the services whose running
 * configuration changed (a commit deploys those, unless told to skip deploys).
 */
export function applyPatch(store: EmulatorStore, environmentId: string, patch: unknown): string[] {
    const env = store.environment(environmentId);
    if (!isObject(patch)) throw badInput("The environment patch must be an object");
    unknownKeys("patch", patch, ["services", "sharedVariables", "volumes"]);
    const shared = patch.sharedVariables ?? {};
    if (!isObject(shared)) throw badInput("patch.sharedVariables must be an object keyed by variable name");
    const volumes = patch.volumes ?? {};
    if (!isObject(volumes)) throw badInput("patch.volumes must be an object keyed by volume id");
    for (const [volumeId, v] of Object.entries(volumes)) {
        if (!isObject(v) || v.isDeleted !== true || Object.keys(v).length !== 1)
            throw badInput(
                `patch.volumes.${volumeId.slice(0, 64)}: only {isDeleted: true} is modelled by the Railway emulator (mounts are services.<id>.volumeMounts)`,
            );
    }
    const services = patch.services ?? {};
    if (!isObject(services)) throw badInput("patch.services must be an object keyed by service id");
    const restore = store.checkpoint();
    const changed: string[] = [];
    try {
        for (const [serviceId, raw] of Object.entries(services)) {
            const where = `patch.services.${serviceId.slice(0, 64)}`;
            const s = store.service(serviceId);
            if (s.projectId !== env.projectId)
                throw badInput(`${where}: the service is not in this environment's project`);
            if (raw === null || (isObject(raw) && raw.isDeleted === true)) {
                store.removeInstanceIn(serviceId, env.id);
                continue;
            }
            if (!isObject(raw)) throw badInput(`${where} must be an object`);
            unknownKeys(where, raw, SERVICE_KEYS);
            if (raw.isCreated === true) store.materialiseInstance(serviceId, env.id);
            else store.instance(serviceId, env.id); // "ServiceInstance not found": make it with isCreated
            const input: Json = {};
            if (raw.source !== undefined) {
                if (!isObject(raw.source)) throw badInput(`${where}.source must be an object`);
                unknownKeys(`${where}.source`, raw.source, SOURCE_KEYS);
                const { image, repo, branch, rootDirectory } = raw.source;
                if (image && repo) throw badInput(`${where}.source: set image or repo, not both`);
                if (image) input.source = { image };
                if (repo) {
                    if (!/^[\w.-]+\/[\w.-]+$/.test(repo)) throw badInput(`${where}.source.repo: invalid repository`);
                    input.source = { repo };
                    store.setTrigger(
                        serviceId,
                        env.id,
                        repo,
                        branch ?? store.trigger(serviceId, env.id)?.branch ?? "main",
                    );
                } else if (branch) {
                    const t = store.trigger(serviceId, env.id);
                    if (!t) throw badInput(`${where}.source.branch: the service has no repository in this environment`);
                    t.branch = branch;
                }
                if (rootDirectory !== undefined) input.rootDirectory = rootDirectory;
            }
            if (raw.build !== undefined) {
                if (!isObject(raw.build)) throw badInput(`${where}.build must be an object`);
                unknownKeys(`${where}.build`, raw.build, BUILD_KEYS);
                if (
                    raw.build.builder !== undefined &&
                    raw.build.builder !== null &&
                    !BUILDERS.includes(raw.build.builder)
                )
                    throw badInput(`${where}.build.builder: unknown builder`);
                if (raw.build.buildCommand !== undefined) input.buildCommand = raw.build.buildCommand;
                if (raw.build.watchPatterns !== undefined) input.watchPatterns = raw.build.watchPatterns ?? [];
            }
            if (raw.deploy !== undefined) {
                if (!isObject(raw.deploy)) throw badInput(`${where}.deploy must be an object`);
                unknownKeys(`${where}.deploy`, raw.deploy, DEPLOY_KEYS);
                Object.assign(input, raw.deploy);
            }
            if (Object.keys(input).length) store.updateInstance(serviceId, env.id, input);
            if (raw.variables !== undefined) {
                if (!isObject(raw.variables)) throw badInput(`${where}.variables must be an object`);
                const set: Record<string, string> = {};
                for (const [name, v] of Object.entries(raw.variables)) {
                    if (v === null)
                        store.deleteVariable({ projectId: env.projectId, environmentId: env.id, serviceId, name });
                    else if (isObject(v) && typeof v.value === "string") set[name] = v.value;
                    else
                        throw badInput(
                            `${where}.variables.${name.slice(0, 64)} must be {value: string} or null (sealing is not modelled)`,
                        );
                }
                if (Object.keys(set).length)
                    store.upsertVariables({
                        projectId: env.projectId,
                        environmentId: env.id,
                        serviceId,
                        variables: set,
                        skipDeploys: true,
                    });
            }
            if (raw.volumeMounts !== undefined) {
                if (!isObject(raw.volumeMounts)) throw badInput(`${where}.volumeMounts must be an object`);
                for (const [volumeId, m] of Object.entries(raw.volumeMounts)) {
                    if (m === null) store.updateVolumeInstance(volumeId, env.id, { serviceId: null });
                    else if (isObject(m))
                        store.updateVolumeInstance(volumeId, env.id, {
                            serviceId,
                            mountPath: m.mountPath ?? undefined,
                        });
                    else throw badInput(`${where}.volumeMounts.${volumeId.slice(0, 64)} must be {mountPath} or null`);
                }
            }
            changed.push(serviceId);
        }
        for (const volumeId of Object.keys(volumes)) store.removeVolumeInstanceIn(volumeId, env.id);
        const set: Record<string, string> = {};
        for (const [name, v] of Object.entries(shared)) {
            if (v === null) store.deleteVariable({ projectId: env.projectId, environmentId: env.id, name });
            else if (isObject(v) && typeof v.value === "string") set[name] = v.value;
            else
                throw badInput(
                    `patch.sharedVariables.${name.slice(0, 64)} must be {value: string} or null (sealing is not modelled)`,
                );
        }
        if (Object.keys(set).length)
            store.upsertVariables({
                projectId: env.projectId,
                environmentId: env.id,
                variables: set,
                skipDeploys: true,
            });
        // A shared variable's change reaches the services that refer to it (the commit deploys them).
        for (const serviceId of store.referringToShared(env.id, Object.keys(shared)))
            if (!changed.includes(serviceId)) changed.push(serviceId);
    } catch (e) {
        restore();
        throw e;
    }
    return changed;
}

/** Merges a staged patch into another (`environmentStageChanges` with `merge`). */
export function mergePatch(base: Json, next: Json): Json {
    const out: Json = structuredClone(base);
    for (const [k, v] of Object.entries(next))
        out[k] = isObject(v) && isObject(out[k]) ? mergePatch(out[k], v) : structuredClone(v);
    return out;
}
