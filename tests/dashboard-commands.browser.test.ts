/**
 * The dashboard's admin part in a real browser: headless Chromium (playwright-core
 * with Debian's chromium) against the real runtime with the embedded broker behind a real HTTP
 * server. A simulated device acks commands over MQTT. Issues a restart from the client page through
 * the Alpine confirmation dialog (CSP build) and watches it reach "completed" live; acknowledges a
 * failed service in monitoring (which acknowledges its alert too) and another alert on the alerts page; a repeated alert shows one toast
 * with a counter; restarts a crashed screen from its row in monitoring's crashed panel (result and
 * live status in the row, and no CSP violation from htmx's settle step, layout.eta
 * `defaultSettleDelay: 0`); the admin pages fit a 360 px phone. No CSP violation, no Alpine expression error.
 * Screenshots go to test-artifacts/.
 */
import { test as uvuTest } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import { device, pub, sleep, waitFor } from '../testing/helpers.ts';
import { BrowserKit, browserTests, PHONE, shot, sidewaysScroll } from '../testing/browser-kit.ts';

const test = browserTests(uvuTest);
import { ackPayload } from '../scripts/sim/payloads.ts';

const SCREEN = '51111111-aaaa-4aaa-8aaa-111111111111'; // acks every command
const FAILED = '53333333-cccc-4ccc-8ccc-333333333333';
const CRASHED = '54444444-dddd-4ddd-8ddd-444444444444'; // its process crashed; acks commands too
const HOSTILE_REASON = '<img src=x onerror=alert(1)> frozen';

const kit = new BrowserKit({ name: 'browser test', prefix: 'infoscreen-browser-cmd-', env: { HEARTBEAT_GRACE_PERIOD_DEV: '60' }, locale: 'de-AT' });
let dev: MqttClient;
let beat: ReturnType<typeof setInterval> | null = null;
const iso = () => new Date().toISOString();

test.before(async () => {
  if (!(await kit.start())) return;
  dev = await device(kit.h.url);
  for (const [uuid, hostname] of [[SCREEN, 'raum-204'], [FAILED, 'turnsaal'], [CRASHED, 'foyer']]) {
    await pub(dev, 'infoscreen/discovery', { uuid, hostname, ip: '10.0.2.4', software_version: '2.4.1' });
  }
  const heartbeat = () => {
    for (const uuid of [SCREEN, FAILED, CRASHED])
      void pub(dev, `infoscreen/${uuid}/heartbeat`, { uuid, timestamp: iso(), current_process: 'chromium', process_pid: 7, process_status: uuid === CRASHED ? 'crashed' : 'running' }, { qos: 0 });
  };
  heartbeat();
  beat = setInterval(heartbeat, 1000);
  // The device side of a restart_app: accepted, execution started, completed (docs/mqtt.md acks).
  dev.on('message', (topic, payload) => {
    const target = [SCREEN, CRASHED].find((u) => topic === `infoscreen/${u}/commands`);
    if (!target) return;
    const id = JSON.parse(String(payload)).command_id as string;
    void (async () => {
      for (const status of ['accepted', 'execution_started', 'completed'] as const) {
        await sleep(400);
        await pub(dev, `infoscreen/${target}/commands/ack`, ackPayload(id, status));
      }
    })();
  });
  await dev.subscribeAsync([`infoscreen/${SCREEN}/commands`, `infoscreen/${CRASHED}/commands`], { qos: 1 });
  await pub(dev, `infoscreen/${FAILED}/service_failed`, { event: 'service_failed', unit: 'infoscreen-client.service', client_uuid: FAILED, failed_at: iso() }, { retain: true });
  await waitFor(
    () => kit.h.rt.fleet.size() === 3 && kit.h.rt.fleet.get(FAILED)?.serviceFailedAt && kit.h.rt.fleet.get(CRASHED)?.processStatus === 'crashed',
    'three clients, one with a failed service, one crashed',
  );
});

test.after(async () => {
  if (beat) clearInterval(beat);
  await dev?.endAsync();
  await kit.close();
});

