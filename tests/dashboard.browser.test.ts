/**
 * The dashboard in a real browser: headless Chromium (playwright-core with
 * Debian's chromium) against the real runtime (embedded broker, 5 s grace) behind a real HTTP
 * server, with devices speaking MQTT. Logs in; a device goes silent and its row turns offline
 * without a reload; a service failure is acknowledged; at 360×740 the overview, monitoring and
 * client pages never scroll sideways; no CSP violation anywhere. Screenshots go to
 * test-artifacts/ (gitignored) for a human to look at.
 */
import { test as uvuTest } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import { device, pub, waitFor } from '../testing/helpers.ts';
import { BrowserKit, browserTests, PHONE, shot, sidewaysScroll } from '../testing/browser-kit.ts';

const test = browserTests(uvuTest);
import * as P from '../scripts/sim/payloads.ts';

const QUIET = '11111111-aaaa-4aaa-8aaa-111111111111'; // goes silent during the test
const STEADY = '22222222-bbbb-4bbb-8bbb-222222222222';
const FAILED = '33333333-cccc-4ccc-8ccc-333333333333';
const HOSTILE = '44444444-dddd-4ddd-8ddd-444444444444';

const kit = new BrowserKit({ name: 'browser test', prefix: 'infoscreen-browser-', env: { HEARTBEAT_GRACE_PERIOD_DEV: '5' }, locale: 'de-AT' });
let dev: MqttClient;
const beats = new Map<string, ReturnType<typeof setInterval>>();

const iso = () => new Date().toISOString();
function alive(uuid: string) {
  const beat = () => {
    void pub(dev, `infoscreen/${uuid}/heartbeat`, { uuid, timestamp: iso(), current_process: 'chromium', process_pid: 4242, process_status: 'running' }, { qos: 0 });
  };
  beat();
  beats.set(uuid, setInterval(beat, 1000));
}

test.before(async () => {
  if (!(await kit.start())) return;
  dev = await device(kit.h.url);
  const devices: [string, string, string][] = [
    [QUIET, 'raum-101', '10.0.1.101'],
    [STEADY, 'aula-links', '10.0.1.20'],
    [FAILED, 'turnsaal', '10.0.1.30'],
    [HOSTILE, '<img src=x onerror=alert(1)>', '10.0.1.66'],
  ];
  for (const [uuid, hostname, ip] of devices) {
    await pub(dev, 'infoscreen/discovery', { uuid, hostname, ip, software_version: '2.4.1' });
    alive(uuid);
  }
  await pub(dev, `infoscreen/${FAILED}/service_failed`, { event: 'service_failed', unit: 'infoscreen-client.service', client_uuid: FAILED, failed_at: iso() }, { retain: true });
  await pub(dev, `infoscreen/${HOSTILE}/logs/error`, { timestamp: iso(), message: '<script>alert("log")</script> decoder failed', context: { file: '<b>x</b>' } });
  const state = { uuid: STEADY, hostname: 'aula-links', ip: '10.0.1.20', eventId: 42, process: 'chromium', pid: 1, status: 'running' } as unknown as P.DeviceState;
  await pub(dev, `infoscreen/${STEADY}/dashboard`, P.dashboardPayload(state, Date.now(), P.FRAME_JPEG), { qos: 1 });
  await waitFor(() => kit.h.rt.fleet.size() === 4 && kit.h.rt.fleet.get(FAILED)?.serviceFailedAt, 'four clients, one with a failed service');
});

test.after(async () => {
  for (const t of beats.values()) clearInterval(t);
  await dev?.endAsync();
  await kit.close();
});

test('log in, watch a silent client turn offline without a reload', async () => {
  const page = await kit.newPage();
  await kit.login(page);
  assert.match(await page.textContent('h1, .nav a[aria-current]') ?? '', /Übersicht/);
  await page.waitForSelector('#conn[data-state="live"]', { timeout: 5000 });
  await page.waitForSelector(`#c-${QUIET}.s-healthy, #c-${QUIET}.s-warning`);
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
  clearInterval(beats.get(QUIET)!);
  await page.waitForSelector(`#c-${QUIET}.s-offline`, { timeout: 15_000 });
  assert.is(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 42, 'same document: no reload');
  assert.match((await page.textContent(`#c-${QUIET}`)) ?? '', /Kein Lebenszeichen/);
  assert.match((await page.textContent('#fleet-counts')) ?? '', /1\s*Offline/);
  // The supervisor holds "went offline" alerts back 30 s (outage heuristic): emit one directly.
  kit.h.rt.bus.emit({ type: 'alert', kind: 'client-online', severity: 'info', message: 'x', uuid: STEADY, at: Date.now() });
  await page.waitForSelector('#toasts .toast', { timeout: 5000 });
  assert.match((await page.textContent('#toasts')) ?? '', /aula-links ist wieder online/);
  await page.click('#toasts .toast-close');
  await page.waitForSelector('#toasts .toast', { state: 'detached' });
  assert.ok(await page.isVisible(`#c-${HOSTILE}`));
  assert.match((await page.textContent(`#c-${HOSTILE} .client-name`)) ?? '', /<img src=x/);
  await shot(page, 'overview-desktop');
  await page.close();
});

test('search narrows the list live; acknowledge a failed service', async () => {
  const page = await kit.newPage();
  await kit.login(page, '/monitoring');
  await page.waitForSelector(`#service-failed #sf-${FAILED}`);
  await shot(page, 'monitoring-desktop');
  await page.click(`#sf-${FAILED} button`);
  await page.waitForSelector(`#sf-${FAILED}`, { state: 'detached' });
  await waitFor(() => kit.h.rt.fleet.get(FAILED)?.serviceFailedAt === null, 'the flag cleared');
  await page.goto(`${kit.base}/`);
  await page.fill('input[name=q]', 'aula');
  await page.waitForSelector(`#c-${QUIET}`, { state: 'detached' });
  assert.ok(await page.isVisible(`#c-${STEADY}`));
  assert.match(page.url(), /q=aula/);
  await page.close();
});

test('phone 360×740: no horizontal scroll on overview, monitoring and client detail', async () => {
  const page = await kit.newPage(PHONE);
  await kit.login(page);
  for (const [name, path] of [
    ['overview', '/'],
    ['monitoring', '/monitoring'],
    ['client', `/clients/${STEADY}`],
    ['client-hostile', `/clients/${HOSTILE}`],
  ] as const) {
    await page.goto(`${kit.base}${path}`);
    await page.waitForSelector('#conn[data-state="live"]', { timeout: 5000 });
    assert.ok((await sidewaysScroll(page)) <= 0, `${name} scrolls sideways`);
    await shot(page, `${name}-phone`);
  }
  // The hostile log line is shown as text on the client page.
  assert.match((await page.textContent('#client-logs')) ?? '', /<script>alert\("log"\)<\/script> decoder failed/);
  await page.close();
  assert.equal(kit.problems, [], 'no CSP violation, no injected dialog');
});

test.run();
