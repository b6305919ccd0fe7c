/**
 * `npm run canary -- up --commit <sha> --repo <owner/name> [--base production]`
 * `npm run canary -- destroy --repo <owner/name> [--base production]`
 *
 * The canary (scripts/review/canary.ts): the commit about to reach production, deployed first to an
 * environment of its own on production's configuration and judged there by production's health
 * gate. The deploy workflow runs `up` before production's `pulumi up` and stops on a failure.
 * Prints the verdict and the canary's URLs; also to $GITHUB_STEP_SUMMARY when set.
 *
 * Exit 0 passed (production may go ahead), 1 failed (it must not), 2 usage error or could not
 * decide. Environment: what `pulumi up` needs (PULUMI_CONFIG_PASSPHRASE, the backend login,
 * RAILWAY_API_TOKEN...).
 */
import * as fs from "fs";
import { engineOnPath } from "../engine/engine";
import { canaryDestroy, canaryUp } from "../review/canary";
import type { ReviewDeps } from "../review/run";
import { commitSha, defineCommand, parseCommand, repositoryName, stackName, usageProblem } from "./cli";
import { CommandIO, EXIT } from "./io";
import { LOCK_TIMEOUT, withCommandLeases } from "./leases";

type Action = (
    { name: "up"; commit: string; repo: string; base: string } | { name: "destroy"; repo: string; base: string }
) & { lockTimeout: number };

function canaryProgram(io: CommandIO, chosen: (a: Action) => void) {
    const cmd = defineCommand(
        "canary",
        "The commit about to reach production, deployed first to the canary environment on production's configuration and judged by its health gate.",
        io,
        [
            "Exit 0 passed (production may go ahead), 1 failed (it must not), 2 usage error or could not decide.",
            "Environment: what pulumi up needs (PULUMI_CONFIG_PASSPHRASE, the backend login, RAILWAY_API_TOKEN...).",
        ].join("\n"),
    );
    cmd.command("up")
        .description("deploys the commit to the canary and waits for the health gate's verdict")
        .requiredOption("--commit <sha>", "the commit to prove", commitSha)
        .requiredOption("--repo <owner/name>", "the repository whose services run the commit", repositoryName)
        .option("--base <stack>", "the stack the canary is made from", stackName, "production")
        .option(LOCK_TIMEOUT.flags, LOCK_TIMEOUT.description, LOCK_TIMEOUT.parse, LOCK_TIMEOUT.defaultMinutes)
        .action((o) => chosen({ name: "up", ...o }));
    cmd.command("destroy")
        .description("destroys the canary's environment and removes its stack")
        .requiredOption("--repo <owner/name>", "the repository whose services run the commit", repositoryName)
        .option("--base <stack>", "the stack the canary is made from", stackName, "production")
        .option(LOCK_TIMEOUT.flags, LOCK_TIMEOUT.description, LOCK_TIMEOUT.parse, LOCK_TIMEOUT.defaultMinutes)
        .action((o) => chosen({ name: "destroy", ...o }));
    cmd.addHelpText("after", () => cmd.commands.map((c) => `\n${c.helpInformation()}`).join(""));
    return cmd;
}

export async function canaryCommand(
    argv: string[],
    io: CommandIO,
    cwd = process.cwd(),
    env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
    let action: Action | undefined;
    const cmd = canaryProgram(io, (a) => (action = a));
    const parsed = parseCommand(cmd, argv);
    if (parsed !== true) return parsed;
    const usage = usageProblem(io, cmd);
    if (!action) return usage("name up or destroy");
    const a: Action = action;
    const engine = engineOnPath(env);
    if (!engine) return usage("no Pulumi CLI on PATH (scripts/install-pulumi.sh installs one)");
    const r = await withCommandLeases(
        engine,
        cwd,
        env,
        io,
        { command: `canary ${a.name}`, lockTimeoutMinutes: a.lockTimeout, engineTimeoutMs: 60 * 60_000 },
        (pulumi) => canaryAction(a, { pulumi, cwd, progress: io.err, now: () => new Date() }, io, env),
    );
    return "usage" in r ? usage(r.usage) : "exit" in r ? r.exit : r.value;
}

async function canaryAction(a: Action, deps: ReviewDeps, io: CommandIO, env: NodeJS.ProcessEnv): Promise<number> {
    if (a.name === "destroy") {
        const r = await canaryDestroy(deps, { base: a.base, repository: a.repo });
        if (r.result === "could not decide") {
            io.err(`canary: ${r.reason}`);
            return EXIT.findings;
        }
        io.out(r.result === "absent" ? "canary: none; nothing to do" : "canary: destroyed");
        return EXIT.ok;
    }
    const r = await canaryUp(deps, { base: a.base, repository: a.repo, commit: a.commit });
    if (r.result === "could not decide") {
        io.err(`canary: could not decide: ${r.reason}`);
        return EXIT.usage;
    }
    const urls = Object.entries(r.urls).flatMap(([svc, list]) => list.slice(0, 1).map((u) => `${svc} ${u}`));
    const verdict =
        r.result === "passed"
            ? `canary: passed${r.judged ? " (the health gate judged it)" : " (not judged: the gate is off or no service has a health check)"}: ${a.commit.slice(0, 12)} may go to ${a.base}`
            : `canary: failed: ${a.commit.slice(0, 12)} must not go to ${a.base}`;
    io.out([verdict, ...urls.map((u) => `  ${u}`)].join("\n"));
    if (r.details) io.err(r.details);
    if (env.GITHUB_STEP_SUMMARY) {
        try {
            fs.appendFileSync(
                env.GITHUB_STEP_SUMMARY,
                `### Canary\n\n${verdict}\n\n${urls.map((u) => `- ${u}`).join("\n")}\n\n`,
            );
        } catch (e) {
            io.err(`could not write the step summary: ${(e as Error).message.slice(0, 200)}`);
        }
    }
    return r.result === "passed" ? EXIT.ok : EXIT.findings;
}
