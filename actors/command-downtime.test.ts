/**
 * Commands across a failover (actors/command-downtime.ts) with the real registry and command
 * machine on a simulated clock: a command whose ack stage ran out while no server held the
 * database is restored with its stage moved on by the downtime, so the ack the broker delivers
 * after the reconnect completes it; without the extension it would be judged timed out at restore.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimulatedClock } from 'xstate';
import { CommandRegistry } from './commands.ts';
import { extendForDowntime } from './command-downtime.ts';
import { EventBus } from '../lib/bus.ts';
import { topics } from '../broker/topics.ts';
import { setQuiet } from '../lib/logger.ts';
import type { CommandRecord } from '../domain/command.types.ts';

setQuiet(true);
const A = '9b8d1856-ff34-4864-a726-12de072d0f77';
const tick = () => new Promise((r) => setTimeout(r, 0));

function setup() {
  const clock = new SimulatedClock();
  clock.set(Date.UTC(2026, 3, 3, 12, 48, 10));
  const persisted: CommandRecord[] = [];
  const publisher = { connected: true, async publish() {} };
  const reg = new CommandRegistry({ clock, bus: new EventBus(), publisher, topics, persist: (r) => persisted.push(r) });
  return { clock, reg, persisted };
}

/** Published 120 s ago, its ack stage ran out 50 s ago; the old server went silent 100 s ago. */
function published(now: number): CommandRecord {
  return {
    commandId: crypto.randomUUID(), clientUuid: A, action: 'restart_app', status: 'published', reason: null, requestedBy: 1,
    issuedAt: now - 120_000, expiresAt: now + 120_000, publishedAt: now - 120_000, ackedAt: null,
    executionStartedAt: null, completedAt: null, failedAt: null, errorCode: null, errorMessage: null,
    stageDeadline: now - 50_000, lastSeenAt: null, bulkRunId: null, createdAt: now - 120_000, updatedAt: now - 120_000,
  } as CommandRecord;
}

test('without the extension the restored command is timed out at once (the case the extension fixes)', async () => {
  const s = setup();
  const cmd = published(s.clock.now());
  s.reg.restore([cmd], []);
  s.clock.increment(0);
  await tick();
  assert.is(s.persisted.at(-1)?.status, 'timed_out');
});

test('extended by the downtime: the late ack after the reconnect moves the command on, not timed out', async () => {
  const s = setup();
  const now = s.clock.now();
  const cmd = published(now);
  const [restored] = extendForDowntime([cmd], now - 100_000, now);
  assert.is(restored.stageDeadline, now + 50_000, 'the 50 s the stage had left when the server went silent');
  assert.is(restored.expiresAt, cmd.expiresAt, 'the expiry the device knows never moves');
  s.reg.restore([restored], []);
  s.clock.increment(0);
  await tick();
  assert.is(s.reg.get(cmd.commandId)!.status, 'published');
  s.clock.increment(3_000); // the broker delivers the queued ack after the reconnect
  s.reg.ack(A, { commandId: cmd.commandId, status: 'completed', errorCode: null, errorMessage: null }, s.clock.now());
  await tick();
  assert.is(s.persisted.at(-1)!.status, 'completed');
});

test('a deadline that passed while the old server still ran, and a first start, are left alone', () => {
  const now = 1_000_000;
  const early = { ...published(now), stageDeadline: now - 200_000 };
  assert.is(extendForDowntime([early], now - 100_000, now)[0].stageDeadline, now - 200_000);
  assert.is(extendForDowntime([early], null, now)[0], early);
});

test.run();
