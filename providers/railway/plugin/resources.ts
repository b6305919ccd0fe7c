/**
 * The resources the `railway` provider plugin serves, as `railway:index:<Name>`: each one's CRUD
 * (the same providers the dynamic resources used, moved behind the plugin unchanged) joined with
 * its properties (../properties.ts), so that the schema and the dispatch cannot disagree about
 * which types exist.
 */
import type * as pulumi from "@pulumi/pulumi";
import { serviceDeploymentProvider } from "../deployment";
import { customDomainProvider, serviceDomainProvider } from "../domains";
import { environmentProvider } from "../environment";
import { projectProvider } from "../project";
import { projectLookupProvider } from "../project-lookup";
import { serviceProvider } from "../service";
import { serviceInstanceProvider } from "../service-instance";
import { variablesProvider } from "../variables";
import { volumeProvider } from "../volume";
import { RESOURCE_PROPERTIES, ResourceName, ResourceProperties } from "../properties";

export type { PropertySpec, PropertyType, ResourceProperties } from "../properties";

export interface ResourceSpec extends ResourceProperties {
    provider: pulumi.dynamic.ResourceProvider;
}

/** Each resource's CRUD. */
const PROVIDERS: Record<ResourceName, pulumi.dynamic.ResourceProvider> = {
    Project: projectProvider,
    ProjectLookup: projectLookupProvider,
    Environment: environmentProvider,
    Service: serviceProvider,
    ServiceInstance: serviceInstanceProvider,
    Variables: variablesProvider,
    Volume: volumeProvider,
    ServiceDomain: serviceDomainProvider,
    CustomDomain: customDomainProvider,
    ServiceDeployment: serviceDeploymentProvider,
};

/** The resources, with their properties (../properties.ts) and their CRUD. */
export const RESOURCES: Record<string, ResourceSpec> = Object.fromEntries(
    (Object.keys(RESOURCE_PROPERTIES) as ResourceName[]).map((name) => [
        name,
        { ...RESOURCE_PROPERTIES[name], provider: PROVIDERS[name] },
    ]),
);

/** `railway:index:Service` → `Service`, or undefined for a type this package does not have. */
export function resourceName(type: string): string | undefined {
    const m = /^railway:index:([A-Za-z]+)$/.exec(type);
    return m && Object.prototype.hasOwnProperty.call(RESOURCES, m[1]) ? m[1] : undefined;
}