test('restart from the client page: confirm in the dialog, watch the command reach completed live', async () => {
  const page = await kit.newPage();
  await kit.login(page, `/clients/${SCREEN}`);
  await page.waitForSelector('#conn[data-state="live"]', { timeout: 5000 });
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));
  // The reason is required: an empty one does not even open the dialog.
  await page.click('#client-actions .command-form[data-action="restart_app"] button[type=submit]');
  assert.is(await page.isVisible('#client-actions dialog[open]'), false);
  await page.fill('#reason-restart_app', HOSTILE_REASON);
  await page.click('#client-actions .command-form[data-action="restart_app"] button[type=submit]');
  await page.waitForSelector('#client-actions .command-form[data-action="restart_app"] dialog[open]');
  assert.match((await page.textContent('#client-actions dialog[open]')) ?? '', /App neu starten: raum-204\?[\s\S]*<img src=x onerror=alert\(1\)> frozen/);
  await shot(page, 'client-confirm-dialog');
  await page.click('#client-actions dialog[open] .btn-primary');
  await page.waitForSelector('#client-actions .notice-ok', { timeout: 5000 });
  assert.match((await page.textContent('#client-actions .notice-ok')) ?? '', /Befehl gesendet/);
  // Acks arrive over MQTT; the history row moves on without a reload.
  await page.waitForSelector('#client-commands .cmd-status[data-status="completed"]', { timeout: 10_000 });
  assert.is(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 7, 'same document: no reload');
  const row = (await page.textContent('#client-commands .cmd')) ?? '';
  assert.match(row, /App neu starten[\s\S]*abgeschlossen[\s\S]*<img src=x onerror=alert\(1\)> frozen/);
  await page.waitForSelector('#toasts .toast[data-key^="command-completed"]', { timeout: 5000 });
  assert.match((await page.textContent('#toasts')) ?? '', /raum-204: App neu starten abgeschlossen/);
  const stored = kit.h.rt.db.execute({ sql: 'SELECT status, reason FROM client_commands WHERE client_uuid = ?', args: [SCREEN] });
  const rows = (await stored).rows;
  assert.is(rows.length, 1);
  assert.is(rows[0].reason, HOSTILE_REASON);
  await shot(page, 'client-command-completed');
  // The audit page lists it.
  await page.goto(`${kit.base}/commands?client=raum-204`);
  await page.waitForSelector('.cmd-table .cmd-status[data-status="completed"]');
  await page.close();
});

test('acknowledge a failed service in monitoring, then its alert on the alerts page', async () => {
  const page = await kit.newPage();
  await kit.login(page, '/monitoring');
  await page.waitForSelector(`#service-failed #sf-${FAILED}`);
  await page.click(`#sf-${FAILED} button`);
  await page.waitForSelector(`#sf-${FAILED}`, { state: 'detached' });
  await waitFor(() => kit.h.rt.fleet.get(FAILED)?.serviceFailedAt === null, 'the flag cleared');
  // Its service-failed alert was acknowledged with it: not in the open list, shown acknowledged under "all".
  await page.goto(`${kit.base}/alerts?show=all`);
  await page.waitForSelector('.alert-list .alert.is-acked', { timeout: 5000 });
  assert.is(await page.locator('.alert-list .alert.is-acked', { hasText: 'turnsaal' }).count(), 1, 'acknowledged with the service failure');
  await page.goto(`${kit.base}/alerts`);
  await page.waitForSelector('#conn[data-state="live"]', { timeout: 5000 });
  assert.is(await page.locator('.alert-list .alert', { hasText: 'turnsaal' }).count(), 0, 'not open');
  // Another alert of that screen arrives live and is acknowledged here.
  kit.h.rt.bus.emit({ type: 'alert', kind: 'client-offline', severity: 'warning', message: 'x', uuid: FAILED, at: Date.now() });
  const item = page.locator('.alert-list .alert', { hasText: 'turnsaal' });
  await item.waitFor();
  await shot(page, 'alerts-desktop');
  await item.locator('button').click();
  await page.waitForSelector('#alerts-view .notice-ok');
  assert.is(await page.locator('.alert-list .alert', { hasText: 'turnsaal' }).count(), 0, 'left the open list');
  await page.close();
});

