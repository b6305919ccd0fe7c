/**
 * Alerts by email against a real SMTP server (aiosmtpd on 127.0.0.1, STARTTLS and AUTH required,
 * a certificate of its own CA): what arrives is read back and parsed as a mail client would, so
 * the test asserts the recipients by what they get, both parts, the subject, the bounds, the
 * Message-ID from the dedup key, and that no credential or control character is in any of it. An
 * SMTP failure is reported, never thrown.
 */
import { strict as assert } from "assert";
import * as net from "net";
import { EmailAlert, EmailSettings, FAILURE_KINDS, renderEmail, sendAlertEmail } from "../../../scripts/notify/email";
import { sendDriftAlerts } from "../../../scripts/drift/alerts";
import type { DriftReport } from "../../../scripts/drift/report";
import { notifyFailure, notifyRollback } from "../../../scripts/gate/notify";
import { startSmtp, TestSmtp } from "../../../tools/local-servers/smtp";

const RECIPIENTS = [
    { address: "oncall@ainative.test", gets: "failures" as const },
    { address: "platform@ainative.test", gets: "everything" as const },
];

const alert = (over: Partial<EmailAlert> = {}): EmailAlert => ({
    kind: "failed-deployment",
    stack: "production",
    service: "web",
    verdict: "deployment FAILED",
    summary: "production/web: deployment d-1 failed to build (started by Railway).",
    details: [["Deployment", "d-1"]],
    log: { title: "The end of its build log", lines: ["npm ERR! build failed", "exit code 1"] },
    dedupKey: "railway-deploy/production/web/d-1",
    ...over,
});

