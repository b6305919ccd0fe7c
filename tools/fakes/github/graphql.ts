/**
 * GitHub's GraphQL API as far as branch protection rules go, executed with graphql-js against
 * GitHub's published schema (npm `@octokit/graphql-schema`): a document GitHub would refuse (an
 * unknown field, a wrong input type, a missing required argument) is refused here the same way,
 * with HTTP 200 and `errors`. What is not found is GitHub's NOT_FOUND error ("Could not resolve to
 * a node with the global id of …"), never a bare null: the GitHub provider relies on that.
 */
import * as fs from "fs";
import * as path from "path";
import {
    buildClientSchema,
    defaultFieldResolver,
    execute,
    GraphQLFieldResolver,
    GraphQLError,
    GraphQLSchema,
    OverlappingFieldsCanBeMergedRule,
    parse,
    specifiedRules,
    validate,
    type DocumentNode,
    type OperationDefinitionNode,
} from "graphql";
import type { FakeGitHub } from "./server";
import { ISSUE_MUTATIONS, issueMutations } from "./graphql-mutations";
import {
    issueNode,
    notFound,
    pullRequestNode,
    repositoryNode,
    ruleNode,
    searchIssues,
    userNode,
} from "./graphql-nodes";
import type { FakeRepo, FakeRule, FakeUser } from "./state";

const NODE_MODULES = path.resolve(__dirname, "..", "..", "..", "node_modules");
let schema: GraphQLSchema | undefined;
function githubSchema(): GraphQLSchema {
    // The introspection result, not the SDL: the published SDL defines two fields twice, which
    // graphql-js rightly refuses; the introspection is what GitHub's server itself answers. (The
    // package exports only an ES module entry, so the file is read from the package's folder.)
    // Read and built once per process: the file is 5 MB.
    if (schema) return schema;
    const introspection = JSON.parse(
        fs.readFileSync(path.join(NODE_MODULES, "@octokit", "graphql-schema", "schema.json"), "utf8"),
    );
    schema = buildClientSchema(introspection.data ?? introspection);
    return schema;
}

const IDS = new Set(["repositoryId", "branchProtectionRuleId", "clientMutationId", "pattern", "requiredStatusChecks"]);

function settingsFrom(input: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input)) if (!IDS.has(k) && v !== undefined) out[k] = v;
    // GitHub derives the contexts from the checks when only those are given.
    if (Array.isArray(input.requiredStatusChecks) && !("requiredStatusCheckContexts" in input))
        out.requiredStatusCheckContexts = (input.requiredStatusChecks as { context: string }[]).map((c) => c.context);
    return out;
}

function findRule(gh: FakeGitHub, id: unknown): { repo: FakeRepo; rule: FakeRule } | undefined {
    for (const repo of gh.repos.values()) {
        const rule = repo.rules.find((r) => r.id === id);
        if (rule) return { repo, rule };
    }
    return undefined;
}

function root(gh: FakeGitHub, user: FakeUser) {
    return {
        ...issueMutations(gh, user),
        node: ({ id }: { id: string }) => {
            const found = findRule(gh, id);
            if (found) return ruleNode(gh, found.repo, found.rule);
            const repo = [...gh.repos.values()].find((r) => r.nodeId === id);
            if (repo) return repositoryNode(gh, repo);
            for (const r of gh.repos.values())
                for (const i of r.issues)
                    if (`${i.pull_request ? "PR" : "I"}_${r.id}_${i.number}` === id)
                        return i.pull_request ? pullRequestNode(gh, r, i) : issueNode(gh, r, i);
            throw notFound(`Could not resolve to a node with the global id of '${id}'`);
        },
        repository: ({ owner, name }: { owner: string; name: string }) => {
            const repo = gh.findRepo({ owner, repo: name });
            if (!repo) throw notFound(`Could not resolve to a Repository with the name '${owner}/${name}'.`);
            return repositoryNode(gh, repo);
        },
        viewer: () => userNode(gh, user),
        search: (args: { query: string; type: string; first?: number; last?: number }) => searchIssues(gh, user, args),
        createBranchProtectionRule: ({ input }: { input: Record<string, any> }) => {
            const repo = [...gh.repos.values()].find((r) => r.nodeId === input.repositoryId);
            if (!repo) throw notFound(`Could not resolve to a node with the global id of '${input.repositoryId}'`);
            if (repo.rules.some((r) => r.pattern === input.pattern))
                throw new GraphQLError(`Name already protected: ${input.pattern}`, {
                    extensions: { type: "UNPROCESSABLE" },
                });
            const rule: FakeRule = {
                id: `BPR_kwDO${gh.newId()}`,
                pattern: input.pattern,
                settings: settingsFrom(input),
            };
            repo.rules.push(rule);
            return { clientMutationId: input.clientMutationId ?? null, branchProtectionRule: ruleNode(gh, repo, rule) };
        },
        updateBranchProtectionRule: ({ input }: { input: Record<string, any> }) => {
            const found = findRule(gh, input.branchProtectionRuleId);
            if (!found)
                throw notFound(`Could not resolve to a node with the global id of '${input.branchProtectionRuleId}'`);
            if (typeof input.pattern === "string") found.rule.pattern = input.pattern;
            Object.assign(found.rule.settings, settingsFrom(input));
            return {
                clientMutationId: input.clientMutationId ?? null,
                branchProtectionRule: ruleNode(gh, found.repo, found.rule),
            };
        },
        deleteBranchProtectionRule: ({ input }: { input: Record<string, any> }) => {
            const found = findRule(gh, input.branchProtectionRuleId);
            if (!found)
                throw notFound(`Could not resolve to a node with the global id of '${input.branchProtectionRuleId}'`);
            found.repo.rules = found.repo.rules.filter((r) => r !== found.rule);
            return { clientMutationId: input.clientMutationId ?? null };
        },
    };
}

