/** `npm run railway:import`: see scripts/commands/railway-import.ts. */
import { runMain } from "./commands/io";
import { railwayImportCommand } from "./commands/railway-import";

runMain((argv, io) => railwayImportCommand(argv, io, process.cwd()));
