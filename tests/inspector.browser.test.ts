/**
 * The actor inspector in a real browser (issue 7 "Tests"): headless Chromium (playwright-core with
 * Debian's chromium) against the real runtime (embedded broker) behind a real HTTP server; a
 * simulated client speaks MQTT. On the actor page the diagram highlight moves to `crashed` and a
 * history row appears without a reload; selecting an older row shows the diagram and context as
 * they were (time travel) and "back to live" returns; the list page filters by state; at 360×740
 * nothing scrolls sideways; no CSP violation anywhere. Screenshots go to test-artifacts/.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { MqttClient } from 'mqtt';
import { ADMIN_PASSWORD, device, embeddedTarget, pub, startHarness, tempDir, waitFor, type Harness, type TempDir } from './helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = new URL('../test-artifacts/', import.meta.url);
const UUID = '77777777-aaaa-4aaa-8aaa-777777777777';
const ACTOR = `client:${UUID}`;

let tmp: TempDir;
let h: Harness;
let server: ServerType;
let base = '';
let browser: Browser | null = null;
let dev: MqttClient;
const cspErrors: string[] = [];

const heartbeat = (status: 'running' | 'crashed', pid: number) =>
  pub(dev, `infoscreen/${UUID}/heartbeat`, { uuid: UUID, timestamp: new Date().toISOString(), current_process: 'chromium', process_pid: pid, process_status: status });

test.before(async () => {
  if (!existsSync(CHROMIUM)) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  tmp = tempDir('infoscreen-inspector-');
  h = await startHarness(tmp.dir, embeddedTarget());
  server = serve({ fetch: h.rt.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((r) => server.once('listening', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dev = await device(h.url);
  await pub(dev, 'infoscreen/discovery', { uuid: UUID, hostname: 'aula-rechts', ip: '10.0.1.21', software_version: '2.4.1' });
  await heartbeat('running', 1111);
  await waitFor(() => h.rt.inspector?.get(ACTOR)?.paths.includes('process.running'), 'the client actor running in the feed');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
});

test.after(async () => {
  await browser?.close();
  await dev?.endAsync();
  if (server) {
    (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.(); // open SSE streams (tech brief §3)
    await new Promise((r) => server.close(r));
  }
  await h?.close();
  tmp?.remove();
});

async function newPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
  const page = await browser!.newPage({ viewport, locale: 'en-GB' });
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) cspErrors.push(m.text());
  });
  return page;
}

async function login(page: Page, next: string) {
  await page.goto(`${base}/login?next=${encodeURIComponent(next)}`);
  await page.fill('#username', 'superadmin');
  await page.fill('#password', ADMIN_PASSWORD);
  await Promise.all([page.waitForURL(`${base}${next}`), page.click('button[type=submit]')]);
}

const state = (id: string) => `#inspector-chart [data-state="${id}"]`;

test('a client crashes: the highlight moves and a history row appears without a reload; time travel', async () => {
  if (!browser) return console.log('NOTICE: /usr/bin/chromium missing: browser test skipped');
  const page = await newPage();
  await login(page, `/inspector/${ACTOR}`);
  await page.waitForSelector('#conn[data-state="live"]', { timeout: 5000 });
  await page.waitForSelector(`${state('client.process.running')}.is-active`);
  assert.not.ok(await page.isVisible(`${state('client.process.crashed')}.is-active`));
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
  const rowsBefore = await page.locator('#inspector-history > li').count();

  await heartbeat('crashed', 2222);
  await page.waitForSelector(`${state('client.process.crashed')}.is-active`, { timeout: 5000 });
  await page.waitForSelector(`${state('client.process.running')}:not(.is-active)`);
  const newest = page.locator('#inspector-history > li').first();
  await waitFor(async () => /process\.crashed/.test((await newest.textContent()) ?? ''), 'a history row for the crash');
  assert.match((await newest.textContent()) ?? '', /HEARTBEAT/);
  assert.ok((await page.locator('#inspector-history > li').count()) > rowsBefore);
  assert.match((await page.textContent('#inspector-now .ctx')) ?? '', /"processPid": 2222/);
  assert.is(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 42, 'same document: no reload');
  await page.screenshot({ path: new URL('inspector-actor-desktop.png', ARTIFACTS).pathname, fullPage: true });

  // Time travel: the row that entered `running` shows the state and context as they were after it.
  const runningRow = page.locator('#inspector-history > li').filter({ has: page.locator('.h-to', { hasText: 'process.running' }) }).first();
  await runningRow.locator('a.h-view').click();
  await page.waitForSelector('#inspector-past .state-past');
  await page.waitForSelector(`${state('client.process.running')}.is-active`);
  assert.not.ok(await page.isVisible(`${state('client.process.crashed')}.is-active`));
  assert.match((await page.textContent('#inspector-past .ctx')) ?? '', /"processPid": 1111/);
  assert.not.ok(await page.isVisible('#inspector-now'), 'the live panel is hidden while looking back');
  await page.click('#inspector-past [data-inspector-live]');
  await page.waitForSelector(`${state('client.process.crashed')}.is-active`);
  assert.ok(await page.isVisible('#inspector-now'));
  assert.is(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 42);
  await page.close();
});

test('the list: counts per machine and state, filter by state; readable on a phone', async () => {
  if (!browser) return;
  const page = await newPage({ width: 360, height: 740 });
  await login(page, '/inspector');
  assert.match((await page.textContent('.insp-counts')) ?? '', /process\.crashed/);
  await page.click('.insp-count-states a:has-text("process.crashed")');
  await page.waitForURL(/state=process\.crashed/);
  assert.ok(await page.isVisible(`[id="a-${ACTOR}"]`));
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'list scrolls sideways');
  await page.screenshot({ path: new URL('inspector-list-phone.png', ARTIFACTS).pathname, fullPage: true });
  await page.goto(`${base}/inspector/${ACTOR}`);
  await page.waitForSelector('#conn[data-state="live"]', { timeout: 5000 });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'actor page scrolls sideways');
  await page.click('[data-chart-fit]');
  assert.ok(await page.evaluate(() => { const s = document.querySelector('#inspector-chart svg')!; return s.getBoundingClientRect().width <= window.innerWidth; }), 'fit to width');
  await page.screenshot({ path: new URL('inspector-actor-phone.png', ARTIFACTS).pathname, fullPage: true });
  await page.close();
  assert.equal(cspErrors, [], 'no CSP violation');
});

test.run();
