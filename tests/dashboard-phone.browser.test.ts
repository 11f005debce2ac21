/**
 * Field staff on phones ("Fleet metrics"): headless Chromium
 * (playwright-core with Debian's chromium, as tests/dashboard.browser.test.ts) at 360×740 against
 * the real runtime behind a real HTTP server, devices speaking MQTT. No horizontal scroll on the
 * overview, monitoring, client, search and label pages; the search-first home finds a screen by
 * IP as you type (and, without JavaScript, as a plain form); the label prints only itself; the
 * activity chart redraws over the live stream without a reload; no CSP violation anywhere.
 * Screenshots go to test-artifacts/ (phone-*.png).
 */
import { test as uvuTest } from 'uvu';
import * as assert from 'uvu/assert';
import type { BrowserContext, Page } from 'playwright-core';
import type { MqttClient } from 'mqtt';
import { device, pub, waitFor } from '../testing/helpers.ts';
import { BrowserKit, browserTests, PHONE, shot as kitShot, sidewaysScroll } from '../testing/browser-kit.ts';

const test = browserTests(uvuTest);

const ROOM = '77777777-aaaa-4aaa-8aaa-777777777777';
const LONG = '88888888-bbbb-4bbb-8bbb-888888888888';
const OTHER = '99999999-cccc-4ccc-8ccc-999999999999';

const kit = new BrowserKit({ name: 'phone browser test', prefix: 'infoscreen-phone-', locale: 'de-AT' });
let dev: MqttClient;
let beat: ReturnType<typeof setInterval> | null = null;

test.before(async () => {
  if (!(await kit.start())) return;
  dev = await device(kit.h.url);
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
  await waitFor(() => kit.h.rt.fleet.size() === 3, 'three clients');
  await kit.h.rt.fleet.updateClient(ROOM, { description: 'Raum 2.17 (Physiksaal, hinten links)' });
});

test.after(async () => {
  if (beat) clearInterval(beat);
  await dev?.endAsync();
  await kit.close();
});

/** A logged-in phone: its own mobile context (touch, 360×740), on the overview. */
async function phone(javaScriptEnabled = true): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await kit.browser.newContext({ viewport: PHONE, locale: 'de-AT', javaScriptEnabled, isMobile: true, hasTouch: true });
  const page = kit.watch(await ctx.newPage());
  await kit.login(page);
  return { ctx, page };
}

const shot = (page: Page, name: string) => kitShot(page, `phone-${name}`);

test('360×740: no horizontal scroll on overview, search, monitoring, client and label pages', async () => {
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
    await page.goto(`${kit.base}${path}`);
    if (live) await page.waitForSelector('#conn[data-state="live"]', { timeout: 5000 });
    assert.is(await sidewaysScroll(page), 0, `${name} scrolls sideways`);
    await shot(page, name);
  }
  await ctx.close();
});

test('phone menu: the nav links fold behind the Menu button and open with it; wide screens show them', async () => {
  const { ctx, page } = await phone();
  await page.goto(`${kit.base}/monitoring`);
  await page.waitForSelector('.nav-toggle:not([hidden])');
  assert.not.ok(await page.isVisible('#main-nav a[href="/commands"]'), 'closed on a phone');
  assert.is(await page.getAttribute('.nav-toggle', 'aria-expanded'), 'false');
  await page.click('.nav-toggle');
  assert.ok(await page.isVisible('#main-nav a[href="/commands"]'), 'open after the tap');
  assert.is(await page.getAttribute('.nav-toggle', 'aria-expanded'), 'true');
  assert.is(await sidewaysScroll(page), 0);
  await shot(page, 'menu-open');
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.reload();
  assert.not.ok(await page.isVisible('.nav-toggle'), 'no toggle on a wide screen');
  assert.ok(await page.isVisible('#main-nav a[href="/commands"]'), 'wide screens show the links');
  await ctx.close();
});

test('search-first home: on a phone the overview opens with the search; typing an IP lists the screen', async () => {
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
  await Promise.all([page.waitForURL(`${kit.base}/clients/${ROOM}`), page.click(`#search-results a[href="/clients/${ROOM}"]`)]);
  // On a desktop the search-first block stays out of the way (the toolbar search is the one).
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${kit.base}/`);
  assert.not.ok(await page.isVisible('#phone-q'));
  assert.ok(await page.isVisible('#fleet-form .search input'));
  await ctx.close();
});

test('search without JavaScript: the same form is a plain GET to /search', async () => {
  const { ctx, page } = await phone(false);
  await page.fill('#phone-q', '10.0.8.1');
  await Promise.all([page.waitForURL(/\/search\?q=10\.0\.8\.1$/), page.press('#phone-q', 'Enter')]);
  assert.ok(await page.isVisible(`#search-results a[href="/clients/${OTHER}"]`));
  assert.is(await page.locator('#search-results .result').count(), 1);
  await ctx.close();
});

test('label: QR code and facts; printing shows the label alone', async () => {
  const { ctx, page } = await phone();
  await page.goto(`${kit.base}/clients/${ROOM}/label`);
  assert.ok(await page.isVisible('.label-qr svg'));
  assert.ok(await page.isVisible('button[data-print]'), 'fieldwork.js reveals the print button');
  const qr = await page.locator('.label-qr svg').boundingBox();
  assert.ok(qr && qr.width >= 100 && qr.width === qr.height, 'a square code big enough to scan');
  assert.match((await page.textContent('.label-url')) ?? '', new RegExp(`^${kit.base}/clients/${ROOM}$`));
  await page.emulateMedia({ media: 'print' });
  assert.not.ok(await page.isVisible('.topbar'));
  assert.not.ok(await page.isVisible('.label-actions'));
  assert.ok(await page.isVisible('.label-sheet'));
  await shot(page, 'label-print');
  await ctx.close();
});

test('activity chart: drawn on the monitoring page and redrawn live after a metrics tick', async () => {
  const { ctx, page } = await phone();
  await page.goto(`${kit.base}/monitoring`);
  await page.waitForSelector('#conn[data-state="live"]', { timeout: 5000 });
  assert.ok(await page.isVisible('#activity svg'));
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 9));
  kit.h.rt.metrics.add('commands', 12345);
  kit.h.rt.metrics.tick();
  kit.h.rt.bus.emit({ type: 'metrics', at: Date.now() });
  await page.waitForFunction(() => /12\D345/.test(document.querySelector('#activity .spark-commands')?.textContent ?? ''), undefined, { timeout: 5000 });
  assert.is(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 9, 'no reload');
  assert.ok((await page.locator('#activity .spark-messages .spark-bar').count()) >= 1, 'the heartbeats show as messages');
  assert.is(await sidewaysScroll(page), 0);
  await shot(page, 'monitoring-chart');
  await ctx.close();
  assert.equal(kit.problems, [], 'no CSP violation, no injected dialog');
});

test.run();
