/**
 * Unchanged reports taken without a transition (actors/client.unchanged.ts, Supervisor `#hold`):
 * the same record and actor snapshot as sending every report through the machine, and the offline
 * deadline counted from the true last message.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimulatedClock } from 'xstate';
import { Supervisor } from './supervisor.ts';
import { unchangedReport } from './client.unchanged.ts';
import { emptyRecord, type ClientEvent } from '../domain/client.types.ts';
import { EventBus, type BusEvent } from '../lib/bus.ts';
import { setQuiet } from '../lib/logger.ts';

setQuiet(true);
const GRACE = 170_000;
const U = '00000000-0000-4000-8000-000000000001';

function setup(holdUnchanged: boolean) {
  const clock = new SimulatedClock();
  clock.set(1_000_000);
  const bus = new EventBus();
  const events: BusEvent[] = [];
  bus.on((e) => events.push(e));
  const marks: Array<[string, boolean]> = [];
  const sup = new Supervisor({ clock, bus, graceMs: GRACE, holdUnchanged, persist: (u, urgent) => marks.push([u, urgent]) });
  return { clock, sup, events, marks };
}

/** A client's day: a start, then unchanged reports of every kind (some without a frame time). */
function script(at: number): ClientEvent[] {
  const out: ClientEvent[] = [{ type: 'HEALTH', at, processStatus: 'running', pid: 7, processName: 'dm', screenStatus: 'OK', lastFrameUpdate: at, reconnectCount: 0, lastDisconnectAt: null }];
  for (let i = 1; i <= 30; i++) {
    const t = at + i * 5000;
    if (i % 3 === 0) out.push({ type: 'HEARTBEAT', at: t, processStatus: 'running', pid: 7 });
    else if (i % 7 === 0) out.push({ type: 'LOG', at: t, level: 'INFO' });
    else if (i % 5 === 0) out.push({ type: 'HEALTH', at: t, processStatus: 'running', screenStatus: 'OK' }); // no frame time
    else out.push({ type: 'HEALTH', at: t, processStatus: 'running', pid: 7, screenStatus: 'OK', lastFrameUpdate: t - 100, reconnectCount: 0, lastDisconnectAt: null });
  }
  return out;
}

function play(holdUnchanged: boolean) {
  const c = setup(holdUnchanged);
  for (const e of script(c.clock.now())) {
    c.clock.set(e.at);
    c.sup.send(U, e);
  }
  return c;
}

test('after N unchanged reports the record, the client-seen events and the writes equal those of the machine taking each one', () => {
  const slow = play(false);
  const fast = play(true);
  assert.is(slow.sup.unchangedReports, 0);
  assert.is(fast.sup.unchangedReports, 30, 'every report after the first changed nothing but freshness');
  assert.equal(fast.sup.get(U), slow.sup.get(U));
  assert.equal(fast.events, slow.events);
  assert.equal(fast.marks, slow.marks);
});

test("the actor's snapshot, once the held reports are handed over, equals the machine's after every report", () => {
  const slow = play(false);
  const fast = play(true);
  const a = slow.sup.snapshot(U)!;
  const b = fast.sup.snapshot(U)!;
  assert.equal(b.value, a.value);
  // `now` is the clock when the actor last heard something: the hand-over's RESUME, later than the report.
  assert.equal({ ...b.context, now: 0 }, { ...a.context, now: 0 });
  assert.is(b.context.lastAlive, 1_150_000);
  assert.is(b.context.lastFrameUpdate, 1_145_000 - 100, 'the frame time of the last report that carried one');
});

test('the offline deadline is exact: grace counted from the true last message, with reports held', () => {
  for (const hold of [false, true]) {
    const c = play(hold);
    const last = c.sup.get(U)!.lastAlive!;
    c.clock.set(last + GRACE - 1);
    assert.is(c.sup.get(U)!.connectivity, 'online', `hold ${hold}: still within grace 1 ms before`);
    c.clock.set(last + GRACE);
    assert.is(c.sup.get(U)!.connectivity, 'offline', `hold ${hold}: offline at last + grace`);
    const offline = c.events.find((e) => e.type === 'client-status' && e.status === 'offline') as { at: number };
    assert.is(offline.at, last + GRACE);
  }
});

test('a report that changes something goes through the machine, after the held ones', () => {
  const c = play(true);
  c.clock.set(1_200_000);
  c.sup.send(U, { type: 'HEALTH', at: 1_200_000, processStatus: 'crashed', screenStatus: 'OK' });
  const r = c.sup.get(U)!;
  assert.is(r.processStatus, 'crashed');
  assert.is(r.lastAlive, 1_200_000);
  assert.is(c.sup.snapshot(U)!.context.lastAlive, 1_200_000);
});

test('unchangedReport: only reports that move nothing but freshness', () => {
  const r = { ...emptyRecord(U, 0), lastAlive: 1, connectivity: 'online' as const, processStatus: 'running' as const, processPid: 7, mqttReconnectCount: 0 };
  const v = { connectivity: 'online', process: 'running', service: 'ok', screen: 'OK', frozen: 'clear', recovery: 'idle' };
  const health = (x: object) => ({ type: 'HEALTH' as const, at: 5, ...x });
  assert.ok(unchangedReport(r, v, health({ processStatus: 'running', pid: 7, screenStatus: 'OK' })));
  assert.is(unchangedReport(r, v, health({ pid: 8 })), null, 'a new pid');
  assert.is(unchangedReport(r, v, health({ processStatus: 'crashed' })), null);
  assert.is(unchangedReport(r, v, health({ screenStatus: 'BLACK' })), null);
  assert.is(unchangedReport(r, v, health({ reconnectCount: 1 })), null, 'a reconnect');
  assert.is(unchangedReport(r, v, { type: 'LOG', at: 5, level: 'WARN' }), null, 'WARN logs are counted');
  assert.ok(unchangedReport(r, v, { type: 'LOG', at: 5, level: 'INFO' }));
  assert.is(unchangedReport(r, { ...v, connectivity: 'offline' }, health({})), null, 'coming back online');
  assert.is(unchangedReport(r, { ...v, recovery: 'restarting_app' }, health({ processStatus: 'running' })), null, 'the ladder listens');
  assert.is(unchangedReport(r, v, { type: 'UPDATE_META', at: 5, description: 'x' }), null);
  assert.equal(unchangedReport(r, v, health({ screenStatus: 'OK' })), health({ screenStatus: 'OK', lastFrameUpdate: null }), 'frame time made explicit');
});

test.run();
