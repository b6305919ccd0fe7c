/** What a service adopts (an existing volume, Railway domain or custom domain) is something it declares. */
import type { ConfigIssue } from "../issues";
import { CrossFieldRule, issueAt, servicePath } from "./view";

export const adoptedIdsRule: CrossFieldRule = (cfg) =>
    cfg.services.flatMap(([i, svc]) => {
        const issues: ConfigIssue[] = [];
        if (svc.adopt?.volume && !svc.volume)
            issues.push(
                issueAt(
                    servicePath(i, "adopt", "volume"),
                    "names a volume, but the service declares none",
                    "declare the volume (volume.mountPath), or remove adopt.volume",
                ),
            );
        if (svc.adopt?.serviceDomain && !svc.domains?.railway)
            issues.push(
                issueAt(
                    servicePath(i, "adopt", "serviceDomain"),
                    "names a Railway domain, but the service declares none",
                    "set domains.railway: true, or remove adopt.serviceDomain",
                ),
            );
        for (const host of Object.keys(svc.adopt?.customDomains ?? {}))
            if (!svc.domains?.custom.includes(host))
                issues.push(
                    issueAt(
                        servicePath(i, "adopt", "customDomains", host),
                        "is not one of the service's custom domains",
                        `add '${host}' to domains.custom, or remove it here`,
                    ),
                );
        return issues;
    });
