/**
 * `npm run github:fake -- [--port 4020] [--token <token>]`: the fake GitHub for the local loop with
 * the GitHub integration on (README "Real engine": the local loop). It serves the `local` stack's
 * organisation, checks every request against GitHub's OpenAPI description and GraphQL schema, and
 * prints each request it answers. Stop it with Ctrl-C.
 */
import { parseArgs } from "util";
import { seedLocalOrganisation, startFakeGitHub } from "./server";

async function main(): Promise<void> {
    const { values } = parseArgs({ options: { port: { type: "string", default: "4020" }, token: { type: "string", default: "local-fake-github-token" } } });
    const gh = await startFakeGitHub(Number(values.port));
    gh.addToken(values.token!, "local-deployer");
    seedLocalOrganisation(gh);
    process.stderr.write(`fake GitHub on ${gh.url}/ (GitHub Enterprise paths /api/v3 and /api/graphql); token: GITHUB_TOKEN=${values.token}\n`);
    let shown = 0;
    setInterval(() => {
        for (const r of gh.requests.slice(shown)) process.stderr.write(`${r.status} ${r.method} ${r.path} ${r.operationId ?? ""}\n`);
        shown = gh.requests.length;
    }, 500).unref();
    process.on("SIGINT", () => void gh.close().then(() => process.exit(0)));
    await new Promise(() => undefined);
}

main().catch((e: Error) => {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
});
