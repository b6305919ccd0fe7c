/**
 * Providers for the third-party integrations.
 *
 * GitHub gets an explicit provider so that the owner (and, for GitHub Enterprise or the local
 * fake, the base URL) comes from the stack's config. Sentry and PagerDuty use their default
 * providers, which read SENTRY_AUTH_TOKEN and PAGERDUTY_TOKEN from the environment, unless the stack
 * points them elsewhere (`sentry.baseUrl`, `pagerduty.apiUrl`: a self-hosted Sentry, the local
 * fakes). Tokens are the providers' own environment variables, never inputs; the one exception is
 * the explicit PagerDuty provider, whose SDK insists on the token as an input: it goes in as a
 * secret (encrypted in state).
 */
import * as github from "@pulumi/github";
import * as pagerduty from "@pulumi/pagerduty";
import * as pulumi from "@pulumi/pulumi";
import * as sentry from "@pulumiverse/sentry";
import type { StackConfig } from "../config/load";

export interface IntegrationProviders {
    github?: github.Provider;
    /** Only when the stack points Sentry elsewhere (`sentry.baseUrl`); else the default provider. */
    sentry?: sentry.Provider;
    /** Only when the stack points PagerDuty elsewhere (`pagerduty.apiUrl`); else the default provider. */
    pagerduty?: pagerduty.Provider;
}

export function integrationProviders(config: StackConfig): IntegrationProviders {
    const providers: IntegrationProviders = {};
    if (config.integrations.github && config.github) {
        const { owner, baseUrl, writeDelayMs } = config.github;
        providers.github = new github.Provider("github", {
            owner,
            ...(baseUrl ? { baseUrl } : {}),
            ...(writeDelayMs !== undefined ? { writeDelayMs } : {}),
        });
    }
    // Sentry and PagerDuty keep their default providers unless pointed elsewhere: moving an
    // existing stack's resources to another provider would replace them.
    if (config.integrations.sentry && config.sentry?.baseUrl)
        providers.sentry = new sentry.Provider("sentry", { baseUrl: config.sentry.baseUrl });
    if (config.integrations.pagerduty && config.pagerduty?.apiUrl) {
        providers.pagerduty = new pagerduty.Provider("pagerduty", {
            apiUrlOverride: config.pagerduty.apiUrl.replace(/\/+$/, ""),
            token: pulumi.secret(process.env.PAGERDUTY_TOKEN ?? ""),
        });
    }
    return providers;
}
