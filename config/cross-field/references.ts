import type { ConfigIssue } from "../issues";
import { RAILWAY_PROVIDED_VARIABLES } from "../railway-limits";
import type { ServiceConfig } from "../stack.schema";
import { unknownKeyFix } from "../suggest";
import { railwayReferences } from "../values";
import { configPath, CrossFieldRule } from "./view";

/**
 * Railway references in plain variables must name what exists: `${{service.VAR}}` a service of
 * this stack (exactly as named) and a variable it defines or Railway provides; `${{VAR}}` the same
 * service's; `shared` variables are not declared by this stack. A reference to a service whose
 * name is itself invalid is not reported again (its name error is).
 */
export const referencesRule: CrossFieldRule = (cfg) => {
    const issues: ConfigIssue[] = [];
    const byName = new Map(cfg.services.map(([, svc]) => [svc.name, svc]));
    const defined = (svc: ServiceConfig) => {
        const names = new Set([...Object.keys(svc.variables), ...svc.secrets, ...RAILWAY_PROVIDED_VARIABLES]);
        if (cfg.integrations.sentry && cfg.sections.sentry && svc.kind !== "datastore") names.add("SENTRY_DSN");
        return names;
    };
    for (const [i, svc] of cfg.services) {
        for (const [key, value] of Object.entries(svc.variables)) {
            const at = configPath(["railway", "services", i, "variables", key]);
            for (const ref of railwayReferences(value)) {
                if (ref.malformed) {
                    issues.push({
                        path: at,
                        problem: `has ${ref.raw.slice(0, 60)}, which is not a Railway reference`,
                        fix: "write ${{service.VARIABLE}} or ${{VARIABLE}}",
                    });
                    continue;
                }
                if (ref.namespace === "shared") {
                    issues.push({
                        path: at,
                        problem: `references shared variable ${ref.variable}, which this stack does not declare`,
                        fix: "declare the variable on the service instead",
                    });
                    continue;
                }
                const target = ref.namespace === undefined ? svc : byName.get(ref.namespace);
                if (!target && cfg.brokenNames.has(ref.namespace!)) continue;
                if (!target) {
                    issues.push({
                        path: at,
                        problem: `references service '${ref.namespace!.slice(0, 40)}', which is not a service of this stack`,
                        fix: unknownKeyFix(ref.namespace!, byName.keys(), "reference one of the stack's services"),
                    });
                    continue;
                }
                const names = defined(target);
                if (!names.has(ref.variable)) {
                    issues.push({
                        path: at,
                        problem: `references ${ref.variable} of service '${target.name}', which it does not define and Railway does not provide`,
                        fix: unknownKeyFix(
                            ref.variable,
                            names,
                            `define ${ref.variable} on '${target.name}', or reference one of its variables`,
                        ),
                    });
                }
            }
        }
    }
    return issues;
};
