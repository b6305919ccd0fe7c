/**
 * The Pulumi CLI compiles the program (its language host runs in infra/, Pulumi.yaml's main) and
 * the policy pack (in policies/) with the tsconfig.json of that folder, reading only its own
 * compilerOptions; without one it falls back to ES2020 defaults, and code the repository's
 * type check accepts fails under `pulumi preview`. Those two files must agree with the root one.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const options = (file: string) =>
    JSON.parse(fs.readFileSync(path.join(REPO_ROOT, file), "utf8")).compilerOptions as Record<string, unknown>;
const KEYS = ["target", "module", "moduleResolution", "lib", "strict", "esModuleInterop", "resolveJsonModule"];

describe("the CLI's TypeScript settings agree with the repository's", () => {
    for (const file of ["infra/tsconfig.json", "policies/tsconfig.json"]) {
        it(`${file} compiles like tsconfig.json`, () => {
            const root = options("tsconfig.json");
            const own = options(file);
            for (const key of KEYS) assert.deepEqual(own[key], root[key], `${file}: compilerOptions.${key}`);
            assert.equal(
                JSON.parse(fs.readFileSync(path.join(REPO_ROOT, file), "utf8")).extends,
                undefined,
                "the CLI reads no `extends`",
            );
        });
    }
});
