/**
 * Rotating the pipeline's Railway project token of one stack, so that both tokens are valid during
 * the switch and the old one stops working only once the new one is proven:
 * 1. `projectTokenCreate` for the stack's project and environment (its name says whose it is:
 *    `pipeline-<stack>-<when>`);
 * 2. the new token set as the stack's secret config (`secrets.deploy.railwayProjectToken`) and applied
 *    with `pulumi up --target` on the one GitHub environment secret the stack keeps it in
 *    (`RAILWAY_TOKEN` of `drift-<stack>`), nothing else;
 * 3. a call with the new token (`projectToken`, as `Project-Access-Token`) that must name the
 *    stack's own project and environment;
 * 4. `projectTokenDelete` of the stack's earlier pipeline tokens.
 * A failure before 4 undoes what was done (the previous config and GitHub secret back, the new token
 * deleted): the old token never stopped working. Values pass through the CLI's standard input, never
 * an argument, never printed.
 */
import { isRailwayApiError } from "../../providers/railway/client";
import type { OperationName } from "../../providers/railway/documents";
import { parseDigest } from "../engine/output";
import type { PulumiRun, RunPulumi } from "../engine/engine";
import { whyFailed } from "../engine/why-failed";

/** Railway calls: with the account/workspace token, or (`projectToken`) as that project token. */
export type RailwayCall = (
    op: OperationName,
    variables: Record<string, unknown>,
    projectToken?: string,
) => Promise<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any -- each operation's own result

export interface TokenRotationDeps {
    pulumi: RunPulumi;
    railway: RailwayCall;
    progress: (line: string) => void;
    now: () => Date;
    /**
     * Writes a token as the newest version of the stack's Vault backup, or says why it could not
     * (undefined: written, or no backup): the new one before the stack stores it, the previous one
     * again when the rotation is undone.
     */
    backup?: (token: string) => Promise<string | undefined>;
}

/** The pipeline token's name in the stack's Vault backup (scripts/vault/stack-secrets.ts). */
export const VAULT_SECRET = { name: "_deploy.railwayProjectToken", path: "_deploy/railwayProjectToken" } as const;

export type TokenOutcome =
    | { stack: string; result: "rotated"; tokenName: string; leftOver: string[] }
    | { stack: string; result: "undone"; reason: string }
    | { stack: string; result: "could not decide"; reason: string };

const CONFIG_PATH = "secrets.deploy.railwayProjectToken";
const SECRET_TYPE = "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret";

/** The names this tool gives a stack's pipeline tokens: only these are ever deleted. */
export const pipelineTokenPrefix = (stack: string) => `pipeline-${stack}-`;

/** Why a run failed, with the tokens cut out. */
const tail = (r: PulumiRun, values: string[]) => whyFailed(r, { lines: 12, values });

class Stop extends Error {}

/** An error's message, bounded, with every token of the rotation cut out. */
const cut = (e: unknown, secrets: string[]) =>
    secrets
        .filter((v) => v.length > 0)
        .reduce((m, v) => m.split(v).join("[secret]"), String((e as Error)?.message ?? e))
        .slice(0, 300);

type Token = { id: string; name: string; environmentId: string };

async function tokensOf(deps: TokenRotationDeps, projectId: string): Promise<Token[]> {
    const out: Token[] = [];
    let after: string | null = null;
    for (let i = 0; i < 100; i++) {
        const page: { edges: { node: Token }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } = (
            await deps.railway("ProjectTokens", { projectId, after })
        ).projectTokens;
        for (const e of page.edges) out.push(e.node as Token);
        if (!page.pageInfo.hasNextPage) return out;
        after = page.pageInfo.endCursor;
    }
    throw new Stop("Railway listed more than 100 pages of project tokens");
}

