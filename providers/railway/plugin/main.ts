/**
 * The `railway` provider plugin's entry: `pulumi-resource-railway` (next to it) runs this file, which
 * serves Pulumi's provider protocol on 127.0.0.1 and prints its port for the engine.
 */
import { main } from "@pulumi/pulumi/provider";
import { adaptProviderServer } from "./config";
import { railwayProvider } from "./provider";

adaptProviderServer();
void main(railwayProvider(), process.argv.slice(2));
