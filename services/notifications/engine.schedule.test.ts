/**
 * "Respect the schedule" (docs/notifications.md "Semantics") with the real SchedulerService's
 * `scheduleState` over real events in a real libSQL database, the real supervisor and a simulated clock.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimulatedClock } from 'xstate';
import { SchedulerService } from '../../actors/scheduler.ts';
import { Supervisor } from '../../actors/supervisor.ts';
import { openDatabase } from '../../db/client.ts';
import { insertEventStatement } from '../../db/events.ts';
import { insertGroupStatement } from '../../db/groups.ts';
import { migrate } from '../../db/migrate.ts';
import { EventBus } from '../../lib/bus.ts';
import { setQuiet } from '../../lib/logger.ts';
import type { EventDraft } from '../../lib/schedule/types.ts';
import { clientView } from './client-view.ts';
import { NotificationEngine } from './engine.ts';
import { AlertSources } from './sources.ts';
import type { Notice, Rule } from '../../domain/notifications.ts';

setQuiet(true);
const MIN = 60_000;
const T0 = Date.parse('2026-04-01T05:00:00Z'); // 07:00 in Vienna
const ON_AT = T0 + 60 * MIN; // the group's event starts an hour later
const SCREEN = '00000000-0000-4000-8000-000000000001';
const WITNESS = '00000000-0000-4000-8000-000000000002'; // keeps reporting: no outage

const draft = (groupId: number): EventDraft => ({
  groupId, title: 'Opening hours', description: null, eventType: 'website',
  start: ON_AT, end: ON_AT + 8 * 60 * MIN, timezone: 'Europe/Vienna', recurrenceRule: null,
  skipHolidays: false, isActive: true, fields: { website: { url: 'https://example.org/' } },
} as EventDraft);

const rule: Rule = { id: 1, channelId: 1, kinds: null, minSeverity: 'warning', groupIds: null, delaySeconds: 600, notifyResolved: true, repeatSeconds: null, respectSchedule: true, quietHours: null, createdAt: 0 };

/** The screen sits in `groupId` (7 has one event from ON_AT on, 8 has none). */
async function setup(groupId: number) {
  const db = await openDatabase('file::memory:');
  await migrate(db);
  await db.batch([
    insertGroupStatement(7, { name: 'Foyer', description: null, displayOrder: 0 }, T0),
    insertGroupStatement(8, { name: 'Cellar', description: null, displayOrder: 1 }, T0),
    insertEventStatement(1, draft(7), T0),
  ], 'write');
  const clock = new SimulatedClock();
  clock.set(T0);
  const publisher = { connected: true, publish: async () => {} };
  const scheduler = new SchedulerService({
    clock, db, publisher, pollSeconds: 30, refreshSeconds: 0, windowDays: 7,
    powerIntent: { enabled: false, heartbeat: false, expiryMultiplier: 3, minExpirySeconds: 90 },
  });
  await scheduler.start();
  const bus = new EventBus();
  const sup = new Supervisor({ clock, bus, graceMs: 170_000, persist: () => {} });
  const view = (id: string) => {
    const v = clientView(sup.get(id));
    return v && { ...v, groupId: id === SCREEN ? groupId : null };
  };
  const sent: Notice[] = [];
  const engine = new NotificationEngine({ clock, send: (_c, _r, n) => sent.push(n), persist: () => {}, schedule: (g, at) => scheduler.scheduleState(g, at), client: view });
  engine.setRules([rule], [{ id: 1, name: 'ops', type: 'webhook', target: '', language: 'en', rateCap: 20, enabled: true, createdAt: 0 }]);
  const sources = new AlertSources({ bus, engine, client: view, clients: () => sup.list().map((r) => [r.uuid, view(r.uuid)!]), now: () => clock.now() });
  engine.start();
  /** Advances in 5 s steps while the witness reports every minute. */
  const advance = async (ms: number) => {
    for (let left = ms; left > 0; left -= 5000) {
      if (left % MIN === 0) sup.send(WITNESS, { type: 'HEARTBEAT', at: clock.now(), processStatus: 'running' });
      clock.increment(Math.min(5000, left));
      sources.check();
    }
    await scheduler.whenIdle();
  };
  for (const id of [SCREEN, WITNESS]) sup.send(id, { type: 'HEARTBEAT', at: clock.now(), processStatus: 'running' });
  const done = () => {
    engine.stop();
    scheduler.stop();
    db.close();
  };
  return { scheduler, sup, sent, advance, done };
}

test('offline while the real schedule says off → nothing; still offline `delay` after it turns on → one message then', async () => {
  const h = await setup(7);
  assert.equal(h.scheduler.scheduleState(7, T0), { scheduled: true, on: false, since: null });
  await h.advance(60 * MIN - 5000); // offline for most of the hour, its group scheduled off
  assert.is(h.sup.get(SCREEN)!.connectivity, 'offline');
  assert.equal(h.sent, []);
  assert.equal(h.scheduler.scheduleState(7, ON_AT), { scheduled: true, on: true, since: ON_AT });
  await h.advance(10 * MIN); // on for 10 min minus 5 s
  assert.equal(h.sent, []);
  await h.advance(10_000);
  assert.equal(h.sent.map((n) => `${n.kind}:${n.alerts.map((a) => `${a.status}/${a.kind}/${a.uuid}`)}`), [`firing:firing/client-offline/${SCREEN}`]);
  await h.advance(60 * MIN);
  assert.is(h.sent.length, 1, 'once');
  h.done();
});

test('a group with no events at all counts as always on: offline `delay` → one message', async () => {
  const h = await setup(8);
  assert.equal(h.scheduler.scheduleState(8, T0), { scheduled: false, on: true, since: null });
  await h.advance(170_000 + 10 * MIN - 5000); // grace, then the 75 s settle and the delay counted from the alert
  await h.advance(2 * MIN);
  assert.is(h.sent.length, 1);
  assert.is(h.sent[0].alerts[0].uuid, SCREEN);
  h.done();
});

test.run();
