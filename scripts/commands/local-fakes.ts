/**
 * `npm run local:fakes`: the contract-checked fakes of GitHub, Sentry and PagerDuty (REST and
 * Events API v2), seeded for the `local` stack, for the local loop with every integration on
 * (docs/team-setup.md "Real engine"). Prints each request they answer; runs until Ctrl-C.
 */
import { LOCAL_TOKENS, startLocalFakes } from "../../tools/fakes/local";
import { defineCommand, integerIn, parseCommand } from "./cli";
import { CommandIO, EXIT, untilStopped } from "./io";

export async function localFakesCommand(argv: string[], io: CommandIO): Promise<number> {
    const port = integerIn(0, 65535);
    const cmd = defineCommand("local:fakes", "Local fakes of GitHub, Sentry and PagerDuty on 127.0.0.1.", io)
        .option("--github-port <port>", "the fake GitHub's port", port, 4020)
        .option("--sentry-port <port>", "the fake Sentry's port", port, 4030)
        .option("--pagerduty-port <port>", "the fake PagerDuty's port", port, 4040);
    const parsed = parseCommand(cmd, argv);
    if (parsed !== true) return parsed;
    const ports = cmd.opts();
    const fakes = await startLocalFakes({
        github: ports.githubPort,
        sentry: ports.sentryPort,
        pagerduty: ports.pagerdutyPort,
    });
    const { github: gh, sentry, pagerduty: pd } = fakes;
    io.err(`fake GitHub     ${gh.url}/   GITHUB_TOKEN=${LOCAL_TOKENS.github}`);
    io.err(`fake Sentry     ${sentry.url}/   SENTRY_AUTH_TOKEN=${LOCAL_TOKENS.sentry}`);
    io.err(`fake PagerDuty  ${pd.url}    PAGERDUTY_TOKEN=${LOCAL_TOKENS.pagerduty}`);
    const shown = { gh: 0, sentry: 0, pd: 0 };
    const print = () => {
        for (const r of gh.requests.slice(shown.gh)) io.err(`github    ${r.status} ${r.method} ${r.path}`);
        for (const r of sentry.log.slice(shown.sentry)) io.err(`sentry    ${r.status} ${r.method} ${r.path}`);
        for (const r of pd.log.slice(shown.pd)) io.err(`pagerduty ${r.status} ${r.method} ${r.path}`);
        shown.gh = gh.requests.length;
        shown.sentry = sentry.log.length;
        shown.pd = pd.log.length;
    };
    // The request logs are read, not subscribed to: print what is new twice a second.
    const timer = setInterval(print, 500);
    try {
        await untilStopped();
    } finally {
        clearInterval(timer);
        print();
        await fakes.close();
    }
    return EXIT.ok;
}
