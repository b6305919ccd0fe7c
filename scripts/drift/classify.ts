/**
 * What `pulumi refresh --preview-only` found, resource by resource: changed out of band (with the
 * property paths) or deleted out of band.
 *
 * The digest alone under-reports: a drifted resource whose provider gives no detailed diff (every
 * Railway resource: ours is a dynamic provider) keeps the op `refresh` in the digest and is only
 * counted in `changeSummary`. The event log's outputs events carry each resource's own verdict and
 * both states, so the paths come from comparing them. Without the event log the report still
 * counts those resources, as "not identified", and never calls the stack clean.
 */
import { EngineEvent, nameOfUrn, PreviewDigest, resourceOutcomes, typeOfUrn } from "../engine/output";
import { changedPaths, isSecretValue } from "../pr-comment/paths";
import { projectAndStack } from "../pr-comment/report";

export interface DriftedResource {
    urn: string;
    type: string;
    name: string;
    kind: "changed" | "deleted";
    /** Changed property paths (never values); empty when unknown. */
    paths: string[];
}

export interface RefreshVerdict {
    project?: string;
    stack?: string;
    drifted: DriftedResource[];
    /** Resources the engine counted as drifted that neither the digest nor the event log named. */
    unidentified: number;
    /** Resources the refresh looked at. */
    checked: number;
}

const isComponentOrStack = (type: string) =>
    type === "pulumi:pulumi:Stack" ||
    type.startsWith("pulumi:providers:") ||
    (!type.includes("/") && type.split(":").length === 3 && type.startsWith("ainative:"));

/**
 * When the engine says a resource changed and no visible property did, the change is in a secret
 * one (a Railway variable set's secret half: a value changed, or a variable added by hand, which
 * reads back as secret). Its values cannot be compared, but its name can be given.
 */
function secretPaths(
    before: Record<string, unknown> | undefined,
    after: Record<string, unknown> | undefined,
): string[] {
    const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
    return [...keys]
        .filter((k) => !k.startsWith("__") && (isSecretValue(before?.[k]) || isSecretValue(after?.[k])))
        .map((k) => `${k} (secret: values not compared)`);
}

export function classifyRefresh(digest: PreviewDigest, events?: EngineEvent[]): RefreshVerdict {
    const byUrn = new Map<string, DriftedResource>();
    const add = (d: DriftedResource) => {
        if (isComponentOrStack(d.type)) return;
        const had = byUrn.get(d.urn);
        byUrn.set(d.urn, had ? { ...had, paths: had.paths.length ? had.paths : d.paths } : d);
    };
    for (const s of digest.steps ?? []) {
        const type = s.oldState?.type ?? s.newState?.type ?? typeOfUrn(s.urn);
        if (s.op === "delete") add({ urn: s.urn, type, name: nameOfUrn(s.urn), kind: "deleted", paths: [] });
        else if (s.op === "update")
            add({
                urn: s.urn,
                type,
                name: nameOfUrn(s.urn),
                kind: "changed",
                paths: Object.keys(s.detailedDiff ?? {}).length ? Object.keys(s.detailedDiff!) : (s.diffReasons ?? []),
            });
    }
    for (const o of resourceOutcomes(events ?? [])) {
        if (o.op === "delete") add({ urn: o.urn, type: o.type, name: o.name, kind: "deleted", paths: [] });
        else if (o.op === "update") {
            const found =
                o.detailedDiff && Object.keys(o.detailedDiff).length
                    ? Object.keys(o.detailedDiff)
                    : o.diffs.length
                      ? o.diffs
                      : changedPaths(o.old?.outputs, o.new?.outputs);
            const paths = found.length ? found : secretPaths(o.old?.outputs, o.new?.outputs);
            add({ urn: o.urn, type: o.type, name: o.name, kind: "changed", paths });
        }
    }
    const drifted = [...byUrn.values()];
    const summary = digest.changeSummary ?? {};
    const counted = (summary.update ?? 0) + (summary.delete ?? 0);
    const firstUrn = digest.steps?.[0]?.urn;
    const named = firstUrn ? projectAndStack(firstUrn) : undefined;
    return {
        project: named?.project,
        stack: named?.stack,
        drifted: drifted.sort((a, b) => a.urn.localeCompare(b.urn)),
        unidentified: Math.max(0, counted - drifted.length),
        checked: digest.steps?.length ?? 0,
    };
}
