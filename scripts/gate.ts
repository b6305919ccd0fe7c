import { runMain } from "./commands/io";
import { gateCommand } from "./commands/gate";

runMain((argv, io) => gateCommand(argv, io));
