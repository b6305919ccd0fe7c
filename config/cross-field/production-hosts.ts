/** A staging stack serves no production hostname (nor a subdomain of one). */
import { CrossFieldRule, issueAt, servicePath } from "./view";

export const productionHostsRule: CrossFieldRule = (cfg) => {
    if (cfg.environment !== "staging") return [];
    return cfg.services.flatMap(([i, svc]) =>
        (svc.domains?.custom ?? []).flatMap((domain, j) =>
            cfg.productionHosts.some((p) => domain === p || domain.endsWith(`.${p}`))
                ? [
                      issueAt(
                          servicePath(i, "domains", "custom", j),
                          "is a production hostname on staging",
                          "use a staging hostname",
                      ),
                  ]
                : [],
        ),
    );
};