/**
 * The specification's validation rules but one: GitHub's server (graphql-ruby) does not enforce
 * that same-named fields in sibling fragments share nullability, and the GitHub provider relies on
 * it (`... on Team { name }` is String!, `... on User { name }` is String). Refusing that would
 * make this fake stricter than GitHub, failing a provider that works against it.
 */
const RULES = specifiedRules.filter((r) => r !== OverlappingFieldsCanBeMergedRule);

const MODELLED = new Set([
    "node",
    "repository",
    "viewer",
    "search",
    "createBranchProtectionRule",
    "updateBranchProtectionRule",
    "deleteBranchProtectionRule",
    ...ISSUE_MUTATIONS,
]);

/**
 * graphql-js's own resolver, except that a field the fake's object does not carry is an error that
 * names it: never a null that a client takes for GitHub's answer (or that breaks a non-null field
 * with a message about GitHub's schema).
 */
const strictFieldResolver: GraphQLFieldResolver<unknown, unknown> = (source, args, context, info) => {
    if (source && typeof source === "object" && !(info.fieldName in source) && info.fieldName !== "__typename")
        throw new GraphQLError(`the fake GitHub does not model ${info.parentType.name}.${info.fieldName}`);
    return defaultFieldResolver(source, args, context, info);
};

/** GitHub's error objects: the message, where, and GitHub's `type`. */
function errorJson(e: GraphQLError) {
    return {
        message: e.message,
        locations: e.locations,
        path: e.path,
        ...(e.extensions?.type ? { type: e.extensions.type } : {}),
    };
}

export async function answerGraphql(
    gh: FakeGitHub,
    body: unknown,
    user: FakeUser,
): Promise<{ operation: string; body: unknown }> {
    const request = body as { query?: unknown; variables?: unknown } | undefined;
    if (typeof request?.query !== "string")
        return {
            operation: "invalid",
            body: { errors: [{ message: "A query attribute must be specified and must be a string." }] },
        };
    let doc: DocumentNode;
    try {
        doc = parse(request.query);
    } catch (e) {
        return { operation: "invalid", body: { errors: [errorJson(e as GraphQLError)] } };
    }
    const s = githubSchema();
    const invalid = validate(s, doc, RULES);
    if (invalid.length) return { operation: "invalid", body: { errors: invalid.map(errorJson) } };
    const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === "OperationDefinition");
    const fields = op?.selectionSet.selections.flatMap((sel) => (sel.kind === "Field" ? [sel.name.value] : [])) ?? [];
    // Introspection (__schema, __type, __typename) is answered from the schema itself, as GitHub does.
    const unmodelled = fields.filter((f) => !MODELLED.has(f) && !f.startsWith("__"));
    if (unmodelled.length)
        return {
            operation: fields.join(","),
            body: { errors: [{ message: `the fake GitHub does not model ${unmodelled.join(", ")}` }] },
        };
    const result = await execute({
        schema: s,
        document: doc,
        rootValue: root(gh, user),
        variableValues: (request.variables ?? {}) as Record<string, unknown>,
        fieldResolver: strictFieldResolver,
    });
    return {
        operation: fields.join(","),
        body: { data: result.data ?? null, ...(result.errors?.length ? { errors: result.errors.map(errorJson) } : {}) },
    };
}
