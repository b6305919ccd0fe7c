/**
 * The environments a GraphQL request names as `environmentId`, whether written in the document or
 * passed as variables (at any depth, as in `input: { environmentId }`): the emulator refuses a write
 * into a duplicate whose copy is still being made, and this is how it knows which ones a write names.
 */
import { DocumentNode, Kind, ValueNode, visit } from "graphql";

const FIELD = "environmentId";

function fromVariables(value: unknown, into: Set<string>, depth = 0): void {
    if (depth > 32 || value === null || typeof value !== "object") return;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (k === FIELD && typeof v === "string") into.add(v);
        else fromVariables(v, into, depth + 1);
    }
}

export function environmentIdsOf(document: DocumentNode, variables: Record<string, unknown> = {}): Set<string> {
    const ids = new Set<string>();
    const literal = (node: { name: { value: string }; value: ValueNode }) => {
        if (node.name.value !== FIELD) return;
        if (node.value.kind === Kind.STRING) ids.add(node.value.value);
        else if (node.value.kind === Kind.VARIABLE) {
            const v = variables[node.value.name.value];
            if (typeof v === "string") ids.add(v);
        }
    };
    visit(document, { Argument: literal, ObjectField: literal });
    fromVariables(variables, ids);
    return ids;
}
