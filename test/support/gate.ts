/** The health gate as the end-to-end tests run it: on, probing the sample app, with windows short enough for a test. */
export function fastGate(web: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        enabled: true,
        baseUrls: { web },
        intervalSeconds: 0.1,
        monitoringWindowMinutes: 0.02,
        minSamplesForRates: 5,
        sustainedBuckets: 2,
        rollbackTimeoutSeconds: 60,
        ...extra,
    };
}
