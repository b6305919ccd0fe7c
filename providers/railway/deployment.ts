import { shown } from "../../config/values";
import * as pulumi from "@pulumi/pulumi";
import { changedKeys, createOrAdopt, gql, readOrGone, requiredIds, splitId } from "./api";
import { defineProvider } from "./define";
import { replaceKeys } from "./properties";

/**
 * Inputs of {@link ServiceDeployment}: deploy one service in one environment, once per change.
 *
 * Railway starts a deployment for nearly every write (a variable, a connected source...), and
 * community providers end up with three or four deployments per service on a first apply, the
 * first of them without the variables it needs. Here nothing else deploys: settings are stored,
 * variables are written with `skipDeploys`, and this resource, which depends on all of them, starts
 * exactly one deployment (`serviceInstanceDeployV2`) when it is created and whenever `fingerprint`
 * (a hash of everything that makes a deployment) changes. Deleting it deletes nothing: deployments
 * are history.
 *
 * Import ID `<serviceId>:<environmentId>`: what is imported is the deployment running there (none
 * running: the import fails). An imported one has no fingerprint yet; the first update records the
 * program's without deploying, taking the running deployment as that configuration's (bringing a
 * live project under a stack must not redeploy it: docs/railway.md "Bringing a live project under a stack").
 */
export interface ServiceDeploymentArgs {
    projectId: pulumi.Input<string>;
    serviceId: pulumi.Input<string>;
    environmentId: pulumi.Input<string>;
    /** Changes whenever a new deployment is needed; may be derived from secrets (keep it secret). */
    fingerprint: pulumi.Input<string>;
    /** Deploy this commit of the service's branch (default: the branch's head); a change deploys again. */
    commitSha?: pulumi.Input<string>;
    apiUrl?: pulumi.Input<string>;
}

interface DeploymentState {
    projectId: string;
    serviceId: string;
    environmentId: string;
    fingerprint: string;
    commitSha?: string;
    apiUrl?: string;
    /** The deployment this resource started last. */
    deploymentId?: string;
}

/**
 * Starts one deployment. A lost answer is resolved by looking for a deployment of the service that
 * started after the attempt, never by deploying again blindly.
 */
async function deploy(s: DeploymentState): Promise<string> {
    const since = Date.now();
    return createOrAdopt(
        async () =>
            (
                await gql(
                    s.apiUrl,
                    "ServiceInstanceDeploy",
                    { serviceId: s.serviceId, environmentId: s.environmentId, commitSha: s.commitSha },
                    { retryMutation: false },
                )
            ).serviceInstanceDeployV2,
        async () => {
            const { deployments } = await gql(s.apiUrl, "Deployments", {
                input: { projectId: s.projectId, environmentId: s.environmentId, serviceId: s.serviceId },
                first: 1,
            });
            const newest = deployments.edges[0]?.node;
            // Railway's clock and ours may differ a little.
            return newest && Date.parse(newest.createdAt) >= since - 60_000 ? newest.id : undefined;
        },
    );
}

/** The deployment running for `<serviceId>:<environmentId>`, as an imported resource's state. */
async function importRunning(id: string) {
    const [serviceId, environmentId] = splitId(id, ["serviceId", "environmentId"], "railway.ServiceDeployment");
    const found = await readOrGone(() => gql(undefined, "Service", { id: serviceId }));
    if (!found || found.service.deletedAt) return { id: "", props: {} };
    const { projectId } = found.service;
    const running = await runningDeployment(undefined, { projectId, environmentId, serviceId });
    if (!running)
        throw new Error(
            `railway.ServiceDeployment ${shown(id, 200)}: no deployment is running there (SUCCESS or SLEEPING), so there is none to import; let pulumi up deploy it instead`,
        );
    return { id, props: { projectId, serviceId, environmentId, deploymentId: running.id } };
}

/** The statuses of a deployment that is the one serving. */
const RUNNING = ["SUCCESS", "SLEEPING"] as const;

/**
 * The deployment serving a service in an environment, if any: asked of Railway by status, so that
 * any number of newer failed deployments cannot hide it behind a page.
 */
export async function runningDeployment(
    apiUrl: string | undefined,
    scope: { projectId: string; environmentId: string; serviceId: string },
) {
    const { deployments } = await gql(apiUrl, "Deployments", {
        input: { ...scope, status: { in: [...RUNNING] } },
        first: 1,
    });
    // Checked here too: a server that ignored the filter must not make a failed deployment look live.
    return deployments.edges.map((e) => e.node).find((d) => (RUNNING as readonly string[]).includes(d.status));
}

export const serviceDeploymentProvider: pulumi.dynamic.ResourceProvider = defineProvider("ServiceDeployment", {
    async check(_olds, news) {
        const failures = requiredIds(news, ["projectId", "serviceId", "environmentId", "fingerprint"]);
        return { inputs: news, failures };
    },
    async diff(_id, olds: DeploymentState, news: DeploymentState) {
        const replaces = changedKeys(olds, news, replaceKeys("ServiceDeployment"));
        const changes = changedKeys(olds, news, [
            "projectId",
            "serviceId",
            "environmentId",
            "fingerprint",
            "commitSha",
            "apiUrl",
        ]);
        return { changes: changes.length > 0, replaces, deleteBeforeReplace: false };
    },
    async create(inputs: DeploymentState) {
        const deploymentId = await deploy(inputs);
        return { id: `${inputs.serviceId}:${inputs.environmentId}`, outs: { ...inputs, deploymentId } };
    },
    async update(_id, olds: DeploymentState, news: DeploymentState) {
        // Only the endpoint changed, or an imported deployment gets its fingerprint: nothing to deploy.
        const imported = olds.fingerprint === undefined && olds.deploymentId !== undefined;
        if (
            imported ||
            changedKeys(olds, news, ["projectId", "serviceId", "environmentId", "fingerprint", "commitSha"]).length ===
                0
        )
            return { outs: { ...news, deploymentId: olds.deploymentId } };
        return { outs: { ...news, deploymentId: await deploy(news) } };
    },
    async read(id, props?: DeploymentState) {
        // A deployment is an event, not a setting: there is nothing on Railway to drift from.
        if (props && Object.keys(props).length > 0) return { id, props };
        return importRunning(id);
    },
    async delete() {
        // Deployments are history; the service's own delete removes them.
    },
});
