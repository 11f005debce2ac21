import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createApp } from '../app.ts';
import { ActivityMetrics } from '../lib/metrics.ts';
import { fixture, type Fixture } from '../testing/route-fixture.ts';

let f: Fixture;
let app: ReturnType<typeof createApp>;
let metrics: ActivityMetrics;

test.before(async () => {
  f = await fixture();
  metrics = new ActivityMetrics({ now: () => f.clock.t });
  app = createApp({
    config: f.config, db: f.db, writer: f.writer, fleet: f.fleet, screenshots: f.screenshots, bus: f.bus,
    brokerStatus: () => ({ connected: true }), metrics, now: () => f.clock.t, ...f.parts,
  });
});
test.after(async () => {
  await f.close();
});

test('GET /api/metrics: per-minute counts of the last hour for signed-in users', async () => {
  assert.is((await app.request('/api/metrics')).status, 401);
  const cookie = await f.login('user');
  metrics.message('infoscreen/u/health');
  metrics.message('infoscreen/u/logs/error');
  f.clock.t += 60_000;
  metrics.add('commands', 3);
  const res = await app.request('/api/metrics', { headers: { cookie } });
  assert.is(res.status, 200);
  assert.is(res.headers.get('cache-control'), 'no-store');
  const body = await res.json();
  assert.is(body.generatedAt, '2026-03-02T10:01:00.000Z');
  assert.is(body.windowMinutes, 60);
  assert.is(body.minutes.length, 60);
  assert.equal(body.minutes.at(-1), { at: '2026-03-02T10:01:00.000Z', messages: 0, commands: 3, errors: 0 });
  assert.equal(body.minutes.at(-2), { at: '2026-03-02T10:00:00.000Z', messages: 2, commands: 0, errors: 1 });
  assert.equal(body.totals, { messages: 2, commands: 3, errors: 1 });
  assert.equal(body.currentMinute, { messages: 0, commands: 3, errors: 0 });
  assert.is(body.peakPerMinute, 3);
});

test('without a metrics source the route is simply not there', async () => {
  const cookie = await f.login('user');
  const res = await f.app.request('/api/metrics', { headers: { cookie } });
  assert.is(res.status, 404);
  assert.equal(await res.json(), { error: 'not found' });
});

test.run();
