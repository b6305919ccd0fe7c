/**
 * Where raw stack configuration comes from: a `Pulumi.<stack>.yaml` file (no CLI, no passphrase:
 * `secure:` values are present but unknown), or the Pulumi runtime's config (values decrypted,
 * secretness known per top-level key). Both produce the same {@link RawConfig} shape, with secret
 * leaves as {@link SecretValue}s, so one validator serves the commands, the program and the plan.
 */
import * as fs from "fs";
import * as path from "path";
import { LineCounter, parseDocument } from "yaml";
import type { ConfigIssue } from "./issues";
import { isProviderCredentialKey } from "./plain-credentials";
import { SecretValue } from "./secret";
import { credentialShape } from "./values";
import { CONFIG_NAMESPACE } from "./stack.schema";
import type { RawConfig } from "./validate";
import { configPath } from "./validate";
import { ConfigurationError } from "./errors";

export interface RawStackConfig {
    stack: string;
    /** `ainative-platform:*` values with the namespace removed. */
    raw: RawConfig;
    /** Other namespaces (provider config such as `github:owner`), untouched. */
    providerConfig: Record<string, unknown>;
    /** Problems found while reading (before schema validation). */
    issues: ConfigIssue[];
}

const SECRETS_KEY = "secrets";

function isSecureLeaf(v: unknown): v is { secure: string } {
    return (
        typeof v === "object" &&
        v !== null &&
        !Array.isArray(v) &&
        Object.keys(v).length === 1 &&
        typeof (v as { secure?: unknown }).secure === "string"
    );
}

/** The one key that can change an object's prototype when a program copies or assigns it. */
const PROTOTYPE_KEY = "__proto__";

/**
 * Replaces `secure:` leaves (and, for a secret key, every string leaf) with SecretValues. A
 * `__proto__` key is reported and dropped: copied into an object it would change the prototype of
 * that object instead of adding an entry (a variable that silently disappears, or worse).
 */
function markSecrets(
    value: unknown,
    where: (string | number)[],
    onSecureOutsideSecrets: (p: (string | number)[]) => void,
    allStringsSecret: boolean,
    onPrototypeKey: (p: (string | number)[]) => void = () => undefined,
): unknown {
    if (isSecureLeaf(value)) {
        if (where[0] !== SECRETS_KEY) onSecureOutsideSecrets(where);
        return SecretValue.unknown();
    }
    if (typeof value === "string" && allStringsSecret) return SecretValue.of(value);
    if (Array.isArray(value))
        return value.map((v, i) =>
            markSecrets(v, [...where, i], onSecureOutsideSecrets, allStringsSecret, onPrototypeKey),
        );
    if (value && typeof value === "object") {
        const entries = Object.entries(value as Record<string, unknown>).filter(([k]) => {
            if (k !== PROTOTYPE_KEY) return true;
            onPrototypeKey([...where, k]);
            return false;
        });
        return Object.fromEntries(
            entries.map(([k, v]) => [
                k,
                markSecrets(v, [...where, k], onSecureOutsideSecrets, allStringsSecret, onPrototypeKey),
            ]),
        );
    }
    return value;
}

function secretOutsideSecretsIssue(where: (string | number)[]): ConfigIssue {
    return {
        path: configPath(where),
        problem: "holds a secret outside the secrets section (Pulumi then treats the whole key as secret)",
        fix: "store secret values under secrets.services.<service>.<KEY> and list the key in that service's secrets",
    };
}

/** The stack name a file belongs to: `Pulumi.production.yaml` → `production`. */
function stackNameOfFile(file: string): string {
    const base = path.basename(file);
    const m = base.match(/^Pulumi\.(.+)\.ya?ml$/);
    return m ? m[1] : base;
}

/** A stack file that cannot be read as YAML: the message names the file and line, never its bytes. */
export class StackFileError extends ConfigurationError {
    constructor(message: string) {
        super(message);
    }
}

/** Aliases allowed in a stack file: a few legitimate ones, not a "billion laughs" expansion. */
const MAX_ALIASES = 100;

/** What a stack file may be (docs/configuration.md "Validating"): past these, it is refused with the limit named. */
export const STACK_FILE_LIMITS = { bytes: 1024 * 1024, depth: 64, keys: 20_000 } as const;

/**
 * A file that can be read whole and safely: a regular file (not a device such as /dev/zero, a FIFO
 * or a directory) of at most `maxBytes`. Throws `make(message)` otherwise.
 */
