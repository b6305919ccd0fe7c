import { strict as assert } from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import { buildClientSchema, buildSchema, GraphQLSchema, parse, validate } from "graphql";
import { DOCUMENTS } from "../../../providers/railway/documents";
import { SCHEMA_PATH } from "../../../tools/railway-emulator";

const jsonSchemaPath = SCHEMA_PATH.replace(/schema\.graphql$/, "schema.json");

describe("Railway GraphQL contract", () => {
    const sdl: GraphQLSchema = buildSchema(fs.readFileSync(SCHEMA_PATH, "utf8"));
    const official: GraphQLSchema = buildClientSchema(JSON.parse(fs.readFileSync(jsonSchemaPath, "utf8")).data);

    it("uses the schema copy recorded in SOURCE.md", () => {
        const sha = createHash("sha256").update(fs.readFileSync(SCHEMA_PATH)).digest("hex");
        assert.equal(sha, "eb5e62ff2ce8cee226c1eb5056b81cd82510807c8063bb5e08c04ed2dbe7c386");
    });

    it("has documents to check", () => assert.ok(Object.keys(DOCUMENTS).length >= 30));

    for (const [name, doc] of Object.entries(DOCUMENTS)) {
        it(`${name} validates against schema.graphql and schema.json`, () => {
            const ast = parse(doc);
            const op = ast.definitions[0] as { name?: { value: string } };
            assert.equal(
                op.name?.value,
                name,
                "the operation name must equal its key (the client sends it as operationName)",
            );
            assert.deepEqual(
                validate(sdl, ast).map((e) => e.message),
                [],
            );
            assert.deepEqual(
                validate(official, ast).map((e) => e.message),
                [],
            );
        });
    }

    it("fails a deliberately wrong document (the check can fail)", () => {
        // Service has no branch field: the bug TheGreatAxios's provider shipped.
        const wrong = parse(`query Bad($id: String!) { service(id: $id) { id branch } }`);
        assert.match(validate(sdl, wrong)[0]?.message ?? "", /Cannot query field "branch"/);
        // deploymentRollback returns Boolean!, it has no selection.
        const wrong2 = parse(`mutation Bad2 { deploymentRollback(id: "x") { id } }`);
        assert.ok(validate(sdl, wrong2).length > 0);
    });
});
