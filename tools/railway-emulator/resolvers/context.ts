/** What every resolver receives besides its arguments: who is calling. */
import { Access } from "../auth";

export type Args = Record<string, any>;
export interface RequestContext {
    access: Access;
}
