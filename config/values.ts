/**
 * What a configuration value is, in one place for the schema, the validator and the policies:
 * Railway references in it, the literal text around them, the hosts it names and whether one is
 * local or private, whether it looks like a credential, and how to show it without printing it.
 */
import * as ipaddr from "ipaddr.js";

// ---- Railway references -------------------------------------------------------------------

/** `${{ NAMESPACE.VAR }}` or `${{ VAR }}`: what Railway resolves at deploy time. */
const REFERENCE = /\$\{\{\s*([^{}]*?)\s*\}\}/g;

export interface RailwayReference {
    /** As written, e.g. `${{postgres.DATABASE_URL}}`. */
    raw: string;
    /** `shared`, a service name, or undefined for the service's own variable. */
    namespace?: string;
    /** The variable referenced. */
    variable: string;
    /** Not of a form Railway resolves (a template function, an empty or malformed name). */
    malformed: boolean;
}

export function railwayReferences(value: string): RailwayReference[] {
    return [...value.matchAll(REFERENCE)].map((m) => {
        const inner = m[1];
        const parts = inner.split(".");
        const ok = /^[A-Za-z_][A-Za-z0-9_]*$/;
        if (parts.length === 1) return { raw: m[0], variable: inner, malformed: !ok.test(inner) };
        if (parts.length === 2)
            return { raw: m[0], namespace: parts[0], variable: parts[1], malformed: !parts[0] || !ok.test(parts[1]) };
        return { raw: m[0], variable: inner, malformed: true };
    });
}

export function hasRailwayReference(value: string): boolean {
    return railwayReferences(value).length > 0;
}

/** The placeholder a reference becomes when the literal rest of a value is checked. */
export const REFERENCE_PLACEHOLDER = "railwayref";

/** The value with each reference replaced by a placeholder (numbered: `railwayref0`, ...). */
export function withPlaceholders(value: string): string {
    let i = 0;
    return value.replace(REFERENCE, () => `${REFERENCE_PLACEHOLDER}${i++}`);
}

/** The value's literal text: everything but its references. */
export function literalText(value: string): string {
    return value.replace(REFERENCE, "");
}

