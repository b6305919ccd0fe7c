/**
 * Pointers that lead somewhere: every relative link (and its #anchor) in the repository's Markdown
 * files, and every `README "<heading>"` or `docs/<page>.md "<heading>"` pointer in code, comments
 * and workflows, names a file and a heading that exist. A renamed heading or a moved file fails here, not in a reader's hands.
 */
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../../scripts/engine/engine";

/** The files git tracks, outside the generated SDK. */
function tracked(): string[] {
    return execFileSync("git", ["ls-files", "-z"], { cwd: REPO_ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 })
        .split("\0")
        .filter((f) => f && !f.startsWith("providers/railway/sdk/") && fs.existsSync(path.join(REPO_ROOT, f)));
}

/** Markdown headings outside fenced code. */
function headings(text: string): string[] {
    let fenced = false;
    const out: string[] = [];
    for (const line of text.split("\n")) {
        if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
        else if (!fenced) {
            const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
            if (m) out.push(m[1]);
        }
    }
    return out;
}

/** GitHub's anchors for a file's headings: lower case, punctuation dropped, spaces to dashes, repeats numbered. */
export function anchors(text: string): Set<string> {
    const seen = new Map<string, number>();
    const out = new Set<string>();
    for (const h of headings(text)) {
        const plain = h.replace(/`/g, "").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
        const slug = plain
            .toLowerCase()
            .replace(/[^\p{L}\p{N}\s_-]/gu, "")
            .replace(/\s/g, "-");
        const n = seen.get(slug) ?? 0;
        seen.set(slug, n + 1);
        out.add(n === 0 ? slug : `${slug}-${n}`);
    }
    return out;
}

describe("links and pointers", function () {
    this.timeout(60_000);
    const files = tracked();
    const markdown = files.filter((f) => f.endsWith(".md"));
    const read = (f: string) => fs.readFileSync(path.join(REPO_ROOT, f), "utf8");

    it("GitHub's anchors are made as GitHub makes them", () => {
        const a = anchors(
            "# The provider package\n## Secrets backup (Vault)\n## Tests\n### Tests\n```\n# not a heading\n```\n",
        );
        assert.deepEqual([...a], ["the-provider-package", "secrets-backup-vault", "tests", "tests-1"]);
    });

    it("every relative link in a Markdown file names a file that exists, and an anchor it has", () => {
        const broken: string[] = [];
        for (const f of markdown) {
            const text = read(f).replace(/^(```|~~~)[\s\S]*?^\1/gm, "");
            for (const m of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
                const target = m[1];
                if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: …
                const [file, anchor] = target.split("#");
                const resolved = file ? path.normalize(path.join(path.dirname(f), decodeURI(file))) : f;
                if (resolved.startsWith("..")) {
                    broken.push(`${f}: ${target} (outside the repository: a fresh clone has no such file)`);
                    continue;
                }
                if (!fs.existsSync(path.join(REPO_ROOT, resolved))) {
                    broken.push(`${f}: ${target} (no file ${resolved})`);
                    continue;
                }
                if (anchor && resolved.endsWith(".md") && !anchors(read(resolved)).has(anchor))
                    broken.push(`${f}: ${target} (no heading #${anchor} in ${resolved})`);
            }
        }
        assert.deepEqual(broken, []);
    });

    it('every `README "<heading>"` or `docs/<page>.md "<heading>"` pointer in code names a heading that page has', () => {
        const broken: string[] = [];
        let pointers = 0;
        // This file names the pattern itself; it points nowhere.
        const self = path.relative(REPO_ROOT, __filename);
        const code = files.filter((x) => x !== self && !/\.(md|json|png|jpg|zip)$/.test(x));
        const pages = new Map<string, Set<string> | undefined>();
        const headingsOf = (page: string) => {
            if (!pages.has(page))
                pages.set(page, fs.existsSync(path.join(REPO_ROOT, page)) ? new Set(headings(read(page))) : undefined);
            return pages.get(page);
        };
        for (const f of code) {
            for (const m of read(f).matchAll(/\b(README|CONTRIBUTING\.md|docs\/[\w./-]+\.md)[:,]?\s+"([^"\n]+)"/g)) {
                pointers++;
                const page = m[1] === "README" ? "README.md" : m[1];
                const known = headingsOf(page);
                if (!known) broken.push(`${f}: ${m[1]} "${m[2]}" (no file ${page})`);
                else if (!known.has(m[2])) broken.push(`${f}: ${m[1]} "${m[2]}" (no such heading in ${page})`);
            }
        }
        assert.ok(pointers >= 20, `only ${pointers} pointers found: is the pattern still the one the code uses?`);
        assert.deepEqual(broken, []);
    });
});
