/**
 * Which app environment a resource belongs to. A policy's `environment` setting wins (set it in
 * `policies/config/<stack>.json`); otherwise the stack name in the resource's URN decides.
 */
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import type { AppEnvironment } from "../../config/environment.schema";

function stackOfUrn(urn: string): string {
    return urn.split("::")[0]?.replace(/^urn:pulumi:/, "") ?? "";
}

export function environmentOf(urn: string, configured?: string): AppEnvironment {
    const value = configured ?? stackOfUrn(urn);
    if (value === "production" || value === "staging") return value;
    return "local";
}

/** Settings every environment-aware policy accepts. */
export const environmentSetting: Record<"environment", PolicyConfigJSONSchema> = {
    environment: {
        type: "string",
        enum: ["local", "staging", "production"],
        description:
            "The app environment of the stack; default: taken from the stack name (production, staging, else local).",
    },
};
