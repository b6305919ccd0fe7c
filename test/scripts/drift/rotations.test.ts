/**
 * The drift job's weekly reminder of secrets past their rotation limit: which secrets are overdue
 * (by the dates the stack file records, against the policy's limit), and the one run a week that
 * reminds of them.
 */
import { strict as assert } from "assert";
import { ROTATION_OVERDUE_DAYS } from "../../../config/rotation";
import { overdueSecrets, remindsNow, rotationReminder } from "../../../scripts/drift/rotations";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 6, 0, 17);
const daysAgo = (n: number) => new Date(NOW - n * DAY).toISOString().slice(0, 10);

const config = (dates: Record<string, string>) => ({
    "ainative-platform:railway": {
        services: [
            { name: "web", secrets: ["AUTH_SECRET", "STRIPE_KEY", "NEVER_ROTATED"] },
            { name: "worker", secrets: ["OPENAI_API_KEY"] },
        ],
    },
    "ainative-platform:rotations": {
        web: { AUTH_SECRET: dates.auth, STRIPE_KEY: dates.stripe },
        worker: { OPENAI_API_KEY: dates.openai },
    },
});

describe("drift: the weekly reminder of secrets past the rotation limit", () => {
    it("lists the declared secrets whose recorded rotation is past the limit; one never recorded is not known, not listed", () => {
        const overdue = overdueSecrets(
            config({ auth: daysAgo(ROTATION_OVERDUE_DAYS + 1), stripe: daysAgo(10), openai: daysAgo(400) }),
            "ainative-platform",
            NOW,
        );
        assert.deepEqual(
            overdue.map((s) => `${s.service}.${s.key} ${s.ageDays}`),
            [`web.AUTH_SECRET ${ROTATION_OVERDUE_DAYS + 1}`, "worker.OPENAI_API_KEY 400"],
        );
    });

    it("reminds on the first run of the day a secret turns overdue and of every seventh day after, never on the other runs", () => {
        const s = (ageDays: number) => ({ service: "web", key: "K", at: daysAgo(ageDays), ageDays });
        const limit = ROTATION_OVERDUE_DAYS;
        assert.equal(remindsNow(s(limit + 1), NOW), true, "the day it turns overdue");
        assert.equal(remindsNow(s(limit + 8), NOW), true, "a week later");
        assert.equal(remindsNow(s(limit + 2), NOW), false);
        assert.equal(remindsNow(s(limit + 1), NOW + 6 * 3_600_000), false, "the day's later runs");
        // Every run of four weeks of a six-hourly schedule: one reminder a week.
        let reminders = 0;
        for (let run = 0; run < 28 * 4; run++) {
            const at = NOW + run * 6 * 3_600_000;
            const overdue = overdueSecrets(
                config({ auth: daysAgo(limit + 1), stripe: daysAgo(1), openai: daysAgo(1) }),
                "ainative-platform",
                at,
            );
            if (rotationReminder("production", overdue, at)) reminders++;
        }
        assert.equal(reminders, 4);
    });

    it("the reminder names each secret and its age, and says how to rotate it; no value anywhere (the file holds none)", () => {
        const overdue = overdueSecrets(
            config({ auth: daysAgo(ROTATION_OVERDUE_DAYS + 1), stripe: daysAgo(1), openai: daysAgo(1) }),
            "ainative-platform",
            NOW,
        );
        const r = rotationReminder("production", overdue, NOW)!;
        assert.equal(r.kind, "rotation-overdue");
        assert.equal(r.verdict, "1 secret past the rotation limit");
        assert.match(
            r.log!.lines[0],
            new RegExp(`^web\\.AUTH_SECRET: last rotated \\d{4}-\\d{2}-\\d{2}, ${ROTATION_OVERDUE_DAYS + 1} days ago$`),
        );
        assert.match(r.summary, /npm run secret:rotate -- --secret <service>\.<KEY> --generate/);
    });
});