export function readBoundedFile(file: string, maxBytes: number, make: (message: string) => Error): Buffer {
    let stat: fs.Stats;
    try {
        stat = fs.statSync(file);
    } catch (e) {
        throw make(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
    }
    if (!stat.isFile())
        throw make(`${file}: is not a regular file (a directory, device or pipe); give the path of a file`);
    if (stat.size > maxBytes) throw make(`${file}: is ${stat.size} bytes; at most ${maxBytes} bytes are read`);
    const bytes = fs.readFileSync(file);
    // It may have grown between the two calls.
    if (bytes.length > maxBytes) throw make(`${file}: is over ${maxBytes} bytes; at most ${maxBytes} bytes are read`);
    return bytes;
}

/**
 * How deeply a YAML text nests, estimated without parsing it (the parser itself recurses, and a
 * hostile file would overflow its stack): flow brackets and block indentation, whichever is deeper.
 */
function nestingOf(text: string): number {
    let flow = 0;
    let maxFlow = 0;
    let quote: string | undefined;
    for (const c of text) {
        if (quote) {
            if (c === quote) quote = undefined;
        } else if (c === '"' || c === "'") quote = c;
        else if (c === "[" || c === "{") maxFlow = Math.max(maxFlow, ++flow);
        else if (c === "]" || c === "}") flow = Math.max(0, flow - 1);
        else if (c === "\n") quote = undefined;
    }
    // Block nesting: the open indentation levels, as a tokenizer counts them, plus list dashes.
    const levels: number[] = [];
    let maxBlock = 0;
    for (const line of text.split("\n")) {
        const indent = line.search(/\S/);
        if (indent < 0 || line[indent] === "#") continue;
        while (levels.length && levels[levels.length - 1] >= indent) levels.pop();
        levels.push(indent);
        const dashes = /^(?:- +)*/.exec(line.slice(indent))![0].split("-").length - 1;
        maxBlock = Math.max(maxBlock, levels.length + dashes);
    }
    return Math.max(maxFlow, maxBlock);
}

/**
 * Refuses a YAML text that nests deeper than a stack file may, before anything recursive (the yaml
 * parser included) touches it: every reader of a stack or project file calls this first.
 */
export function assertYamlDepth(text: string, where: string): void {
    if (nestingOf(text) > STACK_FILE_LIMITS.depth)
        throw new StackFileError(
            `${where}: nests deeper than ${STACK_FILE_LIMITS.depth} levels; a stack file is at most ${STACK_FILE_LIMITS.depth} levels deep`,
        );
}

/** `yaml`'s parseDocument behind {@link assertYamlDepth}. */
export function parseYamlDocument(text: string, where: string): ReturnType<typeof parseDocument> {
    assertYamlDepth(text, where);
    return parseDocument(text);
}

/** `yaml`'s parse behind {@link assertYamlDepth}. */
export function parseYaml(text: string, where: string): unknown {
    return parseYamlDocument(text, where).toJS({ maxAliasCount: MAX_ALIASES });
}

/** Counts the keys of a parsed value without recursion; stops counting past `limit`. */
function keyCount(value: unknown, limit: number): number {
    let n = 0;
    const stack = [value];
    while (stack.length && n <= limit) {
        const v = stack.pop();
        if (Array.isArray(v)) stack.push(...v);
        else if (v && typeof v === "object") {
            const entries = Object.entries(v);
            n += entries.length;
            for (const [, child] of entries) stack.push(child);
        }
    }
    return n;
}

/** A parser message without the source excerpt yaml appends, escaped and bounded. */
function parserMessage(message: string): string {
    const first = message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    return first.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).slice(0, 200);
}

/**
 * A stack file's YAML as a plain object (`{config?: {...}}`). Every parse error of the file at once,
 * as `<file>:<line>:<column>: <problem>`; binary content, an alias bomb or a document that is not a
 * mapping are refused the same way. Nothing of the file's content is echoed.
 */
