/**
 * The semantics of docs/notifications.md "Semantics", each on a simulated clock, with the real
 * supervisor (grace timer, offline settle, outage heuristic) feeding the real bus subscription.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimulatedClock } from 'xstate';
import { Supervisor } from '../../actors/supervisor.ts';
import { EventBus } from '../../lib/bus.ts';
import { setQuiet } from '../../lib/logger.ts';
import { NotificationEngine, RATE_WINDOW_MS, type ScheduleState } from './engine.ts';
import { AlertSources } from './sources.ts';
import { clientView } from './client-view.ts';
import type { Channel, Notice, Rule } from '../../domain/notifications.ts';

setQuiet(true);
const GRACE = 170_000;
const MIN = 60_000;
const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const T0 = Date.parse('2025-03-10T08:00:00Z'); // 09:00 in Vienna

const rule = (o: Partial<Rule> = {}): Rule => ({
  id: 1,
  channelId: 1,
  kinds: null,
  minSeverity: 'warning',
  groupIds: null,
  delaySeconds: null,
  notifyResolved: true,
  repeatSeconds: null,
  respectSchedule: true,
  quietHours: null,
  createdAt: 0,
  ...o,
});
const channel = (rateCap = 20): Channel => ({ id: 1, name: 'ops', type: 'webhook', target: '', language: 'en', rateCap, enabled: true, createdAt: 0 });

function setup(o: { rule?: Partial<Rule>; rateCap?: number; schedule?: (g: number, at: number) => ScheduleState; mutedUntil?: (u?: string, g?: number | null, at?: number) => number | null; groups?: Record<string, number> } = {}) {
  const clock = new SimulatedClock();
  clock.set(T0);
  const bus = new EventBus();
  const sup = new Supervisor({ clock, bus, graceMs: GRACE, persist: () => {} });
  const sent: Notice[] = [];
  const view = (id: string) => {
    const v = clientView(sup.get(id));
    return v && { ...v, groupId: o.groups?.[id] ?? v.groupId };
  };
  const engine = new NotificationEngine({ clock, send: (_c, _r, n) => sent.push(n), persist: () => {}, schedule: o.schedule, mutedUntil: o.mutedUntil, client: view });
  engine.setRules([rule(o.rule)], [channel(o.rateCap)]);
  const sources = new AlertSources({ bus, engine, client: view, clients: () => sup.list().map((r) => [r.uuid, view(r.uuid)!]), now: () => clock.now() });
  engine.start();
  /** Moves the clock in 5 s steps (timers fire in order, as in real time). */
  const advance = (ms: number) => {
    for (let left = ms; left > 0; left -= 5000) {
      clock.increment(Math.min(5000, left));
      sources.check();
    }
  };
  const beat = (...ids: string[]) => {
    for (const id of ids) sup.send(id, { type: 'HEARTBEAT', at: clock.now(), processStatus: 'running' });
  };
  /** Advances while these clients keep sending heartbeats every minute. */
  const keep = (ms: number, ...ids: string[]) => {
    for (let left = ms; left > 0; left -= MIN) {
      beat(...ids);
      advance(Math.min(MIN, left));
    }
  };
  const summary = () => sent.map((n) => `${n.kind}:${n.alerts.map((a) => `${a.status}/${a.kind}`).join(',')}`);
  return { clock, bus, sup, sent, engine, advance, beat, keep, summary };
}

test('offline 5 min and back, delay 10 min → nothing is ever sent', () => {
  const h = setup({ rule: { delaySeconds: 600 } });
  h.beat(uuid(1));
  h.advance(GRACE + 5 * MIN);
  assert.is(h.sup.get(uuid(1))!.connectivity, 'offline');
  h.keep(60 * MIN, uuid(1));
  assert.equal(h.sent, []);
});

test('offline 11 min → exactly one firing; back → exactly one resolved with the same fingerprint', () => {
  const h = setup({ rule: { delaySeconds: 600 } });
  h.beat(uuid(1));
  h.advance(GRACE); // offline now
  h.advance(10 * MIN - 5000);
  assert.equal(h.sent, [], 'not before the delay');
  h.advance(MIN);
  assert.equal(h.summary(), ['firing:firing/client-offline']);
  h.advance(30 * MIN);
  assert.is(h.sent.length, 1, 'no repeat by default');
  h.keep(30 * MIN, uuid(1));
  assert.equal(h.summary(), ['firing:firing/client-offline', 'resolved:resolved/client-offline']);
  assert.is(h.sent[0].alerts[0].fingerprint, h.sent[1].alerts[0].fingerprint);
});

test('a fleet outage (the outage heuristic) → one outage message, no per-screen ones, then one resolved', () => {
  const h = setup({ rule: { delaySeconds: null } });
  const ids = Array.from({ length: 10 }, (_, i) => uuid(i + 1));
  h.beat(...ids);
  h.advance(GRACE + 30 * MIN);
  assert.equal(h.summary(), ['firing:firing/outage']);
  h.keep(30 * MIN, ...ids);
  assert.equal(h.summary(), ['firing:firing/outage', 'resolved:resolved/outage']);
});

