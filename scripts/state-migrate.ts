/** `npm run state:migrate`: see scripts/commands/state-migrate.ts. */
import { stateMigrateCommand } from "./commands/state-migrate";
import { runMain } from "./commands/io";

runMain((argv, io) => stateMigrateCommand(argv, io));
