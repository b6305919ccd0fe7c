/**
 * What the Vault commands read of one stack: its stack file's `vault` section (where the backup
 * lives) and its `rotations` dates, and its secrets as the engine decrypts them
 * (`pulumi config --json --show-secrets`, values kept in memory, never printed).
 */
import * as fs from "fs";
import * as path from "path";
import { parseStackFile } from "../../config/sources";
import { VaultBackupConfig, vaultBackupSchema } from "../../config/stack.schema";
import type { RunPulumi } from "../engine/engine";
import { projectName } from "../engine/project";
import { whyFailed } from "../engine/why-failed";
import { collectStackSecrets, StackSecret } from "./stack-secrets";

export type StackBackupSettings =
    | {
          vault: VaultBackupConfig;
          rotations: Record<string, Record<string, string>>;
          project: string;
          /** `<service>.<KEY>` of each secret a service of the stack file declares (its `secrets` list). */
          declared: Set<string>;
      }
    | { none: string }
    | { problem: string };

/** The stack file's `vault` section, checked: every problem in it at once, each naming its key. */
export function stackBackupSettings(cwd: string, stack: string): StackBackupSettings {
    const project = projectName(cwd) ?? "ainative-platform";
    const file = path.join(cwd, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) return { problem: `no stack file Pulumi.${stack}.yaml in ${cwd}` };
    let config: Record<string, unknown> | undefined;
    try {
        config = parseStackFile(file).config;
    } catch (e) {
        return { problem: (e as Error).message.slice(0, 500) };
    }
    const raw = config?.[`${project}:vault`];
    if (raw === undefined)
        return {
            none: `Pulumi.${stack}.yaml has no ${project}:vault section (address, mount): the stack's secrets have no backup (README, "Secrets backup (Vault)")`,
        };
    const parsed = vaultBackupSchema.safeParse(raw);
    if (!parsed.success)
        return {
            problem: parsed.error.issues
                .map(
                    (i) =>
                        `Pulumi.${stack}.yaml: ${[`${project}:vault`, ...i.path.map(String)].join(".")}: ${i.message}`,
                )
                .join("\n"),
        };
    const rotations = (config?.[`${project}:rotations`] ?? {}) as Record<string, Record<string, string>>;
    const services = (config?.[`${project}:railway`] as { services?: unknown } | undefined)?.services;
    const declared = new Set<string>();
    for (const svc of Array.isArray(services) ? services : []) {
        const { name, secrets } = (svc ?? {}) as { name?: unknown; secrets?: unknown };
        if (typeof name === "string" && Array.isArray(secrets))
            for (const key of secrets) if (typeof key === "string") declared.add(`${name}.${key}`);
    }
    return {
        vault: parsed.data,
        rotations: typeof rotations === "object" && rotations ? rotations : {},
        project,
        declared,
    };
}

/** The stack's secrets, decrypted by the engine; a failed run is said without any value. */
export async function readStackSecrets(
    pulumi: RunPulumi,
    stack: string,
    env: NodeJS.ProcessEnv,
): Promise<ReturnType<typeof collectStackSecrets> | { problem: string }> {
    const r = await pulumi(["config", "--json", "--show-secrets", "--stack", stack]);
    if (r.code !== 0) return { problem: `pulumi config --stack ${stack} failed:\n${whyFailed(r, { lines: 8 })}` };
    let json: unknown;
    try {
        json = JSON.parse(r.stdout);
    } catch {
        return { problem: `pulumi config --json --stack ${stack} did not print JSON` };
    }
    if (!json || typeof json !== "object") return { problem: `pulumi config --json --stack ${stack}: not an object` };
    return collectStackSecrets(json as Parameters<typeof collectStackSecrets>[0], env);
}

/** The rotation date recorded for a service secret, when there is one. */
export function rotatedAt(rotations: Record<string, Record<string, string>>, secret: StackSecret): string | undefined {
    const [service, key] = secret.name.split(".");
    const date = rotations[service]?.[key];
    return typeof date === "string" && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : undefined;
}

/** Who writes, for the metadata: Vault's name for the token, and the CI run or the local user. */
export function writerOf(identity: string, env: NodeJS.ProcessEnv): string {
    const ci =
        env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY
            ? `GitHub Actions ${env.GITHUB_REPOSITORY} run ${env.GITHUB_RUN_ID}${env.GITHUB_ACTOR ? ` by ${env.GITHUB_ACTOR}` : ""}`
            : env.CIRCLE_BUILD_NUM
              ? `CircleCI build ${env.CIRCLE_BUILD_NUM}`
              : `${env.USER || env.LOGNAME || "someone"} by hand`;
    return `${identity} (${ci})`.replace(/[^\x20-\x7e]/g, "?").slice(0, 200);
}
