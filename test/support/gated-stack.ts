/**
 * The local stack as the end-to-end suites that need a judged deployment start it: real PostgreSQL
 * and Redis, the sample app healthy behind the health gate (fast windows), web's AUTH_SECRET set,
 * and a first `pulumi up` that must succeed. The servers go into `servers` (closed by the caller).
 */
import { strict as assert } from "assert";
import type { WorkspaceOptions } from "../../scripts/engine/workspace";
import type { EmulatorOptions } from "../../tools/railway-emulator";
import { LocalStack, startLocalStack } from "./e2e";
import { fastGate } from "./gate";
import { SampleApp, startSampleApp } from "./sample-app";
import { startPostgres } from "../../tools/local-servers/postgres";
import { startRedis } from "./services/redis";
import { Servers } from "./services/servers";

export async function startGatedLocalStack(
    servers: Servers,
    opts: {
        authSecret: string;
        mutate?: WorkspaceOptions["mutate"];
        env?: NodeJS.ProcessEnv;
        emulator?: EmulatorOptions;
    },
): Promise<{ s: LocalStack; app: SampleApp }> {
    const [pg, redis] = await servers.start(startPostgres(), startRedis());
    const [app] = await servers.start(startSampleApp({ databaseUrl: pg.url, redisUrl: redis.url }));
    app.setMode({ mode: "healthy" });
    const s = await startLocalStack({
        env: opts.env,
        emulator: opts.emulator,
        mutate: (c) => {
            c["ainative-platform:gate"] = fastGate(app.url);
            opts.mutate?.(c);
        },
    });
    await s.ws.setSecret("secrets.services.web.AUTH_SECRET", opts.authSecret);
    const up = await s.run(["up", "--yes", "--skip-preview"]);
    assert.equal(up.code, 0, up.stdout + up.stderr);
    return { s, app };
}
