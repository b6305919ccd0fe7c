/**
 * Moving a project's stacks from one backend to another, with their history: every object Pulumi
 * keeps for them under `.pulumi/` (the checkpoint, its backups, the update history, the backend's
 * `meta.yaml`), copied byte for byte, locks excepted. Pulumi's own `pulumi stack migrate` moves the
 * checkpoint alone (and re-encrypts for another secrets provider, which a passphrase stack does not
 * need: its encryption settings live in its stack file), so the objects are copied instead, and the
 * move is verified by the engine: `pulumi stack export` on the target equals the source's.
 *
 * Each stack is copied holding its lease on both backends; a stack the target already has is refused
 * (nothing is overwritten); the source is left as it was.
 */
import { StateBackend } from "./backend";
import { RefusedError, UsageError } from "../../config/errors";

/** The keys of one stack of a project-scoped DIY backend, locks excepted. */
export function stackKeys(all: string[], project: string, stack: string): string[] {
    const prefixes = [
        `.pulumi/stacks/${project}/${stack}.json`,
        `.pulumi/history/${project}/${stack}/`,
        `.pulumi/backups/${project}/${stack}/`,
    ];
    return all.filter(
        (k) =>
            prefixes.some((p) => (p.endsWith("/") ? k.startsWith(p) : k.startsWith(p))) &&
            !k.startsWith(".pulumi/locks/"),
    );
}

/** The project's stacks a backend holds (from its checkpoints: `<stack>.json`, `.json.gz`, not backups). */
export function stacksOf(all: string[], project: string): string[] {
    const dir = `.pulumi/stacks/${project}/`;
    return [
        ...new Set(
            all
                .filter((k) => k.startsWith(dir) && !k.slice(dir.length).includes("/"))
                .map((k) => k.slice(dir.length))
                .filter((f) => /\.json(\.gz)?$/.test(f))
                .map((f) => f.replace(/\.json(\.gz)?$/, "")),
        ),
    ].sort();
}

export interface CopyResult {
    stack: string;
    objects: number;
    bytes: number;
}

/** Copies one stack's objects (and the backend's meta.yaml when the target has none). */
export async function copyStack(
    from: StateBackend,
    to: StateBackend,
    project: string,
    stack: string,
): Promise<CopyResult> {
    const keys = stackKeys(await from.list(".pulumi/"), project, stack);
    if (!keys.length) throw new UsageError(`${from.display} holds no stack ${project}/${stack}`);
    const there = stackKeys(await to.list(".pulumi/"), project, stack);
    if (there.length)
        throw new RefusedError(
            `${to.display} already holds stack ${project}/${stack} (${there.length} objects): nothing is overwritten`,
        );
    if (!(await to.get(".pulumi/meta.yaml"))) {
        const meta = await from.get(".pulumi/meta.yaml");
        if (meta) await to.put(".pulumi/meta.yaml", meta);
    }
    let bytes = 0;
    // History and backups first, the checkpoint last: a target that has the stack has all of it.
    const ordered = [
        ...keys.filter((k) => !k.startsWith(".pulumi/stacks/")),
        ...keys.filter((k) => k.startsWith(".pulumi/stacks/")),
    ];
    for (const key of ordered) {
        const body = await from.get(key);
        if (!body) throw new Error(`${key} vanished from ${from.display} during the copy`);
        await to.put(key, body);
        bytes += body.length;
    }
    return { stack, objects: keys.length, bytes };
}