/** Whether the value starts with a reference (which then supplies its scheme and host). */
export function startsWithReference(value: string): boolean {
    return /^\s*\$\{\{/.test(value);
}

// ---- hosts -----------------------------------------------------------------------------------

/** Hostnames in URLs (any scheme: https, postgres, redis...) of a value, or the value as a bare host. */
export function hostsIn(full: string): string[] {
    const value = full.length > SCAN_LIMIT ? full.slice(0, SCAN_LIMIT) : full;
    const hosts: string[] = [];
    for (const m of value.matchAll(
        /\b[a-z][a-z0-9+.-]{0,30}:\/\/(?:[^@/\s]{0,256}@)?(\[[^\]\s]{0,64}\]|[^:/?#\s]{1,253})/gi,
    ))
        hosts.push(m[1].toLowerCase());
    if (hosts.length === 0 && /^[a-z0-9.-]+\.[a-z]{2,}\.?$/i.test(value.trim())) hosts.push(value.trim().toLowerCase());
    return hosts;
}

/** `host` is `of` or a subdomain of it (case and a trailing dot ignored). */
export function isHostOrSubdomain(host: string, of: string): boolean {
    const h = host.toLowerCase().replace(/\.$/, "");
    const o = of.toLowerCase().replace(/\.$/, "");
    return h === o || h.endsWith(`.${o}`);
}

/**
 * localhost (and `*.localhost`, `*.local`, with or without a trailing dot), or an address that is
 * not public: loopback, private, link-local, unspecified, carrier-grade NAT, unique-local,
 * IPv4-mapped IPv6 of any of those, in any notation URL parsing accepts (`0x7f000001`, `127.1`).
 * Addresses are classified by ipaddr.js.
 */
export function isLocalOrPrivateHost(hostname: string): boolean {
    let host = hostname
        .trim()
        .toLowerCase()
        .replace(/^\[|\]$/g, "")
        .replace(/\.$/, "");
    if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local")) return true;
    // The WHATWG URL parser turns every IPv4 notation (decimal, hex, octal, short) into dotted form.
    try {
        if (!host.includes(":")) host = new URL(`http://${host}/`).hostname;
    } catch {
        return false;
    }
    if (!ipaddr.isValid(host)) return false;
    const range = ipaddr.process(host).range();
    return range !== "unicast";
}

// ---- credentials -----------------------------------------------------------------------------

/** Shapes of credentials; a finding names the shape, never the value. */
const CREDENTIAL_SHAPES: [string, RegExp][] = [
    ["a Stripe secret key", /\b(sk|rk)_(live|test)_[0-9a-zA-Z]{8,}/],
    ["a Stripe webhook secret", /\bwhsec_[0-9a-zA-Z]{8,}/],
    ["an OpenAI key", /\bsk-(proj-)?[0-9a-zA-Z_-]{16,}/],
    ["a GitHub token", /\b(ghp|gho|ghu|ghs|ghr|github_pat)_[0-9a-zA-Z_]{16,}/],
    ["a Slack token", /\bxox[abprs]-[0-9a-zA-Z-]{10,}/],
    ["an AWS access key id", /\bAKIA[0-9A-Z]{16}\b/],
    ["a private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
    ["a JSON Web Token", /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/],
    ["a URL with a password", /\b[a-z][a-z0-9+.-]{0,30}:\/\/[^:/@\s]{1,256}:(?!\$\{\{)[^@/\s]{1,256}@/i],
    [
        "a credential in a URL's query string",
        /[?&](?:access_?token|token|api_?key|apikey|key|secret|client_secret|password|passwd|pwd|auth|sig|signature|x-amz-signature)=(?!\$\{\{)[^&#\s]{8,}/i,
    ],
    [
        "a credential on a command line",
        /(?:^|\s)--?(?:password|passwd|token|api-?key|secret|auth-token)[= ](?!\$\{\{|\$[A-Z_{])\S{6,}/i,
    ],
];

/** A key whose value is a secret by its name (a header, a body field, a provider setting). */
export const SECRET_NAME =
    /(?:^|[-_.])(?:pass(?:word)?|passwd|pwd|secret|token|api[-_]?key|apikey|authorization|cookie|credentials?|private[-_]?key|auth[-_]?token|session)$/i;

/** How much of a value the scans look at: every rule is linear, and a huge value is cut first. */
const SCAN_LIMIT = 65_536;

/** Bits of entropy per character of a string, by its character frequencies. */
function entropy(s: string): number {
    const counts = new Map<string, number>();
    for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
    let h = 0;
    for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
    return h;
}

/**
 * What credential the value looks like, or undefined. Besides the known shapes: a long run of
 * random-looking characters (32+ of base64 or hex, high entropy), which is how generated secrets
 * look, while words, URLs and paths are not.
 */
export function credentialShape(full: string): string | undefined {
    const value = full.length > SCAN_LIMIT ? full.slice(0, SCAN_LIMIT) : full;
    const shape = CREDENTIAL_SHAPES.find(([, re]) => re.test(value))?.[0];
    if (shape) return shape;
    for (const m of value.matchAll(/[A-Za-z0-9+/_=-]{32,}/g)) {
        const run = m[0];
        const classes = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((re) => re.test(run)).length;
        if (classes >= 2 && entropy(run) >= 4) return "a long random string (a generated secret)";
    }
    return undefined;
}

/**
 * Free text (an error message, a log line, a reason) with each credential-shaped part replaced by
 * `[redacted: <shape>]`, by the same shapes {@link credentialShape} knows; the rest is kept.
 */
export function redacted(full: string): string {
    let text = full.length > SCAN_LIMIT ? full.slice(0, SCAN_LIMIT) : full;
    for (const [shape, re] of CREDENTIAL_SHAPES)
        text = text.replace(
            new RegExp(re.source, re.flags.includes("g") ? re.flags : `${re.flags}g`),
            `[redacted: ${shape}]`,
        );
    return text.replace(/[A-Za-z0-9+/_=-]{32,}/g, (run) => {
        const classes = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((re) => re.test(run)).length;
        return classes >= 2 && entropy(run) >= 4 ? "[redacted: a long random string]" : run;
    });
}

// ---- showing values ----------------------------------------------------------------------------

/** Control, format, surrogate, private-use and unassigned characters: escaped wherever a value or key is printed (`escaped`). */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]/u;

export function escaped(text: string): string {
    return [...text]
        .map((c) => (UNPRINTABLE.test(c) ? `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}` : c))
        .join("");
}

/**
 * The one way any output of this project shows a configuration value, a key or a name (validate,
 * validate-env, the plan in every format, the PR comment, drift, the gate's records): never a
 * credential-shaped value (its length and shape only), control and right-to-left characters
 * escaped, at most `max` characters with the length said.
 */
export function printable(value: string, max = 200): string {
    const shape = credentialShape(value);
    if (shape) return `[${value.length} characters that look like ${shape}: not shown]`;
    const head = escaped([...value.slice(0, max)].join(""));
    return value.length > max ? `${head}… (${value.length} characters)` : head;
}

/** A key or a name as printed: escaped and bounded, but otherwise as written (a name is never a credential). */
export function printableName(name: string, max = 120): string {
    const head = escaped(name.slice(0, max));
    return name.length > max ? `${head}…` : head;
}

/**
 * A configuration value as an error line shows it: quoted, through {@link printable} (never a
 * credential, escaped, at most `max` characters). Never call it on a secret.
 */
export function shown(value: string, max = 40): string {
    if (credentialShape(value)) return printable(value);
    const head = escaped([...value.slice(0, max)].join(""));
    return value.length > max ? `'${head}…' (${value.length} characters)` : `'${head}'`;
}
