/**
 * `npm run local:fakes -- [--github-port 4020] [--sentry-port 4030] [--pagerduty-port 4040]`: the
 * contract-checked fakes of GitHub, Sentry and PagerDuty (REST and Events API v2), seeded with what
 * the `local` stack's sections name, for the local loop with every integration on (README "Real
 * engine"). Each prints the requests it answers. Stop them with Ctrl-C.
 */
import { parseArgs } from "util";
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

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: {
            "github-port": { type: "string", default: "4020" },
            "sentry-port": { type: "string", default: "4030" },
            "pagerduty-port": { type: "string", default: "4040" },
        },
    });
    const fakes = await startLocalFakes({
        github: Number(values["github-port"]),
        sentry: Number(values["sentry-port"]),
        pagerduty: Number(values["pagerduty-port"]),
    });
    const { github: gh, sentry, pagerduty: pd } = fakes;
    process.stderr.write(
        [
            `fake GitHub     ${gh.url}/   GITHUB_TOKEN=${LOCAL_TOKENS.github}`,
            `fake Sentry     ${sentry.url}/   SENTRY_AUTH_TOKEN=${LOCAL_TOKENS.sentry}`,
            `fake PagerDuty  ${pd.url}    PAGERDUTY_TOKEN=${LOCAL_TOKENS.pagerduty}`,
            "",
        ].join("\n"),
    );
    const shown = { gh: 0, sentry: 0, pd: 0 };
    setInterval(() => {
        for (const r of gh.requests.slice(shown.gh))
            process.stderr.write(`github    ${r.status} ${r.method} ${r.path}\n`);
        for (const r of sentry.log.slice(shown.sentry))
            process.stderr.write(`sentry    ${r.status} ${r.method} ${r.path}\n`);
        for (const r of pd.log.slice(shown.pd)) process.stderr.write(`pagerduty ${r.status} ${r.method} ${r.path}\n`);
        shown.gh = gh.requests.length;
        shown.sentry = sentry.log.length;
        shown.pd = pd.log.length;
    }, 500).unref();
    process.on("SIGINT", () => void fakes.close().then(() => process.exit(0)));
}

if (require.main === module)
    main().catch((e: Error) => {
        process.stderr.write(`${e.message}\n`);
        process.exit(1);
    });
