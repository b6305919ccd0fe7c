/**
 * `IncidentRouting`: PagerDuty for a stack. An escalation policy (production: at least two
 * levels), one PagerDuty service per Railway service that runs our code, and an Events API v2
 * integration per service whose routing key (a secret output) the health gate and drift alerts use.
 */
import * as pagerduty from "@pulumi/pagerduty";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentProblem, argumentError, COMPONENT_TYPES, serviceListProblems, withTypeAliases } from "./types";

export interface IncidentRoutingArgs {
    /** Name prefix shown in PagerDuty (the Railway project name: unique per stack). */
    prefix: string;
    /** The app environment: production requires at least two escalation levels. */
    environment: string;
    /** Escalation levels in order: who is notified, and after how many minutes it moves on. */
    escalationLevels: { delayMinutes: number; targets: { type: "user" | "schedule"; id: string }[] }[];
    /** high: page now; low: notify without paging; none: record without creating incidents. */
    urgency: "high" | "low" | "none";
    /** The Railway services that get a PagerDuty service, by name. */
    services: string[];
}

export interface IncidentRoutingService {
    serviceId: pulumi.Output<string>;
    /** The Events API v2 routing key (a secret output). */
    routingKey: pulumi.Output<string>;
}

function incidentRoutingProblems(args: IncidentRoutingArgs): ArgumentProblem[] {
    const problems = serviceListProblems(args.services, "a PagerDuty service");
    const levels = args.escalationLevels?.length ?? 0;
    if (levels === 0)
        problems.push({
            argument: "escalationLevels",
            problem: "is empty",
            fix: "add at least one level with a user or schedule",
        });
    else if (args.environment === "production" && levels < 2)
        problems.push({
            argument: "escalationLevels",
            problem: `production has ${levels} level, needs at least 2`,
            fix: "add a second level (a backup schedule or a lead)",
        });
    args.escalationLevels?.forEach((level, i) => {
        if (!level.targets.length)
            problems.push({
                argument: `escalationLevels[${i}].targets`,
                problem: "is empty",
                fix: "add a user or schedule",
            });
    });
    return problems;
}

/** PagerDuty escalation policy, services and Events API v2 integrations for one stack. */
export class IncidentRouting extends pulumi.ComponentResource {
    readonly escalationPolicyId: pulumi.Output<string>;
    /** Per service name: its PagerDuty service id and routing key. */
    readonly services: Record<string, IncidentRoutingService>;

    constructor(name: string, args: IncidentRoutingArgs, opts?: pulumi.ComponentResourceOptions) {
        const problems = incidentRoutingProblems(args);
        if (problems.length) throw argumentError(COMPONENT_TYPES.IncidentRouting, name, problems);
        super(COMPONENT_TYPES.IncidentRouting.token, name, {}, withTypeAliases(COMPONENT_TYPES.IncidentRouting, opts));
        const child = { parent: this };

        const policy = new pagerduty.EscalationPolicy(
            name,
            {
                name: `${args.prefix} (${args.environment})`,
                numLoops: args.environment === "production" ? 2 : 0,
                rules: args.escalationLevels.map((level) => ({
                    escalationDelayInMinutes: level.delayMinutes,
                    targets: level.targets.map((t) => ({
                        type: t.type === "user" ? "user_reference" : "schedule_reference",
                        id: t.id,
                    })),
                })),
            },
            child,
        );
        this.escalationPolicyId = policy.id;

        this.services = {};
        for (const service of args.services) {
            const base = `${name}-${service}`;
            const pdService = new pagerduty.Service(
                base,
                {
                    name: `${args.prefix} ${service}`,
                    escalationPolicy: policy.id,
                    alertCreation: "create_alerts_and_incidents",
                    // "none" still records alerts, but as low urgency that notifies nobody by default.
                    incidentUrgencyRule: { type: "constant", urgency: args.urgency === "high" ? "high" : "low" },
                    autoResolveTimeout: "14400",
                    acknowledgementTimeout: args.urgency === "high" ? "1800" : "null",
                },
                child,
            );
            const integration = new pagerduty.ServiceIntegration(
                base,
                {
                    name: "Events API v2 (deploy gate, drift)",
                    service: pdService.id,
                    type: "events_api_v2_inbound_integration",
                },
                { ...child, additionalSecretOutputs: ["integrationKey"] },
            );
            this.services[service] = { serviceId: pdService.id, routingKey: pulumi.secret(integration.integrationKey) };
        }
        this.registerOutputs({ escalationPolicyId: this.escalationPolicyId, services: this.services });
    }
}
