/**
 * The `railway` provider plugin's entry: `pulumi-resource-railway` (next to it) runs this file, which
 * serves Pulumi's provider protocol on 127.0.0.1 and prints its port for the engine.
 */
import { main } from "@pulumi/pulumi/provider";
import { setProgressSink } from "../progress";
import { adaptProviderServer } from "./config";
import { engineLogSink } from "./engine-log";
import { railwayProvider } from "./provider";

const args = process.argv.slice(2);
const toEngine = engineLogSink(args);
if (toEngine) setProgressSink(toEngine);
adaptProviderServer();
void main(railwayProvider(), args);
