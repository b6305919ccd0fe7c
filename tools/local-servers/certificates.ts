/**
 * A throwaway CA and a server certificate it signs, made with openssl in a folder of the caller's:
 * for the test servers that speak TLS on 127.0.0.1 (the SMTP server, Railway's host for its CLI), so
 * that clients verify the certificate as they would in production instead of turning checks off.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

function openssl(args: string[], cwd: string): void {
    const r = spawnSync("openssl", args, { cwd, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
}

/**
 * Writes `ca.pem` and the server's `host.key` and `host.pem` into `dir`, the server's certificate
 * for `subjectAltNames` (`DNS:…` or `IP:…`). Returns the CA's file and the key and certificate as PEM.
 */
export function makeCertificates(
    dir: string,
    commonName: string,
    subjectAltNames: string[],
): { ca: string; key: string; cert: string } {
    openssl(
        [
            ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=ainative test CA"],
            ...["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
            ...["-keyout", "ca.key", "-out", "ca.pem"],
        ],
        dir,
    );
    openssl(
        [
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            `/CN=${commonName}`,
            "-keyout",
            "host.key",
            "-out",
            "host.csr",
        ],
        dir,
    );
    fs.writeFileSync(
        path.join(dir, "host.ext"),
        [
            "basicConstraints=CA:FALSE",
            "keyUsage=digitalSignature,keyEncipherment",
            "extendedKeyUsage=serverAuth",
            `subjectAltName=${subjectAltNames.join(",")}`,
        ].join("\n"),
    );
    openssl(
        [
            ...["x509", "-req", "-in", "host.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial"],
            ...["-days", "2", "-extfile", "host.ext", "-out", "host.pem"],
        ],
        dir,
    );
    const read = (f: string) => fs.readFileSync(path.join(dir, f), "utf8");
    return { ca: path.join(dir, "ca.pem"), key: read("host.key"), cert: read("host.pem") };
}
