/**
 * Markdown for GitHub (PR comments, issues, step summaries) from untrusted text: resource names,
 * policy messages and engine diagnostics come from the program, the stack file and the engine, so
 * every piece of dynamic text goes through {@link esc} before it lands in a body. Entities, not
 * backslashes: they survive tables, HTML blocks and `<details>` alike, and `@` or `#` in a name
 * can never mention a team or link an issue.
 */
import { RESOURCE_TYPES } from "../../config/resource-types";
import { escaped, redacted } from "../../config/values";

const ENTITIES: Record<string, string> = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#39;",
    "|": "&#124;",
    "`": "&#96;",
    "*": "&#42;",
    _: "&#95;",
    "[": "&#91;",
    "]": "&#93;",
    "~": "&#126;",
    "@": "&#64;",
    "#": "&#35;",
    "\\": "&#92;",
};

/** Text made inert for GitHub markdown: one line, every markup character an entity, bounded. */
export function esc(text: string, max = 500): string {
    // Escape codes and right-to-left marks shown as \uXXXX (config/values.ts), never acted on.
    const line = escaped(text.replace(/[\r\n\t]+/g, " "));
    const cut = line.length > max ? `${line.slice(0, max)}… (${line.length} characters)` : line;
    return cut.replace(/[&<>"'|`*_[\]~@#\\]/g, (c) => ENTITIES[c]);
}

/** An identifier in monospace: `<code>` with escaped content (a markdown code span cannot hold a backtick). */
export const code = (text: string, max = 200) => `<code>${esc(text, max)}</code>`;

/**
 * A block of engine text (diagnostics, stderr) inside a fenced block that its content cannot close:
 * the fence is longer than any run of backticks in it. Lines are kept, the whole bounded.
 */
export function textBlock(text: string, maxChars = 4000): string {
    const clean = text.replace(/\r/g, "").replace(/[^\P{Cc}\n\t]/gu, "");
    const body =
        clean.length > maxChars ? `${clean.slice(0, maxChars)}\n… (${clean.length - maxChars} more characters)` : clean;
    const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
    const fence = "`".repeat(longest + 1);
    return `${fence}text\n${body.trimEnd()}\n${fence}`;
}

/** `railway:index:Service` → `railway:Service`; `github:index/x:Y` → `github:Y`. */
export function shortType(type: string): string {
    const parts = type.split(":");
    return parts.length === 3 && (parts[1] === "index" || parts[1].startsWith("index/"))
        ? `${parts[0]}:${parts[2]}`
        : type;
}

/** Whether a type token is one this project declares (the rest are components or the stack). */
export const isKnownType = (type: string) => (Object.values(RESOURCE_TYPES) as string[]).includes(type);

/** Strips the engine's colour tags (`<{%fg 1%}>`) and ANSI escapes from a message. */
// eslint-disable-next-line no-control-regex -- ANSI escapes start with ESC
export const uncolor = (text: string) => text.replace(/<\{%[^%]*%\}>/g, "").replace(/\x1b\[[0-9;]*m/g, "");

/** Tokens that must never reach a body even when a message quotes one: GitHub's, Railway's, bearer headers. */
export function scrubTokens(text: string): string {
    return redacted(text)
        .replace(/(gh[pousr]_|github_pat_)[A-Za-z0-9_]{8,}/g, "[token]")
        .replace(/(authorization|bearer|token)(["']?\s*[:=]\s*["']?)[^\s"',]+/gi, "$1$2[redacted]");
}

/**
 * A body built to a hard length limit: sections are added in priority order; a section that does
 * not fit is cut at a line boundary with a note of what was left out.
 */
export class Budget {
    private readonly parts: string[] = [];
    private used = 0;

    constructor(readonly limit: number) {}

    get remaining(): number {
        return this.limit - this.used;
    }

    /** Adds the text whole, or nothing; says whether it fitted. */
    tryAdd(text: string): boolean {
        const cost = text.length + 1;
        if (cost > this.remaining) return false;
        this.parts.push(text);
        this.used += cost;
        return true;
    }

    /** Adds as many items as fit (each whole), keeping `reserve` characters free; returns how many. */
    addItems(items: Iterable<string>, reserve = 0): number {
        let n = 0;
        for (const item of items) {
            if (item.length + 1 > this.remaining - reserve) break;
            this.parts.push(item);
            this.used += item.length + 1;
            n++;
        }
        return n;
    }

    toString(): string {
        return this.parts.join("\n");
    }
}
