/**
 * Runs `pulumi refresh --preview-only` for drift: the digest on stdout (`--json`) and the event log
 * beside it (`--event-log`, which needs PULUMI_DEBUG_COMMANDS=true), so each drifted Railway
 * resource can be named. Nothing is written to the stack's state. The `pulumi` on PATH is used:
 * in CI, the one the workflow installed; locally, what scripts/install-pulumi.sh provides.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EngineEvent, parseDigest, parseEvents, PreviewDigest } from "../engine/output";
import { engineOnPath, runPulumi } from "../engine/engine";
import { scrubTokens, uncolor } from "../report/markdown";

export interface RefreshRun {
    digest?: PreviewDigest;
    events?: EngineEvent[];
    /** Why the refresh gave no usable answer. */
    error?: string;
}

/** The last lines of the CLI's stderr, without colour or tokens, bounded. */
export function stderrTail(stderr: string, lines = 12): string {
    return scrubTokens(uncolor(stderr))
        .split("\n")
        .filter((l) => l.trim())
        .slice(-lines)
        .join("\n")
        .slice(-2000);
}

export async function runRefreshPreview(
    stack: string,
    opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number; onProgress?: (line: string) => void },
): Promise<RefreshRun> {
    const engine = engineOnPath(opts.env);
    if (!engine)
        return {
            error: "pulumi is not on PATH: install the CLI (scripts/install-pulumi.sh --env prints the PATH to use), or pass --refresh-json with a saved `pulumi refresh --preview-only --json`",
        };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ainative-drift-"));
    const eventLog = path.join(dir, "events.ndjson");
    try {
        const env = { ...opts.env, PULUMI_DEBUG_COMMANDS: "true", PULUMI_SKIP_UPDATE_CHECK: "true" };
        const r = await runPulumi(
            engine,
            [
                "refresh",
                "--preview-only",
                "--json",
                "--stack",
                stack,
                "--event-log",
                eventLog,
                "--color",
                "never",
                "--non-interactive",
            ],
            {
                cwd: opts.cwd,
                env,
                timeoutMs: opts.timeoutMs ?? 30 * 60_000,
                onOutput: (chunk) => opts.onProgress?.(chunk),
            },
        );
        if (r.code !== 0) {
            // With --json the engine's own errors are in the digest on stdout, not on stderr.
            let diagnostics = "";
            try {
                diagnostics = (parseDigest(r.stdout).diagnostics ?? [])
                    .filter((d) => d.severity === "error")
                    .map((d) => d.message)
                    .join("\n");
            } catch {
                // no digest: stderr is all there is
            }
            return {
                error: `pulumi refresh --preview-only exited ${r.code}:\n${stderrTail(`${r.stderr}\n${diagnostics}`)}`,
            };
        }
        const digest = parseDigest(r.stdout);
        const events = fs.existsSync(eventLog) ? parseEvents(fs.readFileSync(eventLog, "utf8")) : undefined;
        return { digest, events };
    } catch (e) {
        return { error: `pulumi refresh --preview-only: ${scrubTokens((e as Error).message).slice(0, 500)}` };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
