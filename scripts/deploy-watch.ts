import { runMain } from "./commands/io";

// The command bounds itself (--timeout); a request it gave up on must not keep the process alive.
runMain(async (argv, io) => {
    const code = await (await import("./commands/deploy-watch")).deployWatchCommand(argv, io);
    setImmediate(() => process.exit(code));
    return code;
});
