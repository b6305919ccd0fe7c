import { runMain } from "./commands/io";
import { rollbackCommand } from "./commands/rollback";

runMain((argv, io) => rollbackCommand(argv, io));
