/**
 * Relay connections as Railway serves them: opaque cursors, `first`/`after` honoured, pages capped
 * at a maximum size, and `hasNextPage` true whenever the page left items out. A client that reads
 * only the first page of a long list sees it is incomplete.
 */
import { GraphQLError } from "graphql";

export interface PageArgs {
    first?: number | null;
    after?: string | null;
}

const cursorOf = (id: string) => Buffer.from(`cursor:${id}`).toString("base64");

export function connection<T extends { id: string }>(items: T[], args: PageArgs, maxPageSize: number) {
    let start = 0;
    if (args.after) {
        const at = items.findIndex((i) => cursorOf(i.id) === args.after);
        if (at < 0) throw new GraphQLError("Invalid cursor", { extensions: { code: "BAD_USER_INPUT" } });
        start = at + 1;
    }
    if (args.first !== undefined && args.first !== null && args.first < 0)
        throw new GraphQLError("first must be non-negative", { extensions: { code: "BAD_USER_INPUT" } });
    const size = Math.min(args.first ?? maxPageSize, maxPageSize);
    const page = items.slice(start, start + size);
    return {
        edges: page.map((node) => ({ node, cursor: cursorOf(node.id) })),
        pageInfo: {
            hasNextPage: start + page.length < items.length,
            hasPreviousPage: start > 0,
            startCursor: page.length ? cursorOf(page[0].id) : null,
            endCursor: page.length ? cursorOf(page[page.length - 1].id) : null,
        },
    };
}
