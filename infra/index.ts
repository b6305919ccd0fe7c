/**
 * The Pulumi program. It loads and validates the stack's configuration first: with any problem it
 * throws, listing every problem, before a single resource is registered.
 *
 * The per-stack composition of Railway, GitHub, Sentry and PagerDuty components lives in stacks/
 * (see DESIGN.md §2); until it lands, the program validates the configuration and exports a
 * summary of what the stack declares.
 */
import { loadStackConfig } from "../config/load";

const config = loadStackConfig();

export const environment = config.environment;
export const railwayProject = config.railway.project;
export const services = config.railway.services.map((s) => s.name);
export const integrations = config.integrations;
