/**
 * A throwaway Pulumi project folder for running a stack under the real engine: the repository's
 * sources linked in, a stack file of its own (the committed one, changed at will), a file backend
 * of its own, and the documented passphrase of the `local` stack. The end-to-end tests and
 * `npm run fixtures:engine` run the `local` stack against the Railway emulator this way, so that
 * nothing touches the repository's own stack files or state.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { Engine, engineEnv, provideEngine, REPO_ROOT, RunResult, runPulumi } from "./engine";

/** The passphrase of the `local` stack's committed secrets (docs/team-setup.md "Real engine"); local values only. */
export const LOCAL_PASSPHRASE = "ainative-local";

/** What a project folder needs from the repository: the program, the policy pack, the tools it runs. */
const LINKED = [
    "bin",
    "stacks",
    "components",
    "config",
    "providers",
    "policies",
    "scripts",
    "tools",
    "node_modules",
    "package.json",
    "package-lock.json",
    "tsconfig.json",
];
/**
 * Copied, not linked: the engine starts the program and its plugins in the program's folder, and a
 * linked one would put them in the repository (where a command walking up to Pulumi.yaml, like the
 * deployment gate's, would find the repository's stack files instead of this workspace's).
 */
const COPIED = ["infra"];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a stack file's config is arbitrary YAML that callers edit in place
export type StackConfigDoc = { config: Record<string, any>; [k: string]: unknown };

export interface WorkspaceOptions {
    /** Which committed stack file to start from (default `local`). */
    stack?: string;
    /** Changes to the stack file's config before the first run. */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a stack file's config is arbitrary YAML that callers edit in place
    mutate?: (config: Record<string, any>) => void;
    /** Extra environment for every run (RAILWAY_API_TOKEN, RAILWAY_API_URL...). */
    env?: NodeJS.ProcessEnv;
    /**
     * Where the program, its sources and the committed stack file come from (default: this
     * repository). Another checkout of the repository runs an older program (a migration test).
     */
    sources?: string;
    /**
     * The state backend (default: a folder of the workspace's own). A shared one (postgres://,
     * s3://) is what a team runs on; its credentials go in `env`.
     */
    backendUrl?: string;
    /** Passphrase (default: the local stack's). */
    passphrase?: string;
    /** Progress of long runs. */
    log?: (line: string) => void;
    engine?: Engine;
}

export class Workspace {
    private constructor(
        readonly dir: string,
        readonly backendDir: string,
        /** PULUMI_BACKEND_URL of every run. */
        readonly backendUrl: string,
        readonly stack: string,
        readonly engine: Engine,
        /** The environment every engine run of this workspace gets (engine PATH, backend, passphrase, tokens). */
        readonly env: NodeJS.ProcessEnv,
        private readonly log?: (line: string) => void,
    ) {}

    /** The checkout the program comes from. */
    private sources = REPO_ROOT;

    static async create(opts: WorkspaceOptions = {}): Promise<Workspace> {
        const engine = opts.engine ?? provideEngine();
        const stack = opts.stack ?? "local";
        const root = fs.mkdtempSync(path.join(os.tmpdir(), `ainative-${stack}-`));
        const dir = path.join(root, "project");
        const backendDir = path.join(root, "state");
        fs.mkdirSync(dir);
        fs.mkdirSync(backendDir);
        const backendUrl = opts.backendUrl ?? `file://${backendDir}`;
        const env = engineEnv(engine, {
            backendUrl,
            passphrase: opts.passphrase ?? LOCAL_PASSPHRASE,
            // `npm test` type-checks the program; the engine need not do it again on every run.
            extra: { PULUMI_NODEJS_TRANSPILE_ONLY: "true", ...opts.env },
        });
        const ws = new Workspace(dir, backendDir, backendUrl, stack, engine, env, opts.log);
        ws.useSources(opts.sources ?? REPO_ROOT);
        ws.writeStackFile((doc) => opts.mutate?.(doc.config));
        const init = await ws.run(["stack", "init", stack]);
        if (init.code !== 0) throw new Error(`pulumi stack init ${stack} failed:\n${init.stderr}`);
        return ws;
    }

