/**
 * Not a test: a suite whose before-all hook starts real servers and then fails, run by
 * test/support/hooks.services.test.ts to check that such a failure ends the run with every server
 * stopped. Each server is recorded in $HOOK_FIXTURE_PORTS as it comes up ({port, pid?}), so that
 * the check sees what started even when a later start fails (a redis-server that cannot start).
 */
import * as fs from "fs";
import { startSampleApp } from "../sample-app";
import { startPostgres } from "../../../tools/local-servers/postgres";
import { startRedis } from "../services/redis";
import { Servers } from "../services/servers";
import { startRailwayEmulator } from "../../../tools/railway-emulator";

const record = (port: number | string, pid?: number) => {
    const file = process.env.HOOK_FIXTURE_PORTS!;
    const seen = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as unknown[]) : [];
    fs.writeFileSync(file, JSON.stringify([...seen, { port: Number(port), pid }]));
};

describe("a suite whose set-up fails half-way", () => {
    const servers = new Servers();
    before(async () => {
        const [pg, redis] = await servers.start(
            startPostgres().then((pg) => (record(pg.port, pg.pid()), pg)),
            startRedis().then((r) => (record(new URL(r.url).port, r.pid), r)),
            startRailwayEmulator().then((e) => (record(e.port), e)),
        );
        await servers.start(
            startSampleApp({ databaseUrl: pg.url, redisUrl: redis.url }).then((a) => (record(new URL(a.url).port), a)),
        );
        throw new Error("the set-up failed on purpose");
    });
    after(() => servers.closeAll());
    it("never runs", () => undefined);
});
