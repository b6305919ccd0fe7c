/**
 * Golden files for the plan's renderers: a fixed plan result (test/fixtures/plan/plan-result.json,
 * the local stack under production's pack config, cut down) rendered as text, markdown and JSON
 * must equal the committed outputs byte for byte. After an intended change of a format:
 * `UPDATE_GOLDEN=1 npm run test:unit` rewrites them; review the diff like code.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import type { PlanResult } from "../../scripts/plan/plan";
import { render } from "../../scripts/plan/render";

const DIR = path.resolve(__dirname, "../fixtures/plan");
const plan = JSON.parse(fs.readFileSync(path.join(DIR, "plan-result.json"), "utf8")) as PlanResult;

describe("plan renderers (golden files)", () => {
    for (const [format, file] of [
        ["text", "plan.txt"],
        ["markdown", "plan.md"],
        ["json", "plan.json"],
    ] as const) {
        it(`${format} equals ${file}`, () => {
            const out = render(plan, format) + "\n";
            const golden = path.join(DIR, file);
            if (process.env.UPDATE_GOLDEN) fs.writeFileSync(golden, out);
            assert.equal(out, fs.readFileSync(golden, "utf8"));
        });
    }
});
