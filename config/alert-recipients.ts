/**
 * The addresses a stack's alerts go to (`alerts.email.recipients`), read from its stack file by the
 * commands that are not the Pulumi program (drift, review): an unreadable file or a section the
 * schema refuses is none (validating the file is `npm run validate`'s job, not an alert's).
 */
import type { z } from "zod";
import { parseStackFile } from "./sources";
import { alertsSchema } from "./stack.schema";

/** One address and what it gets: `failures` (failed deployments and rollbacks) or `everything`. */
export type AlertRecipient = NonNullable<NonNullable<z.output<typeof alertsSchema>["email"]>["recipients"]>[number];

export function alertRecipientsOf(stackFile: string, project = "ainative-platform"): AlertRecipient[] | undefined {
    try {
        const parsed = alertsSchema.safeParse(parseStackFile(stackFile).config?.[`${project}:alerts`] ?? {});
        return parsed.success ? parsed.data.email?.recipients : undefined;
    } catch {
        return undefined;
    }
}
