/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The metrics dashboard in a real browser (headless Chromium from Debian's packages, driven by
 * playwright-core): it loads with no console error and no network request, every chart has drawn
 * (its canvas is not blank), every number on the page is the JSON's, and a screenshot is kept
 * (`.artifacts/test/metrics-dashboard.png`).
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { chromium, type Browser } from "playwright-core";
import { metricsCommand } from "../../scripts/commands/metrics";
import type { MetricsResult } from "../../scripts/metrics/compute";
import { showValue } from "../../scripts/metrics/render";
import { FakeGitHub, startFakeGitHub } from "../../tools/fakes/github/server";
import { captureIO } from "../support/capture";
import { seedHistory, WINDOW } from "../support/metrics-history";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const ARTIFACTS = path.join(REPO_ROOT, ".artifacts", "test");

function chromiumPath(): string {
    const found = spawnSync("sh", ["-c", "command -v chromium || command -v chromium-browser"], {
        encoding: "utf8",
    }).stdout.trim();
    if (!found)
        throw new Error(
            "Chromium is not installed: bash scripts/provision-services.sh installs it (apt-get install chromium)",
        );
    return found;
}

describe("the metrics dashboard in headless Chromium", function () {
    this.timeout(120_000);
    let gh: FakeGitHub;
    let browser: Browser;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dashboard-"));
    const page = path.join(dir, "metrics.html");
    let result: MetricsResult;

    before(async () => {
        gh = await startFakeGitHub();
        gh.addToken("ghs_dashboard000000000000000000000000", "", "installation");
        seedHistory(gh, path.join(dir, "gate"));
        const common = [
            "--repo",
            "ainative/platform",
            "--since",
            WINDOW.since,
            "--until",
            WINDOW.until,
            "--gate-records",
            path.join(dir, "gate"),
            "--cache",
            path.join(dir, "etags.json"),
        ];
        const env = { GITHUB_TOKEN: "ghs_dashboard000000000000000000000000", GITHUB_API_URL: gh.url };
        const deps = { now: () => WINDOW.now, githubRetryUnitMs: 1 };
        const json = captureIO();
        assert.equal(await metricsCommand([...common, "--format", "json"], json, dir, env, deps), 0, json.all());
        result = JSON.parse(json.stdout.join("\n"));
        const html = captureIO();
        assert.equal(
            await metricsCommand([...common, "--format", "html", "--out", page], html, dir, env, deps),
            0,
            html.all(),
        );
        browser = await chromium.launch({ executablePath: chromiumPath(), args: ["--no-sandbox"] });
    });
    after(async () => {
        await browser?.close();
        await gh?.close();
    });

    it("loads with no console error and no network request, draws every chart, and shows the JSON's numbers", async () => {
        const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const problems: string[] = [];
        const requests: string[] = [];
        tab.on("console", (m) => m.type() === "error" && problems.push(m.text()));
        tab.on("pageerror", (e) => problems.push(e.message));
        await tab.route("**/*", (route) => {
            if (!route.request().url().startsWith("file:")) requests.push(route.request().url());
            return route.request().url().startsWith("file:") ? route.continue() : route.abort();
        });
        await tab.goto(`file://${page}`);
        await tab.waitForFunction(
            () =>
                [...document.querySelectorAll("[data-chart]")].every((el) => el.getAttribute("data-drawn") === "true"),
            undefined,
            { timeout: 10_000 },
        );
        assert.deepEqual(problems, [], "console errors");
        assert.deepEqual(requests, [], "the page reached the network");

        const charts = await tab.evaluate(() =>
            [...document.querySelectorAll("[data-chart]")].map((el) => {
                const canvas = el.querySelector("canvas");
                if (!canvas) return { chart: el.getAttribute("data-chart"), painted: 0 };
                const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
                let painted = 0;
                for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
                return { chart: el.getAttribute("data-chart"), painted };
            }),
        );
        assert.equal(charts.length, 8);
        for (const c of charts) assert.ok(c.painted > 200, `chart ${c.chart} is blank (${c.painted} painted pixels)`);

        const shown = await tab.evaluate(() =>
            [...document.querySelectorAll("[data-figure]")].map((el) => ({
                figure: el.getAttribute("data-figure")!,
                value: el.getAttribute("data-value")!,
                text: el.textContent!,
            })),
        );
        const expected = [
            ...result.stacks.flatMap((s) => s.figures.map((f) => ({ scope: s.stack, f }))),
            ...result.overall.map((f) => ({ scope: "all", f })),
        ];
        assert.equal(shown.length, expected.length);
        for (const { scope, f } of expected) {
            const onPage = shown.find((x) => x.figure === `${scope}.${f.key}`);
            assert.ok(onPage, `${scope}.${f.key} is not on the page`);
            assert.equal(onPage.value, f.value === null ? "" : String(f.value), `${scope}.${f.key}`);
            assert.equal(onPage.text, showValue(f));
        }

        fs.mkdirSync(ARTIFACTS, { recursive: true });
        await tab.screenshot({ path: path.join(ARTIFACTS, "metrics-dashboard.png"), fullPage: true });
        assert.ok(fs.statSync(path.join(ARTIFACTS, "metrics-dashboard.png")).size > 10_000);
    });
});
