/**
 * A live Railway project's environment, read through Railway's API for `npm run railway:import`:
 * its services, each one's settings in the environment (read by the same provider `read` that
 * `pulumi import` uses, so what the stack file says and what the import records cannot disagree),
 * its variables (unrendered: references stay references), domains, volume, and whether a
 * deployment is running. Read only: nothing here writes to Railway.
 */
import { printable } from "../../config/values";
import { gql, gqlAll } from "../../providers/railway/api";
import { runningDeployment } from "../../providers/railway/deployment";
import { InstanceState, serviceInstanceProvider } from "../../providers/railway/service-instance";
import { UsageError } from "../../config/errors";

/** A service's settings in the environment, in the shape of the ServiceInstance inputs. */
export type LiveInstance = Omit<InstanceState, "projectId" | "serviceId" | "environmentId" | "apiUrl">;

export interface LiveService {
    id: string;
    name: string;
    instance: LiveInstance;
    /** Every variable, unrendered. Values stay in memory: they are never written in clear. */
    variables: Record<string, string>;
    serviceDomain?: { id: string; targetPort?: number };
    customDomains: { id: string; domain: string; targetPort?: number }[];
    volume?: { id: string; mountPath: string; region?: string };
    /** Whether a deployment is serving (SUCCESS or SLEEPING): only then can its deployment be imported. */
    running: boolean;
}

export interface LiveProject {
    id: string;
    name: string;
    workspaceId?: string;
    environment: { id: string; name: string };
    /** The project's other environments (each is another stack's). */
    otherEnvironments: string[];
    services: LiveService[];
}

export async function readLiveProject(
    apiUrl: string | undefined,
    projectId: string,
    environmentName: string,
    progress: (line: string) => void,
): Promise<LiveProject> {
    const { project } = await gql(apiUrl, "Project", { id: projectId });
    if (!project || project.deletedAt)
        throw new UsageError(`no Railway project ${projectId} (check --project and the token)`);
    const environments = await gqlAll(apiUrl, "ProjectEnvironments", { id: projectId }, (d) => d.project.environments);
    const environment = environments.find((e) => e.name === environmentName);
    if (!environment)
        throw new UsageError(
            `project '${printable(project.name)}' has no environment '${printable(environmentName)}' (it has: ${environments.map((e) => printable(e.name)).join(", ") || "none"})`,
        );
    const instances = await gqlAll(
        apiUrl,
        "EnvironmentServiceInstances",
        { id: environment.id },
        (d) => d.environment.serviceInstances,
    );
    const volumes = (
        await gqlAll(apiUrl, "EnvironmentVolumeInstances", { id: environment.id }, (d) => d.environment.volumeInstances)
    ).filter((v) => !v.isPendingDeletion);
    const services: LiveService[] = [];
    for (const { serviceId, serviceName } of instances) {
        progress(`railway:import: reading ${printable(serviceName)}`);
        const scope = { projectId, environmentId: environment.id, serviceId };
        const read = await serviceInstanceProvider.read!(`${projectId}:${serviceId}:${environment.id}`, { apiUrl });
        const { variables } = await gql(apiUrl, "Variables", scope);
        const { domains } = await gql(apiUrl, "Domains", scope);
        const running = await runningDeployment(apiUrl, scope);
        const volume = volumes.find((v) => v.serviceId === serviceId);
        services.push({
            id: serviceId,
            name: serviceName,
            instance: read.props as LiveInstance,
            variables: (variables ?? {}) as Record<string, string>,
            serviceDomain: domains.serviceDomains[0]
                ? { id: domains.serviceDomains[0].id, targetPort: opt(domains.serviceDomains[0].targetPort) }
                : undefined,
            customDomains: domains.customDomains.map((d) => ({
                id: d.id,
                domain: d.domain,
                targetPort: opt(d.targetPort),
            })),
            volume: volume?.mountPath
                ? { id: volume.volumeId, mountPath: volume.mountPath, region: opt(volume.region) }
                : undefined,
            running: running !== undefined,
        });
    }
    return {
        id: projectId,
        name: project.name,
        workspaceId: opt(project.workspaceId),
        environment: { id: environment.id, name: environment.name },
        otherEnvironments: environments.filter((e) => e.id !== environment.id).map((e) => e.name),
        services,
    };
}

function opt<T>(v: T | null | undefined): T | undefined {
    return v ?? undefined;
}
