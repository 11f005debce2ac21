import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimulatedClock, type InspectionEvent } from 'xstate';
import { SchedulerService, type ExpectedEvent, type SchedulerDeps } from './scheduler.ts';
import type { IntentState } from '../lib/schedule/power-intent.ts';
import { openDatabase, type Db } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { insertGroupStatement, deleteGroupStatements } from '../db/groups.ts';
import { insertEventStatement, updateEventStatement } from '../db/events.ts';
import { setSettingsStatements } from '../db/settings.ts';
import type { EventDraft } from '../lib/schedule/types.ts';
import { setQuiet } from '../lib/logger.ts';

setQuiet(true);
const t = (s: string) => Date.parse(s);
const START = t('2026-04-01T05:58:00Z');

class Recorder {
  connected = true;
  fail = false;
  sent: Array<{ topic: string; payload: string; retain: boolean; qos: number }> = [];
  async publish(topic: string, payload: string | Uint8Array, opts: { qos: 0 | 1; retain: boolean }) {
    if (this.fail) throw new Error('broker down');
    this.sent.push({ topic, payload: String(payload), retain: opts.retain, qos: opts.qos });
  }
  take() {
    return this.sent.splice(0);
  }
}

const draft = (p: Partial<EventDraft> = {}): EventDraft => ({
  groupId: 12, title: 'Morning news', description: null, eventType: 'video',
  start: t('2026-04-01T06:00:00Z'), end: t('2026-04-01T07:00:00Z'), timezone: 'Europe/Vienna', recurrenceRule: null,
  skipHolidays: false, isActive: true, fields: { video: { url: 'https://cdn.example/news.mp4', autoplay: null, loop: null, volume: null, muted: true } }, ...p,
});

interface Setup {
  db: Db;
  clock: SimulatedClock;
  pub: Recorder;
  svc: SchedulerService;
  expected: Array<{ map: Map<number, ExpectedEvent | null>; complete: boolean }>;
  inspected: InspectionEvent[];
  poll(): Promise<void>;
}

const open: Setup[] = [];
async function setup(over: Partial<SchedulerDeps> = {}, seed?: (db: Db) => Promise<void>): Promise<Setup> {
  const db = await openDatabase('file::memory:');
  await migrate(db);
  await db.batch([insertGroupStatement(12, { name: 'Aula', description: null, displayOrder: 0 }, START), insertEventStatement(148, draft(), START)], 'write');
  await seed?.(db);
  const clock = new SimulatedClock();
  clock.set(START);
  const pub = new Recorder();
  const expected: Setup['expected'] = [];
  const inspected: InspectionEvent[] = [];
  let n = 0;
  const svc = new SchedulerService({
    clock, db, publisher: pub, pollSeconds: 30, refreshSeconds: 0, windowDays: 7,
    powerIntent: { enabled: true, heartbeat: true, expiryMultiplier: 3, minExpirySeconds: 90 },
    expected: { expectEvents: (map, complete) => expected.push({ map: new Map(map), complete }) },
    inspect: (e) => inspected.push(e),
    newId: () => `intent-${++n}`,
    ...over,
  });
  await svc.start();
  await svc.whenIdle();
  const s: Setup = { db, clock, pub, svc, expected, inspected, poll: async () => (clock.increment(30_000), await svc.whenIdle()) };
  open.push(s);
  return s;
}

const events = (sent: Recorder['sent'], group = 12) => sent.filter((m) => m.topic === `infoscreen/events/${group}`).map((m) => JSON.parse(m.payload));
const intents = (sent: Recorder['sent'], group = 12) => sent.filter((m) => m.topic === `infoscreen/groups/${group}/power/intent`).map((m) => JSON.parse(m.payload));

test('start-up publishes [] and an off intent, retained QoS 1; unchanged polls publish only intent heartbeats', async () => {
  const { pub, poll, svc } = await setup();
  const first = pub.take();
  assert.equal(events(first), [[]]);
  assert.ok(first.every((m) => m.retain && m.qos === 1));
  assert.equal(intents(first).map((i) => i.desired_state), ['off']);
  await poll();
  const second = pub.take();
  assert.is(events(second).length, 0, 'an unchanged list is not published again');
  assert.equal(intents(second).map((i) => [i.intent_id, i.desired_state]), [['intent-1', 'off']], 'heartbeat keeps the id');
  assert.is(svc.counters.intentHeartbeats, 1);
});