test('a repeated alert shows one toast with a counter', async () => {
  const page = await kit.newPage();
  await kit.login(page, '/');
  await page.waitForSelector('#conn[data-state="live"]', { timeout: 5000 });
  const key = `#toasts .toast[data-key="client-offline|${SCREEN}"]`;
  kit.h.rt.bus.emit({ type: 'alert', kind: 'client-offline', severity: 'warning', message: 'x', uuid: SCREEN, at: Date.now() });
  await page.waitForSelector(key, { timeout: 5000 });
  assert.not.match((await page.textContent(key)) ?? '', /-mal/);
  kit.h.rt.bus.emit({ type: 'alert', kind: 'client-offline', severity: 'warning', message: 'x', uuid: SCREEN, at: Date.now() });
  await page.waitForSelector(`${key} .toast-count`, { timeout: 5000 });
  assert.is(await page.locator(key).count(), 1, 'one toast per alert');
  assert.match((await page.textContent(key)) ?? '', /raum-204 ist offline[\s\S]*2-mal/);
  await shot(page, 'toast-counter');
  await page.close();
});

test('restart from the crashed panel in monitoring: result and live status in the row; no CSP violation on the swap', async () => {
  const page = await kit.newPage();
  // Every CSP violation the page reports (not only console text): the settle step's setAttribute('style') lands here.
  await page.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.cspViolations.push(`${e.violatedDirective} ${e.sourceFile}:${e.lineNumber}`));
  });
  await kit.login(page, '/monitoring');
  await page.waitForSelector('#conn[data-state="live"]', { timeout: 5000 });
  const row = `#crashed #cr-${CRASHED}`;
  await page.waitForSelector(row);
  // An element of the row that carries a style attribute (as Alpine's x-show leaves one): htmx's settle
  // step would copy it onto the new element with setAttribute, which `style-src 'self'` refuses.
  await page.evaluate((id) => (document.getElementById(id)!.style.opacity = '0.99'), `cs-${CRASHED}`);
  await page.click(`${row} a.btn[hx-get]`); // fetches the command form into the row
  await page.fill(`#cr-${CRASHED}-reason-restart_app`, HOSTILE_REASON);
  await page.click(`${row} .command-form button[type=submit]`);
  await page.waitForSelector(`${row} dialog[open]`);
  assert.match((await page.textContent(`${row} dialog[open]`)) ?? '', /App neu starten: foyer\?/);
  await page.click(`${row} dialog[open] .btn-primary`);
  await page.waitForSelector(`${row} .notice-ok`, { timeout: 5000 });
  assert.match((await page.textContent(`${row} .notice-ok`)) ?? '', /Befehl gesendet/);
  // The device acks over MQTT; the row's status follows live, no reload.
  await page.waitForSelector(`#crc-${CRASHED} .cmd-status[data-status="completed"]`, { timeout: 10_000 });
  assert.match((await page.textContent(`#crc-${CRASHED}`)) ?? '', /App neu starten:[\s\S]*abgeschlossen/);
  const stored = await kit.h.rt.db.execute({ sql: 'SELECT action, reason FROM client_commands WHERE client_uuid = ?', args: [CRASHED] });
  assert.equal(stored.rows.map((r) => [r.action, r.reason]), [['restart_app', HOSTILE_REASON]]);
  await shot(page, 'monitoring-row-restart');
  assert.equal(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations), [], 'no CSP violation');
  await page.close();
});

test('phone 360×740: the admin pages never scroll sideways; restart comes first on the client page', async () => {
  const page = await kit.newPage(PHONE);
  await kit.login(page, '/');
  for (const [name, path] of [
    ['client-actions', `/clients/${SCREEN}`],
    ['commands', '/commands'],
    ['alerts', '/alerts?show=all'],
    ['users', '/users'],
    ['settings', '/settings'],
  ] as const) {
    await page.goto(`${kit.base}${path}`);
    assert.ok((await sidewaysScroll(page)) <= 0, `${name} scrolls sideways`);
    await shot(page, `${name}-phone`);
  }
  await page.goto(`${kit.base}/clients/${SCREEN}`);
  const top = async (sel: string) => (await page.locator(sel).first().boundingBox())!.y;
  assert.ok((await top('#client-now')) < (await top('#reason-restart_app')), 'screenshot and last seen first');
  assert.ok((await top('#reason-restart_app')) < (await top('#client-status')), 'then the restart button');
  await page.close();
  assert.equal(kit.problems, [], 'no CSP violation, no Alpine error, no injected dialog');
});

test.run();
