/**
 * The `ainative-platform` CrossGuard policy pack. One policy per file under `rules/`, each with a
 * header saying what it checks, why, and how to fix a violation.
 *
 * Enforcement per stack comes from `config/<stack>.json` (passed with `--policy-pack-config`):
 * mandatory on production, advisory on staging. Without a config file every policy is mandatory,
 * so a forgotten flag fails safe.
 */
import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./rules";

new PolicyPack("ainative-platform", {
    enforcementLevel: "mandatory",
    policies: POLICIES,
});
