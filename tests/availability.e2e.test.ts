/**
 * Availability end to end (docs/availability.md): a real client over the embedded broker goes
 * offline (grace timer on a simulated clock) and comes back; the server is stopped and started
 * again later. `GET /api/reports/availability?client=…` answers the spans: online, offline, online,
 * the server's down time as unknown, and offline from the restart until the client talks again.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SimulatedClock } from 'xstate';
import type { MqttClient } from 'mqtt';
import { examples } from '../testing/broker-fixtures.ts';
import { topics } from '../broker/topics.ts';
import { device, embeddedTarget, guardedSetup, pub, startHarness, tempDir, waitFor, type Harness, type TempDir } from '../testing/helpers.ts';

const s = suite('availability over the embedded broker');
const UUID = crypto.randomUUID();
const T0 = Date.parse('2026-03-02T08:00:00Z');
const MIN = 60_000;
const GRACE = 180_000; // HEARTBEAT_GRACE_PERIOD_DEV
let dir: TempDir;
const open: { harnesses: Harness[]; devices: MqttClient[] } = { harnesses: [], devices: [] };

guardedSetup(s, async () => {
  dir = tempDir('infoscreen-e2e-availability-');
});
s.after(async () => {
  for (const d of open.devices) await d.endAsync().catch(() => {});
  for (const h of open.harnesses) await h.close();
  dir?.remove();
});

const start = async (at: number) => {
  const clock = new SimulatedClock();
  clock.set(at);
  const h = await startHarness(dir.dir, embeddedTarget(), {}, { clock });
  open.harnesses.push(h);
  const d = await device(h.url);
  open.devices.push(d);
  return { h, d, clock };
};
const connectivity = async (h: Harness) => (await h.get(`/api/clients/${UUID}`)).body.connectivity;

s('a client going offline and a server down time become online / offline / unknown spans', async () => {
  const a = await start(T0);
  await pub(a.d, topics.discovery, { ...examples.discovery, uuid: UUID });
  await waitFor(async () => (await connectivity(a.h)) === 'online', 'online');
  a.clock.increment(GRACE); // silent for the grace period: offline at T0 + 3 min
  assert.is(await connectivity(a.h), 'offline');
  a.clock.increment(10 * MIN);
  await pub(a.d, topics.heartbeat(UUID), examples.heartbeat); // back at T0 + 13 min
  await waitFor(async () => (await connectivity(a.h)) === 'online', 'online again');
  a.clock.increment(5 * MIN);
  await a.d.endAsync();
  await a.h.close(); // a clean stop at T0 + 18 min

  // Started again at T0 + 60 min: the client was last seen 47 min ago, so it is offline at once.
  const b = await start(T0 + 60 * MIN);
  assert.is(await connectivity(b.h), 'offline');
  b.clock.increment(MIN);
  await pub(b.d, topics.heartbeat(UUID), examples.heartbeat); // back at T0 + 61 min
  await waitFor(async () => (await connectivity(b.h)) === 'online', 'online after the restart');
  b.clock.increment(4 * MIN); // the report asks at T0 + 65 min

  const from = new Date(T0 - 10 * MIN).toISOString();
  const to = new Date(T0 + 120 * MIN).toISOString();
  const r = await b.h.get(`/api/reports/availability?client=${UUID}&from=${from}&to=${to}`);
  assert.is(r.status, 200, JSON.stringify(r.body));
  const at = (m: number) => new Date(T0 + m * MIN).toISOString();
  assert.equal(r.body.clients[0].spans, [
    { start: from, end: at(0), state: 'unknown' }, // before the server first ran
    { start: at(0), end: at(3), state: 'online' },
    { start: at(3), end: at(13), state: 'offline' },
    { start: at(13), end: at(18), state: 'online' },
    { start: at(18), end: at(60), state: 'unknown' }, // the server was down: not offline
    { start: at(60), end: at(61), state: 'offline' },
    { start: at(61), end: at(65), state: 'online' },
    { start: at(65), end: to, state: 'unknown' }, // after now
  ]);
  const c = r.body.clients[0];
  assert.equal([c.onlineMs, c.offlineMs, c.incidents, c.longestOutageMs], [12 * MIN, 11 * MIN, 2, 10 * MIN]);
  assert.is(c.availabilityPct, 52.17); // 12 of 23 known minutes
});

s.run();
