/** Naming a stack's secrets for the backup (scripts/vault/stack-secrets.ts): every kind, no collisions, names round-trip. */
import { strict as assert } from "assert";
import { collectStackSecrets, pathOfName, secretOfPath } from "../../../scripts/vault/stack-secrets";

const CONFIG = {
    "ainative-platform:secrets": {
        secret: true,
        objectValue: {
            services: { web: { AUTH_SECRET: "s1", DATABASE_PASSWORD: "s2" }, worker: { QUEUE_KEY: "s3", COUNT: 4 } },
            deploy: { railwayToken: "s4" },
        },
    },
    "ainative-platform:gate": {
        objectValue: {
            smoke: [{ headers: { Authorization: "Bearer ${env:SMOKE_TOKEN}" } }, { body: "${env:ABSENT}" }],
        },
    },
    "ainative-platform:environment": { value: "production" },
    "pagerduty:token": { value: "s5", secret: true },
    "github:owner": { value: "ainative" },
};

describe("the backup's names for a stack's secrets", () => {
    it("collects service, pipeline, provider and environment secrets, each at a path of its own", () => {
        const { secrets, skipped, envMissing } = collectStackSecrets(CONFIG, {
            SMOKE_TOKEN: "s6",
            SLACK_WEBHOOK_URL: "s7",
            UNRELATED: "nope",
        });
        assert.deepEqual(
            secrets.map((s) => [s.name, s.path, s.value, s.config?.key]),
            [
                ["_config.pagerduty:token", "_config/pagerduty/token", "s5", "pagerduty:token"],
                ["_deploy.railwayToken", "_deploy/railwayToken", "s4", "secrets.deploy.railwayToken"],
                ["_env.SLACK_WEBHOOK_URL", "_env/SLACK_WEBHOOK_URL", "s7", undefined],
                ["_env.SMOKE_TOKEN", "_env/SMOKE_TOKEN", "s6", undefined],
                ["web.AUTH_SECRET", "web/AUTH_SECRET", "s1", "secrets.services.web.AUTH_SECRET"],
                ["web.DATABASE_PASSWORD", "web/DATABASE_PASSWORD", "s2", "secrets.services.web.DATABASE_PASSWORD"],
                ["worker.QUEUE_KEY", "worker/QUEUE_KEY", "s3", "secrets.services.worker.QUEUE_KEY"],
            ],
        );
        assert.deepEqual(skipped, ["secrets.services.worker.COUNT"], "a number is named, not backed up");
        assert.deepEqual(envMissing, ["ABSENT"], "a smoke test's variable missing here is said");
    });

    it("turns every name back into its path, and refuses what is not one", () => {
        for (const name of ["web.AUTH_SECRET", "_deploy.railwayToken", "_config.pagerduty:token", "_env.SMOKE_TOKEN"])
            assert.equal(secretOfPath(pathOfName(name)!)?.name, name);
        for (const name of ["web", "web.lower", "../x.Y", "_backup.hmac-key", "Web.KEY", "web.KEY.MORE", "_config.a"])
            assert.equal(pathOfName(name), undefined, name);
        assert.equal(secretOfPath("_backup/hmac-key"), undefined, "the backup's own key is no stack secret");
    });
});
