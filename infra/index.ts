/**
 * The Pulumi program. It loads and validates the stack's configuration first: with any problem it
 * stops with one line per problem (the format of `npm run validate`), before a single resource is
 * registered. Then it builds the stack's components (stacks/) and exports what people and the
 * pipeline need: URLs and ids in clear; Sentry DSNs and PagerDuty routing keys as secrets.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigValidationError } from "../config/issues";
import { loadStackConfig, StackConfig } from "../config/load";
import { integrationProviders } from "../providers/integrations";
import { composeStack } from "../stacks";

function validatedConfig(): StackConfig {
    try {
        return loadStackConfig();
    } catch (e) {
        // A RunError is reported by the engine as its message alone: no stack trace, no object dump.
        if (e instanceof ConfigValidationError) throw new pulumi.RunError(e.lines().join("\n"));
        throw e;
    }
}

const config = validatedConfig();
for (const warning of config.warnings) pulumi.log.warn(warning);
const stack = composeStack(config, integrationProviders(config));

/** Only what the stack has: an output of an integration that is off is left out, not `undefined`. */
const outputs: Record<string, unknown> = {
    environment: config.environment,
    railwayProject: config.railway.project,
    services: config.railway.services.map((s) => s.name),
    integrations: config.integrations,
    railwayProjectId: stack.railway?.projectId,
    railwayEnvironmentId: stack.railway?.environmentId,
    serviceIds: stack.railway?.serviceIds,
    urls: stack.railway?.urls,
    sentryDsns: stack.sentryDsns,
    pagerdutyRoutingKeys: stack.pagerdutyRoutingKeys,
    githubEnvironment: stack.github?.environment,
};
export = Object.fromEntries(Object.entries(outputs).filter(([, v]) => v !== undefined));
