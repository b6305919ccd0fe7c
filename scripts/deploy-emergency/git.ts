/**
 * What the work tree says about a deploy from it: whether what would be deployed is what others
 * can see (committed and pushed), and who is deploying. An emergency deploy of uncommitted or
 * unpushed code leaves nobody able to tell later what ran in production.
 */
import { spawnSync } from "child_process";
import * as os from "os";

export interface WorkTree {
    /** False outside a git work tree. */
    isRepo: boolean;
    commit?: string;
    branch?: string;
    /** Changed or untracked files (`git status --porcelain` lines), at most 20. */
    changes: string[];
    /** Whether some remote-tracking branch contains HEAD. */
    pushed: boolean;
}

function git(cwd: string, args: string[]): { ok: boolean; out: string } {
    const r = spawnSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return { ok: r.status === 0, out: (r.stdout ?? "").trim() };
}

export function workTree(cwd: string): WorkTree {
    if (!git(cwd, ["rev-parse", "--is-inside-work-tree"]).ok) return { isRepo: false, changes: [], pushed: false };
    const commit = git(cwd, ["rev-parse", "HEAD"]);
    const branch = git(cwd, ["rev-parse", "--abbrev-ref", "HEAD"]);
    const status = git(cwd, ["status", "--porcelain"]);
    const remotes = git(cwd, ["branch", "-r", "--contains", "HEAD"]);
    return {
        isRepo: true,
        commit: commit.ok ? commit.out : undefined,
        branch: branch.ok ? branch.out : undefined,
        changes: status.out ? status.out.split("\n").slice(0, 20) : [],
        pushed: commit.ok && remotes.ok && remotes.out.length > 0,
    };
}

/** Who is deploying: git's user.email, else the login name. */
export function deployer(cwd: string, env: NodeJS.ProcessEnv): string {
    const email = git(cwd, ["config", "user.email"]);
    if (email.ok && email.out) return email.out;
    return env.USER || env.USERNAME || os.userInfo().username;
}
