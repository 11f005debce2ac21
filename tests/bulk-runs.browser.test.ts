/**
 * Browser test (real Chromium, real runtime with its embedded broker): an admin restarts the offline
 * screens of a group from the overview's group card, gives the reason in the confirmation dialog,
 * lands on the run page, watches its progress move live as a screen acknowledges its command over
 * MQTT, and aborts the run (nothing more is sent). The card also names the group's active event.
 */
import { test as uvuTest } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import { device, pub, sleep, waitFor } from '../testing/helpers.ts';
import { BrowserKit, browserTests, PHONE, shot, sidewaysScroll } from '../testing/browser-kit.ts';
import { ackPayload } from '../scripts/sim/payloads.ts';

const test = browserTests(uvuTest);

const SCREENS = Array.from({ length: 7 }, (_, i) => `6${i}000000-aaaa-4aaa-8aaa-${String(i).padStart(12, '0')}`);
const kit = new BrowserKit({ name: 'bulk-run browser test', prefix: 'infoscreen-browser-bulk-', env: { HEARTBEAT_GRACE_PERIOD_DEV: '5' }, locale: 'en-GB' });
let dev: MqttClient;
const acked: string[] = [];

test.before(async () => {
  if (!(await kit.start())) return;
  dev = await device(kit.h.url);
  for (const [i, uuid] of SCREENS.entries()) {
    await pub(dev, 'infoscreen/discovery', { uuid, hostname: `aula-${i}`, ip: `10.0.3.${i}`, software_version: '2.4.1' });
    await pub(dev, `infoscreen/${uuid}/heartbeat`, { uuid, timestamp: new Date().toISOString(), current_process: 'chromium', process_pid: 7, process_status: 'running' });
  }
  // The device side: only the first command that arrives is carried out (the others stay in flight).
  dev.on('message', (topic, payload) => {
    const uuid = SCREENS.find((u) => topic === `infoscreen/${u}/commands`);
    if (!uuid || acked.length) return;
    const id = JSON.parse(String(payload)).command_id as string;
    acked.push(id);
    void (async () => {
      for (const status of ['accepted', 'execution_started', 'completed'] as const) await pub(dev, `infoscreen/${uuid}/commands/ack`, ackPayload(id, status));
    })();
  });
  await dev.subscribeAsync(SCREENS.map((u) => `infoscreen/${u}/commands`), { qos: 1 });
  // Silent since the first heartbeat: after the 5 s grace period all seven are offline.
  await waitFor(() => SCREENS.every((u) => kit.h.rt.fleet.get(u)?.status === 'offline'), 'seven offline screens', 12_000);
});

test.after(async () => {
  await dev?.endAsync();
  await kit.close();
});