test('without heartbeats an unchanged poll publishes nothing at all', async () => {
  const { pub, poll } = await setup({ powerIntent: { enabled: true, heartbeat: false, expiryMultiplier: 3, minExpirySeconds: 90 } });
  pub.take();
  for (let i = 0; i < 3; i++) await poll();
  assert.equal(pub.take(), []);
});

test('the event appears at the first poll after its start, with defaults filled in, and [] once it ended', async () => {
  const { pub, poll, expected } = await setup();
  pub.take();
  await poll(); // 05:58:30
  await poll(); // 05:59:00
  await poll(); // 05:59:30
  assert.is(events(pub.take()).length, 0);
  await poll(); // 06:00:00
  const sent = pub.take();
  assert.equal(events(sent), [[{
    id: 148, group_id: 12, title: 'Morning news', event_type: 'video', start: '2026-04-01T06:00:00Z', end: '2026-04-01T07:00:00Z',
    video: { url: 'https://cdn.example/news.mp4', autoplay: true, loop: true, volume: 0.8, muted: true },
  }]]);
  assert.equal(expected.at(-1)!.map.get(12), { eventId: '148', changing: true });
  for (let i = 0; i < 119; i++) await poll(); // until 06:59:30
  assert.is(events(pub.take()).length, 0);
  await poll(); // 07:00:00
  assert.equal(events(pub.take()), [[]]);
  assert.equal(expected.at(-1)!.map.get(12), null);
});

test('an edit publishes at once, without waiting for the poll; system defaults come from the settings', async () => {
  const { pub, svc, db, clock } = await setup();
  clock.increment(3 * 60_000 - 30_000 * 6); // 06:00 would be the 4th poll: stay before it (no poll fires)
  pub.take();
  await db.batch([updateEventStatement(148, draft({ start: t('2026-04-01T05:00:00Z'), title: 'Earlier news' }), START), ...setSettingsStatements({ video_volume: '0.3' }, START)], 'write');
  await svc.changed({ groups: [12], settings: true });
  const list = events(pub.take());
  assert.is(list.length, 1);
  assert.equal([list[0][0].title, list[0][0].video.volume], ['Earlier news', 0.3]);
});

test('power intent: on at the start with a new id, heartbeats keep it, off at the end with another new id', async () => {
  const { pub, poll, svc } = await setup();
  const off1 = intents(pub.take())[0];
  for (let i = 0; i < 4; i++) await poll(); // → 06:00
  const on = intents(pub.take()).at(-1);
  assert.equal([on.desired_state, on.reason, on.active_event_ids, on.event_window_start, on.event_window_end], ['on', 'active_event', [148], '2026-04-01T06:00:00Z', '2026-04-01T07:00:00Z']);
  assert.is.not(on.intent_id, off1.intent_id);
  for (let i = 0; i < 5; i++) await poll();
  const beats = intents(pub.take());
  assert.is(beats.length, 5);
  assert.ok(beats.every((b) => b.intent_id === on.intent_id && b.desired_state === 'on'));
  assert.ok(beats.every((b) => Date.parse(b.expires_at) - Date.parse(b.issued_at) === 90_000));
  for (let i = 0; i < 115; i++) await poll(); // → 07:00
  const off2 = intents(pub.take()).at(-1);
  assert.equal([off2.desired_state, off2.reason], ['off', 'no_active_event']);
  assert.ok(off2.intent_id !== on.intent_id && off2.intent_id !== off1.intent_id);
  assert.is(svc.counters.intentTransitions, 2);
  assert.equal(svc.transitions().map((x) => [x.from, x.to]), [[null, 'off'], ['off', 'on'], ['on', 'off']]);
});

