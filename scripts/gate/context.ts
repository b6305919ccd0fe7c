/**
 * What `npm run gate` and `npm run rollback` need before they can act, from the stack file, flags
 * and environment: the validated stack config, the service, its base URL and its Railway ids.
 * Every problem is one message saying which flag, variable or key to set.
 */
import * as fs from "fs";
import * as path from "path";
import { formatIssue } from "../../config/issues";
import { missingStackFile, readStackFile } from "../../config/sources";
import type { ParsedStackConfig, ServiceConfig } from "../../config/stack.schema";
import { reportedIssues, validateStackConfig } from "../../config/validate";
import { RailwayTarget, resolveTarget } from "./deployments";
import { defaultStateFile } from "./state";
import { UsageError } from "../../config/errors";

export interface GateContext {
    stack: string;
    config: ParsedStackConfig;
    service: ServiceConfig;
    stateFile: string;
    projectId: string;
    apiUrl?: string;
}

/** The gate's context cannot be built from what was given (no project ID, an unknown stack): a usage error. */
export class ContextError extends UsageError {}

/** A stack's validated config and where its Railway project is. */
export function stackContext(
    flags: { stack: string; projectId?: string },
    cwd: string,
    env: NodeJS.ProcessEnv,
): { stack: string; config: ParsedStackConfig; projectId: string; apiUrl?: string } {
    const file = path.join(cwd, `Pulumi.${flags.stack}.yaml`);
    if (!fs.existsSync(file)) throw new ContextError(missingStackFile(file));
    const source = readStackFile(file, flags.stack);
    const result = validateStackConfig(source.raw);
    const issues = reportedIssues(source.issues, result);
    if (issues.length || !result.ok)
        throw new ContextError(
            `the stack's config is invalid:\n${issues.map((i) => formatIssue(flags.stack, i)).join("\n")}`,
        );
    const config = result.config;
    const projectId = flags.projectId ?? env.RAILWAY_PROJECT_ID ?? config.railway.projectId;
    if (!projectId)
        throw new ContextError(
            "the Railway project id is unknown: pass --project-id, set RAILWAY_PROJECT_ID (the stack output railwayProjectId), or set railway.projectId in the stack file",
        );
    return { stack: flags.stack, config, projectId, apiUrl: config.railway.apiUrl ?? env.RAILWAY_API_URL };
}

export function gateContext(
    flags: { stack: string; service: string; projectId?: string; state?: string },
    cwd: string,
    env: NodeJS.ProcessEnv,
): GateContext {
    const base = stackContext(flags, cwd, env);
    const service = base.config.railway.services.find((s) => s.name === flags.service);
    if (!service)
        throw new ContextError(
            `stack '${flags.stack}' has no service '${flags.service}' (services: ${base.config.railway.services.map((s) => s.name).join(", ")})`,
        );
    return {
        ...base,
        service,
        stateFile: flags.state ? path.resolve(cwd, flags.state) : defaultStateFile(cwd, flags.stack, flags.service),
    };
}

/** The base URL to probe: --url, else the stack's gate.baseUrls entry, else the service's first custom domain. */
export function baseUrlOf(ctx: GateContext, url?: string): string {
    if (url) return url;
    const configured = ctx.config.gate.baseUrls?.[ctx.service.name];
    if (configured) return configured;
    const domain = ctx.service.domains?.custom[0];
    if (!domain)
        throw new ContextError(
            `service '${ctx.service.name}' has no custom domain in the stack file: pass --url <base url> (for example the stack output urls.${ctx.service.name}[0])`,
        );
    return `https://${domain}`;
}

/** The service's Railway ids, looked up by name in the project. */
export async function railwayTargetOf(ctx: GateContext, env: NodeJS.ProcessEnv): Promise<RailwayTarget> {
    return resolveTarget(ctx.apiUrl, ctx.projectId, ctx.config.railway.environment, ctx.service.name, env);
}
