/** `npm run secret:rotate`: see scripts/commands/secret-rotate.ts. */
import { runMain } from "./commands/io";
import { secretRotateCommand } from "./commands/secret-rotate";

runMain((argv, io) => secretRotateCommand(argv, io));
