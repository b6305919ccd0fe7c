/**
 * Not a test: a suite whose before-all hook starts real servers and then fails, run by
 * test/support/hooks.services.test.ts to check that such a failure ends the run at once with
 * every server stopped. It writes the ports it started to $HOOK_FIXTURE_PORTS.
 */
import * as fs from "fs";
import { startSampleApp } from "../sample-app";
import { startPostgres } from "../services/postgres";
import { startRedis } from "../services/redis";
import { Servers } from "../services/servers";
import { startRailwayEmulator } from "../../../tools/railway-emulator";

describe("a suite whose set-up fails half-way", () => {
    const servers = new Servers();
    before(async () => {
        const [pg, redis, emu] = await servers.start(startPostgres(), startRedis(), startRailwayEmulator());
        const [app] = await servers.start(startSampleApp({ databaseUrl: pg.url, redisUrl: redis.url }));
        fs.writeFileSync(process.env.HOOK_FIXTURE_PORTS!, JSON.stringify([pg.port, new URL(redis.url).port, emu.port, new URL(app.url).port].map(Number)));
        throw new Error("the set-up failed on purpose");
    });
    after(() => servers.closeAll());
    it("never runs", () => undefined);
});