test('flapping (≥ 4 changes in 30 min) → one flapping message, transitions held, then its current state once', () => {
  const h = setup({ rule: { delaySeconds: 0 } });
  const flap = () => {
    h.keep(GRACE + 5000, uuid(2)); // 1 silent: offline (uuid(2) keeps reporting: no outage)
    h.beat(uuid(1)); // back
  };
  h.beat(uuid(1));
  flap(); // changes 1, 2 (back before the offline alert settled: nothing sent)
  assert.equal(h.sent, []);
  flap(); // 3, 4 → flapping
  assert.equal(h.summary(), ['flapping:firing/flapping'], h.summary().join(' | '));
  flap();
  flap();
  h.keep(40 * MIN, uuid(2)); // ends offline, stable for 30 min
  assert.equal(h.summary(), ['flapping:firing/flapping', 'digest:resolved/flapping,firing/client-offline'], h.summary().join(' | '));
  assert.is(h.sent[1].digest?.reason, 'stable');
});

test('offline while the schedule says off → nothing; still offline `delay` after it turns on → one message then', () => {
  const onAt = T0 + 60 * MIN;
  const schedule = (_g: number, at: number): ScheduleState => (at >= onAt ? { scheduled: true, on: true, since: onAt } : { scheduled: true, on: false, since: null });
  const h = setup({ rule: { delaySeconds: 600 }, schedule, groups: { [uuid(1)]: 7 } });
  h.beat(uuid(1));
  h.advance(60 * MIN - 5000); // offline for most of an hour, scheduled off
  assert.equal(h.sent, []);
  h.advance(10 * MIN); // on for 10 min minus 5 s
  assert.equal(h.sent, []);
  h.advance(10_000);
  assert.equal(h.summary(), ['firing:firing/client-offline']);
});

test('a group with no events counts as always on; respectSchedule off ignores the schedule', () => {
  const h = setup({ rule: { delaySeconds: 600 }, schedule: () => ({ scheduled: false, on: true, since: null }), groups: { [uuid(1)]: 7 } });
  h.beat(uuid(1));
  h.advance(GRACE + 11 * MIN);
  assert.is(h.sent.length, 1);
  const off = setup({ rule: { delaySeconds: 600, respectSchedule: false }, schedule: () => ({ scheduled: true, on: false, since: null }), groups: { [uuid(1)]: 7 } });
  off.beat(uuid(1));
  off.advance(GRACE + 11 * MIN);
  assert.is(off.sent.length, 1);
});

test('quiet hours → nothing during them, one digest at their end with what is still open', () => {
  const h = setup({ rule: { delaySeconds: 0, quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Vienna' } } });
  h.clock.set(Date.parse('2025-03-10T21:30:00Z')); // 22:30 in Vienna
  h.beat(uuid(1), uuid(2), uuid(3), uuid(4));
  h.keep(60 * MIN, uuid(3), uuid(4)); // 1 and 2 go offline and stay so
  h.keep(GRACE + 10 * MIN, uuid(4)); // 3 goes offline…
  h.keep(30 * MIN, uuid(3), uuid(4)); // …and comes back
  const end = Date.parse('2025-03-11T06:00:00Z'); // 07:00 in Vienna
  h.keep(end - h.clock.now() - MIN, uuid(3), uuid(4));
  assert.equal(h.sent, []);
  h.keep(2 * MIN, uuid(3), uuid(4));
  assert.is(h.sent.length, 1);
  assert.is(h.sent[0].kind, 'digest');
  assert.equal(h.sent[0].digest, { reason: 'quiet-hours', resolved: 1 });
  assert.equal(h.sent[0].alerts.map((a) => `${a.status}/${a.uuid}`).sort(), [`firing/${uuid(1)}`, `firing/${uuid(2)}`]);
  h.keep(60 * MIN, uuid(3), uuid(4));
  assert.is(h.sent.length, 1);
});

test('a storm over the channel rate cap is folded into one digest', () => {
  const h = setup({ rule: { delaySeconds: 0, kinds: ['command-failed'] }, rateCap: 3 });
  for (let i = 0; i < 10; i++) h.bus.emit({ type: 'command', commandId: `c${i}`, uuid: uuid(i), action: 'reboot_host', from: 'sent', to: 'failed', at: h.clock.now() });
  assert.is(h.sent.length, 3);
  h.advance(RATE_WINDOW_MS);
  assert.is(h.sent.length, 4);
  assert.equal(h.sent[3].digest?.reason, 'rate-cap');
  assert.is(h.sent[3].alerts.length, 7);
});

test('a muted group: nothing while muted; still offline when the window ends → one message then', () => {
  const until = T0 + 60 * MIN;
  const h = setup({ rule: { delaySeconds: 600 }, groups: { [uuid(1)]: 5 }, mutedUntil: (_u, g, at) => (g === 5 && at! < until ? until : null) });
  h.beat(uuid(1));
  h.advance(60 * MIN - 5000);
  assert.equal(h.sent, []);
  h.advance(10_000);
  assert.equal(h.summary(), ['firing:firing/client-offline']);
});

test('repeat interval: an alert still open is sent again every interval; groups not chosen and lower severities are not', () => {
  const r = setup({ rule: { delaySeconds: 0, repeatSeconds: 3600 } });
  r.beat(uuid(1), uuid(2));
  r.keep(130 * MIN, uuid(2)); // uuid(1) offline from ~3 min on
  assert.equal(r.summary(), ['firing:firing/client-offline', 'firing:firing/client-offline', 'firing:firing/client-offline']);
  const g = setup({ rule: { delaySeconds: 0, groupIds: [9] }, groups: { [uuid(1)]: 8 } });
  g.beat(uuid(1), uuid(2));
  g.keep(6 * MIN, uuid(2));
  assert.equal(g.sent, []);
  const s = setup({ rule: { delaySeconds: 0, minSeverity: 'critical' } });
  s.beat(uuid(1), uuid(2));
  s.keep(6 * MIN, uuid(2));
  assert.equal(s.sent, []);
});

test.run();
