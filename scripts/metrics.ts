/** `npm run metrics`: see scripts/commands/metrics.ts. */
import { runMain } from "./commands/io";
import { metricsCommand } from "./commands/metrics";

runMain((argv, io) => metricsCommand(argv, io));
