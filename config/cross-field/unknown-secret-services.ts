/** Every service named under secrets.services is a service of the stack. */
import { unknownKeyFix } from "../suggest";
import { CrossFieldRule, issueAt } from "./view";

export const unknownSecretServicesRule: CrossFieldRule = (cfg) => {
    // While a service entry does not parse, its name may be the one named here: nothing is said.
    if (!cfg.allServicesParsed) return [];
    const names = new Set(cfg.services.map(([, svc]) => svc.name));
    return Object.keys(cfg.secrets.services)
        .filter((name) => !names.has(name))
        .map((name) =>
            issueAt(
                ["secrets", "services", name],
                `names no service in railway.services`,
                unknownKeyFix(name, names, "remove it or fix the service name"),
            ),
        );
};
