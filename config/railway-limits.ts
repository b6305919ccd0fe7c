/**
 * Railway's own rules, in one place: the stack schema, the components, the Railway provider's
 * checks, the policies and the Railway emulator all read them from here, so they cannot disagree.
 * Sources: Railway's schema descriptions and API notes (providers/railway/schema/, docs/railway.md "Railway").
 */

/** Region ids accepted by `serviceInstanceUpdate.region` and `multiRegionConfig`. */
export const RAILWAY_REGIONS = [
    "us-west2",
    "us-east4-eqdc4a",
    "europe-west4-drams3a",
    "asia-southeast1-eqsg3a",
] as const;
export type RailwayRegion = (typeof RAILWAY_REGIONS)[number];

/** Replicas of one service in one environment, summed over its regions. */
export const RAILWAY_MAX_REPLICAS = 50;

/**
 * A deployment's overlap (old and new both serving after the new one is healthy) and draining
 * (the old one's grace between SIGTERM and SIGKILL), in seconds: the bounds Railway's settings take.
 */
export const RAILWAY_DEPLOY_SECONDS = { min: 0, max: 3600 } as const;

/** Longest service name Railway accepts. */
export const RAILWAY_SERVICE_NAME_MAX_LENGTH = 32;

/** Volumes per project, by plan (Railway refuses a volumeCreate beyond it). */
export const RAILWAY_VOLUMES_PER_PROJECT = { hobby: 10, pro: 20 } as const;

/**
 * Variables Railway sets in every deployment, which a reference may name (Railway's variables
 * reference, "Railway-provided variables").
 */
export const RAILWAY_PROVIDED_VARIABLES = [
    "PORT",
    "RAILWAY_PUBLIC_DOMAIN",
    "RAILWAY_PRIVATE_DOMAIN",
    "RAILWAY_TCP_PROXY_DOMAIN",
    "RAILWAY_TCP_PROXY_PORT",
    "RAILWAY_TCP_APPLICATION_PORT",
    "RAILWAY_PROJECT_NAME",
    "RAILWAY_PROJECT_ID",
    "RAILWAY_ENVIRONMENT",
    "RAILWAY_ENVIRONMENT_NAME",
    "RAILWAY_ENVIRONMENT_ID",
    "RAILWAY_SERVICE_NAME",
    "RAILWAY_SERVICE_ID",
    "RAILWAY_REPLICA_ID",
    "RAILWAY_REPLICA_REGION",
    "RAILWAY_DEPLOYMENT_ID",
    "RAILWAY_SNAPSHOT_ID",
    "RAILWAY_VOLUME_NAME",
    "RAILWAY_VOLUME_MOUNT_PATH",
    "RAILWAY_STATIC_URL",
    "RAILWAY_GIT_COMMIT_SHA",
    "RAILWAY_GIT_AUTHOR",
    "RAILWAY_GIT_BRANCH",
    "RAILWAY_GIT_REPO_NAME",
    "RAILWAY_GIT_REPO_OWNER",
    "RAILWAY_GIT_COMMIT_MESSAGE",
] as const;