test('restart the offline screens of a group from its card: reason, confirm, live progress, abort', async () => {
  const page = await kit.newPage();
  await kit.login(page, '/');
  const group = await page.request.post(`${kit.base}/api/groups`, { data: { name: 'Aula' } });
  assert.is(group.status(), 201);
  const gid = (await group.json()).id as number;
  assert.is((await page.request.put(`${kit.base}/api/clients/group`, { data: { uuids: SCREENS, group_id: gid } })).status(), 200);
  const now = Date.now();
  const ev = await page.request.post(`${kit.base}/api/events`, {
    data: { groupId: gid, title: 'Open day', eventType: 'video', start: new Date(now - 3_600_000).toISOString(), end: new Date(now + 3_600_000).toISOString(), video: { url: 'https://cdn.example/o.mp4', volume: 0.5 } },
  });
  assert.is(ev.status(), 201, await ev.text());

  await sleep(2100); // the dashboard caches group names for 2 s (db/group-names.ts)
  await page.goto(`${kit.base}/`);
  const card = `#g-${gid}`;
  await page.waitForSelector(`${card} .group-event strong`);
  assert.is(await page.textContent(`${card} .group-event strong`), 'Open day');
  await shot(page, 'overview-group-event');
  await page.click(`${card} a[href="/groups/${gid}/restart"]`);
  await page.waitForURL(`${kit.base}/groups/${gid}/restart`);
  // The reason is required: an empty one does not open the dialog.
  await page.click('#bulk-restart button[type=submit]');
  assert.is(await page.isVisible('#bulk-restart dialog[open]'), false);
  await page.fill('#bulk-reason', 'screens dark after the power cut');
  await page.click('#bulk-restart button[type=submit]');
  await page.waitForSelector('#bulk-restart dialog[open]');
  assert.match((await page.textContent('#bulk-restart dialog[open]')) ?? '', /Reboot device on 7 offline screens of Aula\?[\s\S]*screens dark after the power cut/);
  await shot(page, 'bulk-confirm-dialog');
  await Promise.all([page.waitForURL(/\/bulk-runs\/[0-9a-f-]{36}$/), page.click('#bulk-restart dialog[open] .btn-primary')]);

  // Live: the one screen that answers completes, the page follows without a reload.
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));
  await page.waitForSelector('#bulk-run-progress [data-count="completed"] strong:text("1")', { timeout: 10_000 });
  assert.match((await page.textContent('#bulk-run-progress')) ?? '', /1 of 7 finished/);
  await page.waitForSelector('#bulk-run-commands .cmd-status[data-status="completed"]');
  assert.is(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 7, 'same document: no reload');
  // The bar in the colours of the counts: the completed command green, nothing red or grey yet.
  const segs = await page.$$eval('#bulk-run-progress .bulk-bar rect', (els) =>
    els.map((e) => [e.getAttribute('data-seg'), (e as SVGRectElement).width.baseVal.value, getComputedStyle(e).fill]),
  );
  const healthy = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--healthy').trim());
  assert.equal(segs.map(([seg, w]) => [seg, w]), [['completed', 1], ['failures', 0], ['notRun', 0]]);
  const asRgb = (c: string) =>
    page.evaluate((colour) => {
      const probe = document.body.appendChild(document.createElement('i'));
      probe.style.color = colour; // CSSOM, not a style attribute: the CSP allows it
      const rgb = getComputedStyle(probe).color;
      probe.remove();
      return rgb;
    }, c);
  assert.is(segs[0][2], await asRgb(healthy), 'green');
  assert.not.equal(segs[1][2], segs[0][2], 'failures are not green');

  await page.fill('#abort-reason', 'wrong group');
  await page.click('#bulk-run-progress .bulk-abort button[type=submit]');
  await page.waitForSelector('#bulk-abort-reason');
  assert.match((await page.textContent('#bulk-abort-reason')) ?? '', /aborted by superadmin: wrong group/);
  assert.is(await page.isVisible('#bulk-run-progress .bulk-abort'), false);
  assert.is(await page.getAttribute('#bulk-run-progress .badge', 'class'), 'badge s-critical', 'a stopped run is not shown green');
  const run = kit.h.rt.bulkRuns.list()[0];
  assert.equal([run.aborted, run.counts.skipped, run.commandIds.length], [true, 1, 6], 'the seventh screen never got its command');
  await shot(page, 'bulk-run-aborted');

  await page.click('nav a[href="/bulk-runs"]');
  await page.waitForSelector(`#run-${run.id}`);
  assert.match((await page.textContent(`#run-${run.id}`)) ?? '', /Aula[\s\S]*Reboot device[\s\S]*screens dark after the power cut[\s\S]*superadmin/);
  assert.equal(kit.problems, []);
  await page.close();
});

test('phone 360×740: overview, restart form, runs list and run page never scroll sideways', async () => {
  const page = await kit.newPage(PHONE);
  await kit.login(page, '/');
  const run = kit.h.rt.bulkRuns.list()[0];
  for (const [name, path] of [
    ['overview', '/'],
    ['bulk-restart', `/groups/${run.groupId}/restart`],
    ['bulk-runs', '/bulk-runs'],
    ['bulk-run', `/bulk-runs/${run.id}`],
  ] as const) {
    await page.goto(`${kit.base}${path}`);
    assert.ok((await sidewaysScroll(page)) <= 0, `${name} scrolls sideways`);
    await shot(page, `${name}-phone`);
  }
  await page.close();
  assert.equal(kit.problems, []);
});

test.run();
