/** `npm run import`: see scripts/commands/stack-op.ts. */
import { stackOperationCommand } from "./commands/stack-op";
import { runMain } from "./commands/io";

runMain((argv, io) => stackOperationCommand("import", argv, io));
