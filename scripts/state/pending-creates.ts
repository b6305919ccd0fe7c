/**
 * What to do with each create a dead runner left pending (the engine was killed between asking a
 * provider to create something and recording what it made). Pulumi's own handling is a refresh that
 * imports a pending create by its ID or clears it; this decides which, resource by resource, from the
 * service itself, so that the next `up` makes no duplicate and leaves no orphan:
 * - clear, where creating again is safe: Railway resources but domains (the provider takes an
 *   existing resource of the same natural key instead of making another), commands (they run
 *   again), GitHub Actions secrets (a write of a secret is an upsert);
 * - import, where the service has it (Railway's generated and custom domains, GitHub environments, deployment branch policies and branch
 *   protections, Sentry teams, projects, keys and alert rules, PagerDuty escalation policies,
 *   services and integrations, each found by the natural key its inputs name), clear where it has
 *   none;
 * - could not decide: a type not listed, a service that cannot be asked, or more than one match.
 *   Nothing is done then: the command stops and says what to check and how to settle it.
 */
import { DEFAULT_RAILWAY_API_URL } from "../../providers/railway/client";

export interface PendingCreate {
    urn: string;
    type: string;
    inputs: Record<string, unknown>;
    /** The provider resource's inputs (its owner, base URL...), when the stack has an explicit one. */
    provider?: Record<string, unknown>;
}

export type Decision =
    | { urn: string; action: "clear"; why: string }
    | { urn: string; action: "import"; id: string; why: string }
    | { urn: string; action: "undecided"; why: string };

/** How the decision asks a service (GET only, with the credentials the engine uses). */
export type Fetch = (
    url: string,
    init: { headers: Record<string, string>; method?: "GET" | "POST"; body?: string },
) => Promise<{ status: number; json(): Promise<unknown> }>;

/** A service's JSON answer, read field by field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each service's answer shape is read where it is used
type Json = any;

const CLEAR_SAFE: [RegExp, string][] = [
    // Not its domains: Railway gives a service as many generated domains as it is asked for.
    [
        /^railway:index:(?!ServiceDomain$|CustomDomain$)/,
        "the railway provider takes an existing resource of the same name instead of creating another",
    ],
    [/^command:local:Command$/, "a command runs again"],
    [/^github:index\/actionsEnvironmentSecret:ActionsEnvironmentSecret$/, "writing a secret again replaces it"],
];

/** What the services list: an id and a name. */
interface Named {
    id: string;
    name: string;
}

/** The REST base the GitHub provider talks to: api.github.com as given, an Enterprise host's under /api/v3. */
export function githubApiBase(baseUrl: string | undefined): string {
    if (!baseUrl) return "https://api.github.com";
    const base = trimSlash(baseUrl);
    return new URL(base).hostname === "api.github.com" || base.endsWith("/api/v3") ? base : `${base}/api/v3`;
}

