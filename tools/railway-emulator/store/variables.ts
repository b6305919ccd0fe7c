/**
 * A service's variables in one environment: upserts (deploying unless skipDeploys) and deletes.
 */
import { notFound, badInput, key } from "../model";
import { ServicesStore } from "./services";

export abstract class VariablesStore extends ServicesStore {
    /** variableCollectionUpsert: in every environment of its scope; redeploys unless skipDeploys. */
    upsertVariables(input: {
        projectId: string;
        environmentId: string;
        serviceId?: string | null;
        variables: Record<string, unknown>;
        replace?: boolean | null;
        skipDeploys?: boolean | null;
    }): void {
        this.project(input.projectId);
        if (!input.serviceId) throw badInput("Shared variables are not modelled by this emulator: pass serviceId");
        const s = this.service(input.serviceId);
        if (!this.hasInstance(s.id, input.environmentId)) throw notFound("ServiceInstance");
        for (const [k, v] of Object.entries(input.variables)) {
            if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw badInput(`Invalid variable name: ${k.slice(0, 64)}`);
            if (typeof v !== "string") throw badInput(`Variable ${k} must be a string`);
        }
        const envs = this.scope(input.projectId, input.environmentId).filter((e) => this.hasInstance(s.id, e.id));
        for (const env of envs) {
            const next = input.replace ? {} : { ...this.vars(s.id, env.id) };
            this.variables.set(key(s.id, env.id), { ...next, ...(input.variables as Record<string, string>) });
        }
        if (!input.skipDeploys) for (const env of envs) this.tryDeploy(s.id, env.id, "redeploy");
    }

    deleteVariable(input: { projectId: string; environmentId: string; serviceId?: string | null; name: string }): void {
        if (!input.serviceId) throw badInput("Shared variables are not modelled by this emulator: pass serviceId");
        const v = this.variables.get(key(input.serviceId, input.environmentId));
        if (!v || !(input.name in v)) throw notFound("Variable");
        delete v[input.name];
    }
}
