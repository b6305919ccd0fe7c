/**
 * `npm run local:fakes -- [--github-port 4020] [--sentry-port 4030] [--pagerduty-port 4040]`: the
 * contract-checked fakes of GitHub, Sentry and PagerDuty (REST and Events API v2), seeded with what
 * the `local` stack's sections name, for the local loop with every integration on (README "Real
 * engine"). Each prints the requests it answers. Stop them with Ctrl-C.
 */
import { parseArgs } from "util";
import { seedLocalOrganisation, startFakeGitHub } from "./github/server";
import { FakePagerDutyRest } from "./pagerduty";
import { FakeSentry } from "./sentry";

export const LOCAL_TOKENS = { github: "local-fake-github-token", sentry: "local-fake-sentry-token", pagerduty: "local-fake-pagerduty-token" } as const;

/** What the local stack's PagerDuty section names as escalation targets. */
export function seedLocalPagerDuty(pd: FakePagerDutyRest): void {
    pd.addUser("PLOCAL1");
    pd.addSchedule("PLOCALS");
}

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: { "github-port": { type: "string", default: "4020" }, "sentry-port": { type: "string", default: "4030" }, "pagerduty-port": { type: "string", default: "4040" } },
    });
    const gh = await startFakeGitHub(Number(values["github-port"]));
    gh.addToken(LOCAL_TOKENS.github, "local-deployer");
    seedLocalOrganisation(gh);
    const sentry = await new FakeSentry("ainative").start(Number(values["sentry-port"]));
    sentry.addToken(LOCAL_TOKENS.sentry);
    const pd = await new FakePagerDutyRest().start(Number(values["pagerduty-port"]));
    pd.addToken(LOCAL_TOKENS.pagerduty);
    seedLocalPagerDuty(pd);
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
        for (const r of gh.requests.slice(shown.gh)) process.stderr.write(`github    ${r.status} ${r.method} ${r.path}\n`);
        for (const r of sentry.log.slice(shown.sentry)) process.stderr.write(`sentry    ${r.status} ${r.method} ${r.path}\n`);
        for (const r of pd.log.slice(shown.pd)) process.stderr.write(`pagerduty ${r.status} ${r.method} ${r.path}\n`);
        shown.gh = gh.requests.length;
        shown.sentry = sentry.log.length;
        shown.pd = pd.log.length;
    }, 500).unref();
    process.on("SIGINT", () => void Promise.all([gh.close(), sentry.close(), pd.close()]).then(() => process.exit(0)));
}

if (require.main === module)
    main().catch((e: Error) => {
        process.stderr.write(`${e.message}\n`);
        process.exit(1);
    });
