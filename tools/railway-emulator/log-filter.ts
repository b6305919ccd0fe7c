/**
 * Railway's log filter syntax, as its dashboard and CLI write it (docs: "Filtering logs"): words and
 * "quoted phrases" match the message (case-insensitive), `@key:value` matches an attribute or tag
 * (`@level:error`, `@deployment:<id>`, `@snapshot:<id>`, `@replica:<id>`, `@service:<id>`), `-term`
 * negates, `AND` (or two terms side by side) and `OR` combine them, parentheses group. The CLI scopes
 * a build's logs with `(@snapshot:<id> OR @replica:<id>)`. Anything it cannot parse is an error that
 * names the filter, never a filter that matches everything.
 */
import { badInput } from "./model";

export interface FilterableLog {
    message: string;
    /** Attributes and tags by name (`level`, `deployment`, `snapshot`, `replica`, `service`...). */
    fields: Record<string, string | undefined>;
}

type Node =
    | { kind: "text"; value: string }
    | { kind: "field"; key: string; value: string }
    | { kind: "not"; node: Node }
    | { kind: "and" | "or"; nodes: Node[] };

const TOKEN = /\s*(\(|\)|"(?:[^"\\]|\\.)*"|[^\s()]+)/y;

function tokenize(filter: string): string[] {
    const tokens: string[] = [];
    TOKEN.lastIndex = 0;
    let m: RegExpExecArray | null;
    while (TOKEN.lastIndex < filter.length && (m = TOKEN.exec(filter))) tokens.push(m[1]);
    if (filter.slice(TOKEN.lastIndex).trim())
        throw badInput(`Invalid log filter: ${JSON.stringify(filter.slice(0, 100))}`);
    return tokens;
}

/** Parses a filter; an empty one is undefined (it matches every log). */
export function parseLogFilter(filter: string | null | undefined): Node | undefined {
    if (!filter?.trim()) return undefined;
    const tokens = tokenize(filter);
    let i = 0;
    const fail = (why: string): never => {
        throw badInput(`Invalid log filter ${JSON.stringify(filter.slice(0, 100))}: ${why}`);
    };
    const term = (): Node => {
        const t = tokens[i++];
        if (t === undefined) return fail("it ends where a term was expected");
        if (t === "(") {
            const inner = or();
            if (tokens[i++] !== ")") fail("a parenthesis is not closed");
            return inner;
        }
        if (t === ")" || t === "AND" || t === "OR") return fail(`'${t}' where a term was expected`);
        if (t.startsWith("-") && t.length > 1) {
            tokens[--i] = t.slice(1);
            return { kind: "not", node: term() };
        }
        if (t.startsWith('"')) return { kind: "text", value: JSON.parse(t) as string };
        const field = /^@([A-Za-z_][\w.]*):(.+)$/.exec(t);
        if (field) return { kind: "field", key: field[1], value: field[2].replace(/^"(.*)"$/, "$1") };
        return { kind: "text", value: t };
    };
    const and = (): Node => {
        const nodes = [term()];
        while (i < tokens.length && tokens[i] !== ")" && tokens[i] !== "OR") {
            if (tokens[i] === "AND") i++;
            nodes.push(term());
        }
        return nodes.length === 1 ? nodes[0] : { kind: "and", nodes };
    };
    const or = (): Node => {
        const nodes = [and()];
        while (tokens[i] === "OR") {
            i++;
            nodes.push(and());
        }
        return nodes.length === 1 ? nodes[0] : { kind: "or", nodes };
    };
    const tree = or();
    if (i < tokens.length) fail(`unexpected '${tokens[i]}'`);
    return tree;
}

export function matchesLogFilter(node: Node | undefined, log: FilterableLog): boolean {
    if (!node) return true;
    switch (node.kind) {
        case "text":
            return log.message.toLowerCase().includes(node.value.toLowerCase());
        case "field":
            return (log.fields[node.key] ?? "").toLowerCase() === node.value.toLowerCase();
        case "not":
            return !matchesLogFilter(node.node, log);
        case "and":
            return node.nodes.every((n) => matchesLogFilter(n, log));
        case "or":
            return node.nodes.some((n) => matchesLogFilter(n, log));
    }
}

/** The `@key:value` values a filter names for `key` anywhere in it (the snapshots a build-log query asks for). */
export function fieldValues(node: Node | undefined, key: string): string[] {
    if (!node) return [];
    switch (node.kind) {
        case "field":
            return node.key === key ? [node.value] : [];
        case "not":
            return [];
        case "and":
        case "or":
            return node.nodes.flatMap((n) => fieldValues(n, key));
        default:
            return [];
    }
}
