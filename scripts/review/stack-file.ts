/**
 * A review (or canary) stack's file: its base's file (staging's, production's), encryption settings
 * and secrets included, plus the `review` (`canary`) key that makes the program derive that
 * environment from it (config/derived-environment.ts).
 * Written afresh before every run from the checked-out base file, so a pull request that changes
 * staging's configuration sees the change in its own review environment first. Never committed
 * (.gitignore): the stack's state lives in the backend, its file is rebuilt on each runner.
 */
import { isMap, parseDocument } from "yaml";
import { parseYamlDocument } from "../../config/sources";
import {
    CanaryConfig,
    CONFIG_NAMESPACE,
    ReviewConfig,
    reviewEnvironmentsSchema,
    ReviewEnvironmentsConfig,
} from "../../config/stack.schema";

const key = (name: string) => `${CONFIG_NAMESPACE}:${name}`;

/** What a run of `review` or `canary` cannot decide on: reported, nothing acted on. */
export class CouldNotDecide extends Error {}

function baseDocument(baseText: string, baseStack: string) {
    let doc: ReturnType<typeof parseDocument>;
    try {
        doc = parseYamlDocument(baseText, `Pulumi.${baseStack}.yaml`);
    } catch (e) {
        throw new CouldNotDecide((e as Error).message);
    }
    if (doc.errors.length)
        throw new CouldNotDecide(`Pulumi.${baseStack}.yaml is not valid YAML: ${doc.errors[0].message.slice(0, 200)}`);
    const config = doc.get("config");
    if (!isMap(config)) throw new CouldNotDecide(`Pulumi.${baseStack}.yaml has no config section`);
    for (const derived of ["review", "canary"])
        if (config.has(key(derived)))
            throw new CouldNotDecide(
                `Pulumi.${baseStack}.yaml is itself a derived environment's (it has ${key(derived)}): give the stack it was made from (--base)`,
            );
    return doc;
}

/** The canary stack's file for `canary`, made from the base stack's file text (production's). */
export function canaryStackFile(baseText: string, baseStack: string, canary: CanaryConfig): string {
    const doc = baseDocument(baseText, baseStack);
    doc.commentBefore =
        ` The canary, made by \`npm run canary\` from Pulumi.${baseStack}.yaml (its encryption settings` +
        ` included).\n Rebuilt before every run; not committed.`;
    doc.setIn(["config", key("canary")], canary);
    return doc.toString();
}

/** The review stack's file for `review`, made from the base stack's file text. */
export function reviewStackFile(baseText: string, baseStack: string, review: ReviewConfig): string {
    const doc = baseDocument(baseText, baseStack);
    doc.commentBefore =
        ` Review environment of pull request #${review.pullRequest}, made by \`npm run review\` from` +
        ` Pulumi.${baseStack}.yaml (its encryption settings included).\n Rebuilt before every run; not committed.`;
    doc.setIn(["config", key("review")], review);
    doc.deleteIn(["config", key("reviewEnvironments")]);
    return doc.toString();
}

/** The base stack's `reviewEnvironments` settings (cap, idle days), defaults when it has none. */
export function reviewSettings(baseText: string, baseStack: string): ReviewEnvironmentsConfig {
    const doc = baseDocument(baseText, baseStack);
    const raw = (doc.toJS() as { config: Record<string, unknown> }).config[key("reviewEnvironments")];
    const parsed = reviewEnvironmentsSchema.safeParse(raw ?? {});
    if (!parsed.success)
        throw new CouldNotDecide(
            parsed.error.issues
                .map((i) => `${key("reviewEnvironments")}${i.path.length ? "." + i.path.join(".") : ""}: ${i.message}`)
                .join("\n"),
        );
    return parsed.data;
}

/** Whether the base stack's health gate judges any service (gate on, a service with a health check). */
export function gateJudges(baseText: string, baseStack: string): boolean {
    const config = (baseDocument(baseText, baseStack).toJS() as { config: Record<string, unknown> }).config;
    const gate = config[key("gate")] as { enabled?: unknown } | undefined;
    const services = ((config[key("railway")] as { services?: unknown } | undefined)?.services ?? []) as Array<{
        healthcheck?: unknown;
    }>;
    return gate?.enabled !== false && Array.isArray(services) && services.some((s) => s && s.healthcheck);
}
