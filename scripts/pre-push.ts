import { runMain } from "./commands/io";
import { prePushCommand } from "./commands/pre-push";

runMain((argv, io) => prePushCommand(argv, io));
