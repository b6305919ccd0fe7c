import { runMain } from "./commands/io";
import { planCommand } from "./commands/plan";

runMain((argv, io) => planCommand(argv, io));
