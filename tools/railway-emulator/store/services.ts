/**
 * Services (project-wide identities) and their instances per environment: creation in every
 * environment, removal from one or all, deployment triggers, and the settings
 * (`serviceInstanceUpdate`, which stores without deploying).
 */
import { randomUUID } from "crypto";
import { RAILWAY_DEPLOY_SECONDS, RAILWAY_MAX_REPLICAS } from "../../../config/railway-limits";
import { ServiceRec, InstanceRec, TriggerRec, DEFAULT_REGION, notFound, badInput, key, TcpProxyRec } from "../model";
import { VolumesStore } from "./volumes";

export abstract class ServicesStore extends VolumesStore {
    createService(input: {
        projectId: string;
        name?: string | null;
        environmentId?: string | null;
        source?: { image?: string | null; repo?: string | null } | null;
        branch?: string | null;
        variables?: Record<string, string> | null;
    }): ServiceRec {
        this.project(input.projectId);
        const name = input.name ?? `service-${randomUUID().slice(0, 6)}`;
        this.checkServiceName(name);
        if ([...this.services.values()].some((s) => s.projectId === input.projectId && s.name === name)) {
            throw badInput(`A service named "${name}" already exists in this project`);
        }
        // Railway makes the service's instance in every environment of the project (the community
        // Terraform provider's issue #23); what the create sets (source, variables) goes to the
        // environment it names, or to all of them without one.
        const envs = this.scope(input.projectId, input.environmentId);
        const s: ServiceRec = { id: randomUUID(), projectId: input.projectId, name, createdAt: this.now() };
        this.services.set(s.id, s);
        for (const env of this.liveEnvironments(input.projectId))
            this.instances.set(key(s.id, env.id), this.blankInstance());
        for (const env of envs) {
            if (input.variables) this.variables.set(key(s.id, env.id), { ...input.variables });
            if (input.source?.image) this.instances.get(key(s.id, env.id))!.source = { image: input.source.image };
            if (input.source?.repo) {
                this.instances.get(key(s.id, env.id))!.source = { repo: input.source.repo };
                this.setTrigger(s.id, env.id, input.source.repo, input.branch ?? "main");
            }
        }
        // Choosing a source deploys it.
        if (input.source?.image || input.source?.repo) for (const env of envs) this.tryDeploy(s.id, env.id, "deploy");
        return s;
    }

    /** Makes the service's instance in one environment (an environment patch's `isCreated`). */
    materialiseInstance(serviceId: string, environmentId: string): InstanceRec {
        const s = this.service(serviceId);
        const env = this.environment(environmentId);
        if (env.projectId !== s.projectId)
            throw badInput(`Service ${serviceId} is not in the project of environment ${environmentId}`);
        if (!this.hasInstance(serviceId, environmentId))
            this.instances.set(key(serviceId, environmentId), this.blankInstance());
        return this.instance(serviceId, environmentId);
    }

    blankInstance(): InstanceRec {
        return {
            multiRegionConfig: {},
            restartPolicyType: "ON_FAILURE",
            restartPolicyMaxRetries: 10,
            watchPatterns: [],
            createdAt: this.now(),
        };
    }

    /**
     * serviceDelete: with an environment, that environment's instance only (the service and its
     * other instances stay); without one, the whole service.
     */
    deleteService(id: string, environmentId?: string | null): void {
        const s = this.service(id);
        if (!environmentId) return this.removeService(id);
        this.scope(s.projectId, environmentId);
        if (!this.hasInstance(id, environmentId)) throw notFound("ServiceInstance");
        this.removeInstance(id, environmentId);
    }

    /** An environment patch's `isDeleted`: the service leaves this environment. */
    removeInstanceIn(serviceId: string, environmentId: string): void {
        if (!this.hasInstance(serviceId, environmentId)) throw notFound("ServiceInstance");
        this.removeInstance(serviceId, environmentId);
    }

    protected removeInstance(serviceId: string, environmentId: string): void {
        this.instances.delete(key(serviceId, environmentId));
        this.variables.delete(key(serviceId, environmentId));
        for (const [k, t] of this.triggers)
            if (t.serviceId === serviceId && t.environmentId === environmentId) this.triggers.delete(k);
        for (const [k, d] of this.domains)
            if (d.serviceId === serviceId && d.environmentId === environmentId) this.domains.delete(k);
        for (const [k, t] of this.tcpProxies)
            if (t.serviceId === serviceId && t.environmentId === environmentId) this.tcpProxies.delete(k);
        for (const v of this.volumeInstances.values())
            if (v.serviceId === serviceId && v.environmentId === environmentId) v.serviceId = null;
    }

    protected removeService(id: string): void {
        for (const k of [...this.instances.keys()])
            if (k.startsWith(`${id}:`)) this.removeInstance(id, k.split(":")[1]);
        this.services.delete(id);
    }