/** The API base the Sentry provider talks to: its base URL, with `api/` added when it lacks it (as go-sentry does). */
export function sentryApiBase(baseUrl: string | undefined): string {
    const base = (baseUrl ?? "https://sentry.io/api/").replace(/\/*$/, "/");
    return base.endsWith("/api/") ? base : `${base}api/`;
}

const RAILWAY_DOMAINS = `query Domains($projectId: String!, $environmentId: String!, $serviceId: String!) {
  domains(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId) {
    serviceDomains { id domain }
    customDomains { id domain }
  }
}`;

const str = (v: unknown) => (typeof v === "string" ? v : undefined);
const trimSlash = (u: string) => u.replace(/\/+$/, "");

export async function decide(
    op: PendingCreate,
    env: NodeJS.ProcessEnv,
    fetchFn: Fetch = fetch as unknown as Fetch,
): Promise<Decision> {
    for (const [type, why] of CLEAR_SAFE) if (type.test(op.type)) return { urn: op.urn, action: "clear", why };
    const i = op.inputs;
    const undecided = (why: string): Decision => ({ urn: op.urn, action: "undecided", why });
    /** 200: import as `id`; 404: it was never made, clear; anything else: undecided. */
    const byStatus = async (url: string, headers: Record<string, string>, id: string): Promise<Decision> => {
        const r = await fetchFn(url, { headers });
        if (r.status === 200) return { urn: op.urn, action: "import", id, why: `it exists (${id})` };
        if (r.status === 404) return { urn: op.urn, action: "clear", why: "it was never made" };
        return undecided(`asking for it answered HTTP ${r.status}`);
    };
    /** One match by name: import it; none: clear; several: undecided. */
    const byName = <T>(items: T[], matches: (x: T) => boolean, idOf: (x: T) => string, what: string): Decision => {
        const found = items.filter(matches);
        if (found.length === 1) return { urn: op.urn, action: "import", id: idOf(found[0]), why: `${what} exists` };
        if (found.length === 0)
            return { urn: op.urn, action: "clear", why: `no ${what} of that name: it was never made` };
        return undecided(`${found.length} ${what}s of that name: which one is the stack's cannot be told`);
    };
    const list = async (url: string, headers: Record<string, string>, pick: (body: Json) => Named[]) => {
        const r = await fetchFn(url, { headers });
        if (r.status !== 200) throw new Error(`${url.replace(/\?.*/, "")} answered HTTP ${r.status}`);
        return pick(await r.json());
    };

    try {
        if (op.type === "railway:index:ServiceDomain" || op.type === "railway:index:CustomDomain") {
            const account = env.RAILWAY_API_TOKEN?.trim();
            const project = env.RAILWAY_TOKEN?.trim();
            if (!account === !project)
                return undecided("Railway cannot be asked: set one of RAILWAY_API_TOKEN or RAILWAY_TOKEN");
            const ids = {
                projectId: str(i.projectId),
                environmentId: str(i.environmentId),
                serviceId: str(i.serviceId),
            };
            if (!ids.projectId || !ids.environmentId || !ids.serviceId)
                return undecided("its inputs lack the project, environment or service ID");
            const r = await fetchFn(str(i.apiUrl) ?? DEFAULT_RAILWAY_API_URL, {
                method: "POST",
                headers: {
                    "content-type": "application/json",
                    ...(account ? { authorization: `Bearer ${account}` } : { "project-access-token": project! }),
                },
                body: JSON.stringify({ query: RAILWAY_DOMAINS, variables: ids }),
            });
            const body = (r.status === 200 ? await r.json() : undefined) as Json;
            const domains = body?.data?.domains;
            if (!domains) return undecided(`Railway's domains query answered HTTP ${r.status} without domains`);
            const prefix = `${ids.projectId}:${ids.environmentId}:${ids.serviceId}`;
            if (op.type === "railway:index:CustomDomain")
                return byName(
                    domains.customDomains as { id: string; domain: string }[],
                    (d) => d.domain === i.domain,
                    (d) => `${prefix}:${d.id}`,
                    "custom domain",
                );
            // The stack declares one generated domain per service: none means the create never happened.
            return byName(
                domains.serviceDomains as { id: string }[],
                () => true,
                (d) => `${prefix}:${d.id}`,
                "Railway-generated domain",
            );
        }
        if (op.type.startsWith("github:")) {
            const token = env.GITHUB_TOKEN;
            const owner = str(op.provider?.owner) ?? env.GITHUB_OWNER;
            if (!token || !owner) return undecided("GitHub cannot be asked: GITHUB_TOKEN or the owner is missing");
            const base = githubApiBase(str(op.provider?.baseUrl));
            const headers = { authorization: `Bearer ${token}`, accept: "application/vnd.github+json" };
            const repo = str(i.repository) ?? str(i.repositoryId);
            if (!repo) return undecided("its inputs name no repository");
            const r = `${base}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
            switch (op.type) {
                case "github:index/repositoryEnvironment:RepositoryEnvironment":
                    return byStatus(
                        `${r}/environments/${encodeURIComponent(String(i.environment))}`,
                        headers,
                        `${repo}:${i.environment}`,
                    );
                case "github:index/branchProtection:BranchProtection":
                    return byStatus(
                        `${r}/branches/${encodeURIComponent(String(i.pattern))}/protection`,
                        headers,
                        `${repo}:${i.pattern}`,
                    );
                case "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy": {
                    const url = `${r}/environments/${encodeURIComponent(String(i.environment))}/deployment-branch-policies?per_page=100`;
                    const r0 = await fetchFn(url, { headers });
                    if (r0.status === 404)
                        return {
                            urn: op.urn,
                            action: "clear",
                            why: "its environment does not exist: it was never made",
                        };
                    if (r0.status !== 200) return undecided(`asking for it answered HTTP ${r0.status}`);
                    const policies = (((await r0.json()) as Json).branch_policies ?? []) as {
                        id: number;
                        name: string;
                    }[];
                    return byName(
                        policies,
                        (p) => p.name === i.branchPattern,
                        (p) => `${repo}:${i.environment}:${p.id}`,
                        "branch policy",
                    );
                }
            }
        }
        if (op.type.startsWith("sentry:")) {
            const token = env.SENTRY_AUTH_TOKEN;
            if (!token) return undecided("Sentry cannot be asked: SENTRY_AUTH_TOKEN is missing");
            const base = `${sentryApiBase(str(op.provider?.baseUrl))}0`;
            const headers = { authorization: `Bearer ${token}` };
            const org = String(i.organization);
            switch (op.type) {
                case "sentry:index/sentryTeam:SentryTeam":
                    return byStatus(`${base}/teams/${org}/${i.slug}/`, headers, `${org}/${i.slug}`);
                case "sentry:index/sentryProject:SentryProject":
                    return byStatus(`${base}/projects/${org}/${i.slug}/`, headers, `${org}/${i.slug}`);
                case "sentry:index/sentryKey:SentryKey":
                    return byName(
                        await list(`${base}/projects/${org}/${i.project}/keys/`, headers, (b) => b),
                        (k: Named) => k.name === i.name,
                        (k: Named) => `${org}/${i.project}/${k.id}`,
                        "client key",
                    );
                case "sentry:index/sentryIssueAlert:SentryIssueAlert":
                    return byName(
                        await list(`${base}/projects/${org}/${i.project}/rules/`, headers, (b) => b),
                        (a: Named) => a.name === i.name,
                        (a: Named) => `${org}/${i.project}/${a.id}`,
                        "issue alert",
                    );
                case "sentry:index/sentryMetricAlert:SentryMetricAlert":
                    return byName(
                        await list(`${base}/projects/${org}/${i.project}/alert-rules/`, headers, (b) => b),
                        (a: Named) => a.name === i.name,
                        (a: Named) => `${org}/${i.project}/${a.id}`,
                        "metric alert",
                    );
            }
        }
        if (op.type.startsWith("pagerduty:")) {
            const token = env.PAGERDUTY_TOKEN;
            if (!token) return undecided("PagerDuty cannot be asked: PAGERDUTY_TOKEN is missing");
            const base = trimSlash(str(op.provider?.apiUrlOverride) ?? "https://api.pagerduty.com");
            const headers = {
                authorization: `Token token=${token}`,
                accept: "application/vnd.pagerduty+json;version=2",
                // PagerDuty's description requires it on every request, a GET's too; its Go client sends it.
                "content-type": "application/json",
            };
            const named = (kind: string, key: string) => async () =>
                list(
                    `${base}/${kind}?query=${encodeURIComponent(String(i.name))}&limit=100`,
                    headers,
                    (b) => b[key] ?? [],
                );
            switch (op.type) {
                case "pagerduty:index/escalationPolicy:EscalationPolicy":
                    return byName(
                        await named("escalation_policies", "escalation_policies")(),
                        (p: Named) => p.name === i.name,
                        (p: Named) => p.id,
                        "escalation policy",
                    );
                case "pagerduty:index/service:Service":
                    return byName(
                        await named("services", "services")(),
                        (p: Named) => p.name === i.name,
                        (p: Named) => p.id,
                        "service",
                    );
                case "pagerduty:index/serviceIntegration:ServiceIntegration": {
                    const service = str(i.service);
                    if (!service) return undecided("its service is not known yet");
                    const r = await fetchFn(`${base}/services/${service}?include[]=integrations`, { headers });
                    if (r.status === 404)
                        return { urn: op.urn, action: "clear", why: "its service does not exist: it was never made" };
                    if (r.status !== 200) return undecided(`asking for it answered HTTP ${r.status}`);
                    const integrations = (((await r.json()) as Json).service?.integrations ?? []) as {
                        id: string;
                        name?: string;
                        summary?: string;
                    }[];
                    return byName(
                        integrations,
                        (x) => (x.name ?? x.summary) === i.name,
                        (x) => `${service}.${x.id}`,
                        "integration",
                    );
                }
            }
        }
    } catch (e) {
        return undecided(`asking for it failed: ${(e as Error).message.slice(0, 200)}`);
    }
    return undecided(`no way to tell whether a ${op.type} was made is known here`);
}

/** A stack's state as `pulumi stack export` writes it, as far as settling reads and edits it. */
export interface ExportedDeployment {
    resources?: { urn: string; id?: string; type: string; inputs?: Record<string, unknown> }[];
    pending_operations?: {
        type: string;
        resource: { urn: string; type: string; id?: string; inputs?: Record<string, unknown>; provider?: string };
    }[];
    [other: string]: unknown;
}

/**
 * The state with the decisions carried out, for `pulumi stack import`: a create that happened
 * becomes a resource with its ID (the refresh that follows reads the rest from the service), one
 * that did not is dropped. Other pending operations stay for that refresh to clear.
 *
 * Not `pulumi refresh --import-pending-creates`: the engine (3.259) turns such a create into a
 * pending import that the refresh then drops without adding the resource, so the next up would
 * create it again beside the one that exists.
 */
export function settledDeployment(deployment: ExportedDeployment, decisions: Decision[]): ExportedDeployment {
    const byUrn = new Map(decisions.map((d) => [d.urn, d]));
    const pending = deployment.pending_operations ?? [];
    for (const op of pending)
        if (
            op.type === "creating" &&
            byUrn.get(op.resource.urn)?.action !== "import" &&
            byUrn.get(op.resource.urn)?.action !== "clear"
        )
            throw new Error(`no decision for the pending create of ${op.resource.urn}`);
    const made = pending
        .filter((op) => op.type === "creating" && byUrn.get(op.resource.urn)?.action === "import")
        // Appended: what it depends on (parent, provider) is in the state already, and nothing there
        // depends on it, since it was never known to be made.
        .map((op) => ({ ...op.resource, id: (byUrn.get(op.resource.urn) as { id: string }).id }));
    return {
        ...deployment,
        resources: [...(deployment.resources ?? []), ...made],
        pending_operations: pending.filter((op) => op.type !== "creating"),
    };
}
