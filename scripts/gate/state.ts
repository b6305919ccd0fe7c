/**
 * What the gate remembers between runs, per stack and service, in one JSON file (default
 * `.artifacts/gate/<stack>/<service>.json`; CI keeps it with its cache, see docs/pipelines.md "Pipelines"):
 * the baseline of the last healthy deployment (level 4 compares against it) and every rollback
 * the gate made (so that a second run never rolls back twice).
 */
import * as fs from "fs";
import * as path from "path";

export interface GateState {
    version: 1;
    baseline?: { deploymentId: string; p95Ms: number; errorRatePercent: number; at: string };
    rollbacks: { from: string; to: string; newDeploymentId?: string; at: string; reason: string }[];
}

export function defaultStateFile(root: string, stack: string, service: string): string {
    return path.join(root, ".artifacts", "gate", stack, `${service}.json`);
}

export function readState(file: string): GateState {
    if (!fs.existsSync(file)) return { version: 1, rollbacks: [] };
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<GateState>;
    return { version: 1, rollbacks: parsed.rollbacks ?? [], baseline: parsed.baseline };
}

/** Written whole to a temporary file, then renamed, so a crash never leaves half a file. */
export function writeState(file: string, state: GateState): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(state, null, 2) + "\n");
    fs.renameSync(tmp, file);
}
