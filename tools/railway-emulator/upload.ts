/**
 * `railway up`'s upload, as Railway serves it: not GraphQL but
 * `POST /project/<projectId>/environment/<environmentId>/up?serviceId=<id>[&message=<text>]` on the
 * API's host, the body a gzipped tarball of the folder (the CLI's `create_deploy_tarball`),
 * authenticated like every call. The answer is the deployment it starts:
 * `{deploymentId, url, logsUrl, deploymentDomain}`; a refusal is `400 {message}`, a body past the
 * limit 413 (both as the CLI's `upload_deploy_tarball` reads them). The tarball is read whole: one
 * that does not unpack is refused, never deployed.
 */
import { gunzipSync } from "zlib";
import { Parser } from "tar";
import { LocalReply } from "../http/local-server";
import { Access } from "./auth";
import { EmulatorStore } from "./store";

export const UPLOAD_PATH = /^\/project\/([^/]+)\/environment\/([^/]+)\/up$/;

/** The files of a gzipped tarball, or why it is not one. */
export function tarballFiles(body: Buffer): { files: string[] } | { error: string } {
    let tarball: Buffer;
    try {
        tarball = gunzipSync(body);
    } catch {
        return { error: "the upload is not gzip" };
    }
    const files: string[] = [];
    let failed: string | undefined;
    const parser = new Parser({
        strict: true,
        onwarn: (_code, message) => (failed ??= String(message)),
        onReadEntry: (entry) => {
            if (entry.type === "File" || entry.type === "OldFile") files.push(entry.path.replace(/^\.\//, ""));
            entry.resume();
        },
    });
    parser.on("error", (e: Error) => (failed ??= e.message));
    parser.end(tarball);
    if (failed) return { error: `the upload is not a tarball (${failed.slice(0, 200)})` };
    if (!files.length) return { error: "the upload holds no file" };
    return { files };
}

export function handleUpload(
    store: EmulatorStore,
    access: Access,
    route: { projectId: string; environmentId: string },
    query: URLSearchParams,
    body: Buffer,
): LocalReply {
    const refuse = (message: string, status = 400): LocalReply => ({ status, body: { message } });
    const serviceId = query.get("serviceId") ?? "";
    if (!serviceId)
        return refuse(
            "the Railway emulator does not model `railway up` without a service (Railway makes one): link a service or pass --service",
        );
    try {
        access.environment(route.projectId, route.environmentId);
        const env = store.environment(route.environmentId);
        if (env.projectId !== route.projectId) return refuse("Environment not found", 404);
        const service = store.service(serviceId);
        if (service.projectId !== route.projectId) return refuse("Service not found", 404);
        store.instance(serviceId, route.environmentId);
    } catch (e) {
        const message = (e as Error).message;
        return refuse(message, /not authorized/i.test(message) ? 403 : /not found/i.test(message) ? 404 : 400);
    }
    const read = tarballFiles(body);
    if ("error" in read) return refuse(`Failed to read the uploaded code: ${read.error}`);
    const d = store.deploy(serviceId, route.environmentId, "up", undefined, {
        upload: { files: read.files, bytes: body.length, message: query.get("message") ?? undefined },
    });
    const domain = [...store.domains.values()].find(
        (x) => x.serviceId === serviceId && x.environmentId === route.environmentId,
    );
    const dashboard = `https://railway.com/project/${route.projectId}/service/${serviceId}`;
    return {
        status: 200,
        body: {
            deploymentId: d.id,
            url: `${dashboard}?environmentId=${route.environmentId}`,
            logsUrl: `${dashboard}?environmentId=${route.environmentId}&id=${d.id}`,
            deploymentDomain: domain?.domain ?? "",
        },
    };
}
