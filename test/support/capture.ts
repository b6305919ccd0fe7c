import type { CommandIO } from "../../scripts/commands/io";

/** A CommandIO that keeps every line, for asserting on what a command printed. */
export type CapturedIO = CommandIO & { stdout: string[]; stderr: string[]; all(): string };

export function captureIO(): CapturedIO {
    const stdout: string[] = [];
    const stderr: string[] = [];
    return {
        stdout,
        stderr,
        out: (l) => stdout.push(l),
        err: (l) => stderr.push(l),
        all: () => [...stdout, ...stderr].join("\n"),
    };
}