export async function rotateProjectToken(stack: string, deps: TokenRotationDeps): Promise<TokenOutcome> {
    const on = ["--stack", stack];
    const secrets: string[] = [];
    const pulumi = async (args: string[], input?: string) => deps.pulumi([...args, ...on], { input });
    try {
        // Where: the stack's own project and environment, as its last `up` recorded them.
        const outputs = await pulumi(["stack", "output", "--json"]);
        let ids: { railwayProjectId?: unknown; railwayEnvironmentId?: unknown } = {};
        try {
            ids = JSON.parse(outputs.stdout);
        } catch {
            /* reported below */
        }
        const projectId = typeof ids.railwayProjectId === "string" ? ids.railwayProjectId : undefined;
        const environmentId = typeof ids.railwayEnvironmentId === "string" ? ids.railwayEnvironmentId : undefined;
        if (outputs.code !== 0 || !projectId || !environmentId)
            throw new Stop(
                `the stack's outputs name no Railway project and environment (railwayProjectId, railwayEnvironmentId): run pulumi up --stack ${stack} first`,
            );

        const current = await pulumi(["config", "get", "--path", CONFIG_PATH]);
        const previous = current.code === 0 ? current.stdout.replace(/\n$/, "") : undefined;
        if (previous) secrets.push(previous);
        const ours = (await tokensOf(deps, projectId)).filter(
            (t) => t.environmentId === environmentId && t.name.startsWith(pipelineTokenPrefix(stack)),
        );

        const tokenName = `${pipelineTokenPrefix(stack)}${deps
            .now()
            .toISOString()
            .replace(/[-:]|\.\d+Z$/g, "")}`;
        /**
         * Deletes the new token, found by its name (a lost answer or a failed list leaves no id to
         * go by); one that could not be deleted is named, never left valid without a word.
         */
        const removeNew = async (): Promise<string | undefined> => {
            try {
                for (const t of (await tokensOf(deps, projectId)).filter((x) => x.name === tokenName))
                    await deps.railway("ProjectTokenDelete", { id: t.id });
                return undefined;
            } catch (e) {
                return `project token ${tokenName} may be left on Railway (${cut(e, secrets)}): delete it in the project's settings (Tokens), or the next rotation of ${stack} does`;
            }
        };
        const apply = async (): Promise<PulumiRun | string> => {
            const preview = await pulumi(["preview", "--json", "--non-interactive", "--color", "never"]);
            let urn: string | undefined;
            try {
                urn = parseDigest(preview.stdout).steps?.find(
                    (s) => s.urn.includes(`$${SECRET_TYPE}::`) && s.urn.endsWith(`-drift-${stack}-RAILWAY_TOKEN`),
                )?.urn;
            } catch {
                /* no digest: reported below */
            }
            if (!urn)
                return `the stack keeps no RAILWAY_TOKEN secret of GitHub environment drift-${stack} (is its github integration on?):\n${tail(preview, secrets)}`;
            return pulumi(["up", "--yes", "--skip-preview", "--non-interactive", "--color", "never", "--target", urn]);
        };
        const failed = (r: PulumiRun | string) => (typeof r === "string" ? r : r.code !== 0 ? tail(r, secrets) : "");
        /** The previous token back in the config and GitHub, the new one deleted: what failed of that, or "". */
        const restore = async (): Promise<string> => {
            let back: string;
            try {
                const put = previous
                    ? await pulumi(["config", "set", "--secret", "--path", CONFIG_PATH], previous)
                    : await pulumi(["config", "rm", "--path", CONFIG_PATH]);
                back = put.code === 0 ? failed(await apply()) : tail(put, secrets);
                // Vault's newest is the token that runs again.
                const vault = previous ? await deps.backup?.(previous) : undefined;
                if (vault)
                    back = [back, `Vault still holds the new token as its newest: ${cut(vault, secrets)}`]
                        .filter(Boolean)
                        .join("\n");
            } catch (e) {
                back = cut(e, secrets);
            }
            const left = await removeNew();
            return [back && `run pulumi up --stack ${stack}:\n${back}`, left].filter(Boolean).join("\n");
        };

        // 1. The new token.
        deps.progress(`railway:rotate-token: ${stack}: creating project token ${tokenName}`);
        let token: string;
        try {
            token = (await deps.railway("ProjectTokenCreate", { input: { projectId, environmentId, name: tokenName } }))
                .projectTokenCreate as string;
        } catch (e) {
            // A lost answer may still have made it, and its value is shown only once: remove it.
            const left = await removeNew();
            throw new Stop(`projectTokenCreate failed; ${left ?? "nothing changed"}: ${cut(e, secrets)}`);
        }
        secrets.push(token);

        const switchTo = async (): Promise<TokenOutcome> => {
            // 2. Through the stack to GitHub.
            deps.progress(
                `railway:rotate-token: ${stack}: storing it in the stack and GitHub (drift-${stack}/RAILWAY_TOKEN)`,
            );
            // Vault first (a stack with a backup): a token the pipeline runs but no backup holds is the loss it is for.
            const backedUp = await deps.backup?.(token);
            if (backedUp) {
                const left = await removeNew();
                throw new Stop(
                    `the new token could not be written to Vault first; ${left ?? "the new token was deleted"}: ${cut(backedUp, secrets)}`,
                );
            }
            const set = await pulumi(["config", "set", "--secret", "--path", CONFIG_PATH], token);
            if (set.code !== 0) {
                if (previous) await deps.backup?.(previous);
                const left = await removeNew();
                throw new Stop(
                    `pulumi config set failed; ${left ?? "the new token was deleted"}:\n${tail(set, secrets)}`,
                );
            }
            const applied = failed(await apply());
            if (applied) {
                const back = await restore();
                return {
                    stack,
                    result: "undone",
                    reason: `applying the new token failed:\n${applied}${back ? `\nand undoing it did not finish:\n${back}` : ""}`,
                };
            }

            // 3. Proven with a call of its own.
            deps.progress(`railway:rotate-token: ${stack}: verifying the new token`);
            let problem: string | undefined;
            try {
                const scope = (await deps.railway("ProjectTokenScope", {}, token)).projectToken;
                if (scope.projectId !== projectId || scope.environmentId !== environmentId)
                    problem = `it reaches project ${scope.projectId} environment ${scope.environmentId}, not the stack's ${projectId} ${environmentId}`;
            } catch (e) {
                problem = cut(e, secrets);
            }
            if (problem) {
                const back = await restore();
                return {
                    stack,
                    result: "undone",
                    reason: `the new token did not verify (${problem}); the previous one is back${back ? `, except:\n${back}` : ""}`,
                };
            }

            // 4. Only now the old ones go.
            const leftOver: string[] = [];
            for (const old of ours) {
                try {
                    await deps.railway("ProjectTokenDelete", { id: old.id });
                } catch (e) {
                    leftOver.push(`${old.name} (${old.id}): ${cut(e, secrets)}`);
                }
            }
            const day = deps.now().toISOString().slice(0, 10);
            const recorded = await pulumi(["config", "set", "--path", "rotations.pipeline.RAILWAY_TOKEN", day]);
            if (recorded.code !== 0)
                deps.progress(`railway:rotate-token: ${stack}: rotated, but the date was not recorded`);
            return { stack, result: "rotated", tokenName, leftOver };
        };
        try {
            return await switchTo();
        } catch (e) {
            if (e instanceof Stop) throw e;
            // A failure nobody foresaw after the create (a runner error, Railway gone): the previous
            // token back and the new one deleted, or what is left said by name.
            const back = await restore();
            return {
                stack,
                result: "could not decide",
                reason: `the rotation failed after the new token was made (${cut(e, secrets)}); ${back || "the previous token is back and the new one deleted"}`,
            };
        }
    } catch (e) {
        if (e instanceof Stop) return { stack, result: "could not decide", reason: e.message };
        // Railway failing before the create: nothing was changed.
        if (isRailwayApiError(e))
            return { stack, result: "could not decide", reason: `nothing changed: ${cut(e, secrets)}` };
        throw e;
    }
}
