import type { Policy } from "@pulumi/policy";
import { githubBranchProtection } from "./github-branch-protection";
import { githubProductionEnvironmentReviewers } from "./github-production-environment-reviewers";
import { pagerdutyProductionEscalation } from "./pagerduty-production-escalation";
import { productionDataProtection } from "./production-data-protection";
import { railwayNoPlaintextSecrets } from "./railway-no-plaintext-secrets";
import { railwayProductionReplicas } from "./railway-production-replicas";
import { railwayRestartPolicy } from "./railway-restart-policy";
import { railwayVariablesSchema } from "./railway-variables-schema";
import { railwayWebHealthCheck } from "./railway-web-health-check";
import { secretRotationDue, secretRotationOverdue } from "./secret-rotation";
import { secretsBackupProduction } from "./secrets-backup-production";
import { sentryEveryService } from "./sentry-every-service";
import { stagingIsolation } from "./staging-isolation";

/** Every policy of the pack, in the order of the policy list in the README. */
export const POLICIES: Policy[] = [
    railwayProductionReplicas,
    railwayWebHealthCheck,
    railwayRestartPolicy,
    railwayVariablesSchema,
    railwayNoPlaintextSecrets,
    githubBranchProtection,
    githubProductionEnvironmentReviewers,
    sentryEveryService,
    pagerdutyProductionEscalation,
    stagingIsolation,
    productionDataProtection,
    secretRotationDue,
    secretRotationOverdue,
    secretsBackupProduction,
];
