/**
 * Every command, in one table: its name (also its npm script, `npm run <name>`), one line for
 * `ainative --help`, and where its code is. Each command's module is loaded only when it runs, so
 * a command starts no slower for the others being here. A unit test checks this table against
 * package.json's aliases and the README's command list.
 */
import * as path from "path";
import type { CommandIO } from "./io";

export interface CommandEntry {
    /** As typed after `ainative` or `npm run`. */
    readonly name: string;
    /** One line: what it does. Its own `--help` says the rest. */
    readonly summary: string;
    /** Runs it with the arguments after its name; resolves to its exit code. */
    readonly run: (argv: string[], io: CommandIO) => Promise<number>;
    /**
     * Ends the process as soon as it returns: it bounds its own work, and a request it gave up on
     * (a socket still open) must not keep the process alive past its timeout.
     */
    readonly exitWhenDone?: boolean;
}

/** The repository, where the policy pack and the stack files are found. */
const REPO_ROOT = path.resolve(__dirname, "..", "..");

export const COMMANDS: readonly CommandEntry[] = [
    {
        name: "plan",
        summary: "the offline plan of a stack: config, program and policies, no account, no network",
        run: async (argv, io) => {
            // Before the program's modules load: the SDK parts a plan never uses stay unloaded, and
            // the policy pack's process boots in parallel (about a second of the plan otherwise).
            (await import("../plan/defer-sdk")).deferUnusedSdkParts();
            const early =
                argv.includes("--stack") && !argv.includes("--help") && !argv.includes("-h")
                    ? await startPack()
                    : undefined;
            try {
                return await (await import("./plan")).planCommand(argv, io, process.cwd(), early);
            } finally {
                early?.kill();
            }
        },
    },
    {
        name: "validate",
        summary: "a stack file against its schema, offline; every problem at once",
        run: async (argv, io) => (await import("./validate")).validateCommand(argv, io),
    },
    {
        name: "validate-env",
        summary: "a dotenv file, or this environment, against the app's environment schema",
        run: async (argv, io) => (await import("./validate-env")).validateEnvCommand(argv, io),
    },
    {
        name: "pre-push",
        summary: "the pre-push gate: typecheck, validate every stack, plan staging and production",
        run: async (argv, io) => (await import("./pre-push")).prePushCommand(argv, io),
    },
    ...(["up", "destroy", "refresh", "import"] as const).map((operation): CommandEntry => ({
        name: operation,
        summary: `pulumi ${operation} of a stack, under the stack's lease`,
        run: async (argv, io) => (await import("./stack-op")).stackOperationCommand(operation, argv, io),
    })),
    {
        name: "state:migrate",
        summary: "moves this project's stacks, with their history, to another state backend",
        run: async (argv, io) => (await import("./state-migrate")).stateMigrateCommand(argv, io),
    },
    {
        name: "gate",
        summary: "judges a service's live deployment and rolls it back when the decision tree says so",
        run: async (argv, io) => (await import("./gate")).gateCommand(argv, io),
    },
    {
        name: "rollback",
        summary: "rolls a service back to its previous live deployment, and records it",
        run: async (argv, io) => (await import("./rollback")).rollbackCommand(argv, io),
    },
    {
        name: "deploy:watch",
        summary: "follows a stack's Railway deployments until they settle; reports a failed one",
        run: async (argv, io) => (await import("./deploy-watch")).deployWatchCommand(argv, io),
        exitWhenDone: true,
    },
    {
        name: "deploy:emergency",
        summary: "pulumi up from a workstation when the pipeline is broken, with its checks, logged",
        run: async (argv, io) => {
            const { terminalAsk } = await import("./io");
            const { emergencyDeployCommand } = await import("./deploy-emergency");
            return emergencyDeployCommand(argv, io, process.cwd(), process.env, { ask: terminalAsk() });
        },
    },
    {
        name: "deployment",
        summary: "records a deploy stage as a GitHub deployment with statuses",
        run: async (argv, io) => (await import("./deployment")).deploymentCommand(argv, io),
    },
    {
        name: "pr-comment",
        summary: "renders a stack's preview as the PR's one comment, and keeps it current",
        run: async (argv, io) => (await import("./pr-comment")).prCommentCommand(argv, io),
    },
    {
        name: "drift",
        summary: "drift detection: what refresh finds and what the stack does not manage, reported",
        run: async (argv, io) => (await import("./drift")).driftCommand(argv, io),
    },
    {
        name: "review",
        summary: "a pull request's review environment: up, destroy, sweep",
        run: async (argv, io) => (await import("./review")).reviewCommand(argv, io),
    },
    {
        name: "canary",
        summary: "the commit about to reach production, first on the canary environment, judged",
        run: async (argv, io) => (await import("./canary")).canaryCommand(argv, io),
    },
    {
        name: "secret:rotate",
        summary: "rotates one service secret stack by stack, each judged by its gate; undone on failure",
        run: async (argv, io) => (await import("./secret-rotate")).secretRotateCommand(argv, io),
    },
    {
        name: "secret:backup",
        summary: "copies every secret of a stack to its Vault, a new version only where a value changed",
        run: async (argv, io) => (await import("./secret-backup")).secretBackupCommand(argv, io),
    },
    {
        name: "secret:restore",
        summary: "puts a stack's secrets back from Vault into its config; changes nothing on Railway",
        run: async (argv, io) => (await import("./secret-restore")).secretRestoreCommand(argv, io),
    },
    {
        name: "railway:rotate-token",
        summary: "rotates each stack's pipeline Railway token: made, stored, verified, old one deleted",
        run: async (argv, io) => (await import("./railway-rotate-token")).railwayRotateTokenCommand(argv, io),
    },
    {
        name: "railway:import",
        summary: "brings a live Railway environment under a stack: its stack-file section and an import file",
        run: async (argv, io) => (await import("./railway-import")).railwayImportCommand(argv, io, process.cwd()),
    },
    {
        name: "metrics",
        summary: "the seed's success metrics and DORA's four keys, from the pipeline's records",
        run: async (argv, io) => (await import("./metrics")).metricsCommand(argv, io),
    },
    {
        name: "railway:emulator",
        summary: "a local Railway (its GraphQL API) on 127.0.0.1, until Ctrl-C",
        run: async (argv, io) => (await import("./railway-emulator")).railwayEmulatorCommand(argv, io),
    },
    {
        name: "local:fakes",
        summary: "local GitHub, Sentry and PagerDuty fakes on 127.0.0.1, until Ctrl-C",
        run: async (argv, io) => (await import("./local-fakes")).localFakesCommand(argv, io),
    },
    {
        name: "provider:sdk",
        summary: "regenerates the railway provider's package schema and Node.js SDK (needs the engine)",
        run: async (argv, io) => (await import("./provider-sdk")).providerSdkCommand(argv, io),
    },
    {
        name: "provider:package",
        summary: "bundles the railway provider plugin for `pulumi plugin install --file`",
        run: async (argv, io) => (await import("./provider-package")).providerPackageCommand(argv, io),
    },
    {
        name: "fixtures:engine",
        summary: "records the real Pulumi CLI's output as test fixtures (needs the engine)",
        run: async (argv, io) => (await import("./fixtures-engine")).fixturesEngineCommand(argv, io),
    },
];

/** Starts the policy pack's process early; undefined when it cannot (the plan starts and reports it the usual way). */
async function startPack() {
    try {
        return (await import("../plan/pack-process")).spawnRepositoryPack(REPO_ROOT);
    } catch {
        return undefined;
    }
}

export function findCommand(name: string): CommandEntry | undefined {
    return COMMANDS.find((c) => c.name === name);
}
