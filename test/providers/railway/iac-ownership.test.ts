/**
 * A Railway that does not know `Environment.iacPartials` (the field is newer than Railway's CLI
 * schema) answers the ownership read with its validation error: that means "owned by nothing", as
 * Railway's CLI reads it. Any other failure stays a failure (a write never goes ahead on a guess).
 */
import { strict as assert } from "assert";
import { refuseIacOwned } from "../../../providers/railway/iac-ownership";
import { LocalServer, startLocalServer } from "../../../tools/http/local-server";

describe("Railway's IaC ownership read: an older Railway", () => {
    let server: LocalServer;
    let answer: { status: number; body: unknown };
    const saved = process.env.RAILWAY_API_TOKEN;
    before(async () => {
        process.env.RAILWAY_API_TOKEN = "t";
        server = await startLocalServer({
            handle: () => answer,
            tooLarge: () => ({ status: 413 }),
            crashed: () => ({ status: 500 }),
        });
    });
    after(async () => {
        await server.close();
        if (saved === undefined) delete process.env.RAILWAY_API_TOKEN;
        else process.env.RAILWAY_API_TOKEN = saved;
    });
    const scope = () => ({ apiUrl: `${server.url}/graphql/v2`, projectId: "p", serviceId: "s", environmentId: "e" });
    const validationError = (message: string) => ({
        status: 400,
        body: { errors: [{ message, extensions: { code: "GRAPHQL_VALIDATION_FAILED", traceId: "t1" } }] },
    });

    it("a validation error naming iacPartials: no ownership, the write may go ahead", async () => {
        answer = validationError('Cannot query field "iacPartials" on type "Environment".');
        await refuseIacOwned(scope());
    });

    it("any other validation error, or a refusal, stops the write", async () => {
        answer = validationError('Cannot query field "name" on type "Service".');
        await assert.rejects(refuseIacOwned(scope()), /ServiceIacOwner failed/);
        answer = {
            status: 200,
            body: { data: null, errors: [{ message: "Not Authorized", extensions: { code: "FORBIDDEN" } }] },
        };
        await assert.rejects(refuseIacOwned(scope()), /Not Authorized/);
    });
});
