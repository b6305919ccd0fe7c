/** Each service has its own name: Railway names services uniquely within a project. */
import { CrossFieldRule, issueAt, servicePath } from "./view";

export const uniqueServiceNamesRule: CrossFieldRule = (cfg) => {
    const seen = new Map<string, number>();
    const issues = [];
    for (const [i, svc] of cfg.services) {
        const first = seen.get(svc.name);
        if (first !== undefined)
            issues.push(
                issueAt(
                    servicePath(i, "name"),
                    `duplicates service '${svc.name}' (services[${first}])`,
                    "give each service a unique name",
                ),
            );
        else seen.set(svc.name, i);
    }
    return issues;
};
