import { strict as assert } from "assert";
import { formatIssue } from "../../config/issues";
import { readStackFile } from "../../config/sources";
import { validateStackConfig } from "../../config/validate";
import { writeStackVariant } from "../support/stack-files";

function issuesOf(stack: string, mutate: (c: Record<string, any>) => void) {
    const src = readStackFile(writeStackVariant(stack, mutate), stack);
    const result = validateStackConfig(src.raw);
    return [...src.issues, ...(result.ok ? [] : result.issues)];
}

const svc = (c: Record<string, any>, i = 0) => c["ainative-platform:railway"].services[i];

describe("stack schema", () => {
    for (const stack of ["production", "staging", "local"]) {
        it(`accepts the committed ${stack} stack`, () => {
            const r = validateStackConfig(readStackFile(`${__dirname}/../../Pulumi.${stack}.yaml`).raw);
            assert.ok(r.ok, r.ok ? "" : r.issues.map((i) => formatIssue(stack, i)).join("\n"));
        });
    }

    it("applies the seed's gate defaults", () => {
        const r = validateStackConfig(readStackFile(`${__dirname}/../../Pulumi.local.yaml`).raw);
        assert.ok(r.ok);
        assert.equal(r.config.gate.consecutive5xxForRollback, 3);
        assert.equal(r.config.gate.healthBudgetMs, 100);
        assert.equal(r.config.gate.errorRatePercentForRollback, 5);
        assert.equal(r.config.gate.memoryPercentForRollback, 95);
        assert.equal(r.config.gate.p95LatencyMultiplierForRollback, 2);
    });

    it("reports five different mistakes as five lines, each naming its key path", () => {
        const issues = issuesOf("production", (c) => {
            svc(c).replicas = 0; // 1: below minimum
            svc(c, 1).kind = "daemon"; // 2: not an allowed value
            c["ainative-platform:github"].requiredApprovingReviews = "two"; // 3: wrong type
            svc(c).variables.STRIPE_SECRT_KEY = "x"; // 4: unknown env key
            c["ainative-platform:sentry"].organisation = "ainative"; // 5: unknown config key
        });
        const lines = issues.map((i) => formatIssue("production", i));
        assert.equal(lines.length, 5, lines.join("\n"));
        // A service's line names it by name as well as by its place (issue 39).
        const expected = [
            "ainative-platform:railway.services[0].replicas (service web)",
            "ainative-platform:railway.services[1].kind (service worker)",
            "ainative-platform:github.requiredApprovingReviews",
            "ainative-platform:railway.services[0].variables.STRIPE_SECRT_KEY (service web)",
            "ainative-platform:sentry.organisation",
        ];
        for (const p of expected)
            assert.ok(
                lines.some((l) => l.startsWith(`production: ${p}: `)),
                `no line for ${p}:\n${lines.join("\n")}`,
            );
        for (const l of lines) assert.match(l, /^production: \S+( \(service [a-z]+\))?: .+ \(.+\)$/);
    });

    it("a misspelt allowed value is told the nearest allowed one; a value near none gets no guess, and is never repeated", () => {
        const issues = issuesOf("production", (c) => {
            svc(c, 1).kind = "wroker";
            svc(c).restartPolicy = { type: "ON_FAILUR", maxRetries: 5 };
            c["ainative-platform:railway"].region = "sk_live_not-a-region";
        });
        const lines = issues.map((i) => formatIssue("production", i));
        const line = (p: string) =>
            lines.find((l) => l.startsWith(`production: ainative-platform:railway.${p}: `)) ?? "";
        assert.match(
            line("services[1].kind (service worker)"),
            /did you mean 'worker'\? use one of: web, worker, cron, datastore/,
        );
        assert.match(line("services[0].restartPolicy.type (service web)"), /did you mean 'ON_FAILURE'\?/);
        assert.match(line("region"), /is not an allowed value \(use one of: /);
        assert.doesNotMatch(lines.join("\n"), /did you mean 'us-|sk_live|wroker|ON_FAILUR\b/);
    });

    describe("who owns the Railway project", () => {
        const railway = (c: Record<string, any>) => c["ainative-platform:railway"];
        const lines = (stack: string, mutate: (c: Record<string, any>) => void) =>
            issuesOf(stack, mutate).map((i) => formatIssue(stack, i));

        it("refuses forkFrom with its key path, once, naming duplicateFrom as the replacement", () => {
            const found = lines("staging", (c) => {
                railway(c).forkFrom = "production";
            });
            assert.deepEqual(found.length, 1, found.join("\n"));
            assert.match(
                found[0],
                /^staging: ainative-platform:railway\.forkFrom: is no longer supported: Railway deprecated forked environments .*\(remove it; .*railway\.duplicateFrom: <environment>/,
            );
        });

        it("refuses ownsProject: true beside projectId, and duplicateFrom on the owner or naming its own environment", () => {
            const owner = lines("production", (c) => {
                railway(c).projectId = "0b5d1e7e-1111-4a4a-8b8b-222233334444";
                railway(c).duplicateFrom = "staging";
            });
            assert.ok(
                owner.some((l) =>
                    /railway\.ownsProject: is true, but railway\.projectId names an existing project/.test(l),
                ),
                owner.join("\n"),
            );
            assert.ok(
                owner.some((l) => /railway\.duplicateFrom: only applies to a stack that shares a project/.test(l)),
                owner.join("\n"),
            );
            const self = lines("staging", (c) => {
                railway(c).duplicateFrom = "staging";
            });
            assert.deepEqual(self.length, 1, self.join("\n"));
            assert.match(self[0], /railway\.duplicateFrom: names the stack's own environment 'staging'/);
        });

        it("needs a workspace only to create a project: a sharing stack finds its project without one", () => {
            assert.deepEqual(
                lines("staging", (c) => {
                    delete railway(c).workspaceId;
                }),
                [],
            );
            const owner = lines("production", (c) => {
                delete railway(c).workspaceId;
            });
            assert.equal(owner.length, 1);
            assert.match(owner[0], /railway\.workspaceId: is required to create the project \(this stack owns it\)/);
        });

        it("the committed staging and production stacks point at one project, production owning it", () => {
            const of = (stack: string) => {
                const r = validateStackConfig(readStackFile(`${__dirname}/../../Pulumi.${stack}.yaml`).raw);
                assert.ok(r.ok);
                return r.config.railway;
            };
            const [prod, stag] = [of("production"), of("staging")];
            assert.equal(prod.project, stag.project);
            assert.deepEqual([prod.ownsProject, stag.ownsProject], [true, false]);
            assert.deepEqual([prod.environment, stag.environment], ["production", "staging"]);
        });
    });

    it("gives a did-you-mean hint for a misspelt config key", () => {
        const issues = issuesOf("staging", (c) => {
            svc(c).healthchek = svc(c).healthcheck;
            delete svc(c).healthcheck;
        });
        const hint = issues.find((i) => i.path.endsWith("services[0].healthchek"));
        assert.ok(hint, JSON.stringify(issues));
        assert.match(hint.fix, /did you mean 'healthcheck'\?/);
    });

    it("rejects duplicate service names, cron or volume with replicas, and a missing web health check", () => {
        const issues = issuesOf("production", (c) => {
            svc(c, 1).name = "web";
            svc(c, 2).replicas = 2; // postgres has a volume
            delete svc(c).healthcheck;
        });
        const paths = issues.map((i) => i.path);
        assert.ok(paths.includes("ainative-platform:railway.services[1].name"));
        assert.ok(paths.includes("ainative-platform:railway.services[2].volume"));
        assert.ok(paths.includes("ainative-platform:railway.services[0].healthcheck"));
    });

    it("rejects a secret in plain text in the secrets section", () => {
        const issues = issuesOf("production", (c) => {
            c["ainative-platform:secrets"].services.web.OPENAI_API_KEY = "sk-plain";
        });
        const i = issues.find((x) => x.path === "ainative-platform:secrets.services.web.OPENAI_API_KEY");
        assert.ok(i, JSON.stringify(issues));
        assert.match(i.problem, /plain text/);
        assert.match(i.fix, /pulumi config set --secret --path/);
        assert.ok(!JSON.stringify(issues).includes("sk-plain"));
    });

    it("rejects a schema-secret key among plain variables, but accepts a Railway reference there", () => {
        const bad = issuesOf("production", (c) => {
            svc(c).variables.DATABASE_URL = "postgresql://u:p@db.ainative.studio/app?sslmode=require";
        });
        assert.ok(
            bad.some((i) => i.path.endsWith("services[0].variables.DATABASE_URL") && /plain text/.test(i.problem)),
        );
        assert.deepEqual(
            issuesOf("production", () => undefined),
            [],
        );
    });

    it("requires a value for every declared secret, and a declaration for every value", () => {
        const issues = issuesOf("production", (c) => {
            delete c["ainative-platform:secrets"].services.web.AUTH_SECRET;
            c["ainative-platform:secrets"].services.worker.AUTH_SECRET = { secure: "v1:abc:def" };
        });
        assert.ok(
            issues.some(
                (i) => i.path === "ainative-platform:secrets.services.web.AUTH_SECRET" && /no value/.test(i.problem),
            ),
        );
        assert.ok(
            issues.some(
                (i) =>
                    i.path === "ainative-platform:secrets.services.worker.AUTH_SECRET" && /not listed/.test(i.problem),
            ),
        );
    });

    it("requires an integration's section while the integration is on", () => {
        const issues = issuesOf("staging", (c) => delete c["ainative-platform:pagerduty"]);
        assert.ok(
            issues.some((i) => i.path === "ainative-platform:pagerduty" && /integrations.pagerduty/.test(i.problem)),
        );
        assert.deepEqual(
            issuesOf("staging", (c) => {
                delete c["ainative-platform:pagerduty"];
                c["ainative-platform:integrations"].pagerduty = false;
            }),
            [],
        );
    });

    it("requires SENTRY_DSN in a deployed environment only when the Sentry integration is off", () => {
        const issues = issuesOf("staging", (c) => {
            c["ainative-platform:integrations"].sentry = false;
            delete c["ainative-platform:sentry"];
        });
        assert.ok(
            issues.some((i) => i.path.endsWith("SENTRY_DSN") && /required in staging/.test(i.problem)),
            JSON.stringify(issues),
        );
    });

    it("rejects a staging custom domain on a production host", () => {
        const issues = issuesOf("staging", (c) => (svc(c).domains.custom = ["app.ainative.studio"]));
        assert.ok(issues.some((i) => i.path === "ainative-platform:railway.services[0].domains.custom[0]"));
    });
});
