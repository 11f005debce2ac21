/**
 * The actor inspector in a real browser: headless Chromium (playwright-core with
 * Debian's chromium) against the real runtime (embedded broker) behind a real HTTP server; a
 * simulated client speaks MQTT. On the actor page the diagram highlight moves to `crashed` and a
 * history row appears without a reload; selecting an older row shows the diagram and context as
 * they were (time travel) and "back to live" returns; the list page filters by state; at 360×740
 * nothing scrolls sideways; no CSP violation anywhere. Screenshots go to test-artifacts/.
 */
import { test as uvuTest } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import { device, pub, waitFor } from '../testing/helpers.ts';
import { BrowserKit, browserTests, PHONE, shot, sidewaysScroll } from '../testing/browser-kit.ts';

const test = browserTests(uvuTest);

const UUID = '77777777-aaaa-4aaa-8aaa-777777777777';
const ACTOR = `client:${UUID}`;

const kit = new BrowserKit({ name: 'browser test', prefix: 'infoscreen-inspector-', locale: 'en-GB' });
let dev: MqttClient;

const heartbeat = (status: 'running' | 'crashed', pid: number) =>
  pub(dev, `infoscreen/${UUID}/heartbeat`, { uuid: UUID, timestamp: new Date().toISOString(), current_process: 'chromium', process_pid: pid, process_status: status });

test.before(async () => {
  if (!(await kit.start())) return;
  dev = await device(kit.h.url);
  await pub(dev, 'infoscreen/discovery', { uuid: UUID, hostname: 'aula-rechts', ip: '10.0.1.21', software_version: '2.4.1' });
  await heartbeat('running', 1111);
  await waitFor(() => kit.h.rt.inspector?.get(ACTOR)?.paths.includes('process.running'), 'the client actor running in the feed');
});

test.after(async () => {
  await dev?.endAsync();
  await kit.close();
});

const state = (id: string) => `#inspector-chart [data-state="${id}"]`;

test('a client crashes: the highlight moves and a history row appears without a reload; time travel', async () => {
  const page = await kit.newPage();
  await kit.login(page, `/inspector/${ACTOR}`);
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
  await shot(page, 'inspector-actor-desktop');

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
  const page = await kit.newPage(PHONE);
  await kit.login(page, '/inspector');
  assert.match((await page.textContent('.insp-counts')) ?? '', /process\.crashed/);
  await page.click('.insp-count-states a:has-text("process.crashed")');
  await page.waitForURL(/state=process\.crashed/);
  assert.ok(await page.isVisible(`[id="a-${ACTOR}"]`));
  assert.ok((await sidewaysScroll(page)) <= 0, 'list scrolls sideways');
  await shot(page, 'inspector-list-phone');
  await page.goto(`${kit.base}/inspector/${ACTOR}`);
  await page.waitForSelector('#conn[data-state="live"]', { timeout: 5000 });
  assert.ok((await sidewaysScroll(page)) <= 0, 'actor page scrolls sideways');
  await page.click('[data-chart-fit]');
  assert.ok(await page.evaluate(() => { const s = document.querySelector('#inspector-chart svg')!; return s.getBoundingClientRect().width <= window.innerWidth; }), 'fit to width');
  await shot(page, 'inspector-actor-phone');
  await page.close();
  assert.equal(kit.problems, [], 'no CSP violation');
});

test.run();
