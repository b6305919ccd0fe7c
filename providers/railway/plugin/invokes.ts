/**
 * The `railway` package's functions: a project, an environment or a service looked up by ID or by
 * name. Exactly one of the two is asked for; a name that matches none, or more than one, is a
 * failure that says so (a lookup never guesses).
 */
import { gql, gqlAll, readOrGone } from "../api";

type Inputs = Record<string, unknown>;
type Failure = { property: string; reason: string };
export type InvokeResult = { outputs?: Inputs; failures?: Failure[] };

const str = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : undefined);
const fail = (property: string, reason: string): InvokeResult => ({ failures: [{ property, reason }] });

/** Exactly one of `id` and `name`: which one, or the failure. */
function byIdOrName(inputs: Inputs, what: string): { id?: string; name?: string } | InvokeResult {
    const id = str(inputs.id);
    const name = str(inputs.name);
    if (id && name) return fail("id", `give the ${what}'s id or its name, not both`);
    if (!id && !name) return fail("id", `give the ${what}'s id or its name`);
    return { id, name };
}

const isFailure = (v: unknown): v is InvokeResult => !!v && typeof v === "object" && "failures" in v;

/** One match by name among `items`, or the failure naming how many there were. */
function single<T extends { id: string; name: string }>(items: T[], name: string, what: string, where: string) {
    const found = items.filter((x) => x.name === name);
    if (found.length === 1) return found[0];
    return fail(
        "name",
        found.length
            ? `${found.length} ${what}s are named '${name}' ${where}: give its id`
            : `no ${what} named '${name}' ${where}`,
    );
}

async function getProject(inputs: Inputs): Promise<InvokeResult> {
    const apiUrl = str(inputs.apiUrl);
    const which = byIdOrName(inputs, "project");
    if (isFailure(which)) return which;
    let project: { id: string; name: string } | InvokeResult | undefined;
    if (which.id) {
        const found = await readOrGone(async () => (await gql(apiUrl, "Project", { id: which.id! })).project);
        project = found && !found.deletedAt ? found : fail("id", `no project ${which.id}`);
    } else {
        const projects = await gqlAll(
            apiUrl,
            "WorkspaceProjects",
            { workspaceId: str(inputs.workspaceId) },
            (d) => d.projects,
        );
        project = single(
            projects.filter((p) => !p.deletedAt),
            which.name!,
            "project",
            str(inputs.workspaceId) ? `in workspace ${inputs.workspaceId}` : "that the token can see",
        );
    }
    if (isFailure(project)) return project;
    const environments = await gqlAll(
        apiUrl,
        "ProjectEnvironments",
        { id: project!.id },
        (d) => d.project.environments,
    );
    return {
        outputs: {
            id: project!.id,
            name: project!.name,
            environments: Object.fromEntries(environments.map((e) => [e.name, e.id])),
        },
    };
}

async function getEnvironment(inputs: Inputs): Promise<InvokeResult> {
    const apiUrl = str(inputs.apiUrl);
    const projectId = str(inputs.projectId);
    if (!projectId) return fail("projectId", "give the project's id");
    const which = byIdOrName(inputs, "environment");
    if (isFailure(which)) return which;
    const environments = await gqlAll(apiUrl, "ProjectEnvironments", { id: projectId }, (d) => d.project.environments);
    const environment = which.id
        ? (environments.find((e) => e.id === which.id) ??
          fail("id", `no environment ${which.id} in project ${projectId}`))
        : single(environments, which.name!, "environment", `in project ${projectId}`);
    if (isFailure(environment)) return environment;
    return {
        outputs: {
            id: environment.id,
            name: environment.name,
            projectId,
            ...(environment.sourceEnvironment?.id ? { sourceEnvironmentId: environment.sourceEnvironment.id } : {}),
        },
    };
}

async function getService(inputs: Inputs): Promise<InvokeResult> {
    const apiUrl = str(inputs.apiUrl);
    const projectId = str(inputs.projectId);
    if (!projectId) return fail("projectId", "give the project's id");
    const which = byIdOrName(inputs, "service");
    if (isFailure(which)) return which;
    const services = await gqlAll(apiUrl, "ProjectServices", { id: projectId }, (d) => d.project.services);
    const service = which.id
        ? (services.find((x) => x.id === which.id) ?? fail("id", `no service ${which.id} in project ${projectId}`))
        : single(services, which.name!, "service", `in project ${projectId}`);
    if (isFailure(service)) return service;
    return { outputs: { id: service.id, name: service.name, projectId } };
}

export const INVOKES: Record<string, (inputs: Inputs) => Promise<InvokeResult>> = {
    "railway:index:getProject": getProject,
    "railway:index:getEnvironment": getEnvironment,
    "railway:index:getService": getService,
};
