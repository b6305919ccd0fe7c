/** `npm run deployment`: see scripts/commands/deployment.ts. */
import { runMain } from "./commands/io";
import { deploymentCommand } from "./commands/deployment";

runMain((argv, io) => deploymentCommand(argv, io));
