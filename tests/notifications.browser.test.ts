/**
 * Browser test (real Chromium, real runtime): an admin opens /settings/notifications, adds a
 * webhook channel pointing at a real receiver on loopback, sends a test (the page shows the HTTP
 * status and latency) and sees the delivery listed; bad input (a non-HTTP URL, an unreachable
 * receiver, a redirect loop) gives a clear error on the page and breaks nothing else. In German.
 */
import { test as uvuTest } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { BrowserKit, browserTests, shot } from '../testing/browser-kit.ts';
import { httpReceiver, type HttpReceiver } from '../testing/notify-receivers.ts';

const test = browserTests(uvuTest);
const kit = new BrowserKit({ name: 'notifications browser test', prefix: 'infoscreen-browser-notify-', locale: 'de-AT' });
let rx: HttpReceiver;
let page: Page;

test.before(async () => {
  if (!(await kit.start())) return;
  rx = await httpReceiver();
  page = await kit.newPage();
  await kit.login(page, '/settings/notifications');
});

test.after(async () => {
  await rx?.close();
  await kit.close();
});

async function addChannel(name: string, url: string): Promise<void> {
  await page.fill('#ch-name', name);
  await page.selectOption('#ch-type', 'webhook');
  await page.fill('#ch-url', url);
  await Promise.all([page.waitForLoadState('load'), page.click('#channel-form button[type=submit]')]);
}

test('add a channel, send a test, see the delivery listed', async () => {
  await addChannel('Alertmanager', `${rx.url}/hook/geheim-token`);
  assert.match(await page.textContent('#notif-notice') ?? '', 'Kanal „Alertmanager“ hinzugefügt.');
  assert.not.match(await page.content(), 'geheim-token');
  await Promise.all([page.waitForLoadState('load'), page.click('#notif-channels button:has-text("Test senden")')]);
  assert.match(await page.textContent('#notif-notice') ?? '', /Test zugestellt: HTTP 200 in \d+ ms\./);
  assert.is(rx.received.length, 1);
  const row = await page.textContent('#outbox-table tbody tr');
  assert.match(row ?? '', 'Alertmanager');
  assert.match(row ?? '', 'test');
  assert.match(row ?? '', 'sent');
  assert.match(row ?? '', 'HTTP 200');
  await shot(page, 'notifications-test-sent');
  assert.equal(kit.problems, []);
});

test('bad input: a non-HTTP URL, an unreachable receiver and a redirect loop each give a clear error', async () => {
  await addChannel('FTP', 'ftp://example.org/hook');
  assert.is(await page.textContent('#notif-error'), 'Die URL muss eine http- oder https-Adresse sein.');
  const closed = await httpReceiver();
  const deadUrl = `${closed.url}/dead`;
  await closed.close();
  await addChannel('Tot', deadUrl);
  await Promise.all([page.waitForLoadState('load'), page.click('tr:has-text("Tot") button:has-text("Test senden")')]);
  assert.match(await page.textContent('#notif-error') ?? '', /Test fehlgeschlagen: 127\.0\.0\.1:\d+ hat die Verbindung abgelehnt/);
  rx.script.push('redirect-loop');
  await Promise.all([page.waitForLoadState('load'), page.click('tr:has-text("Alertmanager") button:has-text("Test senden")')]);
  assert.match(await page.textContent('#notif-error') ?? '', 'hat mit einer Weiterleitung geantwortet (HTTP 302)');
  rx.script.length = 0;
  await Promise.all([page.waitForLoadState('load'), page.click('tr:has-text("Alertmanager") button:has-text("Test senden")')]);
  assert.match(await page.textContent('#notif-notice') ?? '', 'Test zugestellt');
  assert.is(await page.locator('#outbox-table tbody tr').count(), 4);
  assert.equal(kit.problems, []);
});

test.run();
