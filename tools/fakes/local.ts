/**
 * The contract-checked fakes of GitHub, Sentry and PagerDuty, seeded with what the `local` stack's
 * sections name: what `npm run local:fakes` (scripts/local-fakes.ts) and the whole-stack tests start.
 */
import { FakeGitHub, seedLocalOrganisation, startFakeGitHub } from "./github/server";
import { FakePagerDutyRest } from "./pagerduty";
import { FakeSentry } from "./sentry";

export const LOCAL_TOKENS = {
    github: "local-fake-github-token",
    sentry: "local-fake-sentry-token",
    pagerduty: "local-fake-pagerduty-token",
} as const;

/** What the local stack's PagerDuty section names as escalation targets. */
export function seedLocalPagerDuty(pd: FakePagerDutyRest): void {
    pd.addUser("PLOCAL1");
    pd.addSchedule("PLOCALS");
}

export interface LocalFakes {
    github: FakeGitHub;
    sentry: FakeSentry;
    pagerduty: FakePagerDutyRest;
    close(): Promise<void>;
}

/** The three fakes, seeded for the local stack and accepting {@link LOCAL_TOKENS}; port 0 picks free ports. */
export async function startLocalFakes(
    ports: { github?: number; sentry?: number; pagerduty?: number } = {},
): Promise<LocalFakes> {
    const github = await startFakeGitHub(ports.github ?? 0);
    github.addToken(LOCAL_TOKENS.github, "local-deployer");
    seedLocalOrganisation(github);
    const sentry = await new FakeSentry("ainative").start(ports.sentry ?? 0).catch(async (e) => {
        await github.close();
        throw e;
    });
    sentry.addToken(LOCAL_TOKENS.sentry);
    const pagerduty = await new FakePagerDutyRest().start(ports.pagerduty ?? 0).catch(async (e) => {
        await Promise.all([github.close(), sentry.close()]);
        throw e;
    });
    pagerduty.addToken(LOCAL_TOKENS.pagerduty);
    seedLocalPagerDuty(pagerduty);
    return {
        github,
        sentry,
        pagerduty,
        close: async () => void (await Promise.all([github.close(), sentry.close(), pagerduty.close()])),
    };
}

/** The local stack's config pointed at the fakes, every integration on (the whole stack on one machine). */
export function pointStackAtFakes(config: Record<string, any>, fakes: LocalFakes): void {
    config["ainative-platform:integrations"] = { railway: true, github: true, sentry: true, pagerduty: true };
    config["ainative-platform:github"].baseUrl = `${fakes.github.url}/`;
    config["ainative-platform:sentry"].baseUrl = `${fakes.sentry.url}/`;
    config["ainative-platform:pagerduty"].apiUrl = fakes.pagerduty.url;
}

/** The credentials the fakes accept, as the providers read them from the environment. */
export const LOCAL_TOKEN_ENV = {
    GITHUB_TOKEN: LOCAL_TOKENS.github,
    SENTRY_AUTH_TOKEN: LOCAL_TOKENS.sentry,
    PAGERDUTY_TOKEN: LOCAL_TOKENS.pagerduty,
} as const;
