import { runMain } from "./commands/io";

runMain(async (argv, io) => (await import("./commands/deploy-watch")).deployWatchCommand(argv, io));
