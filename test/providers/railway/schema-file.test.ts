/**
 * The committed package schema against the plugin's resource table, with no engine: a change to
 * a resource's properties that was not regenerated (`npm run provider:sdk`) fails here, in the
 * unit suite, not first in the end-to-end one (which also regenerates the SDK and compares it).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import { SCHEMA_FILE, schemaText } from "../../../scripts/provider/sdk";

describe("the railway package's schema file", () => {
    it("is what the plugin's resource table generates now", () => {
        const committed = fs.readFileSync(SCHEMA_FILE, "utf8");
        const fresh = schemaText();
        if (committed === fresh) return;
        // Name the first resource or type that differs, not a 100 kB diff.
        const a = JSON.parse(committed) as Record<string, Record<string, unknown>>;
        const b = JSON.parse(fresh) as Record<string, Record<string, unknown>>;
        const differing = ["resources", "types", "functions"].flatMap((section) =>
            [...new Set([...Object.keys(a[section] ?? {}), ...Object.keys(b[section] ?? {})])]
                .filter((k) => JSON.stringify(a[section]?.[k]) !== JSON.stringify(b[section]?.[k]))
                .map((k) => `${section}.${k}`),
        );
        assert.fail(
            `providers/railway/plugin/package-schema.json is stale (${differing.slice(0, 10).join(", ") || "its top level"}): run npm run provider:sdk and commit the schema and the SDK`,
        );
    });
});
