/**
 * Secrets live in one place, the secret half: a key is not in both halves, a secret value belongs
 * to a listed secret, and nothing secret (by the environment schema, or by its shape) sits in the
 * plain half, where it would be stored and shown in clear. A Railway reference in the plain half is
 * fine, as long as the text around it holds no secret.
 */
import { isSecretKey } from "../environment.schema";
import type { ConfigIssue } from "../issues";
import { credentialShape, hasRailwayReference, literalText } from "../values";
import { CrossFieldRule, issueAt, secretValuesOf, servicePath } from "./view";

export const secretPlacementRule: CrossFieldRule = (cfg) =>
    cfg.services.flatMap(([i, svc]) => {
        const secretValues = secretValuesOf(cfg, i, svc);
        if (!secretValues) return [];
        const issues: ConfigIssue[] = [];
        for (const key of svc.secrets)
            if (key in svc.variables)
                issues.push(
                    issueAt(
                        servicePath(i, "variables", key),
                        "is listed in secrets too",
                        `keep ${key} in one place: secrets`,
                    ),
                );
        for (const key of Object.keys(secretValues))
            if (!svc.secrets.includes(key))
                issues.push(
                    issueAt(
                        ["secrets", "services", svc.name, key],
                        `has a value but is not listed in railway.services[${i}].secrets`,
                        `add '${key}' to that service's secrets list, or remove the value`,
                    ),
                );
        const moveToSecrets = (key: string) =>
            `move it: remove it from variables, add it to secrets, and pulumi config set --secret --path 'secrets.services.${svc.name}.${key}' <value>`;
        for (const [key, value] of Object.entries(svc.variables)) {
            const at = servicePath(i, "variables", key);
            const shape = credentialShape(literalText(value));
            if (svc.kind !== "datastore" && isSecretKey(key)) {
                if (!hasRailwayReference(value))
                    issues.push(
                        issueAt(
                            at,
                            "is a secret by the environment schema but is stored in plain text",
                            moveToSecrets(key),
                        ),
                    );
                else if (shape)
                    issues.push(
                        issueAt(
                            at,
                            `is a secret; the text around its Railway reference holds what looks like ${shape}`,
                            moveToSecrets(key),
                        ),
                    );
            } else if (svc.kind === "datastore" && shape)
                issues.push(
                    issueAt(
                        at,
                        `holds what looks like ${shape}, but is a plain variable, so it would be stored and shown in clear`,
                        moveToSecrets(key),
                    ),
                );
        }
        return issues;
    });
