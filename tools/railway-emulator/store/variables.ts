/**
 * Variables in one environment: a service's own, and the environment's shared ones (no service:
 * what `${{shared.NAME}}` names). Upserts deploy what they change unless skipDeploys: a service's
 * own variables redeploy that service; a shared variable redeploys the services whose variables
 * refer to it (Railway's "affected services").
 */
import { notFound, badInput, key } from "../model";
import { ServicesStore } from "./services";

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export abstract class VariablesStore extends ServicesStore {
    shared(environmentId: string): Record<string, string> {
        return this.sharedVariables.get(environmentId) ?? {};
    }

    /** Services of the environment whose own variables refer to one of these shared variables. */
    referringToShared(environmentId: string, names: string[]): string[] {
        const wanted = new Set(names);
        return [...this.instances.keys()]
            .filter((k) => k.endsWith(`:${environmentId}`))
            .map((k) => k.split(":")[0])
            .filter((serviceId) =>
                Object.values(this.vars(serviceId, environmentId)).some((value) =>
                    [...value.matchAll(/\$\{\{\s*shared\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)].some((m) =>
                        wanted.has(m[1]),
                    ),
                ),
            );
    }

    /**
     * variableCollectionUpsert (and variableUpsert, a collection of one): a service's variables in
     * every environment of its scope, or without a service the environment's shared variables.
     */
    upsertVariables(input: {
        projectId: string;
        environmentId: string;
        serviceId?: string | null;
        variables: Record<string, unknown>;
        replace?: boolean | null;
        skipDeploys?: boolean | null;
    }): void {
        this.project(input.projectId);
        for (const [k, v] of Object.entries(input.variables)) {
            if (!VARIABLE_NAME.test(k)) throw badInput(`Invalid variable name: ${k.slice(0, 64)}`);
            if (typeof v !== "string") throw badInput(`Variable ${k} must be a string`);
        }
        const values = input.variables as Record<string, string>;
        if (!input.serviceId) {
            const env = this.environment(input.environmentId);
            if (env.projectId !== input.projectId)
                throw badInput(`Environment ${input.environmentId} is not in project ${input.projectId}`);
            const before = this.shared(env.id);
            const changed = Object.keys(values).filter((k) => before[k] !== values[k]);
            const removed = input.replace ? Object.keys(before).filter((k) => !(k in values)) : [];
            this.sharedVariables.set(env.id, { ...(input.replace ? {} : before), ...values });
            if (!input.skipDeploys)
                for (const serviceId of this.referringToShared(env.id, [...changed, ...removed]))
                    this.tryDeploy(serviceId, env.id, "redeploy");
            return;
        }
        const s = this.service(input.serviceId);
        if (!this.hasInstance(s.id, input.environmentId)) throw notFound("ServiceInstance");
        const envs = this.scope(input.projectId, input.environmentId).filter((e) => this.hasInstance(s.id, e.id));
        for (const env of envs) {
            const next = input.replace ? {} : { ...this.vars(s.id, env.id) };
            this.variables.set(key(s.id, env.id), { ...next, ...values });
        }
        if (!input.skipDeploys) for (const env of envs) this.tryDeploy(s.id, env.id, "redeploy");
    }

    deleteVariable(input: { projectId: string; environmentId: string; serviceId?: string | null; name: string }): void {
        if (!input.serviceId) {
            const shared = this.sharedVariables.get(input.environmentId);
            if (!shared || !(input.name in shared)) throw notFound("Variable");
            delete shared[input.name];
            return;
        }
        const v = this.variables.get(key(input.serviceId, input.environmentId));
        if (!v || !(input.name in v)) throw notFound("Variable");
        delete v[input.name];
    }
}
