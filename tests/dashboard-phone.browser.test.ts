/**
 * Field staff on phones (issue 5 "Field staff on phones", "Fleet metrics"): headless Chromium
 * (playwright-core with Debian's chromium, as tests/dashboard.browser.test.ts) at 360×740 against
 * the real runtime behind a real HTTP server, devices speaking MQTT. No horizontal scroll on the
 * overview, monitoring, client, search and label pages; the search-first home finds a screen by
 * IP as you type (and, without JavaScript, as a plain form); the label prints only itself; the
 * activity chart redraws over the live stream without a reload; no CSP violation anywhere.
 * Screenshots go to test-artifacts/ (phone-*.png).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { MqttClient } from 'mqtt';
import { ADMIN_PASSWORD, device, embeddedTarget, pub, startHarness, tempDir, waitFor, type Harness, type TempDir } from './helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = new URL('../test-artifacts/', import.meta.url);
const PHONE = { width: 360, height: 740 };
const ROOM = '77777777-aaaa-4aaa-8aaa-777777777777';
const LONG = '88888888-bbbb-4bbb-8bbb-888888888888';
const OTHER = '99999999-cccc-4ccc-8ccc-999999999999';

let tmp: TempDir;
let h: Harness;
let server: ServerType;
let base = '';
let browser: Browser | null = null;
let dev: MqttClient;
let beat: ReturnType<typeof setInterval> | null = null;
const cspErrors: string[] = [];

test.before(async () => {
  if (!existsSync(CHROMIUM)) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  tmp = tempDir('infoscreen-phone-');
  h = await startHarness(tmp.dir, embeddedTarget());
  server = serve({ fetch: h.rt.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((r) => server.once('listening', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dev = await device(h.url);
  const devices: [string, string, string][] = [
    [ROOM, 'raum-2-17', '10.0.7.42'],
    // Long unbroken strings must never widen a 360 px page.
    [LONG, 'a-really-long-hostname-without-any-spaces-at-all-0123456789abcdef', '10.0.7.43'],
    [OTHER, 'aula-rechts', '10.0.8.1'],
  ];
  const iso = () => new Date().toISOString();
  const alive = () => {
    for (const [uuid] of devices) {
      void pub(dev, `infoscreen/${uuid}/heartbeat`, { uuid, timestamp: iso(), current_process: 'chromium', process_pid: 42, process_status: 'running' }, { qos: 0 });
    }
  };
  for (const [uuid, hostname, ip] of devices) await pub(dev, 'infoscreen/discovery', { uuid, hostname, ip, software_version: '2.4.1' });
  alive();
  beat = setInterval(alive, 1000);
  await waitFor(() => h.rt.fleet.size() === 3, 'three clients');
  await h.rt.fleet.updateClient(ROOM, { description: 'Raum 2.17 (Physiksaal, hinten links)' });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
});

test.after(async () => {
  if (beat) clearInterval(beat);
  await browser?.close();
  await dev?.endAsync();
  if (server) {
    (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.(); // open SSE streams (tech brief §3)
    await new Promise((r) => server.close(r));
  }
  await h?.close();
  tmp?.remove();
});

function watch(page: Page): Page {
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) cspErrors.push(m.text());
  });
  page.on('dialog', (d) => {
    cspErrors.push(`dialog opened: ${d.message()}`);
    void d.dismiss();
  });
  return page;
}

async function phone(javaScriptEnabled = true): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser!.newContext({ viewport: PHONE, locale: 'de-AT', javaScriptEnabled, isMobile: true, hasTouch: true });
  const page = watch(await ctx.newPage());
  await page.goto(`${base}/login`);
  await page.fill('#username', 'superadmin');
  await page.fill('#password', ADMIN_PASSWORD);
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
  return { ctx, page };
}

const sidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
const shot = (page: Page, name: string) => page.screenshot({ path: new URL(`phone-${name}.png`, ARTIFACTS).pathname, fullPage: true });

test('360×740: no horizontal scroll on overview, search, monitoring, client and label pages', async () => {
  if (!browser) return console.log('NOTICE: /usr/bin/chromium missing: phone browser test skipped');
  const { ctx, page } = await phone();
  for (const [name, path, live] of [
    ['overview', '/', true],
    ['search', '/search?q=10.0.7', false],
    ['monitoring', '/monitoring', true],
    ['client', `/clients/${ROOM}`, true],
    ['client-long', `/clients/${LONG}`, true],
    ['label', `/clients/${ROOM}/label`, false],
    ['label-long', `/clients/${LONG}/label`, false],
    ['not-found', '/no/such/page', false],
  ] as const) {
    await page.goto(`${base}${path}`);
    if (live) await page.waitForSelector('#conn[data-state="live"]', { timeout: 5000 });
    assert.is(await sidewaysScroll(page), 0, `${name} scrolls sideways`);
    await shot(page, name);
  }
  await ctx.close();
});

test('search-first home: on a phone the overview opens with the search; typing an IP lists the screen', async () => {
  if (!browser) return;
  const { ctx, page } = await phone();
  assert.ok(await page.isVisible('#phone-q'), 'the search-first field is shown on a phone');
  assert.not.ok(await page.isVisible('#fleet-form .search input'), 'one search box only');
  const box = await page.locator('.phone-search').boundingBox();
  assert.ok(box && box.y < 200, `the search comes first (y=${box?.y})`);
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));
  await page.fill('#phone-q', '10.0.7.42');
  await page.waitForSelector(`#search-results a[href="/clients/${ROOM}"]`, { timeout: 5000 });
  assert.is(await page.locator('#search-results .result').count(), 1);
  assert.match((await page.textContent('#search-results')) ?? '', /Raum 2\.17 \(Physiksaal, hinten links\)/);
  assert.is(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 7, 'results swapped in, no reload');
  assert.is(await sidewaysScroll(page), 0);
  await shot(page, 'home-search');
  await Promise.all([page.waitForURL(`${base}/clients/${ROOM}`), page.click(`#search-results a[href="/clients/${ROOM}"]`)]);
  // On a desktop the search-first block stays out of the way (the toolbar search is the one).
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${base}/`);
  assert.not.ok(await page.isVisible('#phone-q'));
  assert.ok(await page.isVisible('#fleet-form .search input'));
  await ctx.close();
});

test('search without JavaScript: the same form is a plain GET to /search', async () => {
  if (!browser) return;
  const { ctx, page } = await phone(false);
  await page.fill('#phone-q', '10.0.8.1');
  await Promise.all([page.waitForURL(/\/search\?q=10\.0\.8\.1$/), page.press('#phone-q', 'Enter')]);
  assert.ok(await page.isVisible(`#search-results a[href="/clients/${OTHER}"]`));
  assert.is(await page.locator('#search-results .result').count(), 1);
  await ctx.close();
});

test('label: QR code and facts; printing shows the label alone', async () => {
  if (!browser) return;
  const { ctx, page } = await phone();
  await page.goto(`${base}/clients/${ROOM}/label`);
  assert.ok(await page.isVisible('.label-qr svg'));
  assert.ok(await page.isVisible('button[data-print]'), 'fieldwork.js reveals the print button');
  const qr = await page.locator('.label-qr svg').boundingBox();
  assert.ok(qr && qr.width >= 100 && qr.width === qr.height, 'a square code big enough to scan');
  assert.match((await page.textContent('.label-url')) ?? '', new RegExp(`^${base}/clients/${ROOM}$`));
  await page.emulateMedia({ media: 'print' });
  assert.not.ok(await page.isVisible('.topbar'));
  assert.not.ok(await page.isVisible('.label-actions'));
  assert.ok(await page.isVisible('.label-sheet'));
  await shot(page, 'label-print');
  await ctx.close();
});

test('activity chart: drawn on the monitoring page and redrawn live after a metrics tick', async () => {
  if (!browser) return;
  const { ctx, page } = await phone();
  await page.goto(`${base}/monitoring`);
  await page.waitForSelector('#conn[data-state="live"]', { timeout: 5000 });
  assert.ok(await page.isVisible('#activity svg'));
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 9));
  h.rt.metrics.add('commands', 12345);
  h.rt.metrics.tick();
  h.rt.bus.emit({ type: 'metrics', at: Date.now() });
  await page.waitForFunction(() => /12\D345/.test(document.querySelector('#activity .spark-commands')?.textContent ?? ''), undefined, { timeout: 5000 });
  assert.is(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 9, 'no reload');
  assert.ok((await page.locator('#activity .spark-messages .spark-bar').count()) >= 1, 'the heartbeats show as messages');
  assert.is(await sidewaysScroll(page), 0);
  await shot(page, 'monitoring-chart');
  await ctx.close();
  assert.equal(cspErrors, [], 'no CSP violation, no injected dialog');
});

test.run();
