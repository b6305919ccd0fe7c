import * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "assert";
import { ConfigValidationError } from "../../config/issues";
import { loadStackConfig } from "../../config/load";
import { installMocks, promiseOf } from "../support/mocks";
import { PLANTED_SECRETS, runtimeConfig } from "../support/stack-files";

describe("config loader (Pulumi runtime)", () => {
    it("returns typed config with every secret as a secret Output", async () => {
        const { config, secretKeys } = runtimeConfig("production");
        installMocks("production", config, secretKeys);
        const cfg = loadStackConfig();
        assert.equal(cfg.stack, "production");
        assert.equal(cfg.railway.services[0].replicas, 3);
        const web = cfg.secrets.services.web;
        assert.deepEqual(Object.keys(web).sort(), [
            "AUTH_SECRET",
            "OPENAI_API_KEY",
            "STRIPE_SECRET_KEY",
            "STRIPE_WEBHOOK_SECRET",
        ]);
        for (const [service, values] of Object.entries(cfg.secrets.services)) {
            for (const [key, out] of Object.entries(values)) {
                assert.equal(await pulumi.isSecret(out), true, `${service}.${key} lost its secretness`);
            }
        }
        assert.equal(await pulumi.isSecret(cfg.secrets.deploy.railwayApiToken!), true);
        assert.equal(await promiseOf(web.STRIPE_SECRET_KEY), PLANTED_SECRETS.STRIPE_SECRET_KEY_LIVE);
    });

    it("throws every problem before anything is registered, without secret values", () => {
        const { config, secretKeys } = runtimeConfig("production", (c) => {
            (c["ainative-platform:secrets"] as any).services.web.STRIPE_SECRET_KEY =
                PLANTED_SECRETS.STRIPE_SECRET_KEY_TEST;
            (c["ainative-platform:railway"] as any).services[1].replicas = 99;
        });
        const captured = installMocks("production", config, secretKeys);
        assert.throws(
            () => loadStackConfig(),
            (e: unknown) => {
                assert.ok(e instanceof ConfigValidationError);
                assert.equal(e.issues.length, 2, e.message);
                assert.match(
                    e.message,
                    /production: ainative-platform:secrets\.services\.web\.STRIPE_SECRET_KEY: .*sk_live_/,
                );
                assert.match(
                    e.message,
                    /production: ainative-platform:railway\.services\[1\]\.replicas \(service worker\): is above the maximum 50/,
                );
                assert.ok(!e.message.includes("PLANTED-stripe"), "secret value leaked into the error");
                return true;
            },
        );
        assert.equal(captured.length, 0);
    });

    it("rejects a secrets section that is not a secret key (stored in clear)", () => {
        const { config } = runtimeConfig("staging");
        installMocks("staging", config, []);
        assert.throws(() => loadStackConfig(), /secrets\.services\.web\.AUTH_SECRET: is stored in plain text/);
    });

    it("rejects a secret stored under another key, which would make that whole key secret", () => {
        const { config, secretKeys } = runtimeConfig("staging");
        installMocks("staging", config, [...secretKeys, "ainative-platform:railway"]);
        assert.throws(() => loadStackConfig(), /ainative-platform:railway: holds a secret outside the secrets section/);
    });
});
