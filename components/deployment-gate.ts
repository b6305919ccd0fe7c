/**
 * `DeploymentGate`: runs the health gate (`npm run gate`) as a local command after a service's
 * deployment-affecting inputs change, so that `pulumi up` fails when the gate rolls the deployment
 * back (exit 1) or cannot decide (exit 2). The command reads Railway and PagerDuty credentials
 * from the environment of `pulumi up`; only the project id is passed here.
 */
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { GATE_REDACT_VARIABLE } from "../config/stack.schema";
import { argumentError, COMPONENT_TYPES, withTypeAliases } from "./types";

export interface DeploymentGateArgs {
    /** The stack whose config the gate reads (its thresholds and smoke tests). */
    stack: string;
    /** The Railway service to watch. */
    service: string;
    /** The Railway project id (passed as RAILWAY_PROJECT_ID). */
    projectId: pulumi.Input<string>;
    /** The service's base URL. */
    url: pulumi.Input<string>;
    /** The deployment `pulumi up` started (RailwayApp's `deploymentId`): the gate runs for each new one, and watches it. */
    deploymentId: pulumi.Input<string>;
    /**
     * The project folder the command runs in. Default: found when the command runs (the folder
     * holding Pulumi.yaml), so that no machine's path is stored in state and a checkout elsewhere
     * does not count as a change.
     */
    dir?: string;
    /** Only levels 1-3, no monitoring window (faster `pulumi up`; the deploy workflow runs the window). */
    once?: boolean;
    /**
     * The stack's secret values, cut out of the failed deployment logs the gate reports (its
     * record, the `pulumi up` error, GitHub, Slack, PagerDuty). Passed to the command as a secret.
     */
    redact?: pulumi.Input<pulumi.Input<string>[]>;
}

/** Shell: go up from the working folder to the one holding Pulumi.yaml. */
export const PROJECT_ROOT =
    'd="$PWD"; while [ "$d" != / ] && [ ! -f "$d/Pulumi.yaml" ]; do d="$(dirname "$d")"; done; cd "$d"';

export class DeploymentGate extends pulumi.ComponentResource {
    /** The gate's decision record of the last run (JSON). */
    readonly decision: pulumi.Output<string>;

    constructor(name: string, args: DeploymentGateArgs, opts?: pulumi.ComponentResourceOptions) {
        const problems = [];
        if (!/^[a-z][a-z0-9-]*$/.test(args.stack ?? ""))
            problems.push({
                argument: "stack",
                problem: `'${args.stack}' is not a stack name`,
                fix: "pass the Pulumi stack name",
            });
        if (!/^[a-z][a-z0-9-]*$/.test(args.service ?? ""))
            problems.push({
                argument: "service",
                problem: `'${args.service}' is not a service name`,
                fix: "pass the Railway service name from the stack config",
            });
        if (args.dir !== undefined && !args.dir)
            problems.push({ argument: "dir", problem: "is empty", fix: "pass the repository folder, or leave it out" });
        if (problems.length) throw argumentError(COMPONENT_TYPES.DeploymentGate, name, problems);
        super(COMPONENT_TYPES.DeploymentGate.token, name, {}, withTypeAliases(COMPONENT_TYPES.DeploymentGate, opts));

        // The command starts in the program's folder (infra/); the gate reads the stack file next to
        // Pulumi.yaml. The path is found when it runs (the logical one, not a symlink's target), so
        // no machine's path is stored in state.
        const here = args.dir ? "" : `${PROJECT_ROOT} && `;
        const gate = pulumi.interpolate`${here}npm run -s gate -- --stack ${args.stack} --service ${args.service} --url ${args.url} --deployment ${args.deploymentId}${args.once ? " --once" : ""}`;
        const run = new command.local.Command(
            name,
            {
                create: gate,
                update: gate,
                dir: args.dir,
                environment: {
                    RAILWAY_PROJECT_ID: args.projectId,
                    ...(args.redact
                        ? {
                              [GATE_REDACT_VARIABLE]: pulumi
                                  .secret(pulumi.output(args.redact))
                                  .apply((values) => JSON.stringify(values.filter((v) => typeof v === "string"))),
                          }
                        : {}),
                },
                triggers: [args.deploymentId],
                // The decision record is the command's stdout; progress goes to stderr and the log.
                logging: "stderr",
            },
            { parent: this },
        );
        this.decision = run.stdout;
        this.registerOutputs({ decision: this.decision });
    }
}
