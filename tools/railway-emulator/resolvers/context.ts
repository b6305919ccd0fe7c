/** What every resolver receives besides its arguments: who is calling, and what the answer waits for. */
import { Access } from "../auth";

export type Args = Record<string, any>;
export interface RequestContext {
    access: Access;
    /**
     * A duplicate Railway copies within this request (no `applyChangesInBackground`): the answer is
     * sent once its copy has landed. Resolvers stay synchronous, so a mutation undone on error never
     * undoes another request's changes made while this one waited.
     */
    copiedBeforeAnswer?: string;
}
