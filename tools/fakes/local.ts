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
