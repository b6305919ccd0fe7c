/**
 * Every secret a stack holds, named once for the backup: what it is called in output and in
 * `--secret`, where it lives in Vault (below `<prefix>/<stack>/`), and where a restore puts it back.
 *
 * - service secrets `secrets.services.<service>.<KEY>` → `<service>/<KEY>`, named `<service>.<KEY>`;
 * - the pipeline's `secrets.deploy.<name>` → `_deploy/<name>`, named `_deploy.<name>`;
 * - a provider's secret config (`pagerduty:token`) → `_config/<namespace>/<key>`, named `_config.<namespace>:<key>`;
 * - secrets the jobs take from the environment (the smoke tests' `${env:NAME}`, Slack's webhook,
 *   PagerDuty's routing key, the SMTP URL and its login) → `_env/<NAME>`, named `_env.<NAME>`: kept in Vault
 *   only, since their home is the CI's secrets, not the stack file.
 *
 * Service names never start with `_` (the stack schema), so the folders cannot collide.
 */
import { CONFIG_NAMESPACE } from "../../config/stack.schema";

export interface StackSecret {
    name: string;
    /** Below `<prefix>/<stack>/` in the KV mount. */
    path: string;
    value: string;
    /** Where `secret:restore` writes it: a config key, read as a path or not; none for `_env`. */
    config?: { key: string; path: boolean };
}

/** Names of environment secrets the jobs read, backed up when the environment has them. */
export const ENV_SECRETS = ["SLACK_WEBHOOK_URL", "PAGERDUTY_ROUTING_KEY", "SMTP_URL"] as const;

/** The folder of the backup's own key (the keyed hash's); never a stack secret. */
export const BACKUP_FOLDER = "_backup";

const SERVICE = /^[a-z][a-z0-9-]*$/;
const ENV_KEY = /^[A-Z_][A-Z0-9_]*$/;
const WORD = /^[A-Za-z0-9_-]+$/;

/** The secret a Vault path (below the stack's folder) stands for, without its value; undefined when it stands for none. */
export function secretOfPath(p: string): Omit<StackSecret, "value"> | undefined {
    const parts = p.split("/");
    if (parts.length === 2 && SERVICE.test(parts[0]) && ENV_KEY.test(parts[1]))
        return {
            name: `${parts[0]}.${parts[1]}`,
            path: p,
            config: { key: `secrets.services.${parts[0]}.${parts[1]}`, path: true },
        };
    if (parts.length === 2 && parts[0] === "_deploy" && WORD.test(parts[1]))
        return { name: `_deploy.${parts[1]}`, path: p, config: { key: `secrets.deploy.${parts[1]}`, path: true } };
    if (parts.length === 2 && parts[0] === "_env" && ENV_KEY.test(parts[1]))
        return { name: `_env.${parts[1]}`, path: p };
    if (parts.length === 3 && parts[0] === "_config" && WORD.test(parts[1]) && WORD.test(parts[2]))
        return {
            name: `_config.${parts[1]}:${parts[2]}`,
            path: p,
            config: { key: `${parts[1]}:${parts[2]}`, path: false },
        };
    return undefined;
}

/** The Vault path of a name as output shows it (`web.AUTH_SECRET`), or undefined when it is not one. */
export function pathOfName(name: string): string | undefined {
    const m = /^(_config)\.([A-Za-z0-9_-]+):([A-Za-z0-9_-]+)$/.exec(name);
    const p = m ? `${m[1]}/${m[2]}/${m[3]}` : name.replace(".", "/");
    return secretOfPath(p)?.name === name ? p : undefined;
}

/** One entry of `pulumi config --json --show-secrets`. */
interface ConfigEntry {
    value?: unknown;
    objectValue?: unknown;
    secret?: boolean;
}

/** `${env:NAME}` references anywhere in a value (the smoke tests' credentials). */
export function envReferences(value: unknown): string[] {
    const found = new Set<string>();
    for (const m of JSON.stringify(value ?? null).matchAll(/\$\{env:([A-Z_][A-Z0-9_]*)\}/g)) found.add(m[1]);
    return [...found].sort();
}

/**
 * The stack's secrets from `pulumi config --json --show-secrets`, and the environment's. Leaves
 * that are not strings, or whose names cannot be a path, are listed in `skipped` (by name only).
 */
export function collectStackSecrets(
    configJson: Record<string, ConfigEntry>,
    env: NodeJS.ProcessEnv,
): { secrets: StackSecret[]; skipped: string[]; envMissing: string[] } {
    const secrets: StackSecret[] = [];
    const skipped: string[] = [];
    const add = (p: string, value: unknown, shown: string) => {
        const s = secretOfPath(p);
        if (!s || typeof value !== "string" || value === "") skipped.push(shown);
        else secrets.push({ ...s, value });
    };
    const own = configJson[`${CONFIG_NAMESPACE}:secrets`];
    const tree = (own?.objectValue ?? {}) as { services?: Record<string, unknown>; deploy?: Record<string, unknown> };
    for (const [svc, keys] of Object.entries(tree.services ?? {}))
        for (const [key, value] of Object.entries((keys ?? {}) as Record<string, unknown>))
            add(`${svc}/${key}`, value, `secrets.services.${svc}.${key}`);
    for (const [key, value] of Object.entries(tree.deploy ?? {})) add(`_deploy/${key}`, value, `secrets.deploy.${key}`);
    for (const [full, entry] of Object.entries(configJson)) {
        const [ns, key] = full.split(/:(.*)/s);
        if (!entry?.secret || ns === CONFIG_NAMESPACE || key === undefined) continue;
        add(`_config/${ns}/${key}`, entry.value, full);
    }
    const gate = configJson[`${CONFIG_NAMESPACE}:gate`]?.objectValue;
    const envMissing: string[] = [];
    for (const name of [...new Set([...envReferences(gate), ...ENV_SECRETS])].sort()) {
        const value = env[name];
        if (value) add(`_env/${name}`, value, name);
        else if (!(ENV_SECRETS as readonly string[]).includes(name)) envMissing.push(name);
    }
    return { secrets: secrets.sort((a, b) => a.name.localeCompare(b.name)), skipped, envMissing };
}
