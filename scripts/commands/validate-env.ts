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
import { defineCommand, Option, parseCommand, repeated, usageProblem } from "./cli";
import { CommandIO, EXIT } from "./io";

/** What an env file may be (docs/configuration.md "Validating"). */
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

function validateEnvProgram(io: CommandIO) {
    return defineCommand(
        "validate-env",
        "Checks a dotenv file, or this process's environment, against the environment schema. Prints keys and the rule each breaks, never a secret's value.",
        io,
        "Exit 0 valid, 1 problems found, 2 usage error.",
    )
        .addOption(
            new Option("--env <environment>", "the environment the values are for")
                .choices(APP_ENVIRONMENTS)
                .makeOptionMandatory(),
        )
        .option("--file <dotenv file>", "the file to check (default: this process's environment)")
        .addOption(new Option("--role <role>", "the service's role").choices(APP_ROLES).default("web" as const))
        .option("--allow <KEY>", "a key outside the schema that is expected (repeatable)", repeated, [] as string[])
        .option(
            "--production-host <HOST>",
            "a production hostname besides the stack file's (repeatable)",
            repeated,
            [] as string[],
        );
}

export function validateEnvCommand(
    argv: string[],
    io: CommandIO,
    env: NodeJS.ProcessEnv = process.env,
    cwd = process.cwd(),
): number {
    const cmd = validateEnvProgram(io);
    const parsed = parseCommand(cmd, argv);
    if (parsed !== true) return parsed;
    const values = cmd.opts();
    const environment: AppEnvironment = values.env;
    const role: AppRole = values.role;

    let vars: Record<string, string>;
    let label: string;
    let fromProcess = false;
    const readProblems: ConfigIssue[] = [];
    if (values.file) {
        const file = path.resolve(cwd, values.file);
        if (!fs.existsSync(file)) return usageProblem(io, cmd)(`no such file: ${file}`);
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
        role,
        productionHosts: [...productionHostsFromStack(environment, cwd), ...values.productionHost],
        allowedExtras: values.allow,
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