    /**
     * tcpProxyCreate: Railway generates a domain and a port, and forwards `domain:port` to the
     * service's application port in that environment (docs: "TCP Proxy").
     */
    createTcpProxy(input: { serviceId: string; environmentId: string; applicationPort: number }): TcpProxyRec {
        const s = this.service(input.serviceId);
        this.instance(input.serviceId, input.environmentId);
        if (!Number.isInteger(input.applicationPort) || input.applicationPort < 1 || input.applicationPort > 65535)
            throw badInput(`Invalid application port: ${input.applicationPort}`);
        const used = new Set([...this.tcpProxies.values()].map((t) => t.proxyPort));
        let proxyPort = 10000 + ((this.tcpProxies.size * 7919) % 50000);
        while (used.has(proxyPort)) proxyPort++;
        const id = randomUUID();
        const t: TcpProxyRec = {
            id,
            projectId: s.projectId,
            environmentId: input.environmentId,
            serviceId: s.id,
            applicationPort: input.applicationPort,
            proxyPort,
            domain: `${id.slice(0, 8)}.proxy.rlwy.net`,
            createdAt: this.now(),
        };
        this.tcpProxies.set(id, t);
        return t;
    }

    setTrigger(serviceId: string, environmentId: string, repository: string, branch: string): TriggerRec {
        const existing = this.trigger(serviceId, environmentId);
        if (existing) {
            existing.repository = repository;
            existing.branch = branch;
            return existing;
        }
        const t: TriggerRec = {
            id: randomUUID(),
            projectId: this.service(serviceId).projectId,
            environmentId,
            serviceId,
            repository,
            branch,
            provider: "github",
            checkSuites: false,
        };
        this.triggers.set(t.id, t);
        return t;
    }

    // ---- settings ----

    /** serviceInstanceUpdate: stores settings (no deployment), in every environment of its scope. */
    updateInstance(serviceId: string, environmentId: string | null | undefined, input: Record<string, any>): void {
        const s = this.service(serviceId);
        if ("railwayConfigFile" in input && input.railwayConfigFile !== undefined) {
            throw badInput("Config as Code (railwayConfigFile) is deprecated. Use Infrastructure as Code instead.");
        }
        const envs = this.scope(s.projectId, environmentId).filter((e) => this.hasInstance(serviceId, e.id));
        if (environmentId && !this.hasInstance(serviceId, environmentId)) throw notFound("ServiceInstance");
        const { multiRegionConfig, source, numReplicas, region, ...rest } = input;
        for (const env of envs) {
            const i = this.instance(serviceId, env.id);
            const next: Record<string, { numReplicas: number }> = { ...i.multiRegionConfig };
            if (multiRegionConfig) {
                for (const [r, cfg] of Object.entries(
                    multiRegionConfig as Record<string, { numReplicas?: number } | null>,
                )) {
                    if (cfg === null) {
                        delete next[r];
                        continue;
                    }
                    this.checkRegion(r);
                    if (!Number.isInteger(cfg.numReplicas) || (cfg.numReplicas as number) < 1)
                        throw badInput(`numReplicas must be at least 1 (region ${r})`);
                    next[r] = { numReplicas: cfg.numReplicas as number };
                }
            }
            if (region !== undefined && region !== null) {
                this.checkRegion(region);
                next[region] = { numReplicas: numReplicas ?? next[region]?.numReplicas ?? 1 };
            } else if (numReplicas !== undefined && numReplicas !== null) {
                if (!Number.isInteger(numReplicas) || numReplicas < 1) throw badInput("numReplicas must be at least 1");
                const regions = Object.keys(next);
                // The legacy single-region form: Railway applies it to the only region, or to the
                // default region when none is set yet (it never stores nothing and answers true).
                if (regions.length > 1)
                    throw badInput(
                        "numReplicas without a region is ambiguous for a multi-region service: use multiRegionConfig",
                    );
                next[regions[0] ?? DEFAULT_REGION] = { numReplicas };
            }
            const total = Object.values(next).reduce((a, b) => a + b.numReplicas, 0);
            if (total > RAILWAY_MAX_REPLICAS) throw badInput(`Replicas cannot exceed ${RAILWAY_MAX_REPLICAS}`);
            const cron = "cronSchedule" in rest ? rest.cronSchedule : i.cronSchedule;
            if (cron && total > 1) throw badInput("A service with a cron schedule can only run 1 replica");
            if (total > 1 && this.attachedVolume(serviceId, env.id))
                throw badInput("A service with a volume can only run 1 replica");
            if (
                rest.healthcheckTimeout !== undefined &&
                rest.healthcheckTimeout !== null &&
                (rest.healthcheckTimeout < 1 || rest.healthcheckTimeout > 3600)
            ) {
                throw badInput("healthcheckTimeout must be between 1 and 3600 seconds");
            }
            for (const k of ["overlapSeconds", "drainingSeconds"] as const) {
                const v = rest[k];
                if (
                    v !== undefined &&
                    v !== null &&
                    (!Number.isInteger(v) || v < RAILWAY_DEPLOY_SECONDS.min || v > RAILWAY_DEPLOY_SECONDS.max)
                )
                    throw badInput(
                        `${k} must be between ${RAILWAY_DEPLOY_SECONDS.min} and ${RAILWAY_DEPLOY_SECONDS.max} seconds`,
                    );
            }
            i.multiRegionConfig = next;
            if (source) i.source = source.image ? { image: source.image } : { repo: source.repo };
            for (const [k, v] of Object.entries(rest))
                if (v !== undefined) (i as unknown as Record<string, unknown>)[k] = v;
        }
    }
}
