/**
 * The `railway` provider's configuration (`railway:apiUrl`, `railway:token`, or an explicit
 * provider's inputs) reaches the CRUD as the environment it already reads (RAILWAY_API_URL,
 * RAILWAY_API_TOKEN): the plugin process serves one provider. The Node.js SDK's provider server
 * accepts Configure without looking at it, so its handler is wrapped to read the variables first;
 * its CheckConfig, unimplemented, is given one that keeps the token secret in the state.
 */
import * as grpc from "@grpc/grpc-js";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { JavaScriptValue, Struct } from "google-protobuf/google/protobuf/struct_pb";
// The SDK's generated protobuf module is CommonJS without type declarations for this class.
const { CheckResponse } = require("@pulumi/pulumi/proto/provider_pb");

type Variables = { get(key: string): string | undefined };
type Request = {
    getVariablesMap(): Variables;
    getProperties(): Struct | undefined;
    setProperties(s: Struct): void;
};
type Handler = (call: { request: Request }, callback: (...args: unknown[]) => void) => void;

/** Applies the provider's configuration to a process environment. */
export function applyConfig(variables: Variables, env: NodeJS.ProcessEnv): void {
    const get = (name: string) => variables.get(`railway:config:${name}`) ?? variables.get(`railway:${name}`);
    const apiUrl = get("apiUrl");
    const token = get("token");
    if (apiUrl) env.RAILWAY_API_URL = apiUrl;
    if (token) {
        env.RAILWAY_API_TOKEN = token;
        // An explicit token wins over a project token the environment may also hold.
        delete env.RAILWAY_TOKEN;
    }
}

/**
 * Makes every gRPC service added from now on apply the configuration before its own Configure,
 * and give Read an empty property set when the engine sends none (an import does): the SDK's
 * server reads it unconditionally.
 */
export function adaptProviderServer(): void {
    const addService = grpc.Server.prototype.addService;
    grpc.Server.prototype.addService = function (service, implementation) {
        const impl = implementation as Record<string, Handler>;
        if (typeof impl.configure === "function") {
            const configure = impl.configure.bind(impl);
            impl.configure = (call, callback) => {
                applyConfig(call.request.getVariablesMap(), process.env);
                configure(call, callback);
            };
        }
        if (typeof impl.checkConfig === "function") {
            // The SDK's server leaves CheckConfig unimplemented. Its answer is what the state keeps
            // as the provider's inputs, and the engine sends the token here unmarked even when it
            // is a secret: so the token goes back marked secret, and the state never holds it in
            // clear, however it was set.
            impl.checkConfig = (call, callback) => {
                const news = (call.request as unknown as { getNews(): Struct | undefined }).getNews();
                const inputs = (news?.toJavaScript() ?? {}) as Record<string, unknown>;
                if (typeof inputs.token === "string")
                    inputs.token = { [specialSigKey]: specialSecretSig, value: inputs.token };
                const response = new CheckResponse();
                response.setInputs(Struct.fromJavaScript(inputs as Record<string, JavaScriptValue>));
                callback(null, response);
            };
        }
        if (typeof impl.read === "function") {
            const read = impl.read.bind(impl);
            impl.read = (call, callback) => {
                if (!call.request.getProperties()) call.request.setProperties(new Struct());
                read(call, callback);
            };
        }
        return addService.call(this, service, implementation);
    };
}
