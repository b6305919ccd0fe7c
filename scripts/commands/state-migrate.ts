/**
 * `npm run state:migrate -- --to <backend url> [--from <backend url>] [--stacks a,b] [--lock-timeout <minutes>]`
 *
 * Moves this project's stacks, with their history, from one backend to another (scripts/state/migrate.ts):
 * file → PostgreSQL when a team forms, PostgreSQL → S3, back to a folder. `--from` defaults to the
 * backend the engine uses (PULUMI_BACKEND_URL, else `pulumi login`'s). Each stack is copied holding
 * its lease on both backends, refused when the target already has it, and verified with the engine
 * (`pulumi stack export` on the target equals the source's). The source is left as it was: switch
 * PULUMI_BACKEND_URL (and the workflows' secret) to the target afterwards, then remove the source.
 *
 * Exit 0 every stack moved and verified, 1 one could not be (the reason; the ones before it moved),
 * 2 usage error.
 */
import { engineOnPath, runPulumi } from "../engine/engine";
import { backendUrlOf, projectName } from "../engine/project";
import { displayUrl, openBackend, StateBackend } from "../state/backend";
import { acquireLease, currentHolder, Lease } from "../state/lease";
import { copyStack, stacksOf } from "../state/migrate";
import { defineCommand, parseCommand, usageProblem } from "./cli";
import { CommandIO, EXIT } from "./io";
import { LOCK_TIMEOUT, leaseProblem } from "./leases";

export async function stateMigrateCommand(
    argv: string[],
    io: CommandIO,
    cwd = process.cwd(),
    env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
    const cmd = defineCommand(
        "state:migrate",
        "Moves this project's stacks, with their history, to another backend, verified by the engine.",
        io,
        "Exit 0 moved and verified, 1 a stack could not be moved, 2 usage error.\nEnvironment: PULUMI_CONFIG_PASSPHRASE (the export is verified), AWS_* for an S3 backend.",
    )
        .requiredOption("--to <url>", "the backend to move to (postgres://…, s3://…, file://…)")
        .option("--from <url>", "the backend to move from (default: the one the engine uses)")
        .option("--stacks <names>", "only these stacks, comma-separated (default: every stack of the project)")
        .option(LOCK_TIMEOUT.flags, LOCK_TIMEOUT.description, LOCK_TIMEOUT.parse, LOCK_TIMEOUT.defaultMinutes);
    const parsed = parseCommand(cmd, argv);
    if (parsed !== true) return parsed;
    const o = cmd.opts();
    const usage = usageProblem(io, cmd);
    const engine = engineOnPath(env);
    if (!engine) return usage("no Pulumi CLI on PATH (scripts/install-pulumi.sh installs one)");
    const project = projectName(cwd);
    if (!project) return usage(`no Pulumi.yaml in ${cwd}: run this from the project's folder`);
    const pulumiEnv = { ...env, PULUMI_SKIP_UPDATE_CHECK: "true" };
    const fromUrl = o.from ?? (await backendUrlOf(engine, cwd, pulumiEnv));
    if (!fromUrl) return usage("no backend to move from: pass --from, set PULUMI_BACKEND_URL or run `pulumi login`");
    if (fromUrl === o.to) return usage("--to is the backend the stacks are on already");

    let from: StateBackend | undefined;
    let to: StateBackend | undefined;
    const leases: Lease[] = [];
    try {
        from = await openBackend(fromUrl, { env, cwd });
        to = await openBackend(o.to, { env, cwd });
        const all = stacksOf(await from.list(".pulumi/"), project);
        const stacks = o.stacks ? o.stacks.split(",").map((s) => s.trim()) : all;
        const missing = stacks.filter((s) => !all.includes(s));
        if (missing.length)
            return usage(
                `${displayUrl(fromUrl)} has no stack ${missing.join(", ")} of ${project} (it has: ${all.join(", ") || "none"})`,
            );
        if (!stacks.length) {
            io.err(`${displayUrl(fromUrl)} holds no stack of ${project}: nothing to move`);
            return EXIT.ok;
        }
        const exportOn = (url: string, stack: string) =>
            runPulumi(engine, ["stack", "export", "--stack", stack, "--non-interactive"], {
                cwd,
                env: { ...pulumiEnv, PULUMI_BACKEND_URL: url },
                timeoutMs: 10 * 60_000,
            });
        for (const stack of stacks) {
            const holder = currentHolder(`state:migrate ${stack} to ${displayUrl(o.to)}`, env);
            const options = { timeoutMs: o.lockTimeout * 60_000, env, cwd };
            leases.push(await acquireLease(fromUrl, `${project}/${stack}`, holder, options));
            leases.push(await acquireLease(o.to, `${project}/${stack}`, holder, options));
            const copied = await copyStack(from, to, project, stack);
            const [a, b] = [await exportOn(fromUrl, stack), await exportOn(o.to, stack)];
            if (a.code !== 0 || b.code !== 0 || a.stdout !== b.stdout) {
                io.err(
                    `${stack}: copied, but the target's export differs from the source's: check ${displayUrl(o.to)}; the source is untouched`,
                );
                return EXIT.findings;
            }
            io.out(
                `${stack}: moved to ${displayUrl(o.to)} (${copied.objects} objects, ${copied.bytes} bytes, history included), export verified`,
            );
            for (const l of leases.splice(0).reverse()) await l.release();
        }
        io.err(
            `done: set PULUMI_BACKEND_URL to ${displayUrl(o.to)} (and the workflows' secret), then remove the stacks from ${displayUrl(fromUrl)}`,
        );
        return EXIT.ok;
    } catch (e) {
        const code = leaseProblem(e, io);
        if (code !== undefined) return code;
        io.err(`error: ${(e as Error).message}`);
        return EXIT.findings;
    } finally {
        for (const l of leases.reverse()) await l.release().catch(() => undefined);
        await from?.close();
        await to?.close();
    }
}
