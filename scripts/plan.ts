/**
 * `npm run plan`. The policy pack's process is started first, before the program's modules load:
 * it boots in parallel (about a second of the plan's time otherwise).
 */
import * as path from "path";
import { runMain } from "./commands/io";
import { deferUnusedSdkParts } from "./plan/defer-sdk";
import { spawnRepositoryPack } from "./plan/pack-process";

deferUnusedSdkParts();

const argv = process.argv.slice(2);
const early = argv.includes("--stack") && !argv.includes("--help") && !argv.includes("-h") ? tryStart() : undefined;

function tryStart() {
    try {
        return spawnRepositoryPack(path.resolve(__dirname, ".."));
    } catch {
        return undefined; // the plan starts (and reports) it again the usual way
    }
}

runMain(async (args, io) => {
    const { planCommand } = await import("./commands/plan");
    try {
        return await planCommand(args, io, process.cwd(), early);
    } finally {
        early?.kill();
    }
});
