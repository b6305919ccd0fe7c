/**
 * Loaded before every test (see .mocharc.json): no test may reach Railway by accident. Tests that
 * need Railway start the emulator on 127.0.0.1 and point RAILWAY_API_URL at it themselves.
 */
process.env.RAILWAY_API_URL = process.env.RAILWAY_API_URL?.startsWith("http://127.0.0.1") ? process.env.RAILWAY_API_URL : "http://127.0.0.1:9/graphql/v2";
