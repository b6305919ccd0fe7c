/**
 * Whether a process of this machine still runs: the test a lock's holder gets before its lock is
 * called a dead runner's.
 */
import * as fs from "fs";

/**
 * `kill(pid, 0)` answers yes for a zombie, a process that has exited but that no one reaped; in a
 * container whose first process reaps nothing (a CI runner's, often) a killed engine stays one for
 * ever, and its lock would never be cleared. So on Linux a zombie counts as dead.
 */
export function processAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
    let stat: string;
    try {
        stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
        return true; // no /proc here (not Linux): kill's answer stands
    }
    // "pid (comm) state ...": comm may hold spaces and parentheses, so the state follows the last ')'.
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
}
