/**
 * The agent's page in a real browser: starts the agent on the demo configuration (two weeks of
 * days), runs the demo experiment in its store, opens /ui in headless Chromium (Debian's
 * /usr/bin/chromium driven by playwright-core, which never downloads a browser), checks the
 * overview against GET /v1/status, that the calendar strip and the experiment charts render
 * with their elements, and saves screenshots outside the repository (paths printed).
 * Skipped, saying so, when /usr/bin/chromium is absent (.ci/run installs it).
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../framework/agent/daemon.js';
import { runExperiment } from '../../framework/experiments/pipeline.js';
import type { StoreConnection } from '../../framework/store/types.js';
import { addDays, latestCompleteDay, zoneOrThrow } from '../../framework/util/time.js';
import { copyDemoIntoDuckDBStore } from '../support/experiment-store.js';
import { createRemote, exampleConfigFiles, type TempRemote } from '../support/git-remote.js';
import { noonAfter } from '../support/agent-clock.js';
import { until as waitUntil } from '../support/until.js';

const CHROMIUM = '/usr/bin/chromium';
const KEY = 'page-test-api-key-8c41';
const READ_TOKEN = 'page-read-token-2f9e';
const latest = latestCompleteDay(new Date(), zoneOrThrow('PST'));
/** The agent's clock: `latest` stays its latest complete day even if the run crosses PST midnight. */
const clock = noonAfter(latest);
const start = addDays(latest, -13);
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(
    `agent page browser test skipped: ${CHROMIUM} is missing (apt-get install -y chromium; .ci/run installs it)`,
  );

let remote: TempRemote;
let agent: Agent;
let base: string;
let browser: Browser;
const shots = hasChromium ? mkdtempSync(join(tmpdir(), 'wharf-page-shots-')) : '';

function until<T>(what: string, probe: () => Promise<T | undefined | false>, limitMs = 45_000): Promise<T> {
  return waitUntil(what, probe, { limitMs });
}

/** The bits of the browser's window the checks use (the tests compile without the DOM library). */
interface BrowserWindow {
  document: { body: unknown };
  getComputedStyle(element: unknown): { backgroundColor: string; fill: string };
}

interface StatusBody {
  ingestions: { ingestion: string; days: { date: string; status: string; rowsLoaded: number }[] }[];
}
const status = async () =>
  (await (await fetch(`${base}/v1/status`, { headers: { authorization: `Bearer ${KEY}` } })).json()) as StatusBody;

function config(): Record<string, string> {
  const files = exampleConfigFiles();
  for (const path of Object.keys(files))
    if (path.startsWith('mappings/') && path.endsWith('.ts'))
      files[path] = files[path].replace(/startDate: '[^']+'/, `startDate: '${start}'`);
  const root = resolve(import.meta.dirname, '../..');
  // The demo's exposures happen in its first two weeks: the experiment looks at those three weeks.
  files['experiments/checkout_button.ts'] = readFileSync(join(root, 'experiments/checkout_button.ts'), 'utf8').replace(
    "startDate: '2026-10-01',",
    "startDate: '2026-10-01',\n  endDate: '2026-10-21',",
  );
  return files;
}

