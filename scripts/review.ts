/** `npm run review`: see scripts/commands/review.ts. */
import { reviewCommand } from "./commands/review";
import { runMain } from "./commands/io";

runMain((argv, io) => reviewCommand(argv, io));
