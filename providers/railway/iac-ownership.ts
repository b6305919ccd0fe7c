/**
 * Railway's own IaC beside this stack. Railway records which resources a `.railway/` authoring file
 * manages (`Environment.iacPartials`: `service.<name>` to the partial that owns it, `*` for a
 * whole-project file), and `railway config apply` undoes any change to them. Two masters of one
 * service undo each other's changes on every run, so the provider refuses to write a service
 * Railway's IaC owns, naming the service, its owner and how to hand it over.
 *
 * A Railway that does not know `iacPartials` (the field is newer than Railway's CLI schema) records
 * no ownership: that answer means "owned by nothing", as Railway's CLI reads it.
 */
import { gql } from "./api";
import { isRailwayApiError } from "./client";
import type { InstanceScope } from "./scope";

/** Railway's CLI's name for a whole-project owner. */
const WHOLE_PROJECT = "*";

export async function refuseIacOwned(s: InstanceScope): Promise<void> {
    let answer;
    try {
        answer = await gql(s.apiUrl, "ServiceIacOwner", { environmentId: s.environmentId, serviceId: s.serviceId });
    } catch (e) {
        if (isRailwayApiError(e) && e.code === "GRAPHQL_VALIDATION_FAILED" && /iacPartials/.test(e.railwayMessage))
            return;
        throw e;
    }
    const owners = (answer.environment.iacPartials ?? {}) as Record<string, unknown>;
    const name = answer.service.name;
    const address = [`service.${name}`, `database.${name}`].find((a) => typeof owners[a] === "string");
    if (!address) return;
    const owner = String(owners[address]);
    const release =
        owner === WHOLE_PROJECT
            ? `remove the service from the whole-project file .railway/railway.* and stop applying it to environment ${answer.environment.name}`
            : `remove it from the authoring file of partial "${owner}" and release it: railway config partials release ${owner} --resource ${address} --yes`;
    throw new Error(
        `railway: service ${name} in environment ${answer.environment.name} is managed by Railway's IaC ` +
            `(.railway/, ${owner === WHOLE_PROJECT ? "the whole-project file" : `partial "${owner}"`}, address ${address}); ` +
            "this stack will not manage it too, as each would undo the other's changes. " +
            `To hand it to this stack: ${release}, then run pulumi up again. ` +
            "To keep it in Railway's IaC: remove the service from this stack's railway.services.",
    );
}
