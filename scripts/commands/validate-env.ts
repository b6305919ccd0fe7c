/**
 * `npm run validate-env -- --env <staging|production|local> [--file <dotenv>] [--role web|worker|cron]`:
 * checks a dotenv file, or this process's environment, against the environment schema. Prints
 * keys and the rule each breaks, never a value of a secret key.
 */
import * as fs from "fs";
import * as path from "path";
import { parseEnv } from "util";
import {
    APP_ENVIRONMENTS,
    APP_ROLES,
    AppEnvironment,
    AppRole,
    KNOWN_KEYS,
    validateAppEnvironment,
} from "../../config/environment.schema";
import { ConfigIssue, formatIssue } from "../../config/issues";
import { readBoundedFile, readStackFile } from "../../config/sources";
import { MAX_REPORTED_ISSUES } from "../../config/validate";
import { printableName } from "../../config/values";
import { closestKey } from "../../config/suggest";
import { CommandIO, EXIT, parseCommandArgs } from "./io";

/** What an env file may be (README "Validating"). */
export const ENV_FILE_LIMITS = { bytes: 1024 * 1024, keys: 10_000 } as const;

/**
 * The keys an env file sets, with the line numbers of each assignment, so that a key set twice is
 * reported whichever of its values is the bad one (Node's parser keeps only the last).
 */
function envFileKeys(text: string): Map<string, number[]> {
    const keys = new Map<string, number[]>();
    text.split(/\r?\n/).forEach((line, i) => {
        const m = /^\s*(?:export\s+)?([^\s=#]+)\s*=/.exec(line);
        if (m) keys.set(m[1], [...(keys.get(m[1]) ?? []), i + 1]);
    });
    return keys;
}

const USAGE =
    "usage: npm run validate-env -- --env <local|staging|production> [--file <dotenv file>] [--role web|worker|cron] " +
    "[--allow KEY]... [--production-host HOST]...";

/** Production hostnames from the stack file of the same name, when there is one. */
function productionHostsFromStack(env: AppEnvironment, cwd: string): string[] {
    const file = path.join(cwd, `Pulumi.${env}.yaml`);
    if (!fs.existsSync(file)) return [];
    try {
        const hosts = readStackFile(file).raw.productionHosts;
        return Array.isArray(hosts) ? hosts.filter((h): h is string => typeof h === "string") : [];
    } catch {
        return [];
    }
}

export function validateEnvCommand(
    argv: string[],
    io: CommandIO,
    env: NodeJS.ProcessEnv = process.env,
    cwd = process.cwd(),
): number {
    const values = parseCommandArgs<{
        env?: string;
        file?: string;
        role?: string;
        allow?: string[];
        "production-host"?: string[];
    }>(
        argv,
        {
            env: { type: "string" },
            file: { type: "string" },
            role: { type: "string" },
            allow: { type: "string", multiple: true },
            "production-host": { type: "string", multiple: true },
        },
        USAGE,
        io,
    );
    if (typeof values === "number") return values;
    if (!values.env || !(APP_ENVIRONMENTS as readonly string[]).includes(values.env)) {
        io.err(`--env must be one of ${APP_ENVIRONMENTS.join(", ")}\n${USAGE}`);
        return EXIT.usage;
    }
    const role = values.role ?? "web";
    if (!(APP_ROLES as readonly string[]).includes(role)) {
        io.err(`--role must be one of ${APP_ROLES.join(", ")}\n${USAGE}`);
        return EXIT.usage;
    }
    const environment = values.env as AppEnvironment;

    let vars: Record<string, string>;
    let label: string;
    let fromProcess = false;
    const readProblems: ConfigIssue[] = [];
    if (values.file) {
        const file = path.resolve(cwd, values.file);
        if (!fs.existsSync(file)) {
            io.err(`no such file: ${file}\n${USAGE}`);
            return EXIT.usage;
        }
        let text: string;
        try {
            text = readBoundedFile(file, ENV_FILE_LIMITS.bytes, (m) => new Error(m)).toString("utf8");
        } catch (e) {
            io.err(`validate-env: ${(e as Error).message}`);
            return EXIT.findings;
        }
        const keys = envFileKeys(text);
        if (keys.size > ENV_FILE_LIMITS.keys) {
            io.err(`validate-env: ${file}: has ${keys.size} keys; at most ${ENV_FILE_LIMITS.keys} are checked`);
            return EXIT.findings;
        }
        for (const [key, lines] of keys) {
            if (lines.length > 1)
                readProblems.push({
                    path: key,
                    problem: `is set ${lines.length} times (lines ${lines.join(", ")}); only the last one counts`,
                    fix: "keep one line for it",
                });
        }
        vars = parseEnv(text) as Record<string, string>;
        label = path.basename(file);
    } else {
        // The process environment holds PATH, HOME and the like: only app keys and near-misses of them count.
        fromProcess = true;
        vars = Object.fromEntries(
            Object.entries(env).filter(
                ([k, v]) => v !== undefined && (KNOWN_KEYS.includes(k) || closestKey(k, KNOWN_KEYS) !== undefined),
            ),
        ) as Record<string, string>;
        label = "environment";
    }

    const issues = validateAppEnvironment(vars, {
        environment,
        role: role as AppRole,
        productionHosts: [...productionHostsFromStack(environment, cwd), ...(values["production-host"] ?? [])],
        allowedExtras: values.allow ?? [],
        howToSet: (key, spec) =>
            (fromProcess ? `export ${key}=...` : `add ${key}=... to ${label}`) +
            (spec.secret ? " (a secret: keep it out of git)" : ""),
    });
    const all = [...readProblems, ...issues];
    if (all.length === 0) {
        io.out(`ok: ${environment} (${label}, ${Object.keys(vars).length} variables)`);
        return EXIT.ok;
    }
    for (const issue of all.slice(0, MAX_REPORTED_ISSUES))
        io.err(formatIssue(`${environment} (${label})`, { ...issue, path: printableName(issue.path) }));
    if (all.length > MAX_REPORTED_ISSUES)
        io.err(
            `${environment}: ${all.length - MAX_REPORTED_ISSUES} more problems not listed (fix the ones above and run again)`,
        );
    io.err(`${environment}: ${all.length} problem${all.length === 1 ? "" : "s"}`);
    return EXIT.findings;
}
