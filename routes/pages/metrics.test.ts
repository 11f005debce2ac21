import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createApp } from '../../app.ts';
import { ActivityMetrics } from '../../lib/metrics.ts';
import { fixture, UUID_A, type Fixture } from '../../testing/route-fixture.ts';
import { activityChart, withActivityChart, CHART_HEIGHT } from './metrics.ts';
import type { Batch } from './live-hub.ts';
import type { StreamView } from './sse.ts';

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
  f.fleet.put({ uuid: UUID_A, hostname: 'pi', status: 'healthy' });
});
test.after(async () => {
  await f.close();
});

test('activityChart: one row per kind on its own scale; empty minutes draw nothing', () => {
  const m = new ActivityMetrics({ now: () => f.clock.t });
  m.add('messages', 1000);
  m.add('errors', 1);
  const chart = activityChart(m.snapshot(), 'de');
  assert.equal(chart.rows.map((r) => r.kind), ['messages', 'commands', 'errors']);
  const [msgs, cmds, errs] = chart.rows;
  assert.is(msgs.bars.length, 1);
  assert.is(msgs.bars[0].h, CHART_HEIGHT - 2, 'the peak fills the row');
  assert.is(msgs.bars[0].x, 591, 'the current minute is the last slot');
  assert.match(msgs.now, /^1\D000$/, 'numbers grouped in the viewer’s locale');
  assert.is(cmds.bars.length, 0);
  assert.is(errs.bars[0].h, CHART_HEIGHT - 2, 'one error is a full bar on its own scale');
  assert.match(errs.bars[0].title, /^\d\d:00: 1$/, 'the minute and its value');
});

test('the monitoring page shows the activity chart (SVG, no inline style) and the export links', async () => {
  metrics.add('messages', 40);
  metrics.add('commands', 2);
  const cookie = await f.login('admin');
  const html = await (await app.request('/monitoring', { headers: { cookie } })).text();
  assert.match(html, /<section id="activity" class="card activity">/);
  assert.match(html, /<figure class="spark spark-messages">/);
  assert.match(html, /<rect class="spark-bar" x="591" y="2" width="8" height="38"><title>/);
  assert.match(html, /aria-label="Commands per minute: 2 in the last hour, at most 2 in one minute"/);
  assert.match(html, /href="\/api\/monitoring\/export\?format=csv"/);
  assert.not.match(html, /\sstyle="/);
  const bare = await (await f.app.request('/monitoring', { headers: { cookie } })).text();
  assert.not.match(bare, /id="activity"/, 'no chart without a metrics source');
});

const batch = (): Batch => ({
  version: 1, changed: new Set(), removed: new Set(), seen: new Map(), statuses: new Map(), alerts: [], commands: new Map(), outageChanged: false, cache: new Map(),
});

test('withActivityChart: the chart rides along on resync and once after every metrics tick', async () => {
  const inner: StreamView = { resync: () => [{ data: 'rows' }], update: () => [] };
  const view = withActivityChart(inner, metrics, { lang: 'en', role: 'admin' }, () => f.clock.t);
  const first = await view.resync();
  assert.is(first.length, 2);
  assert.match(first[1].data, /^<hx-partial hx-target="#activity" hx-swap="outerHTML"><section id="activity"/);
  assert.equal(await view.update(batch()), [], 'nothing new: nothing sent');
  metrics.tick();
  const b = batch();
  const after = await view.update(b);
  assert.is(after.length, 1);
  assert.match(after[0].data, /Messages per minute/);
  assert.equal(await view.update(batch()), [], 'once per tick');
  assert.is(withActivityChart(inner, undefined, { lang: 'en', role: 'admin' }, () => 0), inner, 'no metrics: the view as it was');
});

test.run();
