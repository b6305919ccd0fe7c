/** Projects, the account (`me`, workspaces), project tokens and regions. */
import { RAILWAY_REGIONS, RailwayRegion } from "../../../config/railway-limits";
import { EmulatorStore, badInput, notFound } from "../store";
import { Args, RequestContext } from "./context";
import { Views } from "./views";

/** Where each region is, as Railway's `regions` query says it (location and country). */
const REGION_LABELS: Record<RailwayRegion, { location: string; country: string }> = {
    "us-west2": { location: "US West", country: "US" },
    "us-east4-eqdc4a": { location: "US East", country: "US" },
    "europe-west4-drams3a": { location: "EU West", country: "NL" },
    "asia-southeast1-eqsg3a": { location: "Southeast Asia", country: "SG" },
};

export function projectsResolvers(store: EmulatorStore, views: Views) {
    const { page, projectView, workspaceView, projectTokenView } = views;
    return {
        projectCreate: ({ input }: Args, ctx: RequestContext) => {
            ctx.access.account();
            return projectView(store.createProject(input).id);
        },
        project: ({ id }: Args, ctx: RequestContext) => {
            ctx.access.project(id);
            return projectView(id);
        },
        projects: (args: Args, ctx: RequestContext) => {
            ctx.access.account();
            const list = [...store.projects.values()].filter(
                (p) =>
                    (!args.workspaceId || p.workspaceId === args.workspaceId) &&
                    (args.includeDeleted || p.deletedAt === undefined),
            );
            return page(
                list.map((p) => projectView(p.id)),
                args,
            );
        },
        projectUpdate: ({ id, input }: Args, ctx: RequestContext) => {
            ctx.access.account();
            const p = store.project(id);
            if (input.name !== undefined && input.name !== null) p.name = input.name;
            if (input.description !== undefined) p.description = input.description ?? undefined;
            for (const flag of ["prDeploys", "botPrEnvironments", "focusedPrEnvironments"] as const)
                if (typeof input[flag] === "boolean") p[flag] = input[flag];
            return projectView(id);
        },
        projectDelete: ({ id }: Args, ctx: RequestContext) => {
            ctx.access.account();
            store.deleteProject(id);
            return true;
        },
        me: (_: Args, ctx: RequestContext) => {
            // A project token has no user behind it.
            ctx.access.account();
            return {
                id: "emulator-user",
                name: "Emulator User",
                email: "user@emulator.invalid",
                username: "emulator",
                workspaces: [...store.workspaces.keys()].map(workspaceView),
            };
        },
        // Workspaces the account is a guest of: the emulator's account has none.
        externalWorkspaces: (_: Args, ctx: RequestContext) => {
            ctx.access.account();
            return [];
        },
        projectToken: (_: Args, ctx: RequestContext) => {
            const p = ctx.access.principal;
            if (p.kind !== "project") throw badInput("projectToken needs a project token (Project-Access-Token)");
            return projectTokenView(p.tokenId);
        },
        projectTokens: (args: Args, ctx: RequestContext) => {
            ctx.access.account();
            store.project(args.projectId);
            return page(
                [...store.projectTokens.values()]
                    .filter((t) => t.projectId === args.projectId)
                    .map((t) => projectTokenView(t.id)),
                args,
            );
        },
        projectTokenCreate: ({ input }: Args, ctx: RequestContext) => {
            ctx.access.account();
            store.project(input.projectId);
            if (!String(input.name ?? "").trim()) throw badInput("A project token needs a name");
            return store.mintProjectToken({
                projectId: input.projectId,
                environmentId: input.environmentId,
                name: input.name,
            }).token;
        },
        projectTokenDelete: ({ id }: Args, ctx: RequestContext) => {
            ctx.access.account();
            if (!store.projectTokens.delete(id)) throw notFound("ProjectToken");
            return true;
        },
        // Railway's regions, with the labels its CLI matches `railway scale us-west=2` against.
        regions: () =>
            RAILWAY_REGIONS.map((r) => ({
                id: r,
                name: r,
                region: r,
                ...REGION_LABELS[r],
                workspaceId: null,
                deploymentConstraints: null,
            })),
    };
}
