/**
 * Priority screenshot lifetime (docs/clients-screens.md): an `event_start`/`event_stop` capture is
 * served at `/screenshots/{uuid}/priority` and shown on the client page for
 * PRIORITY_SCREENSHOT_TTL_SECONDS; afterwards both fall back to the latest screenshot. Real app,
 * real fleet, real screenshot store on disk; the clocks are advanced, not slept.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UUID_A } from '../testing/route-fixture.ts';
import { realFleetFixture, type RealFleetFixture } from '../testing/real-fleet.ts';

let f: RealFleetFixture;
let user: string;
let admin: string;

test.before(async () => {
  f = await realFleetFixture();
  await f.seed({ uuid: UUID_A, hostname: 'pi-a', lastAlive: f.clock.t });
  user = await f.login('user');
  admin = await f.login('admin');
});
test.after(async () => {
  await f.close();
});

/** Both clocks (the app's and the actors'/store's) move together, as one clock does in runtime.ts. */
const advance = (ms: number) => {
  f.clock.t += ms;
  f.commandClock.increment(ms);
};
const image = async (path: string) => new Uint8Array(await (await f.app.request(path, { headers: { cookie: user } })).arrayBuffer());
const page = async () => (await f.app.request(`/clients/${UUID_A}`, { headers: { cookie: user } })).text();
const overview = async () => {
  const res = await f.app.request('/api/client-logs/monitoring-overview', { headers: { cookie: admin } });
  return (await res.json()) as { summary: { activePriorityScreenshots: number }; clients: Array<{ hasActivePriorityScreenshot: boolean }> };
};

test('a priority screenshot is served and shown for the TTL, then the latest one is', async () => {
  const ttlMs = f.config.PRIORITY_SCREENSHOT_TTL_SECONDS * 1000;
  const prio = new Uint8Array([0xff, 0xd8, 7, 0xff, 0xd9]);
  const latest = new Uint8Array([0xff, 0xd8, 8, 0xff, 0xd9]);
  await f.fleet.screenshot(UUID_A, { jpeg: prio, captureType: 'event_start', capturedAt: null, metadata: {} }, f.commandClock.now());
  advance(1_000);
  await f.fleet.screenshot(UUID_A, { jpeg: latest, captureType: 'periodic', capturedAt: null, metadata: {} }, f.commandClock.now());

  assert.equal(await image(`/screenshots/${UUID_A}/priority`), prio, 'active: the priority image');
  const active = await page();
  assert.ok(active.includes(`/screenshots/${UUID_A}/priority?t=`), 'active: the client page shows it');
  assert.ok(active.includes(`data-expires-in="${ttlMs - 1_000}"`), 'with the time it has left, for the browser to remove it then');
  assert.is((await overview()).summary.activePriorityScreenshots, 1);

  advance(ttlMs - 1_001); // 1 ms before the TTL is over
  assert.equal(await image(`/screenshots/${UUID_A}/priority`), prio);

  advance(1); // exactly the TTL after it arrived: no longer active
  assert.equal(await image(`/screenshots/${UUID_A}/priority`), latest, 'expired: falls back to the latest');
  const html = await page();
  assert.not.ok(html.includes(`/screenshots/${UUID_A}/priority`), 'expired: the client page no longer shows it');
  assert.ok(html.includes(`/screenshots/${UUID_A}.jpg?t=`), 'the latest one is still shown');
  const o = await overview();
  assert.is(o.summary.activePriorityScreenshots, 0);
  assert.is(o.clients[0].hasActivePriorityScreenshot, false);

  // A new priority capture is active again from its own arrival.
  const stop = new Uint8Array([0xff, 0xd8, 9, 0xff, 0xd9]);
  await f.fleet.screenshot(UUID_A, { jpeg: stop, captureType: 'event_stop', capturedAt: null, metadata: {} }, f.commandClock.now());
  assert.equal(await image(`/screenshots/${UUID_A}/priority`), stop);
  assert.ok((await page()).includes(`/screenshots/${UUID_A}/priority?t=`));
});

test.run();
