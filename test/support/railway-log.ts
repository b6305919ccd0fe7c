/** What "nothing changed on Railway" is checked with: the mutations the emulator took after a point in its log. */
import { isMutation, OperationName } from "../../providers/railway/documents";
import type { RailwayEmulator } from "../../tools/railway-emulator";

/** The names of the mutations logged after the first `from` entries. */
export function mutationsSince(emu: RailwayEmulator, from: number): string[] {
    return emu.log
        .slice(from)
        .filter((o) => isMutation(o.operationName as OperationName))
        .map((o) => o.operationName);
}