describe.skipIf(!hasChromium)('the agent page in headless Chromium', () => {
  beforeAll(async () => {
    remote = createRemote(config());
    agent = new Agent({
      repo: remote.remote,
      branch: remote.branch,
      workdir: join(remote.root, 'agent'),
      port: 0,
      clock,
      fetchIntervalMs: 3_600_000,
      statusFlushMs: 3_600_000,
      noStatusPush: true,
      env: { WHARF_API_KEYS: KEY, WHARF_UI_TOKEN: READ_TOKEN },
    });
    base = `http://127.0.0.1:${(await agent.start()).port}`;
    await until('the demo days', async () => {
      const s = await status();
      return s.ingestions.length === 3 && s.ingestions.every((i) => i.days.length === 14) && s;
    });
    const store: StoreConnection = agent.running()!.store;
    // The experiment's October days come from the demo warehouse copied into the store as the
    // demo mappings map them (loading them through the agent would take minutes).
    await copyDemoIntoDuckDBStore(store);
    const project = agent.running()!.project;
    const found = project.experiments.get('checkout_button')!;
    await runExperiment(store, { config: found.config, exposureSqlText: found.exposureSqlText }, { type: 'full' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await agent?.stop();
    remote?.cleanup();
  });

  it('refuses a reader without a key, and signs in with the read token (cookie, clean URL)', async () => {
    expect((await fetch(`${base}/ui`)).status).toBe(401);
    expect((await fetch(`${base}/ui?token=wrong`)).status).toBe(401);
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${base}/ui?token=${READ_TOKEN}`);
    expect(page.url()).toBe(`${base}/ui`);
    const cookies = await page.context().cookies();
    expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite])).toEqual([['wharf_ui', true, 'Strict']]);
    expect(cookies[0].value).not.toContain(READ_TOKEN);
    expect(requests.every((u) => u.startsWith(base))).toBe(true);
    await page.close();
  });

  it('shows every ingestion with its latest day, status, rows and next load, as /v1/status has them', async () => {
    const s = await status();
    const page = await browser.newPage({
      viewport: { width: 1400, height: 900 },
      extraHTTPHeaders: { authorization: `Bearer ${KEY}` },
    });
    await page.goto(`${base}/ui`);
    const rows = await page.$$eval('#ingestions tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())),
    );
    expect(rows.map((r) => r[0])).toEqual(s.ingestions.map((i) => i.ingestion).sort());
    for (const row of rows) {
      const days = s.ingestions.find((i) => i.ingestion === row[0])!.days;
      expect(row[3]).toBe(latest);
      expect(row[4]).toBe(
        days[0].status === 'succeeded' ? '✓ succeeded' : days[0].status === 'no_data' ? '– no data' : '✗ failed',
      );
      expect(row[6]).toBe(days.reduce((n, d) => n + d.rowsLoaded, 0).toLocaleString('en-US'));
      expect(row[9]).toMatch(/^\d{4}-\d{2}-\d{2}T.*(daily window|signal poll|queued)|^on request \(API\)$/);
    }
    expect(await page.textContent('main')).toContain('checkout_button');
    await page.screenshot({ path: join(shots, 'overview.png'), fullPage: true });
    console.log(`screenshot: ${join(shots, 'overview.png')}`);
    await page.close();
  });

  it("renders a mapping's calendar strip: 90 cells, the loaded days with their rows as titles", async () => {
    const days = (await status()).ingestions.find((i) => i.ingestion === 'daily_metrics')!.days;
    const page = await browser.newPage({
      viewport: { width: 1400, height: 900 },
      extraHTTPHeaders: { authorization: `Bearer ${KEY}` },
    });
    await page.goto(`${base}/ui/ingestions/daily_metrics`);
    const svg = page.locator('#calendar svg');
    const box = await svg.boundingBox();
    expect(box!.width).toBeGreaterThan(600);
    expect(box!.height).toBeGreaterThan(40);
    const titles = await page.$$eval('#calendar svg path > title', (ts) => ts.map((t) => t.textContent));
    expect(titles).toHaveLength(90);
    expect(titles.filter((t) => !t!.endsWith('not loaded'))).toHaveLength(14);
    for (const d of days)
      expect(titles).toContain(
        `${d.date}: ${d.status === 'no_data' ? 'no data' : d.status}, ${d.rowsLoaded.toLocaleString('en-US')} rows loaded, 0 rejected`,
      );
    // The cells are painted: the loaded ones have a fill and a real size on screen.
    const painted = await page.$$eval(
      '#calendar svg path[role="graphics-symbol"]',
      (ps) => ps.filter((p) => p.getAttribute('fill') && p.getBoundingClientRect().width > 4).length,
    );
    expect(painted).toBe(14);
    expect(await page.$$eval('#days tbody tr', (trs) => trs.length)).toBe(14);
    await page.screenshot({ path: join(shots, 'ingestion.png'), fullPage: true });
    console.log(`screenshot: ${join(shots, 'ingestion.png')}`);
    await page.close();
  });

  it("renders an experiment's lift, cumulative lift and exposure charts", async () => {
    const page = await browser.newPage({
      viewport: { width: 1400, height: 900 },
      extraHTTPHeaders: { authorization: `Bearer ${KEY}` },
    });
    const response = await page.goto(`${base}/ui/experiments/checkout_button`);
    expect(response?.status(), (await page.textContent('main')) ?? '').toBe(200);
    for (const id of ['lift', 'cumulative-lift', 'exposures']) {
      const box = await page.locator(`#${id} svg`).boundingBox({ timeout: 2000 });
      expect(box && box.width > 200 && box.height > 80, id).toBe(true);
    }
    // One marker per metric (one treatment group), each titled with its lift and verdict.
    const markers = await page.$$eval('#lift svg path > title', (ts) => ts.map((t) => t.textContent ?? ''));
    expect(markers).toHaveLength(4);
    for (const m of markers)
      expect(m).toMatch(
        /^[+-]?\d+\.\d\d% \[[+-]?\d+\.\d\d%, [+-]?\d+\.\d\d%\] (▲ significant|▼ significant|not significant)$/,
      );
    const results = await page.$$eval('#results tbody tr', (trs) =>
      trs.map((tr) => (tr.textContent ?? '').replace(/\s+/g, ' ')),
    );
    expect(results.filter((r) => r.includes('test'))).toHaveLength(4);
    expect(await page.$$eval('#cumulative-lift svg path[role="graphics-symbol"]', (ps) => ps.length)).toBeGreaterThan(
      4,
    );
    const [{ n }] = await agent
      .running()!
      .store.query<{ n: number }>('SELECT count(*)::INTEGER AS n FROM checkout_button_exposures_summary');
    expect(n).toBeGreaterThan(10);
    expect(await page.$$eval('#exposures svg path > title', (ts) => ts.length)).toBe(n);
    await page.screenshot({ path: join(shots, 'experiment.png'), fullPage: true });
    console.log(`screenshot: ${join(shots, 'experiment.png')}`);
    await page.close();
  });

  it('switches the page and the chart text to light-on-dark in a dark colour scheme', async () => {
    const page = await browser.newPage({
      viewport: { width: 1400, height: 900 },
      colorScheme: 'dark',
      extraHTTPHeaders: { authorization: `Bearer ${KEY}` },
    });
    await page.goto(`${base}/ui/experiments/checkout_button`);
    expect(
      await page.evaluate(
        () =>
          (globalThis as unknown as BrowserWindow).getComputedStyle(
            (globalThis as unknown as BrowserWindow).document.body,
          ).backgroundColor,
      ),
    ).toBe('rgb(13, 17, 23)');
    const fills = await page.$$eval('#lift svg text', (ts) => [
      ...new Set(ts.map((t) => (globalThis as unknown as BrowserWindow).getComputedStyle(t).fill)),
    ]);
    expect(fills).toEqual(['rgb(230, 237, 243)']);
    await page.screenshot({ path: join(shots, 'experiment-dark.png'), fullPage: true });
    console.log(`screenshot: ${join(shots, 'experiment-dark.png')}`);
    await page.close();
  });

  it('commits the experiment report with its charts in the status folder', async () => {
    const files = await agent.renderReport();
    expect(files.get('experiments/checkout_button.md')).toContain('](checkout_button.lift.svg)');
    for (const chart of ['lift', 'cumulative-lift', 'exposures'])
      expect(files.get(`experiments/checkout_button.${chart}.svg`)).toMatch(/^<svg [^>]*role="img"/);
    expect(files.get('daily_metrics.md')).toContain('](charts/daily_metrics.svg)');
  });
});
