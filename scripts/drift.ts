/** `npm run drift`: see scripts/commands/drift.ts. */
import { runMain } from "./commands/io";
import { driftCommand } from "./commands/drift";

runMain((argv, io) => driftCommand(argv, io));
