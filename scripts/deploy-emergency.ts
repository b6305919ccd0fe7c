/** `npm run deploy:emergency`: see script./commands/deploy-emergency.ts. */
import { runMain } from "./commands/io";
import { emergencyDeployCommand } from "./commands/deploy-emergency";
import { terminalAsk } from "./commands/io";

runMain((argv, io) => emergencyDeployCommand(argv, io, process.cwd(), process.env, { ask: terminalAsk() }));
