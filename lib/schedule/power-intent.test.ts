import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { desiredIntent, expirySeconds, nextIntent, type IntentPolicy } from './power-intent.ts';
import { occurrencesBetween } from './occurrences.ts';
import { testEvent } from '../../testing/schedule-events.ts';
import { intentPayload } from './wire.ts';

const t = (s: string) => Date.parse(s);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString().replace('.000Z', 'Z'));
const POLICY: IntentPolicy = { pollSeconds: 30, expiryMultiplier: 3, minExpirySeconds: 90 };
let n = 0;
const newId = () => `id-${++n}`;
const occ = (...events: Parameters<typeof testEvent>[0][]) => occurrencesBetween(events.map(testEvent), t('2026-04-01T00:00:00Z'), t('2026-04-02T00:00:00Z'), new Set());

test('expiry: max(multiplier × poll interval, minimum) for several poll intervals', () => {
  const cases: Array<[number, number, number, number]> = [
    [30, 3, 90, 90], [10, 3, 90, 90], [45, 3, 90, 135], [60, 3, 90, 180], [1, 3, 90, 90], [120, 2, 90, 240], [30, 3, 200, 200],
  ];
  for (const [pollSeconds, expiryMultiplier, minExpirySeconds, want] of cases) {
    const p = { pollSeconds, expiryMultiplier, minExpirySeconds };
    assert.is(expirySeconds(p), want, JSON.stringify(p));
    const step = nextIntent(null, desiredIntent([], 0), 1_000_000, p, newId);
    assert.is(step.state.expiresAt - step.state.issuedAt, want * 1000);
  }
});

test('back-to-back and overlapping events merge into one window: no off in between', () => {
  const o = occ(
    { id: 1, start: t('2026-04-01T06:00:00Z'), end: t('2026-04-01T07:00:00Z') },
    { id: 2, start: t('2026-04-01T07:00:00Z'), end: t('2026-04-01T08:00:00Z') }, // adjacent
    { id: 3, start: t('2026-04-01T07:30:00Z'), end: t('2026-04-01T09:00:00Z') }, // overlapping
    { id: 4, start: t('2026-04-01T10:00:00Z'), end: t('2026-04-01T11:00:00Z') }, // after a gap
  );
  let prev = null;
  const ids = new Set<string>();
  for (let m = t('2026-04-01T06:00:00Z'); m < t('2026-04-01T09:00:00Z'); m += 60_000) {
    const w = desiredIntent(o, m);
    assert.is(w.desiredState, 'on', iso(m)!);
    assert.is(iso(w.windowStart), '2026-04-01T06:00:00Z');
    assert.is(iso(w.windowEnd), '2026-04-01T09:00:00Z');
    const step = nextIntent(prev, w, m, POLICY, newId);
    ids.add(step.state.intentId);
    prev = step.state;
  }
  assert.is(ids.size, 1, 'one intent_id for the whole merged window');
  assert.equal(desiredIntent(o, t('2026-04-01T07:45:00Z')).activeEventIds, [2, 3]);
  const gap = desiredIntent(o, t('2026-04-01T09:00:00Z'));
  assert.equal([gap.desiredState, gap.reason, gap.activeEventIds, gap.windowStart, gap.windowEnd], ['off', 'no_active_event', [], null, null]);
  assert.equal([iso(desiredIntent(o, t('2026-04-01T10:00:00Z')).windowStart), iso(desiredIntent(o, t('2026-04-01T10:00:00Z')).windowEnd)], ['2026-04-01T10:00:00Z', '2026-04-01T11:00:00Z']);
});

test('on → off → on: a new id on each semantic change; a heartbeat keeps the id and moves the timestamps', () => {
  const o = occ({ id: 1, start: t('2026-04-01T06:00:00Z'), end: t('2026-04-01T07:00:00Z') });
  const a = nextIntent(null, desiredIntent(o, t('2026-04-01T05:59:00Z')), t('2026-04-01T05:59:00Z'), POLICY, newId);
  assert.is(a.transition, true);
  assert.is(a.state.desiredState, 'off');
  const hb = nextIntent(a.state, desiredIntent(o, t('2026-04-01T05:59:30Z')), t('2026-04-01T05:59:30Z'), POLICY, newId);
  assert.equal([hb.transition, hb.changed, hb.state.intentId], [false, false, a.state.intentId]);
  assert.is(hb.state.issuedAt - a.state.issuedAt, 30_000);
  const on = nextIntent(hb.state, desiredIntent(o, t('2026-04-01T06:00:00Z')), t('2026-04-01T06:00:00Z'), POLICY, newId);
  assert.equal([on.transition, on.state.desiredState], [true, 'on']);
  assert.is.not(on.state.intentId, a.state.intentId);
  const off = nextIntent(on.state, desiredIntent(o, t('2026-04-01T07:00:00Z')), t('2026-04-01T07:00:00Z'), POLICY, newId);
  assert.equal([off.transition, off.state.desiredState, off.state.reason], [true, 'off', 'no_active_event']);
  assert.ok(off.state.intentId !== on.state.intentId && off.state.intentId !== a.state.intentId);
});

test('a change of the active events inside the window publishes at once but keeps the id', () => {
  const o = occ({ id: 1, start: t('2026-04-01T06:00:00Z'), end: t('2026-04-01T07:00:00Z') }, { id: 2, start: t('2026-04-01T07:00:00Z'), end: t('2026-04-01T08:00:00Z') });
  const a = nextIntent(null, desiredIntent(o, t('2026-04-01T06:59:00Z')), t('2026-04-01T06:59:00Z'), POLICY, newId);
  const b = nextIntent(a.state, desiredIntent(o, t('2026-04-01T07:00:00Z')), t('2026-04-01T07:00:00Z'), POLICY, newId);
  assert.equal([b.transition, b.changed, b.state.intentId], [false, true, a.state.intentId]);
  assert.equal(b.state.activeEventIds, [2]);
});

test('payload: every field of the docs/scheduler.md example, in its order and types', () => {
  const o = occ({ id: 148, groupId: 12, start: t('2026-04-01T06:00:00Z'), end: t('2026-04-01T07:00:00Z') });
  const now = t('2026-04-01T06:00:03.496Z');
  const step = nextIntent(null, desiredIntent(o, now), now, POLICY, () => '9cf26d9b-87a3-42f1-8446-e90bb6f6ce63');
  const text = intentPayload(12, step.state, 30);
  assert.is(
    text,
    JSON.stringify({
      schema_version: '1.0',
      intent_id: '9cf26d9b-87a3-42f1-8446-e90bb6f6ce63',
      group_id: 12,
      desired_state: 'on',
      reason: 'active_event',
      issued_at: '2026-04-01T06:00:03.496Z',
      expires_at: '2026-04-01T06:01:33.496Z',
      poll_interval_sec: 30,
      active_event_ids: [148],
      event_window_start: '2026-04-01T06:00:00Z',
      event_window_end: '2026-04-01T07:00:00Z',
    }),
  );
  const off = JSON.parse(intentPayload(12, nextIntent(step.state, desiredIntent([], now), now, POLICY, newId).state, 30));
  assert.equal([off.desired_state, off.reason, off.active_event_ids, off.event_window_start, off.event_window_end], ['off', 'no_active_event', [], null, null]);
});

test.run();
