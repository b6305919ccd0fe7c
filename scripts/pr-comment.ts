/** `npm run pr-comment`: see scripts/commands/pr-comment.ts. */
import { runMain } from "./commands/io";
import { prCommentCommand } from "./commands/pr-comment";

runMain((argv, io) => prCommentCommand(argv, io));
