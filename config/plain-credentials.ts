/**
 * Credentials where nothing is secret: every string of a stack's configuration outside `secrets`
 * (commands, paths, URLs, smoke tests, base URLs...) is scanned, and a credential-shaped one is an
 * error, because Pulumi stores and shows plain settings in clear (state, plans, PR comments). A
 * smoke test's header or body field named like a secret (`password`, `x-api-key`, `authorization`)
 * must be an `${env:NAME}` reference, resolved by the gate at run time. Variables have their own
 * rules (the environment schema) and are not scanned again here.
 */
import type { ConfigIssue } from "./issues";
import { credentialShape, SECRET_NAME } from "./values";

/** The smoke-test reference form the gate resolves (docs/health-gate.md "Health gate and rollback"). */
const ENV_REFERENCE = /^\$\{env:[A-Za-z_][A-Za-z0-9_]*\}$/;

type Path = (string | number)[];

function isVariablesOfAService(path: Path): boolean {
    return (
        path.length === 4 &&
        path[0] === "railway" &&
        path[1] === "services" &&
        typeof path[2] === "number" &&
        path[3] === "variables"
    );
}

function isSmokeTestSecretField(path: Path): boolean {
    // gate.smokeTests[i].headers.<name> or gate.smokeTests[i].body.<...>.<name>
    if (path[0] !== "gate" || path[1] !== "smokeTests" || typeof path[2] !== "number") return false;
    if (path[3] !== "headers" && path[3] !== "body") return false;
    const last = path[path.length - 1];
    return typeof last === "string" && SECRET_NAME.test(last);
}

/**
 * Every plain credential in `raw` (the `ainative-platform` namespace), one issue each. Iterative and
 * bounded, so a hostile document cannot overflow the stack here.
 */
export function plainCredentialIssues(
    raw: Record<string, unknown>,
    configPath: (path: Path) => string,
    maxNodes = 200_000,
): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    const stack: [unknown, Path][] = Object.entries(raw)
        .filter(([k]) => k !== "secrets")
        .map(([k, v]) => [v, [k]]);
    for (let seen = 0; stack.length && seen < maxNodes; seen++) {
        const [value, path] = stack.pop()!;
        if (isVariablesOfAService(path)) continue;
        if (typeof value === "string") {
            const shape = credentialShape(value);
            if (shape) {
                issues.push({
                    path: configPath(path),
                    problem: `holds what looks like ${shape}, but this setting is not secret: it would be stored and shown in clear`,
                    fix: "take the credential out; pass it as a secret (a service secret, or ${env:NAME} in a smoke test) and rotate it, since the file already held it",
                });
            } else if (isSmokeTestSecretField(path) && !ENV_REFERENCE.test(value.trim())) {
                issues.push({
                    path: configPath(path),
                    problem: "is a literal secret in a smoke test, which the stack file would hold in clear",
                    fix: "write ${env:NAME} and give NAME to the deploy job as a secret",
                });
            }
        } else if (Array.isArray(value)) value.forEach((v, i) => stack.push([v, [...path, i]]));
        else if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype)
            for (const [k, v] of Object.entries(value)) stack.push([v, [...path, k]]);
    }
    return issues.reverse();
}

/** Provider settings that are credentials by their name (`github:token`, `pagerduty:token`, `sentry:token`...). */
export function isProviderCredentialKey(fullKey: string): boolean {
    const key = fullKey.slice(fullKey.indexOf(":") + 1);
    return SECRET_NAME.test(key);
}
