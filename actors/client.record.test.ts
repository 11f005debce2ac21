/**
 * Snapshot → record, and the restore shortcuts: a restored actor's record equals the persisted one
 * with the connectivity recomputed and the status derived again; the context keeps few top-level keys.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor, SimulatedClock } from 'xstate';
import { clientMachine } from './client.machine.ts';
import { firstRecord, freshnessOnly, toRecord } from './client.record.ts';
import { restoredConnectivity, restoredSnapshot } from './client.restore.ts';
import { deriveStatus } from './client.status.ts';
import { emptyRecord, type ClientRecord } from '../domain/client.types.ts';

const GRACE = 170_000;
const NOW = 100_000_000;

/** A persisted record with every field set (status as stored: possibly stale). */
const persisted = (over: Partial<ClientRecord> = {}): ClientRecord => ({
  ...emptyRecord('2f1c8a84-53a4-4c38-9d6b-1f2a3b4c5d6e', NOW - 86_400_000),
  description: 'Lobby',
  hostname: 'pi-lobby',
  ip: '10.0.0.7',
  hardware: { model: 'Pi 4', ram: 4 },
  softwareVersion: '2.3.1',
  groupId: 4,
  discovered: true,
  discoveredAt: NOW - 80_000_000,
  lastAlive: NOW - 30_000,
  connectivity: 'online',
  processStatus: 'running',
  currentProcess: 'display_manager',
  processPid: 4242,
  currentEventId: '17',
  expectedEventId: '17',
  screenHealthStatus: 'OK',
  lastFrameUpdate: NOW - 31_000,
  serviceStatus: 'ok',
  mqttReconnectCount: 2,
  mqttLastDisconnectAt: NOW - 7_200_000,
  mqttReconnectRoseAt: NOW - 7_000_000,
  latestScreenshotType: 'periodic',
  latestScreenshotAt: NOW - 60_000,
  priorityScreenshotType: 'event_start',
  priorityScreenshotAt: NOW - 600_000,
  status: 'healthy',
  statusReasons: [],
  ...over,
});

function restore(record: ClientRecord, recentErrors: number[] = []) {
  const clock = new SimulatedClock();
  clock.set(NOW);
  const input = { record, now: NOW, graceMs: GRACE, recentErrors };
  return createActor(clientMachine, { clock, input, snapshot: restoredSnapshot(input) }).start();
}

/** What a restore must give: the persisted record, connectivity recomputed, status derived again. */
function expected(r: ClientRecord, recentErrors: number[] = []): ClientRecord {
  const base = { ...r, connectivity: restoredConnectivity(r, NOW, GRACE) };
  const { status, reasons } = deriveStatus(base, { recentErrors, recentWarns: [], expectedKnown: false }, NOW);
  return { ...base, status, statusReasons: reasons };
}

const cases: Array<[string, ClientRecord, number[]?]> = [
  ['online, nothing changed', persisted()],
  ['silent longer than the grace period → offline', persisted({ lastAlive: NOW - GRACE - 1 })],
  ['never seen → unknown', persisted({ lastAlive: null, connectivity: 'unknown', status: 'warning', statusReasons: ['connectivity_unknown'] })],
  ['stored status stale (mismatch only known to the scheduler)', persisted({ currentEventId: '9', status: 'warning', statusReasons: ['event_mismatch'] })],
  ['crashed, service failed, waiting manual', persisted({ processStatus: 'crashed', serviceStatus: 'failed', serviceFailedAt: NOW - 5, serviceFailedUnit: 'x.service', recoveryState: 'waiting_manual', status: 'critical', statusReasons: ['process_crashed'] })],
  ['recent error from the log table', persisted(), [NOW - 1000]],
  ['minimal new client', emptyRecord('b3b7a1f0-0000-4000-8000-000000000001', NOW - 5000)],
];

for (const [name, record, errors] of cases) {
  test(`restore equivalence: ${name}`, () => {
    const snap = restore(record, errors).getSnapshot();
    const want = expected(record, errors);
    assert.equal(toRecord(snap, NOW), want);
    assert.equal(firstRecord(record, snap, NOW), want);
  });
}

test('firstRecord answers the persisted record itself when nothing moved (no copy, nothing to write)', () => {
  const record = persisted();
  assert.is(firstRecord(record, restore(record).getSnapshot(), NOW), record);
  const stale = persisted({ lastAlive: NOW - GRACE - 1 });
  assert.is.not(firstRecord(stale, restore(stale).getSnapshot(), NOW), stale);
});

test('freshnessOnly: a health report that moves only freshness keeps every context group by reference', () => {
  const actor = restore(persisted());
  const before = actor.getSnapshot();
  const prev = toRecord(before, NOW);
  actor.send({ type: 'HEALTH', at: NOW + 5000, processStatus: 'running', pid: 4242, screenStatus: 'OK', reconnectCount: 2, lastFrameUpdate: NOW + 4000 });
  const after = actor.getSnapshot();
  const fresh = freshnessOnly(prev, before, after);
  assert.ok(fresh, 'freshness only');
  assert.equal(fresh, { ...prev, lastAlive: NOW + 5000, lastFrameUpdate: NOW + 4000 });
  actor.send({ type: 'HEALTH', at: NOW + 10_000, reconnectCount: 3 });
  assert.is(freshnessOnly(fresh!, after, actor.getSnapshot()), null, 'a reconnect is a state change');
});

test('the context keeps at most 16 top-level keys (V8 keeps XState\u2019s per-event copies fast only below that)', () => {
  const keys = Object.keys(restore(persisted()).getSnapshot().context);
  assert.ok(keys.length <= 16, `${keys.length} keys: ${keys.join(', ')}`);
});

test('a state the chart does not know fails the restore, naming the client', () => {
  const bad = persisted({ processStatus: 'exploded' as never });
  assert.throws(() => restoredSnapshot({ record: bad, now: NOW, graceMs: GRACE }), /2f1c8a84.*process state 'exploded'/);
});

test.run();
