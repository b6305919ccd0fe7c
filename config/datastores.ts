/**
 * What counts as a datastore, in one place: the policy pack protects them, the PR comment and
 * the drift report flag their replacement or deletion as the dangerous part of a change.
 */

/** Images of datastores (matched on the image's name, without registry path or tag). */
const DATASTORE_IMAGE =
    /^(postgres|postgresql|postgres-ssl|postgis|redis|valkey|keydb|mysql|mariadb|mongo|mongodb|clickhouse|elasticsearch|opensearch|minio)([-_.].*)?$/;

/** Whether a container image (`ghcr.io/org/postgres:16-alpine`, `redis@sha256:…`) is a datastore's. */
export function isDatastoreImage(image: string | undefined): boolean {
    if (!image) return false;
    const name = image.split("/").pop()!.split(/[:@]/)[0];
    return DATASTORE_IMAGE.test(name);
}