export function parseStackFile(file: string): { config?: Record<string, unknown> } {
    const bytes = readBoundedFile(file, STACK_FILE_LIMITS.bytes, (m) => new StackFileError(m));
    if (bytes.includes(0)) throw new StackFileError(`${file}: is binary, not a YAML stack file`);
    const text = bytes.toString("utf8");
    if (text.includes("\uFFFD")) throw new StackFileError(`${file}: is not UTF-8 text; a stack file is YAML`);
    assertYamlDepth(text, file);
    const lineCounter = new LineCounter();
    // Merge keys (`<<: *defaults`) as Pulumi's own YAML reader takes them.
    const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter, merge: true });
    if (doc.errors.length) {
        const lines = doc.errors.map((e) => {
            const { line, col } = lineCounter.linePos(e.pos[0]);
            return `${file}:${line}:${col}: ${parserMessage(e.message)}`;
        });
        throw new StackFileError(lines.join("\n"));
    }
    let value: unknown;
    try {
        value = doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (e) {
        if (e instanceof RangeError)
            throw new StackFileError(
                `${file}: nests too deeply to read; a stack file is at most ${STACK_FILE_LIMITS.depth} levels deep`,
            );
        throw new StackFileError(
            `${file}: ${parserMessage((e as Error).message)} (at most ${MAX_ALIASES} aliases are expanded)`,
        );
    }
    if (value === null || value === undefined) return {};
    if (typeof value !== "object" || Array.isArray(value))
        throw new StackFileError(`${file}: is not a Pulumi stack file (expected a mapping with a 'config' key)`);
    if (keyCount(value, STACK_FILE_LIMITS.keys) > STACK_FILE_LIMITS.keys)
        throw new StackFileError(
            `${file}: has more than ${STACK_FILE_LIMITS.keys} keys; a stack file has at most ${STACK_FILE_LIMITS.keys}`,
        );
    const config = (value as { config?: unknown }).config;
    if (config !== undefined && config !== null && (typeof config !== "object" || Array.isArray(config))) {
        throw new StackFileError(`${file}: its 'config' is not a mapping of keys to values`);
    }
    return { config: (config ?? undefined) as Record<string, unknown> | undefined };
}

/** Reads a stack file. Throws a {@link StackFileError} when it cannot be read as a stack file. */
export function readStackFile(file: string, stack = stackNameOfFile(file)): RawStackConfig {
    return fromConfigMap(stack, parseStackFile(file).config ?? {}, () => false);
}

/**
 * Builds raw config from a flat `namespace:key → value` map. Keys without a namespace belong to the
 * project namespace, as Pulumi reads them.
 */
export function fromConfigMap(
    stack: string,
    config: Record<string, unknown>,
    isSecretKey: (fullKey: string) => boolean,
): RawStackConfig {
    const raw: RawConfig = {};
    const providerConfig: Record<string, unknown> = {};
    const issues: ConfigIssue[] = [];
    for (const [fullKey, value] of Object.entries(config)) {
        const [ns, key] = fullKey.includes(":")
            ? [fullKey.slice(0, fullKey.indexOf(":")), fullKey.slice(fullKey.indexOf(":") + 1)]
            : [CONFIG_NAMESPACE, fullKey];
        if (ns !== CONFIG_NAMESPACE) {
            providerConfig[fullKey] = value;
            // A provider's token typed into the stack file in clear (`github:token: ghp_…`).
            if (
                typeof value === "string" &&
                value !== "" &&
                !isSecretKey(fullKey) &&
                (isProviderCredentialKey(fullKey) || credentialShape(value))
            ) {
                issues.push({
                    path: fullKey,
                    problem: "is a credential stored in clear in the stack file",
                    fix: `remove it and set it encrypted: pulumi config set --secret ${fullKey} <value> (or use the provider's environment variable), then rotate it`,
                });
            }
            continue;
        }
        const secretKey = isSecretKey(`${CONFIG_NAMESPACE}:${key}`);
        if (secretKey && key !== SECRETS_KEY) {
            issues.push(secretOutsideSecretsIssue([key]));
            continue;
        }
        raw[key] = markSecrets(
            value,
            [key],
            (p) => issues.push(secretOutsideSecretsIssue(p)),
            secretKey && key === SECRETS_KEY,
            (p) =>
                issues.push({
                    path: configPath(p),
                    problem:
                        "is not allowed as a key: it would change how the program's objects behave instead of adding an entry",
                    fix: "remove it",
                }),
        );
    }
    return { stack, raw, providerConfig, issues };
}

/** Parses a runtime config string: objects and arrays arrive as JSON text. */
export function parseRuntimeValue(text: string): unknown {
    const t = text.trim();
    if (t.startsWith("{") || t.startsWith("[") || t === "true" || t === "false" || /^-?\d+(\.\d+)?$/.test(t)) {
        try {
            return JSON.parse(t);
        } catch {
            return text;
        }
    }
    return text;
}

/** Why a stack file is not there, with the stacks that are (`Pulumi.<stack>.yaml` beside it). */
export function missingStackFile(file: string): string {
    const dir = path.dirname(file);
    const stacks = fs.existsSync(dir)
        ? fs
              .readdirSync(dir)
              .filter((f) => /^Pulumi\.(.+)\.yaml$/.test(f))
              .map((f) => f.replace(/^Pulumi\.|\.yaml$/g, ""))
              .sort()
        : [];
    return `no stack file ${file}${stacks.length ? ` (stacks here: ${stacks.join(", ")})` : " (no Pulumi.<stack>.yaml here)"}`;
}
