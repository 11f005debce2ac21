import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimulatedClock } from 'xstate';
import { ActivityMetrics, attachBus } from './metrics.ts';
import { EventBus } from './bus.ts';

const T0 = Date.parse('2026-03-02T10:00:00Z');
const setup = (minutes = 60) => {
  const clock = new SimulatedClock();
  clock.set(T0);
  return { clock, m: new ActivityMetrics({ now: () => clock.now(), minutes }) };
};

test('counts land in the minute they happened; the window ends with the current minute', () => {
  const { clock, m } = setup();
  m.message('infoscreen/x/health');
  m.message('infoscreen/x/logs/error');
  clock.increment(59_999);
  m.message('infoscreen/x/heartbeat');
  clock.increment(1); // 10:01:00
  m.add('commands', 2);
  const s = m.snapshot();
  assert.is(s.minutes.length, 60);
  assert.is(s.minutes.at(-1)!.at, T0 + 60_000);
  assert.equal(s.minutes.at(-2), { at: T0, messages: 3, commands: 0, errors: 1 });
  assert.equal(s.minutes.at(-1), { at: T0 + 60_000, messages: 0, commands: 2, errors: 0 });
  assert.equal(s.totals, { messages: 3, commands: 2, errors: 1 });
  assert.is(s.peak, 3);
});

test('a slot is reused after the window: an hour-old minute never leaks into the new one', () => {
  const { clock, m } = setup(60);
  m.add('messages', 100);
  clock.increment(60 * 60_000); // same slot, one hour later
  m.add('messages', 1);
  const s = m.snapshot();
  assert.is(s.totals.messages, 1);
  assert.is(s.minutes[0]!.messages, 0, 'the old minute fell out of the window');
  clock.increment(30 * 60_000);
  assert.is(m.snapshot().totals.messages, 1);
  clock.increment(30 * 60_000);
  assert.is(m.snapshot().totals.messages, 0, 'an hour of silence empties the chart');
});

test('tracked cumulative counters: their growth since the last sample counts in the current minute', () => {
  const { clock, m } = setup();
  let drops = 5; // already there at start: not counted
  m.track('errors', () => drops);
  drops = 8;
  m.sample();
  clock.increment(60_000);
  drops = 9;
  const s = m.snapshot();
  assert.is(s.minutes.at(-2)!.errors, 3);
  assert.is(s.minutes.at(-1)!.errors, 1);
});

test('bus: an issued command counts once; a failed, timed-out or expired one is an error', () => {
  const { m } = setup();
  const bus = new EventBus();
  const off = attachBus(m, bus);
  const cmd = (from: string | null, to: string) =>
    bus.emit({ type: 'command', commandId: 'c1', uuid: 'u', action: 'reboot_host', from, to, at: T0 });
  cmd(null, 'queued');
  cmd('queued', 'publish_in_progress');
  cmd('publish_in_progress', 'published');
  cmd('published', 'timed_out');
  cmd(null, 'queued');
  cmd('queued', 'completed');
  bus.emit({ type: 'alert', kind: 'client-offline', severity: 'warning', message: 'x', at: T0 });
  assert.equal(m.snapshot().totals, { messages: 0, commands: 2, errors: 1 });
  off();
  cmd(null, 'queued');
  assert.is(m.snapshot().totals.commands, 2, 'detached');
});

test.run();
