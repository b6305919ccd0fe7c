/** `npm run deploy:emergency`: see scripts/commands/emergency-deploy.ts. */
import { runMain } from "./commands/io";
import { emergencyDeployCommand, terminalAsk } from "./commands/emergency-deploy";

runMain((argv, io) => emergencyDeployCommand(argv, io, process.cwd(), process.env, { ask: terminalAsk() }));
