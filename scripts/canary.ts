/** `npm run canary`: see scripts/commands/canary.ts. */
import { canaryCommand } from "./commands/canary";
import { runMain } from "./commands/io";

runMain((argv, io) => canaryCommand(argv, io));
