/**
 * Toasts on every page (issue 15 item 11e): in a real browser against the real runtime (embedded
 * broker, 5 s heartbeat grace), a screen that comes back after going offline shows its toast on
 * /schedule (a page without a live view of its own) and a command that completes shows its toast
 * on /commands (whose live view moves only its rows). The test waits generously but asserts that
 * the toast appears; it prints how long it took.
 */
import { test as uvuTest } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import { device, pub, sleep, waitFor } from '../testing/helpers.ts';
import { BrowserKit, browserTests } from '../testing/browser-kit.ts';
import { ackPayload } from '../scripts/sim/payloads.ts';

const test = browserTests(uvuTest);

const BACK = '61111111-aaaa-4aaa-8aaa-111111111111'; // goes silent, then comes back
const ACKS = '62222222-bbbb-4bbb-8bbb-222222222222'; // acks every command up to completed
const STEADY = ['63333333-cccc-4ccc-8ccc-333333333333', '64444444-dddd-4ddd-8ddd-444444444444', '65555555-eeee-4eee-8eee-555555555555'];

const kit = new BrowserKit({ name: 'toasts browser test', prefix: 'infoscreen-browser-toasts-', env: { HEARTBEAT_GRACE_PERIOD_DEV: '5' }, locale: 'en-GB' });
let dev: MqttClient;
const silent = new Set<string>();
let beat: ReturnType<typeof setInterval> | null = null;
const iso = () => new Date().toISOString();
const all = [BACK, ACKS, ...STEADY];

test.before(async () => {
  if (!(await kit.start())) return;
  dev = await device(kit.h.url);
  for (const [i, uuid] of all.entries()) await pub(dev, 'infoscreen/discovery', { uuid, hostname: `screen-${i}`, ip: `10.0.3.${i}`, software_version: '2.4.1' });
  const heartbeat = () => {
    for (const uuid of all)
      if (!silent.has(uuid)) void pub(dev, `infoscreen/${uuid}/heartbeat`, { uuid, timestamp: iso(), current_process: 'chromium', process_pid: 7, process_status: 'running' }, { qos: 0 });
  };
  heartbeat();
  beat = setInterval(heartbeat, 1000);
  dev.on('message', (topic, payload) => {
    if (topic !== `infoscreen/${ACKS}/commands`) return;
    const id = JSON.parse(String(payload)).command_id as string;
    void (async () => {
      for (const status of ['accepted', 'execution_started', 'completed'] as const) {
        await sleep(100);
        await pub(dev, `infoscreen/${ACKS}/commands/ack`, ackPayload(id, status));
      }
    })();
  });
  await dev.subscribeAsync(`infoscreen/${ACKS}/commands`, { qos: 1 });
  await waitFor(() => all.every((u) => kit.h.rt.fleet.get(u)?.connectivity === 'online'), 'every screen online');
});

test.after(async () => {
  if (beat) clearInterval(beat);
  await dev?.endAsync();
  await kit.close();
});

/** Time from `act` until a toast matching `text` is visible (throws after a generous 15 s). */
async function toastAfter(page: import('playwright-core').Page, text: RegExp, act: () => Promise<void> | void): Promise<number> {
  const start = Date.now();
  await act();
  await page.waitForFunction((src) => [...document.querySelectorAll('#toasts .toast')].some((t) => new RegExp(src).test(t.textContent ?? '')), text.source, { timeout: 15_000 });
  return Date.now() - start;
}

test('a screen back online shows its toast on /schedule', async () => {
  const page = await kit.newPage();
  await kit.login(page, '/schedule');
  await page.waitForSelector('#conn[data-state="live"]', { timeout: 5000 });
  silent.add(BACK);
  await waitFor(() => kit.h.rt.fleet.get(BACK)?.connectivity === 'offline', 'offline', 15_000);
  await sleep(1000);
  const ms = await toastAfter(page, /screen-0 is back online/, () => void silent.delete(BACK));
  console.log(`  back-online toast after ${ms} ms`);
  await page.close();
});

test('a completed command shows its toast on /commands', async () => {
  const page = await kit.newPage();
  await kit.login(page, '/commands');
  await page.waitForSelector('#conn[data-state="live"]', { timeout: 5000 });
  const ms = await toastAfter(page, /screen-1: Restart app completed/, async () => {
    const res = await page.request.post(`${kit.base}/api/clients/${ACKS}/restart_app`, { data: { reason: 'toast test' } });
    assert.is(res.status(), 202);
  });
  console.log(`  command-completed toast after ${ms} ms`);
  await page.close();
  assert.equal(kit.problems, []);
});

test.run();
