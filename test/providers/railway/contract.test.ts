import { strict as assert } from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import { buildClientSchema, buildSchema, GraphQLObjectType, GraphQLSchema, parse, validate } from "graphql";
import { DOCUMENTS } from "../../../providers/railway/documents";
import { railwaySchema, SCHEMA_PATH, SDL_FIELDS_SERVED, SDL_PATH } from "../../../tools/railway-emulator";

describe("Railway GraphQL contract", () => {
    const sdl: GraphQLSchema = buildSchema(fs.readFileSync(SDL_PATH, "utf8"));
    const official: GraphQLSchema = buildClientSchema(JSON.parse(fs.readFileSync(SCHEMA_PATH, "utf8")).data);

    it("uses the schema copy recorded in SOURCE.md", () => {
        const sha = createHash("sha256").update(fs.readFileSync(SDL_PATH)).digest("hex");
        assert.equal(sha, "eb5e62ff2ce8cee226c1eb5056b81cd82510807c8063bb5e08c04ed2dbe7c386");
    });

    it("has documents to check", () => assert.ok(Object.keys(DOCUMENTS).length >= 30));

    for (const [name, doc] of Object.entries(DOCUMENTS)) {
        it(`${name} validates against schema.graphql, schema.json and what the emulator serves`, () => {
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
            // The one field the CLI reads beyond its schema.json (SOURCE.md): refused there by name only.
            const sdlOnly = SDL_FIELDS_SERVED.map((f) => f.split(".")[1]);
            assert.deepEqual(
                validate(official, ast)
                    .map((e) => e.message)
                    .filter((m) => !sdlOnly.some((f) => m.includes(`"${f}"`))),
                [],
            );
            assert.deepEqual(
                validate(railwaySchema(), ast).map((e) => e.message),
                [],
                "the emulator serves it",
            );
        });
    }

    it("the emulator serves the CLI's schema.json plus exactly the SDL fields the CLI's code reads (SOURCE.md)", () => {
        const served = railwaySchema();
        for (const name of SDL_FIELDS_SERVED) {
            const [type, field] = name.split(".");
            assert.ok(
                (official.getType(type) as GraphQLObjectType).getFields()[field] === undefined,
                `${name} is not in schema.json`,
            );
            assert.ok((served.getType(type) as GraphQLObjectType).getFields()[field], `${name} is served`);
        }
        const count = (sch: GraphQLSchema) =>
            Object.values(sch.getTypeMap()).reduce(
                (n, t) => n + ("getFields" in t ? Object.keys((t as GraphQLObjectType).getFields()).length : 0),
                0,
            );
        assert.equal(count(served), count(official) + SDL_FIELDS_SERVED.length);
    });

    it("fails a deliberately wrong document (the check can fail)", () => {
        // Service has no branch field: the bug TheGreatAxios's provider shipped.
        const wrong = parse(`query Bad($id: String!) { service(id: $id) { id branch } }`);
        assert.match(validate(sdl, wrong)[0]?.message ?? "", /Cannot query field "branch"/);
        // deploymentRollback returns Boolean!, it has no selection.
        const wrong2 = parse(`mutation Bad2 { deploymentRollback(id: "x") { id } }`);
        assert.ok(validate(sdl, wrong2).length > 0);
    });
});