test('a restart keeps the intent_id when nothing semantic changed (persisted intents), and mints one when it did', async () => {
  const stored = new Map<number, IntentState>();
  const store = { load: async () => new Map(stored), save: (id: number, s: IntentState | null) => void (s ? stored.set(id, s) : stored.delete(id)) };
  const first = await setup({ intents: store });
  for (let i = 0; i < 4; i++) await first.poll(); // → 06:00, on
  const on = intents(first.pub.take()).at(-1);
  assert.is(on.desired_state, 'on');
  assert.is(stored.get(12)?.intentId, on.intent_id, 'the transition was saved');
  first.svc.stop();

  // "Restart" at 06:30 on the same database: the event still runs, so the same id goes out again.
  const at0630 = () => {
    const c = new SimulatedClock();
    c.set(t('2026-04-01T06:30:00Z'));
    return c;
  };
  const again = await setup({ intents: store, newId: () => 'minted-after-restart', clock: at0630() });
  const after = intents(again.pub.take());
  assert.ok(after.length > 0 && after.every((x) => x.intent_id === on.intent_id && x.desired_state === 'on'), JSON.stringify(after));
  again.svc.stop();

  // Without the store the restart mints a new id for the same state.
  const forgetful = await setup({ newId: () => 'minted-after-restart', clock: at0630() });
  const fresh = intents(forgetful.pub.take()).at(-1);
  assert.equal([fresh.intent_id, fresh.desired_state], ['minted-after-restart', 'on']);
});

test('back-to-back events: the intent stays on with the same id across the boundary', async () => {
  const { pub, poll } = await setup({}, async (db) => {
    await db.execute(insertEventStatement(149, draft({ start: t('2026-04-01T07:00:00Z'), end: t('2026-04-01T08:00:00Z'), eventType: 'message', fields: { message: { text: 'next' } } }), START));
  });
  for (let i = 0; i < 4; i++) await poll(); // 06:00
  pub.take();
  const seen: Array<[string, string]> = [];
  for (let i = 0; i < 125; i++) {
    await poll();
    for (const x of intents(pub.take())) seen.push([x.desired_state, x.intent_id]);
  }
  assert.ok(seen.every(([s]) => s === 'on'), 'no off between the two events');
  assert.is(new Set(seen.map(([, id]) => id)).size, 1);
});

test('a broker reconnect republishes every list and intent; failed publishes are retried at the next poll', async () => {
  const { pub, svc, poll } = await setup();
  pub.take();
  pub.fail = true;
  await poll();
  assert.ok(svc.counters.publishFailures >= 1);
  pub.fail = false;
  svc.brokerConnected();
  await svc.whenIdle();
  const sent = pub.take();
  assert.equal(events(sent), [[]]);
  assert.is(intents(sent).length, 1);
  assert.is(svc.counters.intentReconnectRepublishes, 1);

  pub.fail = true;
  for (let i = 0; i < 4; i++) await poll(); // the on-transition at 06:00 fails
  pub.fail = false;
  await poll();
  assert.equal(events(pub.take()).map((l) => l.length), [1], 'the list that failed is published at the next poll');
});

test('a deleted group gets both retained topics cleared (empty payloads)', async () => {
  const { pub, svc, db } = await setup();
  pub.take();
  await db.batch(deleteGroupStatements(12), 'write');
  await svc.changed({ groups: [12] });
  assert.equal(pub.take().map((m) => [m.topic, m.payload, m.retain]), [
    ['infoscreen/events/12', '', true],
    ['infoscreen/groups/12/power/intent', '', true],
  ]);
  assert.is(svc.counters.cleared, 1);
});

test('the inspector sees the scheduler actor (shared inspect callback)', async () => {
  const { inspected, poll } = await setup();
  await poll();
  const ids = new Set(inspected.map((e) => (e.actorRef as unknown as { id: string }).id));
  assert.ok(ids.has('scheduler'));
  assert.ok(inspected.some((e) => e.type === '@xstate.snapshot'));
});

test.after(() => {
  for (const s of open) {
    s.svc.stop();
    s.db.close();
  }
});

test.run();
