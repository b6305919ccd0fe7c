/**
 * Railway's own rules, in one place: the stack schema, the components, the Railway provider's
 * checks, the policies and the Railway emulator all read them from here, so they cannot disagree.
 * Sources: Railway's schema descriptions and API notes (providers/railway/schema/, README "Railway").
 */

/** Region ids accepted by `serviceInstanceUpdate.region` and `multiRegionConfig`. */
export const RAILWAY_REGIONS = ["us-west2", "us-east4-eqdc4a", "europe-west4-drams3a", "asia-southeast1-eqsg3a"] as const;
export type RailwayRegion = (typeof RAILWAY_REGIONS)[number];

/** Replicas of one service in one environment, summed over its regions. */
export const RAILWAY_MAX_REPLICAS = 50;

/** Longest service name Railway accepts. */
export const RAILWAY_SERVICE_NAME_MAX_LENGTH = 32;

/** Volumes per project, by plan (Railway refuses a volumeCreate beyond it). */
export const RAILWAY_VOLUMES_PER_PROJECT = { hobby: 10, pro: 20 } as const;
