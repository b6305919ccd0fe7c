import { runMain } from "./commands/io";
import { validateCommand } from "./commands/validate";

runMain((argv, io) => validateCommand(argv, io));
