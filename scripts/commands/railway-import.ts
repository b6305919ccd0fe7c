/**
 * `npm run railway:import -- --project <id> --environment <name> [--stack-file <Pulumi.<stack>.yaml>] [--out <dir>]`
 *
 * Brings a live Railway project's environment under a stack: reads it (read only), writes the
 * stack file's `railway` section (into --stack-file, its other keys and the section's `apiUrl` and
 * `protect` kept; else `<out>/railway.yaml`) and a Pulumi import file (`<out>/import.json`), and
 * prints the secrets to set (names, never values) and the commands that follow. Anything the stack
 * file cannot say as it runs is reported, every problem at once, and nothing is written.
 *
 * Exit 0 written, 1 problems (nothing written), 2 usage. Environment: RAILWAY_API_TOKEN (or
 * RAILWAY_TOKEN), RAILWAY_API_URL.
 */
import * as fs from "fs";
import * as path from "path";
import { isMap, stringify } from "yaml";
import { missingStackFile, parseYamlDocument } from "../../config/sources";
import { CONFIG_NAMESPACE } from "../../config/stack.schema";
import { escaped, printable } from "../../config/values";
import { REPO_ROOT } from "../engine/engine";
import { describeLiveProject } from "../railway-import/describe";
import { readLiveProject } from "../railway-import/live";
import { defineCommand, parseCommand, usageProblem } from "./cli";
import { CommandIO, EXIT } from "./io";
import { ConfigurationError } from "../../config/errors";

const SECTION = `${CONFIG_NAMESPACE}:railway`;

function importProgram(io: CommandIO) {
    return defineCommand(
        "railway:import",
        "Brings a live Railway project's environment under a stack: its stack-file section and a Pulumi import file.",
        io,
        [
            "Exit 0 written, 1 problems found (nothing written), 2 usage error.",
            "Environment: RAILWAY_API_TOKEN (or RAILWAY_TOKEN), RAILWAY_API_URL.",
        ].join("\n"),
    )
        .requiredOption("--project <id>", "the Railway project's ID")
        .requiredOption("--environment <name>", "the environment the stack will own")
        .option("--stack-file <file>", "the stack file to write the railway section into (its other keys are kept)")
        .option(
            "--out <dir>",
            "where to write import.json (and railway.yaml without --stack-file)",
            ".artifacts/railway-import",
        );
}

/** Writes the section into a stack file, keeping its comments, its other keys and the section's `apiUrl` and `protect`. */
function mergeIntoStackFile(file: string, section: Record<string, unknown>): void {
    const doc = parseYamlDocument(fs.readFileSync(file, "utf8"), file);
    if (doc.errors.length) throw new ConfigurationError(`${file}: not YAML (${doc.errors[0].message})`);
    const before = doc.getIn(["config", SECTION]);
    const kept = isMap(before)
        ? Object.fromEntries(["apiUrl", "protect"].filter((k) => before.has(k)).map((k) => [k, before.get(k)]))
        : {};
    doc.setIn(["config", SECTION], doc.createNode({ ...section, ...kept }));
    fs.writeFileSync(file, doc.toString());
}

export async function railwayImportCommand(argv: string[], io: CommandIO, cwd = REPO_ROOT): Promise<number> {
    const cmd = importProgram(io);
    const parsed = parseCommand(cmd, argv);
    if (parsed !== true) return parsed;
    const opts = cmd.opts() as { project: string; environment: string; stackFile?: string; out: string };
    const stackFile = opts.stackFile ? path.resolve(cwd, opts.stackFile) : undefined;
    if (stackFile && !fs.existsSync(stackFile)) return usageProblem(io, cmd)(missingStackFile(stackFile));
    const live = await readLiveProject(process.env.RAILWAY_API_URL, opts.project, opts.environment, io.err);
    const d = describeLiveProject(live);
    if (d.problems.length) {
        io.err(`railway:import: ${d.problems.length} problem(s); nothing was written:`);
        // A problem quotes live names (a service, a domain): hostile text, shown through the one printer.
        for (const p of d.problems) io.err(`  - ${escaped(p)}`);
        return EXIT.findings;
    }
    const out = path.resolve(cwd, opts.out);
    fs.mkdirSync(out, { recursive: true });
    const importFile = path.join(out, "import.json");
    fs.writeFileSync(importFile, `${JSON.stringify(d.importFile, null, 4)}\n`);
    let sectionFile: string;
    if (stackFile) {
        mergeIntoStackFile(stackFile, d.section);
        sectionFile = stackFile;
    } else {
        sectionFile = path.join(out, "railway.yaml");
        fs.writeFileSync(sectionFile, stringify({ config: { [SECTION]: d.section } }));
    }
    const stack = stackFile ? path.basename(stackFile).replace(/^Pulumi\.|\.yaml$/g, "") : "<stack>";
    const rel = (f: string) => path.relative(cwd, f) || f;
    io.out(
        [
            `railway:import: ${live.services.length} service(s) of '${printable(live.name)}' / ${printable(live.environment.name)} (${d.importFile.resources.length} resources to import)`,
            `  wrote ${rel(sectionFile)} (the ${SECTION} section) and ${rel(importFile)}`,
            ...(live.otherEnvironments.length
                ? [
                      `  the project's other environments (${live.otherEnvironments.map((e) => printable(e)).join(", ")}) are other stacks': ownsProject: false there`,
                  ]
                : []),
            "next:",
            ...(d.secrets.length
                ? [
                      `  1. set the secrets (values from Railway's dashboard; none was written):`,
                      ...d.secrets.map(
                          (s) =>
                              `     pulumi config set --secret --path '${CONFIG_NAMESPACE}:secrets.services.${printable(s.service)}.${printable(s.key)}' --stack ${stack}`,
                      ),
                      ...(d.secrets.some((s) => s.unsure)
                          ? [
                                `     could not tell whether these are credentials, so they are secrets: ${d.secrets
                                    .filter((s) => s.unsure)
                                    .map((s) => `${printable(s.service)}.${printable(s.key)}`)
                                    .join(", ")}; move one to the service's variables if you know it is plain`,
                            ]
                          : []),
                  ]
                : ["  1. no secrets to set"]),
            `  2. npm run validate -- --stack ${stack}`,
            `  3. npm run import -- --stack ${stack} --file ${rel(importFile)} (pulumi import --file behind the stack's lease)`,
            `  4. pulumi preview --stack ${stack}: updates that only record state (no create, replace or delete), then pulumi up`,
            "     before changing the config: the first up takes each running deployment as the config's (no redeploy)",
        ].join("\n"),
    );
    return EXIT.ok;
}
