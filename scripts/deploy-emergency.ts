/** `npm run deploy:emergency`: see scripts/commands/emergency-deploy.ts. */
import { runMain } from "./commands/io";
import { emergencyDeployCommand } from "./commands/emergency-deploy";
import { terminalAsk } from "./commands/io";

runMain((argv, io) => emergencyDeployCommand(argv, io, process.cwd(), process.env, { ask: terminalAsk() }));
