/**
 * The official API descriptions kept beside this repository (`../shared/`: PagerDuty's and
 * Sentry's OpenAPI documents, Railway's schema), which the fakes check requests against. They are
 * reference data, not the project's (see their SOURCE.md), so they are read in place, never
 * copied in. AINATIVE_SHARED_DIR names another place.
 */
import * as fs from "fs";
import * as path from "path";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

export function sharedDir(): string {
    const candidates = [
        process.env.AINATIVE_SHARED_DIR,
        path.resolve(REPO_ROOT, "..", "shared"),
        "/work/shared",
    ].filter((c): c is string => Boolean(c));
    const found = candidates.find((c) => fs.existsSync(path.join(c, "pagerduty")));
    if (!found)
        throw new Error(
            `the official API descriptions are not found (looked in ${candidates.join(", ")}): set AINATIVE_SHARED_DIR to the folder holding pagerduty/ and sentry/`,
        );
    return found;
}

export function referenceJson<T = any>(relative: string): T {
    return JSON.parse(fs.readFileSync(path.join(sharedDir(), relative), "utf8")) as T;
}
