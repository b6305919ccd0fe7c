/**
 * GitHub's REST contract, from GitHub's own OpenAPI description (npm `@octokit/openapi`, the
 * dereferenced api.github.com document), through openapi-backend: which operation a request is,
 * and whether GitHub would accept its path parameters, query and body. Loaded once per process
 * (about a second: the description is 70 MB).
 */
import { OpenAPIBackend, type Request as OpenApiRequest } from "openapi-backend";

let loading: Promise<OpenAPIBackend> | undefined;

/**
 * OpenAPI 3.0's `nullable: true` beside `oneOf`/`anyOf` and no `type` (GitHub's description has
 * it) is valid OpenAPI but Ajv refuses to compile it; the same meaning in JSON Schema is a `null`
 * alternative. Rewritten in place, once, before anything compiles.
 */
function nullableWithoutType(node: unknown): void {
    if (Array.isArray(node)) {
        node.forEach(nullableWithoutType);
        return;
    }
    if (typeof node !== "object" || node === null) return;
    const o = node as Record<string, unknown>;
    for (const v of Object.values(o)) nullableWithoutType(v);
    if (o.nullable === true && o.type === undefined) {
        delete o.nullable;
        const alternatives = (o.oneOf ?? o.anyOf) as unknown[] | undefined;
        if (alternatives) alternatives.push({ type: "null" });
        else {
            const rest = { ...o };
            for (const k of Object.keys(o)) if (k !== "description") delete o[k];
            o.anyOf = [rest, { type: "null" }];
        }
    }
}

/**
 * A path parameter described as `oneOf: [integer, string]` (a workflow's id or its file name) is
 * text in a URL, and a numeric segment matches both alternatives, which `oneOf` forbids: GitHub
 * takes either, so such a path parameter is checked as `anyOf`. Rewritten in place, once.
 */
function pathParametersAnyOf(paths: Record<string, Record<string, unknown>>): void {
    for (const item of Object.values(paths))
        for (const op of Object.values(item)) {
            const parameters = (op as { parameters?: { in?: string; schema?: Record<string, unknown> }[] })?.parameters;
            for (const p of parameters ?? [])
                if (p.in === "path" && p.schema?.oneOf) {
                    p.schema.anyOf = p.schema.oneOf;
                    delete p.schema.oneOf;
                }
        }
}

export function githubContract(): Promise<OpenAPIBackend> {
    loading ??= (async () => {
        const definition = require("@octokit/openapi/generated/api.github.com.deref.json");
        nullableWithoutType(definition.paths);
        pathParametersAnyOf(definition.paths);
        const api = new OpenAPIBackend({
            definition,
            quick: true, // GitHub's own document: no need to validate the validator's input
            strict: false,
            validate: true,
            ajvOpts: { strict: false, validateFormats: false, allErrors: true },
        });
        await api.init();
        return api;
    })();
    return loading;
}

export interface ContractVerdict {
    operationId?: string;
    /** Path parameters as the description names them. */
    params: Record<string, string>;
    /** What GitHub would object to, as its 422 `errors` would say; empty when valid. */
    errors: string[];
}

/**
 * Body fields github.com accepts that its description leaves out. Each is a known, cited gap, not
 * leniency: `can_admins_bypass` on environments works on github.com since 2023 (github/roadmap#654;
 * go-github#2725: "not yet documented in the api documentation. However it is functional") and the
 * GitHub provider sends it on every environment write.
 */
const UNDOCUMENTED_BODY_FIELDS: Record<string, string[]> = {
    "repos/create-or-update-environment": ["can_admins_bypass"],
};

/** Matches and validates one request. `path` is relative to the API root (no `/api/v3`). */
export async function checkRequest(req: {
    method: string;
    path: string;
    query: Record<string, string | string[]>;
    headers: Record<string, string>;
    body: unknown;
}): Promise<ContractVerdict> {
    const api = await githubContract();
    const request: OpenApiRequest = {
        method: req.method.toLowerCase(),
        path: req.path,
        query: req.query,
        headers: req.headers,
        body: req.body,
    };
    const op = api.matchOperation(request);
    if (!op) return { params: {}, errors: [] };
    const parsed = api.router.parseRequest(request, op);
    const extra = UNDOCUMENTED_BODY_FIELDS[op.operationId ?? ""];
    if (extra && req.body && typeof req.body === "object") {
        const body = { ...(req.body as Record<string, unknown>) };
        for (const k of extra) if (typeof body[k] === "boolean") delete body[k];
        request.body = body;
    }
    const v = api.validateRequest(request, op);
    const errors = v.valid
        ? []
        : (v.errors ?? []).map(
              (e) =>
                  `${e.instancePath || "(request)"} ${e.message ?? "is invalid"}${e.params && "allowedValues" in e.params ? ` (${(e.params.allowedValues as unknown[]).join(", ")})` : ""}`,
          );
    return { operationId: op.operationId, params: (parsed.params ?? {}) as Record<string, string>, errors };
}
