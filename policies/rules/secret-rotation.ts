/**
 * secret-rotation-due, secret-rotation-overdue
 *
 * What: every secret a Railway service declares was rotated (`npm run secret:rotate`, which records
 * the date under `rotations` in the stack file) within `maxAgeDays` (due, default 90; a secret
 * with no recorded rotation is due too), and none more than `hardLimitDays` ago (overdue, default
 * 365). The stacks' pack configs make "due" advisory everywhere and "overdue" mandatory on
 * production.
 * Why: a credential that never changes is one a leak keeps working for; rotating is cheap once it
 * is one command judged by the gate.
 * How to fix: `npm run secret:rotate -- --secret <service>.<KEY> --generate` (or `--stdin` for a
 * vendor's key), then commit the stack file with its new date.
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { ROTATION_DUE_DAYS, ROTATION_OVERDUE_DAYS, rotationAgeDays } from "../../config/rotation";
import { known, railwayServices } from "../lib/resources";

/** Each declared secret with its last rotation ("never" when none is recorded), from the service's Variables. */
function rotations(resources: PolicyResource[]): { at: string; service: string; key: string; urn: string }[] {
    return railwayServices(resources).flatMap((view) => {
        const dates = view.variables ? known(() => view.variables!.props.secretRotations) : undefined;
        return Object.entries((dates ?? {}) as Record<string, string>).map(([key, at]) => ({
            at,
            service: view.name,
            key,
            urn: view.variables!.urn,
        }));
    });
}

const ageInDays = rotationAgeDays;
const fix = (service: string, key: string) =>
    `npm run secret:rotate -- --secret ${service}.${key} --generate (or --stdin)`;

export const secretRotationDue: StackValidationPolicy = {
    name: "secret-rotation-due",
    description: "Every service secret was rotated within maxAgeDays (default 90), by npm run secret:rotate.",
    configSchema: {
        properties: {
            maxAgeDays: {
                type: "integer",
                minimum: 1,
                maximum: 3650,
                default: ROTATION_DUE_DAYS,
                description: "Days a secret may go unrotated.",
            },
        },
    },
    validateStack: (args, reportViolation) => {
        const max = args.getConfig<{ maxAgeDays?: number }>().maxAgeDays ?? ROTATION_DUE_DAYS;
        const now = Date.now();
        for (const r of rotations(args.resources)) {
            if (r.at === "never")
                reportViolation(
                    `${r.service}.${r.key} has no recorded rotation; rotate it: ${fix(r.service, r.key)}.`,
                    r.urn,
                );
            else if (ageInDays(r.at, now) > max)
                reportViolation(
                    `${r.service}.${r.key} was last rotated on ${r.at}, ${ageInDays(r.at, now)} days ago (more than ${max}); rotate it: ${fix(r.service, r.key)}.`,
                    r.urn,
                );
        }
    },
};

export const secretRotationOverdue: StackValidationPolicy = {
    name: "secret-rotation-overdue",
    description: "No service secret's recorded rotation is older than hardLimitDays (default 365).",
    configSchema: {
        properties: {
            hardLimitDays: {
                type: "integer",
                minimum: 1,
                maximum: 3650,
                default: ROTATION_OVERDUE_DAYS,
                description: "Days after which an unrotated secret fails the stack.",
            },
        },
    },
    validateStack: (args, reportViolation) => {
        const limit = args.getConfig<{ hardLimitDays?: number }>().hardLimitDays ?? ROTATION_OVERDUE_DAYS;
        const now = Date.now();
        for (const r of rotations(args.resources)) {
            // No recorded date: its age is not known here (secret-rotation-due reports it).
            if (r.at === "never" || ageInDays(r.at, now) <= limit) continue;
            reportViolation(
                `${r.service}.${r.key} was last rotated on ${r.at}, ${ageInDays(r.at, now)} days ago, past the limit of ${limit}; rotate it: ${fix(r.service, r.key)}.`,
                r.urn,
            );
        }
    },
};
