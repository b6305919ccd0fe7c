/**
 * The engine's log, as a plugin reaches it: a line logged here is shown by `pulumi up` and
 * `preview` (a plugin's stderr is not; the engine keeps it for its debug log).
 */
import * as grpc from "@grpc/grpc-js";
import type { ProgressSink } from "../progress";

// Pulumi's generated gRPC code, loaded the way its SDK loads it.
const engrpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
const engproto = require("@pulumi/pulumi/proto/engine_pb");

/** The engine's address among a plugin's arguments (after `--logtostderr`, `-v=<n>`, `--tracing <url>`). */
export function engineAddress(args: string[]): string | undefined {
    for (let i = 0; i < args.length; i++) {
        if (args[i] === "--tracing") i++;
        else if (args[i] !== "--logtostderr" && !args[i].startsWith("-v=")) return args[i];
    }
    return undefined;
}

/** A sink logging each line as an info message to the engine the plugin was started by, if any. */
export function engineLogSink(args: string[]): ProgressSink | undefined {
    const address = engineAddress(args);
    if (!address) return undefined;
    const client = new engrpc.EngineClient(address, grpc.credentials.createInsecure());
    return (line) => {
        const request = new engproto.LogRequest();
        request.setSeverity(engproto.LogSeverity.INFO);
        request.setMessage(line);
        // Progress only: a line the engine did not take is not worth failing a resource for.
        client.log(request, () => undefined);
    };
}
