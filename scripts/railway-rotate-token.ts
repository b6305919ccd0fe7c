/** `npm run railway:rotate-token`: see scripts/commands/railway-rotate-token.ts. */
import { railwayRotateTokenCommand } from "./commands/railway-rotate-token";
import { runMain } from "./commands/io";

runMain((argv, io) => railwayRotateTokenCommand(argv, io));
