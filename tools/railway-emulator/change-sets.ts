/**
 * Railway's IaC change sets (`railway config plan|apply`, `.railway/railway.ts`), as the emulator
 * serves them: `environmentPreviewChangeSet`, `environmentApplyChangeSet` and
 * `environmentChangeSetApply`. The format is the one Railway's CLI builds (its `src/iac/change_set.rs`,
 * version 1): `{version, changes[], diagnostics[], partial?, declared[]}`, each change a
 * `resource.create|update|delete` or `variable.set|delete` on an address such as `service.web`.
 *
 * Applying one goes through the same model as every other write (config.ts's environment patch,
 * all or nothing), deploys the services it changed, and records which partial owns each declared
 * address (`Environment.iacPartials`, `*` for a whole-project file): that record is how Railway
 * knows a service is managed from `.railway/`. A change the emulator does not model fails the whole
 * apply with a diagnostic naming it; nothing of it is applied.
 */
import { randomUUID } from "crypto";
import { applyPatch, configEtag } from "./config";
import { badInput, notFound } from "./model";
import type { EmulatorStore } from "./store";

type Json = Record<string, any>;

export interface ChangeSetApplyResult {
    id: string;
    status: "applied" | "failed";
    deploymentId: string | null;
    stagedPatchId: string | null;
    diagnostics: { severity: string; path: string; message: string }[];
    changes: { kind: string; path: string | null; summary: string | null; status: string; outputs: null }[];
}

const isObject = (v: unknown): v is Json => !!v && typeof v === "object" && !Array.isArray(v);

/** The address's resource type and name (`service.web` → service, web). */
function parseAddress(address: unknown): { type: string; name: string } {
    const m = typeof address === "string" ? /^([a-z]+)\.(.+)$/.exec(address) : null;
    if (!m) throw badInput(`Invalid resource address: ${JSON.stringify(String(address).slice(0, 100))}`);
    return { type: m[1], name: m[2] };
}

function checkChangeSet(input: unknown): Json {
    if (!isObject(input) || input.version !== 1 || !Array.isArray(input.changes))
        throw badInput("The change set must be {version: 1, changes: [...]} (Railway's CLI format)");
    return input;
}

/** A variable's value as a change carries it: a string, or `{value}`. */
function variableValue(after: unknown): string | undefined {
    if (typeof after === "string") return after;
    if (isObject(after) && typeof after.value === "string") return after.value;
    return undefined;
}

/** What the CLI's graph calls a service's fields, as the environment config names them. */
function graphToConfig(field: string, after: unknown): Json {
    if (!isObject(after)) throw badInput(`${field} must be an object`);
    const copy: Json = structuredClone(after);
    if (field === "source") {
        delete copy.type;
        for (const k of Object.keys(copy)) if (copy[k] === null) delete copy[k];
    }
    if (field === "deploy" || field === "build")
        for (const k of Object.keys(copy)) if (copy[k] === null) delete copy[k];
    return copy;
}

export class ChangeSets {
    private readonly results = new Map<string, ChangeSetApplyResult & { environmentId: string }>();

    constructor(private readonly store: EmulatorStore) {}

    private serviceOf(environmentId: string, address: unknown): string | undefined {
        const { type, name } = parseAddress(address);
        if (type !== "service" && type !== "database")
            throw badInput(`a ${type} is not modelled by the Railway emulator's change sets (services only)`);
        const env = this.store.environment(environmentId);
        return [...this.store.services.values()].find((s) => s.projectId === env.projectId && s.name === name)?.id;
    }

    /** Drops the changes that change nothing against the decrypted state (what the CLI cannot see). */
    preview(environmentId: string, input: unknown) {
        const set = checkChangeSet(input);
        this.store.environment(environmentId);
        const changes = set.changes.filter((c: Json) => {
            if (c?.kind !== "variable.set") return true;
            const serviceId = this.serviceOf(environmentId, c.address);
            if (!serviceId || !this.store.hasInstance(serviceId, environmentId)) return true;
            return this.store.vars(serviceId, environmentId)[c.variable] !== variableValue(c.after);
        });
        const deploys = [
            ...new Set(changes.filter((c: Json) => c?.deployEffect === "deploy").map((c: Json) => c.address)),
        ];
        return { changeSet: { ...set, changes }, diagnostics: [], effects: { deploys } };
    }

