/// <reference lib="dom" />
// The twin's live dashboard in a real headless browser (Debian Chromium via playwright-core): opened from the
// link `npm start` prints (its token in the fragment), under light load the charts render and the per-client
// numbers equal what GET /v1/usage reports; without the token it shows no data.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startTwin, type Twin } from '../../local/twin';
import { createClient } from '../../capabilities/customers/client-store';
import { twinClientConfig } from '../../local/state-file';
import { DASHBOARD } from '../../contracts/dashboard';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = path.resolve(__dirname, '..', '..', 'docs', 'images', 'twin-dashboard.png');

let twin: Twin;
let dynamoClient: DynamoDBClient;
let browser: BrowserContext;
let profile: string;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium; .ci/run does this) to run the dashboard test`,
    );
  }
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-dashboard-chromium-'));
  twin = await startTwin({ port: 0, quiet: true, dailySchedule: false });
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
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
    viewport: { width: 1400, height: 1000 },
  });
  dynamoClient = new DynamoDBClient(twinClientConfig(twin.state, 'dynamodb'));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  dynamoClient?.destroy();
  await twin?.stop();
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
});

test('the dashboard shows live charts and per-client counts equal to GET /v1/usage', async () => {
  // Light load: two clients, a few requests each, one throttled burst on the strict route.
  const store = { db: DynamoDBDocumentClient.from(dynamoClient), tableName: twin.state.tableName };
  const [a, b] = await Promise.all([
    createClient(store, { plan: 'standard', name: 'acme' }),
    createClient(store, { plan: 'premium', name: 'globex' }),
  ]);
  const hit = (key: string, method = 'GET', urlPath = '/v1/hello', body?: unknown) =>
    fetch(`${twin.baseUrl}${urlPath}`, {
      method,
      headers: { 'x-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    }).then((r) => r.status);
  const statuses: number[] = [];
  for (let i = 0; i < 9; i++) statuses.push(await hit(a.apiKey));
  for (let i = 0; i < 8; i++)
    statuses.push(await hit(b.apiKey, 'POST', '/v1/quotes', { items: [{ sku: 'ABC-1', quantity: 1 }], currency: 'EUR' }));
  expect(statuses.filter((s) => s === 429).length).toBe(3); // strict burst 5: 3 of 8 throttled, never counted
  await twin.drainUsage(30_000);
  await twin.runDailyJob();

  const page = await browser.newPage();
  // The link `npm start` prints: the dashboard token rides in the fragment, and the page drops it from the address bar.
  expect(twin.dashboardUrl).toMatch(/\/_twin\/#token=mtdash_/);
  await page.goto(twin.dashboardUrl);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  expect(page.url()).toBe(`${twin.baseUrl}/_twin/`);
  await page.waitForFunction((ids) => ids.every((id) => document.querySelector(`tr[data-client-id="${id}"]`)), [a.clientId, b.clientId], {
    timeout: 10_000,
  });
  const counted = async (clientId: string) => Number(await page.getAttribute(`tr[data-client-id="${clientId}"]`, 'data-counted'));
  const shownA = await counted(a.clientId);
  const shownB = await counted(b.clientId);

  // What the client itself reads (its own /v1/usage call is counted only after the next batch).
  const usage = async (key: string) =>
    ((await (await fetch(`${twin.baseUrl}/v1/usage`, { headers: { 'x-api-key': key } })).json()) as any).today.requests;
  expect(shownA).toBe(9);
  expect(shownB).toBe(5);
  expect(shownA).toBe(await usage(a.apiKey));
  expect(shownB).toBe(await usage(b.apiKey));

  // Charts: one uPlot canvas per time-series widget, titled from contracts/dashboard.ts.
  for (const id of ['requests', 'latency', 'throttles', 'waf', 'usageQueue', 'deadLetters'] as const) {
    const widget = page.locator(`[data-widget="${id}"]`);
    await expect(widget.locator('h2').textContent()).resolves.toContain(DASHBOARD[id].title);
    expect(await widget.locator('canvas').count()).toBe(1);
  }
  // The throttle chart's latest-values line, and the request chart's series by route and status class.
  await page.waitForFunction(() => document.querySelector('[data-widget="requests"] .last')?.textContent?.includes('POST /v1/quotes 4xx'));
  const totals = page.locator('#totals');
  expect(Number(await totals.getAttribute('data-answered'))).toBeGreaterThanOrEqual(14);
  expect(Number(await totals.getAttribute('data-counted'))).toBeGreaterThanOrEqual(14);

  // The daily job's last run, as the twin ran it.
  await expect(page.locator('#daily-job').textContent()).resolves.toMatch(
    /^last run \d{4}-\d{2}-\d{2}T.+: ok \{.*"day":"\d{4}-\d{2}-\d{2}"/,
  );
  // A few refreshes, so the gauges have a history in the screenshot.
  await page.waitForTimeout(3_000);
  // The committed screenshot is refreshed on request only (UPDATE_SCREENSHOT=1), so a test run leaves the tree clean.
  const shot = await page.screenshot({ path: process.env.UPDATE_SCREENSHOT === '1' ? SCREENSHOT : undefined, fullPage: true });
  expect(shot.length).toBeGreaterThan(10_000);
  expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
}, 90_000);

test('without the token the page loads but shows no data, and says which link to open', async () => {
  const page = await browser.newPage();
  await page.goto(`${twin.baseUrl}/_twin/`);
  await page.waitForFunction(() => document.getElementById('updated')?.textContent?.includes('#token='), undefined, { timeout: 10_000 });
  expect(await page.locator('tr[data-client-id]').count()).toBe(0);
  await page.close();
});

test('the page and its assets are served by the twin itself (no CDN); the metrics need the dashboard token', async () => {
  const html = await (await fetch(twin.dashboardUrl)).text();
  const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
  expect(sources.length).toBeGreaterThanOrEqual(3);
  for (const source of sources) {
    expect(source.startsWith('/_twin/')).toBe(true);
    expect((await fetch(`${twin.baseUrl}${source}`)).status).toBe(200);
  }
  const refused = await fetch(`${twin.baseUrl}/_twin/api/metrics`);
  expect(refused.status).toBe(401);
  expect(refused.headers.get('content-type')).toBe('application/problem+json');
  const answer = await fetch(`${twin.baseUrl}/_twin/api/metrics`, { headers: { authorization: `Bearer ${twin.state.dashboardToken}` } });
  const metrics = (await answer.json()) as Record<string, unknown>;
  expect(Object.keys(metrics)).toEqual(['generatedAt', 'day', 'widgets', 'series', 'queues', 'totals', 'clients', 'dailyJob']);
});
