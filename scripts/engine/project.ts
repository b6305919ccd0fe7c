/** The project folder the engine runs in: its Pulumi project's name, and the backend its state is on. */
import * as fs from "fs";
import * as path from "path";
import { parseYaml } from "../../config/sources";
import { Engine, runPulumi } from "./engine";

/** The backend the engine uses: PULUMI_BACKEND_URL, else the one `pulumi login` chose. */
export async function backendUrlOf(engine: Engine, cwd: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
    if (env.PULUMI_BACKEND_URL) return env.PULUMI_BACKEND_URL;
    const who = await runPulumi(engine, ["whoami", "--json", "--non-interactive"], { cwd, env, timeoutMs: 60_000 });
    if (who.code !== 0) return undefined;
    try {
        return (JSON.parse(who.stdout) as { url?: string }).url;
    } catch {
        return undefined;
    }
}

/** Pulumi.yaml's project name, or undefined when there is none here. */
export function projectName(cwd: string): string | undefined {
    const file = path.join(cwd, "Pulumi.yaml");
    if (!fs.existsSync(file)) return undefined;
    return (parseYaml(fs.readFileSync(file, "utf8"), file) as { name?: string })?.name;
}
