/**
 * Railway's log filter syntax and its anchored windows, as the emulator applies them: what Railway's
 * CLI sends (`(@snapshot:<id> OR @replica:<id>)`, `@level:error`, text, negation) selects the same
 * lines Railway's would; a filter it cannot parse is an error, never "everything".
 */
import { strict as assert } from "assert";
import { fieldValues, matchesLogFilter, parseLogFilter } from "../../tools/railway-emulator/log-filter";
import { anchoredWindow, LogRecord } from "../../tools/railway-emulator/logs";

const log = (message: string, fields: Record<string, string>, at = 0): LogRecord => ({
    at,
    message,
    severity: fields.level ?? "info",
    tags: {},
    fields,
});

describe("Railway emulator: log filters and windows", () => {
    const build = log("[1/4] FROM node:20", { level: "info", snapshot: "s1" });
    const error = log("Payment FAILED", { level: "error", deployment: "d1", replica: "d1-0" });
    const info = log("listening on :8080", { level: "info", deployment: "d1", replica: "d1-0" });
    const pick = (filter: string) => [build, error, info].filter((l) => matchesLogFilter(parseLogFilter(filter), l));

    it("the CLI's build scope, a level, text (case-insensitive), quotes, negation, AND and OR", () => {
        assert.deepEqual(pick("(@snapshot:s1 OR @replica:s1)"), [build]);
        assert.deepEqual(pick("@level:error"), [error]);
        assert.deepEqual(pick("failed"), [error]);
        assert.deepEqual(pick('"on :8080"'), [info]);
        assert.deepEqual(pick("-@level:error @deployment:d1"), [info]);
        assert.deepEqual(pick("@level:error OR @snapshot:s1"), [build, error]);
        assert.deepEqual(pick("(payment) (@snapshot:s9 OR @replica:d1-0)"), [error]);
        assert.deepEqual(pick(""), [build, error, info], "an empty filter matches everything");
    });

    it("names the snapshots a filter asks for (environment logs include those builds only)", () => {
        assert.deepEqual(fieldValues(parseLogFilter("x (@snapshot:a OR @replica:a) OR @snapshot:b"), "snapshot"), [
            "a",
            "b",
        ]);
        assert.deepEqual(fieldValues(parseLogFilter("-@snapshot:a"), "snapshot"), []);
    });

    it("a filter it cannot parse is an error naming it", () => {
        for (const bad of ["(@level:error", "@level:error OR", "AND x", ")"])
            assert.throws(() => parseLogFilter(bad), /Invalid log filter/, bad);
    });

    it("an anchored window: the newest beforeLimit lines not older than beforeDate, then afterLimit after the anchor", () => {
        const lines = [1, 2, 3, 4, 5, 6].map((s) => log(`l${s}`, {}, Date.UTC(2026, 0, 1, 0, 0, s)));
        const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
        const window = (args: Parameters<typeof anchoredWindow>[1]) =>
            anchoredWindow(lines, args, Date.UTC(2026, 0, 2)).map((l) => l.message);
        assert.deepEqual(window({ anchorDate: at(4), beforeLimit: 2 }), ["l3", "l4"]);
        assert.deepEqual(window({ beforeDate: at(2), anchorDate: at(4), beforeLimit: 10 }), ["l2", "l3", "l4"]);
        assert.deepEqual(window({ anchorDate: at(2), beforeLimit: 1, afterLimit: 2 }), ["l2", "l3", "l4"]);
        assert.deepEqual(window({ beforeDate: at(5) }), ["l5", "l6"], "no anchor is now");
        assert.throws(() => window({ anchorDate: "yesterday" }), /anchorDate is not a date/);
    });
});
