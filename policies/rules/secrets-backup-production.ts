/**
 * secrets-backup-production
 *
 * What: a production stack keeps a copy of its secrets in HashiCorp Vault: its stack file has a
 * `vault` section (`npm run secret:backup` writes there after each deploy and rotation), which the
 * stack records on its Railway environment as `secretsBackup: vault` (never sent to Railway).
 * Why: a production secret otherwise lives only in the stack's encrypted config and in Railway's
 * variables; lose the passphrase or the Railway project and nobody can restore it.
 * How to fix: add `ainative-platform:vault: { address: https://…, mount: secret }` to
 * `Pulumi.production.yaml`, then run `npm run secret:backup -- --stack production` (README,
 * "Secrets backup (Vault)").
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { environmentOf, environmentSetting } from "../lib/environment";
import { known, TYPES } from "../lib/resources";

export const secretsBackupProduction: StackValidationPolicy = {
    name: "secrets-backup-production",
    description: "A production stack backs its secrets up to HashiCorp Vault (a `vault` section in its stack file).",
    configSchema: { properties: { ...environmentSetting } },
    validateStack: (args, reportViolation) => {
        const configured = args.getConfig<{ environment?: string }>().environment;
        for (const r of args.resources) {
            if (r.type !== TYPES.environment || environmentOf(r.urn, configured) !== "production") continue;
            // Unknown during a preview only if the program computed it; the stack writes a literal.
            const backup = known(() => r.props.secretsBackup);
            if (backup !== "vault")
                reportViolation(
                    `production's secrets have no backup: add a vault section (address, mount) to the stack file and run npm run secret:backup -- --stack <stack>.`,
                    r.urn,
                );
        }
    },
};