describe("alerts by email (a real SMTP server: STARTTLS and AUTH required)", function () {
    this.timeout(60_000);
    let smtp: TestSmtp;
    let settings: EmailSettings;
    before(async () => {
        smtp = await startSmtp();
        settings = { smtpUrl: smtp.url, from: "alerts@ainative.test", caFile: smtp.caFile, recipients: RECIPIENTS };
    });
    after(async () => smtp?.close());

    it("a failed deployment reaches both addresses, over TLS, with a text and an HTML part, the subject naming stack, service and verdict", async () => {
        const before = (await smtp.messages()).length;
        assert.equal(await sendAlertEmail(settings, alert()), "sent to 2 addresses");
        const [m] = (await smtp.messages()).slice(before);
        assert.deepEqual(m.envelope.to.sort(), ["oncall@ainative.test", "platform@ainative.test"]);
        assert.equal(m.envelope.tls, true, "sent after STARTTLS");
        assert.equal(m.parsed.subject, "[ainative] production/web: deployment FAILED");
        assert.match(m.parsed.text!, /npm ERR! build failed\n {4}exit code 1/);
        assert.match(m.parsed.html as string, /<pre>npm ERR! build failed\nexit code 1<\/pre>/);
        assert.equal(m.parsed.messageId, renderEmail(alert()).messageId, "the Message-ID comes from the dedup key");
    });

    it("drift goes to the addresses that get everything, not to those that get failures", async () => {
        assert.ok(!FAILURE_KINDS.includes("drift"));
        const before = (await smtp.messages()).length;
        const out = await sendAlertEmail(
            settings,
            alert({ kind: "drift", verdict: "drift", dedupKey: "drift/p/production" }),
        );
        assert.equal(out, "sent to 1 address");
        const [m] = (await smtp.messages()).slice(before);
        assert.deepEqual(m.envelope.to, ["platform@ainative.test"]);
    });

    it("hostile text (terminal escapes, bidi overrides, a newline in the subject, HTML) is inert; a huge log is bounded", async () => {
        const before = (await smtp.messages()).length;
        const out = await sendAlertEmail(
            settings,
            alert({
                service: "web\r\nBcc: everyone@example.com",
                summary: "<script>alert(1)</script> \u202eevil",
                log: {
                    title: "The end of its build log",
                    lines: [
                        ...Array.from({ length: 500 }, (_, i) => `line ${i} ${"x".repeat(5000)}`),
                        "\u001b[31mred\u001b[0m",
                    ],
                },
            }),
        );
        assert.equal(out, "sent to 2 addresses");
        const [m] = (await smtp.messages()).slice(before);
        assert.deepEqual(
            m.envelope.to.sort(),
            ["oncall@ainative.test", "platform@ainative.test"],
            "no header injected",
        );
        assert.ok(!m.parsed.headers.has("bcc"));
        assert.equal(m.parsed.subject, "[ainative] production/web  Bcc: everyone@example.com: deployment FAILED");
        assert.ok(!m.raw.includes("\u001b") && !m.raw.includes("\u202e"), "no control character in the message");
        assert.ok(!(m.parsed.html as string).includes("<script>"), "HTML escaped");
        assert.ok(m.raw.length < 120_000, `${m.raw.length} bytes`);
        assert.match(m.parsed.text!, /red$/m);
    });

    it("the gate's failure report sends it too, with the log lines as Slack gets them and no SMTP credential", async () => {
        const before = (await smtp.messages()).length;
        const n = await notifyFailure(
            { email: settings },
            {
                stack: "production",
                service: "web",
                origin: "railway",
                deploymentId: "d-2",
                status: "FAILED",
                page: false,
                failure: {
                    deploymentId: "d-2",
                    status: "FAILED",
                    kind: "build",
                    lines: ["AUTH_SECRET=[redacted]", "Build Failed: exit code 1"],
                },
            },
        );
        assert.equal(n.email, "sent to 2 addresses");
        const [m] = (await smtp.messages()).slice(before);
        assert.match(m.parsed.text!, /AUTH_SECRET=\[redacted\]/);
        assert.ok(!m.raw.includes(smtp.password), "no SMTP credential");
    });

    it("drift reaches the addresses that get everything, naming what drifted; a run that could not decide sends nothing", async () => {
        const report = (status: "drift" | "error"): DriftReport => ({
            version: 1,
            project: "ainative-platform",
            stack: "production",
            production: true,
            checkedAt: "2026-12-06T00:17:00Z",
            status,
            drifted: [
                {
                    urn: "urn:x",
                    type: "railway:index:Variables",
                    name: "platform-web\u001b[2J",
                    kind: "changed",
                    paths: ["variables.LOG_LEVEL"],
                },
            ],
            unidentified: 0,
            checked: 12,
            unmanaged: { status: "checked", resources: [] },
            errors: [],
            fingerprint: "f1",
        });
        const before = (await smtp.messages()).length;
        const sent = await sendDriftAlerts(report("drift"), { email: settings });
        assert.equal(sent.email, "sent to 1 address");
        const [m] = (await smtp.messages()).slice(before);
        assert.deepEqual(m.envelope.to, ["platform@ainative.test"]);
        assert.equal(m.parsed.subject, "[ainative] production: drift");
        assert.match(m.parsed.text!, /changed railway:Variables platform-web: variables\.LOG_LEVEL\n/);
        const undecided = await sendDriftAlerts(report("error"), { email: settings });
        assert.equal(undecided.email, "skipped: the run could not decide");
        assert.equal((await smtp.messages()).length, before + 1);
    });

    it("a rollback that failed reaches the addresses that get failures, saying a person must look", async () => {
        const before = (await smtp.messages()).length;
        const n = await notifyRollback(
            { email: settings },
            {
                stack: "production",
                service: "web",
                from: "d-9",
                to: "d-8",
                reason: "3 consecutive failed health checks",
                newDeploymentId: "d-10",
                status: "FAILED",
            },
        );
        assert.equal(n.email, "sent to 2 addresses");
        const [m] = (await smtp.messages()).slice(before);
        assert.equal(m.parsed.subject, "[ainative] production/web: rollback FAILED");
        assert.match(m.parsed.text!, /rolled back to d-8, and the rollback's deployment is FAILED: a person must look/);
    });

    it("a server that does not offer STARTTLS gets nothing: the message is never sent in clear", async () => {
        // A plain SMTP greeter that never offers STARTTLS, and records whether DATA ever came.
        let sawData = false;
        const plain = net.createServer((c) => {
            c.write("220 plain.test ESMTP\r\n");
            c.on("data", (d) => {
                const line = d.toString();
                if (/^EHLO/i.test(line)) c.write("250-plain.test\r\n250 AUTH PLAIN LOGIN\r\n");
                else if (/^DATA/i.test(line)) {
                    sawData = true;
                    c.write("354 go on\r\n");
                } else if (/^QUIT/i.test(line)) c.end("221 bye\r\n");
                else c.write("250 ok\r\n");
            });
        });
        await new Promise<void>((r) => plain.listen(0, "127.0.0.1", r));
        try {
            const port = (plain.address() as net.AddressInfo).port;
            const out = await sendAlertEmail({ ...settings, smtpUrl: `smtp://u:secretpw@127.0.0.1:${port}` }, alert());
            assert.match(out, /^failed: /);
            assert.ok(!out.includes("secretpw"), out);
            assert.equal(sawData, false);
        } finally {
            plain.close();
        }
    });

    it("wrong credentials, an unknown CA, nothing listening, a plain http URL: each reported, never thrown, never the password", async () => {
        const wrong = await sendAlertEmail(
            { ...settings, smtpUrl: smtp.url.replace(smtp.password, "not-the-password") },
            alert(),
        );
        assert.match(wrong, /^failed: .*(auth|535|credentials)/i);
        assert.ok(!wrong.includes("not-the-password"));
        const untrusted = await sendAlertEmail({ ...settings, caFile: undefined }, alert());
        assert.match(untrusted, /^failed: .*(certificate|self.signed|unable to verify)/i);
        const closed = await sendAlertEmail({ ...settings, smtpUrl: "smtp://u:p@127.0.0.1:9" }, alert(), {
            timeoutMs: 2000,
        });
        assert.match(closed, /^failed: /);
        assert.equal(
            await sendAlertEmail({ ...settings, smtpUrl: "http://example.test" }, alert()),
            "failed: SMTP_URL must be smtps:// (TLS) or smtp:// (STARTTLS), not http:",
        );
        assert.equal(
            await sendAlertEmail(undefined, alert()),
            "skipped: SMTP_URL or the stack's alerts.email.recipients not set",
        );
    });

    it("TLS from the first byte (smtps://) works too", async () => {
        const implicit = await startSmtp({ implicitTls: true });
        try {
            const out = await sendAlertEmail({ ...settings, smtpUrl: implicit.url, caFile: implicit.caFile }, alert());
            assert.equal(out, "sent to 2 addresses");
            assert.equal((await implicit.messages()).length, 1);
        } finally {
            await implicit.close();
        }
    });
});
