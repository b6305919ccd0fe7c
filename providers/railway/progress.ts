/**
 * Progress of long Railway calls (a retry, a create looked for again): one line each. Written to
 * stderr by default, where the CLI tools (the gate, rollback, drift) show it; the provider plugin
 * sends it to the engine instead, because the engine hides a provider plugin's stderr.
 */
export type ProgressSink = (line: string) => void;

let sink: ProgressSink = (line) => process.stderr.write(`${line}\n`);

export function reportProgress(line: string): void {
    sink(line);
}

export function setProgressSink(next: ProgressSink): void {
    sink = next;
}