    apply(environmentId: string, input: unknown, baseConfigEtag?: string | null): ChangeSetApplyResult {
        const set = checkChangeSet(input);
        const env = this.store.environment(environmentId);
        if (baseConfigEtag && baseConfigEtag !== configEtag(this.store, environmentId))
            throw badInput(
                "The environment changed since this plan was computed (baseConfigEtag): plan again and review the changes",
            );
        const id = randomUUID();
        const restore = this.store.checkpoint();
        const changed = new Set<string>();
        try {
            for (const c of set.changes as Json[]) {
                const where = `change ${String(c?.path ?? c?.kind).slice(0, 120)}`;
                switch (c?.kind) {
                    case "variable.set":
                    case "variable.delete": {
                        const serviceId = this.serviceOf(environmentId, c.address);
                        if (!serviceId) throw notFound(`Service ${parseAddress(c.address).name}`);
                        const value = variableValue(c.after);
                        if (c.kind === "variable.set" && value === undefined)
                            throw badInput(
                                `${where}: only a plain value is modelled (not a reference object or a generated value)`,
                            );
                        applyPatch(this.store, env.id, {
                            services: {
                                [serviceId]: {
                                    variables: { [c.variable]: c.kind === "variable.set" ? { value } : null },
                                },
                            },
                        });
                        changed.add(serviceId);
                        break;
                    }
                    case "resource.update": {
                        const serviceId = this.serviceOf(environmentId, c.address);
                        if (!serviceId) throw notFound(`Service ${parseAddress(c.address).name}`);
                        if (!["source", "build", "deploy"].includes(c.field))
                            throw badInput(
                                `${where}: a change of '${String(c.field).slice(0, 40)}' is not modelled by the Railway emulator (source, build, deploy)`,
                            );
                        applyPatch(this.store, env.id, {
                            services: { [serviceId]: { [c.field]: graphToConfig(c.field, c.after) } },
                        });
                        changed.add(serviceId);
                        break;
                    }
                    case "resource.create": {
                        const { name } = parseAddress(c.address);
                        const r: Json = isObject(c.resource) ? c.resource : {};
                        let serviceId = this.serviceOf(environmentId, c.address);
                        serviceId ??= this.store.createService({
                            projectId: env.projectId,
                            name,
                            environmentId: env.id,
                        }).id;
                        const patch: Json = { isCreated: true };
                        for (const field of ["source", "build", "deploy"])
                            if (isObject(r[field])) patch[field] = graphToConfig(field, r[field]);
                        if (isObject(r.variables))
                            patch.variables = Object.fromEntries(
                                Object.entries(r.variables).map(([k, v]) => [k, { value: variableValue(v) }]),
                            );
                        applyPatch(this.store, env.id, { services: { [serviceId]: patch } });
                        changed.add(serviceId);
                        break;
                    }
                    case "resource.delete": {
                        const serviceId = this.serviceOf(environmentId, c.address);
                        if (serviceId) this.store.removeInstanceIn(serviceId, env.id);
                        break;
                    }
                    default:
                        throw badInput(
                            `${where}: the change kind '${String(c?.kind).slice(0, 40)}' is not modelled by the Railway emulator`,
                        );
                }
            }
            const owners = { ...(this.store.iacPartials.get(env.id) ?? {}) };
            for (const address of Array.isArray(set.declared) ? set.declared : []) {
                parseAddress(address);
                owners[address] = typeof set.partial === "string" && set.partial ? set.partial : "*";
            }
            this.store.iacPartials.set(env.id, owners);
        } catch (e) {
            restore();
            const result: ChangeSetApplyResult = {
                id,
                status: "failed",
                deploymentId: null,
                stagedPatchId: null,
                diagnostics: [{ severity: "error", path: "changeSet", message: (e as Error).message }],
                changes: (set.changes as Json[]).map((c) => ({
                    kind: String(c?.kind),
                    path: c?.path ?? null,
                    summary: c?.summary ?? null,
                    status: "failed",
                    outputs: null,
                })),
            };
            this.results.set(id, { ...result, environmentId });
            return result;
        }
        let deploymentId: string | null = null;
        for (const serviceId of changed)
            if (this.store.hasInstance(serviceId, env.id))
                deploymentId = this.store.tryDeploy(serviceId, env.id, "deploy")?.id ?? deploymentId;
        const result: ChangeSetApplyResult = {
            id,
            status: "applied",
            deploymentId,
            stagedPatchId: null,
            diagnostics: [],
            changes: (set.changes as Json[]).map((c) => ({
                kind: String(c.kind),
                path: c.path ?? null,
                summary: c.summary ?? null,
                status: "applied",
                outputs: null,
            })),
        };
        this.results.set(id, { ...result, environmentId });
        return result;
    }

    /** `environmentChangeSetApply`: an apply's result, by id. */
    result(environmentId: string, id: string): ChangeSetApplyResult {
        const r = this.results.get(id);
        if (!r || r.environmentId !== environmentId) throw notFound("ChangeSetApply");
        const { environmentId: _, ...result } = r;
        void _;
        return result;
    }
}
