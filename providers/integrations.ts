/**
 * Providers for the third-party integrations.
 *
 * GitHub gets an explicit provider so that the owner comes from the stack's config. Sentry and
 * PagerDuty use their default providers, which read SENTRY_AUTH_TOKEN and PAGERDUTY_TOKEN from the
 * environment: an explicit PagerDuty provider would need its token as an input and keep it in
 * state. No token passes through this program.
 */
import * as github from "@pulumi/github";
import type { StackConfig } from "../config/load";

export interface IntegrationProviders {
    github?: github.Provider;
}

export function integrationProviders(config: StackConfig): IntegrationProviders {
    const wantsGithub = config.integrations.github && config.github !== undefined;
    if (!wantsGithub) return {};
    const { owner, baseUrl, writeDelayMs } = config.github!;
    // The token is the provider's own GITHUB_TOKEN: never an input, so never in state.
    return { github: new github.Provider("github", { owner, ...(baseUrl ? { baseUrl } : {}), ...(writeDelayMs !== undefined ? { writeDelayMs } : {}) }) };
}
