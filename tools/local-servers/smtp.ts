/**
 * A real SMTP server for tests: aiosmtpd (Debian's python3-aiosmtpd, scripts/provision-services.sh)
 * on a free port of 127.0.0.1, with a certificate of its own CA made here, AUTH required over TLS
 * only, and STARTTLS required (or TLS from the first byte: `implicitTls`). What it accepts is read
 * back as parsed messages (mailparser), so a test asserts what a mail client would show.
 */
import { ChildProcess, spawn } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ParsedMail, simpleParser } from "mailparser";
import { makeCertificates } from "./certificates";
import { serverProcess } from "./server-process";
import { freePort } from "./ports";

/** Debian's Python, which has python3-aiosmtpd (a pyenv or venv python3 on PATH may not). */
const PYTHON = process.env.AINATIVE_SMTP_PYTHON ?? "/usr/bin/python3";

export interface ReceivedMail {
    envelope: { from: string; to: string[]; tls: boolean };
    /** The message as it arrived, bytes and all. */
    raw: string;
    parsed: ParsedMail;
}

export interface TestSmtp {
    /** `smtp://user:password@127.0.0.1:port` (STARTTLS) or `smtps://…` (implicit TLS). */
    url: string;
    /** The PEM file of the CA that signed the server's certificate (AINATIVE_SMTP_CA). */
    caFile: string;
    user: string;
    password: string;
    messages(): Promise<ReceivedMail[]>;
    close(): Promise<void>;
}

export async function startSmtp(opts: { implicitTls?: boolean } = {}): Promise<TestSmtp> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ainative-smtp-"));
    const out = path.join(dir, "mail");
    fs.mkdirSync(out);
    makeCertificates(dir, "127.0.0.1", ["IP:127.0.0.1"]);
    const port = await freePort();
    const user = "alerts@ainative.test";
    const password = randomBytes(12).toString("hex");
    const child: ChildProcess = spawn(
        PYTHON,
        [
            path.join(__dirname, "smtp_server.py"),
            ...["--port", String(port), "--cert", path.join(dir, "host.pem"), "--key", path.join(dir, "host.key")],
            ...["--out", out, "--user", user, "--password-env", "SMTP_TEST_PASSWORD"],
            ...(opts.implicitTls ? ["--implicit-tls"] : []),
        ],
        { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, SMTP_TEST_PASSWORD: password } },
    );
    let output = "";
    const { close } = serverProcess(child, dir);
    try {
        // Output is collected from the start: "ready" may come in the same chunk as anything before it.
        await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(
                () => reject(new Error(`the SMTP server did not start in 30 s:\n${output}`)),
                30_000,
            );
            const seen = (c: Buffer) => {
                output += c.toString("utf8");
                if (/^ready \d+$/m.test(output)) {
                    clearTimeout(timer);
                    resolve();
                }
            };
            child.stdout!.on("data", seen);
            child.stderr!.on("data", seen);
            child.once("exit", (code) => {
                clearTimeout(timer);
                reject(
                    new Error(
                        `the SMTP server exited (${code}) before it listened; is python3-aiosmtpd installed for ${PYTHON}?\n${output}`,
                    ),
                );
            });
        });
    } catch (e) {
        await close();
        throw e;
    }
    const scheme = opts.implicitTls ? "smtps" : "smtp";
    return {
        url: `${scheme}://${encodeURIComponent(user)}:${password}@127.0.0.1:${port}`,
        caFile: path.join(dir, "ca.pem"),
        user,
        password,
        async messages() {
            const names = fs
                .readdirSync(out)
                .filter((f) => /^\d+\.eml$/.test(f))
                .sort((a, b) => parseInt(a) - parseInt(b));
            return Promise.all(
                names.map(async (f) => {
                    const raw = fs.readFileSync(path.join(out, f), "utf8");
                    const envelope = JSON.parse(fs.readFileSync(path.join(out, f.replace(/\.eml$/, ".json")), "utf8"));
                    return { envelope, raw, parsed: await simpleParser(raw) };
                }),
            );
        },
        close,
    };
}
