/** `npm run up`: see scripts/commands/stack-op.ts. */
import { stackOperationCommand } from "./commands/stack-op";
import { runMain } from "./commands/io";

runMain((argv, io) => stackOperationCommand("up", argv, io));
