/**
 * An earlier commit of this repository's program, checked out beside it: what the migration test
 * and `npm run bench:provider` run as "before". Its node_modules are today's (the lock file is the
 * same), linked in. Needs the repository's history: a shallow clone fails here, saying so.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "./engine";

/** The last commit whose program declared the Railway resources as dynamic resources. */
export const LAST_DYNAMIC_COMMIT = "5425cfd272f70e341f98be4c026ebf31937d77d6";

const PATHS = ["infra", "stacks", "components", "config", "providers", "policies", "scripts", "tools"];
const FILES = ["package.json", "package-lock.json", "tsconfig.json", "Pulumi.yaml", "Pulumi.local.yaml"];

/** A folder holding `commit`'s program (remove it when done). */
export function checkoutCommit(commit: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ainative-${commit.slice(0, 7)}-`));
    try {
        const tar = execFileSync("git", ["-C", REPO_ROOT, "archive", "--format=tar", commit, ...PATHS, ...FILES], {
            maxBuffer: 256 * 1024 * 1024,
            stdio: ["ignore", "pipe", "pipe"],
        });
        execFileSync("tar", ["-x", "-C", dir], { input: tar });
    } catch (e) {
        fs.rmSync(dir, { recursive: true, force: true });
        throw new Error(
            `needs this repository's history (git archive ${commit.slice(0, 7)} failed: ${(e as Error).message.split("\n")[0]}); use a full clone, not a shallow one`,
            { cause: e },
        );
    }
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"));
    return dir;
}
