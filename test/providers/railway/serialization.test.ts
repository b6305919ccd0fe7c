import * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "assert";
import {
    customDomainProvider,
    environmentProvider,
    projectProvider,
    serviceDomainProvider,
    serviceInstanceProvider,
    serviceProvider,
    variablesProvider,
    volumeProvider,
} from "../../../providers/railway";
import { PLANTED_SECRETS } from "../../support/stack-files";

describe("serialized Railway providers (what Pulumi stores in state)", function () {
    this.timeout(60_000);
    const providers = { projectProvider, environmentProvider, serviceProvider, serviceInstanceProvider, variablesProvider, serviceDomainProvider, customDomainProvider, volumeProvider };
    const saved = process.env.RAILWAY_API_TOKEN;
    before(() => (process.env.RAILWAY_API_TOKEN = PLANTED_SECRETS.RAILWAY_TOKEN));
    after(() => (saved === undefined ? delete process.env.RAILWAY_API_TOKEN : (process.env.RAILWAY_API_TOKEN = saved)));

    for (const [name, provider] of Object.entries(providers)) {
        it(`${name} serializes as Pulumi serializes it, with no token and no secret value`, async () => {
            // The same call @pulumi/pulumi's dynamic.Resource makes for the __provider property.
            const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
            assert.ok(sf.text.length > 1000, "the provider's code is in the serialized text");
            for (const value of Object.values(PLANTED_SECRETS)) assert.ok(!sf.text.includes(value), `${name} captured a secret`);
            assert.equal(sf.containsSecrets, false);
            // The token is looked up when a method runs, not captured.
            assert.match(sf.text, /RAILWAY_API_TOKEN/);
        });
    }
});
