/**
 * The one way providers talk to Railway: an operation name from {@link DOCUMENTS}, its variables,
 * and the API URL the resource was declared with. The client, and so the token, is made at call
 * time; nothing here holds a credential, so the serialized provider code carries none.
 */
import { RailwayClient, RailwayApiError } from "./client";
import { DOCUMENTS, OperationName, isMutation } from "./documents";

export function gql<T = Record<string, any>>(apiUrl: string | undefined, op: OperationName, variables: Record<string, unknown>): Promise<T> {
    const client = new RailwayClient({
        apiUrl,
        onRetry: ({ operation, attempt, delayMs, reason }) =>
            // Progress for long retries; the engine shows provider stderr in its diagnostics.
            process.stderr.write(`railway: ${operation} attempt ${attempt} failed (${reason}); retrying in ${Math.round(delayMs)} ms\n`),
    });
    return client.request<T>(op, DOCUMENTS[op], variables, isMutation(op));
}

/** Whether an error means the object is gone on Railway (so `read` reports it deleted). */
export function isNotFound(e: unknown): boolean {
    return e instanceof RailwayApiError && e.isNotFound;
}

/**
 * Runs a delete, treating "not found" as done: the object was already removed out of band, and
 * `pulumi destroy` should converge rather than fail.
 */
export async function deleteIfExists(apiUrl: string | undefined, op: OperationName, variables: Record<string, unknown>): Promise<void> {
    try {
        await gql(apiUrl, op, variables);
    } catch (e) {
        if (!isNotFound(e)) throw e;
    }
}

/** Splits a composite import ID, with a message saying the expected format when it does not fit. */
export function splitId(id: string, parts: string[], resource: string): string[] {
    const values = id.split(":");
    if (values.length !== parts.length || values.some((v) => v === "")) {
        throw new Error(`invalid ${resource} ID '${id}': expected ${parts.map((p) => `<${p}>`).join(":")}`);
    }
    return values;
}

/** Keys whose values differ between two plain records (shallow, JSON equality). */
export function changedKeys<T extends object>(olds: T, news: T, keys: readonly string[]): string[] {
    const o = olds as Record<string, unknown>;
    const n = news as Record<string, unknown>;
    return keys.filter((k) => JSON.stringify(o[k] ?? null) !== JSON.stringify(n[k] ?? null));
}
