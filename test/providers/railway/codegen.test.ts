import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";

const REPO = path.resolve(__dirname, "../../..");

describe("generated Railway types (npm run codegen)", function () {
    this.timeout(60_000);
    it("are current: what codegen.ts generates from the schema and the documents is what is committed", async () => {
        const { generate } = require("@graphql-codegen/cli") as typeof import("@graphql-codegen/cli");
        const config = (
            require(path.join(REPO, "codegen.ts")) as { default: import("@graphql-codegen/cli").CodegenConfig }
        ).default;
        const cwd = process.cwd();
        process.chdir(REPO);
        try {
            const files = (await generate({ ...config, silent: true }, false)) as {
                filename: string;
                content: string;
            }[];
            assert.equal(files.length, 1);
            const committed = fs.readFileSync(path.join(REPO, files[0].filename), "utf8");
            assert.ok(committed === files[0].content, `${files[0].filename} is stale: run npm run codegen`);
        } finally {
            process.chdir(cwd);
        }
    });
});
