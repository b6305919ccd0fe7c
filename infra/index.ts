/**
 * The Pulumi program. It loads and validates the stack's configuration first: with any problem it
 * throws, listing every problem, before a single resource is registered. Then it builds the
 * stack's components (stacks/) and exports what people and the pipeline need: URLs and ids in
 * clear; Sentry DSNs and PagerDuty routing keys as secrets.
 */
import { loadStackConfig } from "../config/load";
import { composeStack } from "../stacks";
import { integrationProviders } from "../providers/integrations";

const config = loadStackConfig();
const stack = composeStack(config, integrationProviders(config));

export const environment = config.environment;
export const railwayProject = config.railway.project;
export const services = config.railway.services.map((s) => s.name);
export const integrations = config.integrations;
export const railwayProjectId = stack.railway?.projectId;
export const railwayEnvironmentId = stack.railway?.environmentId;
export const serviceIds = stack.railway?.serviceIds;
export const urls = stack.railway?.urls;
export const sentryDsns = stack.sentryDsns;
export const pagerdutyRoutingKeys = stack.pagerdutyRoutingKeys;
export const githubEnvironment = stack.github?.environment;
