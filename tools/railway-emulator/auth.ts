/**
 * Who is calling: an account (or workspace) token, sent as `Authorization: Bearer`, may do
 * anything; a project token (`Project-Access-Token`, what `RAILWAY_TOKEN` holds) is scoped to one
 * environment of one project, as on Railway: it cannot create projects or environments, cannot
 * `serviceConnect`, and is refused ("Not Authorized") for anything outside its environment.
 */
import { GraphQLError } from "graphql";

export interface ProjectToken {
    token: string;
    projectId: string;
    environmentId: string;
}

export type Principal =
    { kind: "account" } | { kind: "project"; projectId: string; environmentId: string; tokenId: string };

const notAuthorized = () => new GraphQLError("Not Authorized", { extensions: { code: "FORBIDDEN" } });

export class Access {
    constructor(readonly principal: Principal) {}

    /** Only an account or workspace token may do this. */
    account(): void {
        if (this.principal.kind !== "account") throw notAuthorized();
    }

    /** Reading or changing something of one project (any of its environments). */
    project(projectId: string): void {
        if (this.principal.kind === "project" && this.principal.projectId !== projectId) throw notAuthorized();
    }

    /** Whether {@link environment} would let this principal through (Railway's `Environment.canAccess`). */
    mayReadEnvironment(projectId: string, environmentId: string): boolean {
        if (this.principal.kind !== "project") return true;
        return this.principal.projectId === projectId && this.principal.environmentId === environmentId;
    }

    /** Reading or changing one environment of one project; no environment means "all of them". */
    environment(projectId: string, environmentId: string | null | undefined): void {
        if (this.principal.kind !== "project") return;
        if (this.principal.projectId !== projectId || !environmentId || this.principal.environmentId !== environmentId)
            throw notAuthorized();
    }
}