    /**
     * Another runner's checkout of this project: its own folder, with the same sources, a copy of
     * this workspace's stack files, and the same backend and environment. Commands run from several
     * of these at once meet only in the backend, as CI runners and laptops do.
     */
    anotherCheckout(): Workspace {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), `ainative-${this.stack}-runner-`));
        const dir = path.join(root, "project");
        fs.mkdirSync(dir);
        const ws = new Workspace(dir, this.backendDir, this.backendUrl, this.stack, this.engine, this.env, this.log);
        ws.useSources(this.sources);
        for (const f of fs.readdirSync(this.dir).filter((n) => /^Pulumi\..+\.yaml$/.test(n)))
            fs.copyFileSync(path.join(this.dir, f), path.join(dir, f));
        return ws;
    }

    /**
     * Links (and copies) the program and its sources from a checkout of the repository, replacing
     * what the workspace had: upgrading the program a stack runs, its stack file and state kept.
     */
    useSources(root: string): void {
        this.sources = root;
        for (const name of [...LINKED, ...COPIED, "Pulumi.yaml"])
            fs.rmSync(path.join(this.dir, name), { recursive: true, force: true });
        for (const name of LINKED) fs.symlinkSync(path.join(root, name), path.join(this.dir, name));
        for (const name of COPIED) fs.cpSync(path.join(root, name), path.join(this.dir, name), { recursive: true });
        fs.copyFileSync(path.join(root, "Pulumi.yaml"), path.join(this.dir, "Pulumi.yaml"));
    }

    get stackFile(): string {
        return path.join(this.dir, `Pulumi.${this.stack}.yaml`);
    }

    /** The committed stack file, changed by `mutate`, written as this workspace's stack file. */
    writeStackFile(mutate: (doc: StackConfigDoc) => void): void {
        const doc = parse(
            fs.readFileSync(path.join(this.sources, `Pulumi.${this.stack}.yaml`), "utf8"),
        ) as StackConfigDoc;
        mutate(doc);
        fs.writeFileSync(this.stackFile, stringify(doc));
    }

    /** Changes this workspace's current stack file. */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a stack file's config is arbitrary YAML that callers edit in place
    editStackFile(mutate: (config: Record<string, any>) => void): void {
        const doc = parse(fs.readFileSync(this.stackFile, "utf8")) as StackConfigDoc;
        mutate(doc.config);
        fs.writeFileSync(this.stackFile, stringify(doc));
    }

    /** Any CLI command, in this project, with this workspace's environment. */
    run(
        args: string[],
        opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {},
    ): Promise<RunResult> {
        return runPulumi(this.engine, args, {
            cwd: this.dir,
            env: { ...this.env, ...opts.env },
            timeoutMs: opts.timeoutMs,
            input: opts.input,
            onOutput: this.log
                ? (chunk) =>
                      chunk
                          .split("\n")
                          .filter(Boolean)
                          .forEach((l) => this.log!(l))
                : undefined,
        });
    }

    /** A stack command (`up`, `preview`, `refresh`, `import`, `destroy`...) on this workspace's stack, non-interactive and without colour. */
    pulumi(command: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
        return this.run([...command, "--stack", this.stack, "--non-interactive", "--color", "never"], opts);
    }

    /** Sets a secret in the stack file (encrypted with the workspace's passphrase). */
    async setSecret(configPath: string, value: string): Promise<void> {
        const r = await this.run([
            "config",
            "set",
            "--stack",
            this.stack,
            "--secret",
            "--path",
            configPath,
            "--",
            value,
        ]);
        if (r.code !== 0) throw new Error(`pulumi config set ${configPath} failed:\n${r.stderr}`);
    }

    /** `pulumi stack export`, parsed. */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Pulumi's state export is a large untyped document
    async exportState(showSecrets = false): Promise<{ text: string; deployment: any }> {
        const r = await this.run([
            "stack",
            "export",
            "--stack",
            this.stack,
            ...(showSecrets ? ["--show-secrets"] : []),
        ]);
        if (r.code !== 0) throw new Error(`pulumi stack export failed:\n${r.stderr}`);
        return { text: r.stdout, deployment: JSON.parse(r.stdout).deployment };
    }

    dispose(): void {
        fs.rmSync(path.dirname(this.dir), { recursive: true, force: true });
    }
}
