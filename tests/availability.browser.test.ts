/**
 * The availability page in Chromium (docs/availability.md "Page"): a screen with three days of
 * history (an outage of six hours, the server down before that) renders in its row with a strip of
 * one cell per local day, coloured by availability, grey where nothing is known; no CSP problem
 * (the strip uses classes, no inline styles), no sideways scroll on a phone.
 */
import { test as uvuTest } from 'uvu';
import * as assert from 'uvu/assert';
import { connectivityChangeStatement, serverAliveStatement, serverRunEndStatement, serverRunStartStatement } from '../db/connectivity.ts';
import { BrowserKit, browserTests, PHONE, shot, sidewaysScroll } from '../testing/browser-kit.ts';

const test = browserTests(uvuTest);
const kit = new BrowserKit({ name: 'availability browser test', prefix: 'infoscreen-browser-availability-', locale: 'en-GB' });
const UUID = 'a1a1a1a1-0000-4000-8000-000000000001';
const HOUR = 3_600_000;

test.before(async () => {
  if (!(await kit.start())) return;
  const rt = kit.h.rt;
  rt.fleet.ensureClient(UUID);
  await rt.fleet.updateClient(UUID, { description: 'Lobby screen' });
  const now = Date.now();
  // An earlier run of the server from three days ago until an hour ago; this run started now.
  rt.writer.enqueue(serverRunStartStatement('earlier-run', now - 72 * HOUR), serverAliveStatement('earlier-run', now - HOUR), serverRunEndStatement('earlier-run', now - HOUR));
  await rt.writer.write(
    connectivityChangeStatement(UUID, 'online', now - 72 * HOUR),
    connectivityChangeStatement(UUID, 'offline', now - 48 * HOUR),
    connectivityChangeStatement(UUID, 'online', now - 42 * HOUR),
  );
});
test.after(() => kit.close());

test('the page renders a row per screen with a strip of seven day cells, worst colours where the outage was', async () => {
  const page = await kit.newPage();
  await kit.login(page, '/reports/availability');
  const row = page.locator('#avail-screens tr[data-uuid="' + UUID + '"]');
  await row.waitFor({ timeout: 5000 });
  assert.match((await row.textContent()) ?? '', /Lobby screen/);
  const cells = row.locator('.strip .cell');
  assert.is(await cells.count(), 7, 'the last seven local days');
  const levels = await cells.evaluateAll((els) => els.map((e) => e.className.replace('cell ', '')));
  assert.ok(levels.includes('none'), `days before the history are unknown: ${levels}`);
  assert.ok(levels.some((l) => l === 'a1' || l === 'a2'), `the outage day is coloured: ${levels}`);
  const title = await cells.nth(levels.findIndex((l) => l === 'a1' || l === 'a2')).getAttribute('title');
  assert.match(title ?? '', /\d+(\.\d+)? % available/);
  const colours = await cells.evaluateAll((els) => new Set(els.map((e) => getComputedStyle(e).backgroundColor)).size);
  assert.ok(colours >= 2, 'cells are coloured by their level (the stylesheet loaded)');
  await shot(page, 'availability-desktop');
  const phone = await kit.newPage(PHONE);
  await kit.login(phone, '/reports/availability');
  await phone.locator('#avail-screens .strip').first().waitFor({ timeout: 5000 });
  assert.ok((await sidewaysScroll(phone)) <= 0, 'no sideways scroll at 360 px');
  await shot(phone, 'availability-phone');
  assert.equal(kit.problems, []);
});

test.run();
