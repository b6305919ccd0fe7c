/**
 * Loaded before every test (see .mocharc.json): no test may reach Railway, GitHub, PagerDuty or
 * Slack by accident. Every endpoint a tool would default to is pointed at a closed loopback port
 * (fetch refuses port 9 outright), and tokens a developer's shell may hold are dropped. Tests that
 * need a service start its fake on 127.0.0.1 and pass its URL themselves.
 */
const loopback = (name: string, fallback: string) => {
    process.env[name] = process.env[name]?.startsWith("http://127.0.0.1") ? process.env[name] : fallback;
};
loopback("RAILWAY_API_URL", "http://127.0.0.1:9/graphql/v2");
loopback("GITHUB_API_URL", "http://127.0.0.1:9");
loopback("PAGERDUTY_EVENTS_URL", "http://127.0.0.1:9/v2/enqueue");
for (const name of [
    "GITHUB_TOKEN",
    "SLACK_WEBHOOK_URL",
    "PAGERDUTY_ROUTING_KEY",
    "GITHUB_STEP_SUMMARY",
    "RAILWAY_TOKEN",
    "RAILWAY_API_TOKEN",
])
    delete process.env[name];
