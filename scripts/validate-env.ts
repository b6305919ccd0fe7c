import { runMain } from "./commands/io";
import { validateEnvCommand } from "./commands/validate-env";

runMain((argv, io) => validateEnvCommand(argv, io));
