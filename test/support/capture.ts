import type { CommandIO } from "../../scripts/commands/io";

/** A CommandIO that keeps every line, for asserting on what a command printed. */
export function captureIO(): CommandIO & { stdout: string[]; stderr: string[]; all(): string } {
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
