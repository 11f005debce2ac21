/**
 * Command registry on a simulated clock with a recording publisher: payload contract (validated
 * against broker/command.schema.json with ajv), lockout, ack routing, persistence of every transition,
 * restore with the original deadlines. The wire itself is covered by tests/commands.e2e.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimulatedClock } from 'xstate';
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { CommandRegistry } from './commands.ts';
import type { CommandRecord } from '../domain/command.types.ts';
import { EventBus, type BusEvent } from '../lib/bus.ts';
import { topics } from '../broker/topics.ts';
import { setQuiet } from '../lib/logger.ts';

setQuiet(true);
const schema = JSON.parse(readFileSync(new URL('../broker/command.schema.json', import.meta.url), 'utf8'));
const ajv = new (Ajv2020 as any)({ strict: false });
(addFormats as any)(ajv);
ajv.addSchema(schema);
const validateCommand = ajv.getSchema('infoscreen/command.schema.json#/$defs/command');

const A = '9b8d1856-ff34-4864-a726-12de072d0f77';
const B = '1b8d1856-ff34-4864-a726-12de072d0f77';

function setup(connected = true) {
  const clock = new SimulatedClock();
  clock.set(Date.UTC(2026, 3, 3, 12, 48, 10));
  const published: Array<{ topic: string; payload: string }> = [];
  const publisher = {
    connected,
    async publish(topic: string, payload: string | Uint8Array) {
      published.push({ topic, payload: String(payload) });
    },
  };
  const persisted: CommandRecord[] = [];
  const bus = new EventBus();
  const events: BusEvent[] = [];
  bus.on((e) => events.push(e));
  const reg = new CommandRegistry({ clock, bus, publisher, topics, persist: (r) => persisted.push(r) });
  return { clock, reg, published, persisted, events, publisher };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

test('issue publishes the eight-key payload, identical on both topics, legacy restart for reboots', async () => {
  const { reg, published } = setup();
  const { command } = reg.issue({ uuid: A, action: 'reboot_host', reason: 'operator_request', requestedBy: 1 });
  const settled = await reg.settledPublish(command.commandId);
  assert.is(settled!.status, 'published');
  assert.equal(published.map((p) => p.topic), [topics.commands(A), topics.commandAlias(A), topics.legacyRestart(A)]);
  assert.is(published[0].payload, published[1].payload);
  assert.equal(JSON.parse(published[2].payload), { action: 'restart' });
  const payload = JSON.parse(published[0].payload);
  assert.equal(Object.keys(payload).sort(), ['action', 'client_uuid', 'command_id', 'expires_at', 'issued_at', 'reason', 'requested_by', 'schema_version']);
  assert.ok(validateCommand(payload), JSON.stringify(validateCommand.errors));
  assert.is(payload.issued_at, '2026-04-03T12:48:10Z');
  assert.is(payload.expires_at, '2026-04-03T12:52:10Z');
});

test('every transition is persisted and goes on the bus with from → to', async () => {
  const { reg, persisted, events } = setup();
  const { command } = reg.issue({ uuid: A, action: 'restart_app', reason: null, requestedBy: 2 });
  await reg.settledPublish(command.commandId);
  reg.ack(A, { commandId: command.commandId, status: 'accepted', errorCode: null, errorMessage: null }, Date.now());
  reg.ack(A, { commandId: command.commandId, status: 'completed', errorCode: null, errorMessage: null }, Date.now());
  const transitions = events.filter((e) => e.type === 'command').map((e: any) => `${e.from}→${e.to}`);
  assert.equal(transitions, ['null→queued', 'queued→publish_in_progress', 'publish_in_progress→published', 'published→ack_received', 'ack_received→completed']);
  assert.equal([...new Set(persisted.map((p) => p.status))], ['queued', 'publish_in_progress', 'published', 'ack_received', 'completed']);
  assert.is(reg.liveCount, 0, 'a settled command leaves the registry');
});

test('acks for unknown commands and for another client are ignored', async () => {
  const { reg } = setup();
  const { command } = reg.issue({ uuid: A, action: 'restart_app', reason: null, requestedBy: 2 });
  await reg.settledPublish(command.commandId);
  reg.ack(B, { commandId: command.commandId, status: 'completed', errorCode: null, errorMessage: null }, Date.now());
  reg.ack(A, { commandId: crypto.randomUUID(), status: 'completed', errorCode: null, errorMessage: null }, Date.now());
  assert.is(reg.get(command.commandId)!.status, 'published');
});

test('cancel answers the canceled record (it has just left the registry); too late answers it unchanged', async () => {
  const { reg, persisted } = setup();
  const { command } = reg.issue({ uuid: A, action: 'reboot_host', reason: null, requestedBy: 1 });
  await reg.settledPublish(command.commandId);
  const canceled = reg.cancel(command.commandId, 1);
  assert.is(canceled?.status, 'canceled');
  assert.is(canceled?.errorCode, 'canceled');
  assert.is(persisted.at(-1)!.status, 'canceled');
  assert.is(reg.get(command.commandId), undefined, 'a canceled command is settled');

  const c2 = reg.issue({ uuid: B, action: 'restart_app', reason: null, requestedBy: 1 }).command;
  await reg.settledPublish(c2.commandId);
  reg.ack(B, { commandId: c2.commandId, status: 'execution_started', errorCode: null, errorMessage: null }, Date.now());
  assert.is(reg.cancel(c2.commandId, 1)?.status, 'execution_started', 'after execution started: unchanged');
  assert.is(reg.cancel(crypto.randomUUID(), 1), undefined, 'unknown');
});

test('lockout: the 4th reboot-kind command in 15 minutes is blocked_safety; shutdowns do not count', async () => {
  const { reg, clock } = setup();
  for (const action of ['reboot_host', 'restart_app', 'shutdown_host', 'reboot_host'] as const)
    assert.is(reg.issue({ uuid: A, action, reason: null, requestedBy: 1 }).blocked, false, action);
  const fourth = reg.issue({ uuid: A, action: 'restart_app', reason: null, requestedBy: 1 });
  assert.is(fourth.blocked, true);
  assert.is(fourth.command.status, 'blocked_safety');
  assert.is(fourth.command.errorCode, 'lockout_threshold');
  assert.is(reg.issue({ uuid: B, action: 'reboot_host', reason: null, requestedBy: null }).blocked, false, 'per client');
  clock.increment(15 * 60_000);
  assert.is(reg.issue({ uuid: A, action: 'reboot_host', reason: null, requestedBy: 1 }).blocked, false, 'rolling window');
});

test('without a broker connection a command waits queued and times out after 5 s; a reconnect starts it', async () => {
  let s = setup(false);
  const { command } = s.reg.issue({ uuid: A, action: 'restart_app', reason: null, requestedBy: 1 });
  s.clock.increment(5000);
  assert.is((await s.reg.settledPublish(command.commandId))?.status ?? s.persisted.at(-1)!.status, 'timed_out');

  s = setup(false);
  const c2 = s.reg.issue({ uuid: A, action: 'restart_app', reason: null, requestedBy: 1 }).command;
  s.publisher.connected = true;
  s.reg.brokerConnected();
  assert.is((await s.reg.settledPublish(c2.commandId))!.status, 'published');
});

test('restore: a command 200 s into its 240 s expiry expires 40 s after restart; a passed deadline settles at once', async () => {
  const s = setup();
  const now = s.clock.now();
  const live: CommandRecord = {
    commandId: crypto.randomUUID(), clientUuid: A, action: 'reboot_host', status: 'awaiting_reconnect', reason: null, requestedBy: 1,
    issuedAt: now - 200_000, expiresAt: now + 40_000, publishedAt: now - 199_000, ackedAt: now - 198_000,
    executionStartedAt: now - 197_000, completedAt: null, failedAt: null, errorCode: null, errorMessage: null,
    stageDeadline: now + 100_000, lastSeenAt: now - 197_000, bulkRunId: null, createdAt: now - 200_000, updatedAt: now - 187_000,
  };
  const dead: CommandRecord = { ...live, commandId: crypto.randomUUID(), status: 'published', expiresAt: now - 5000, stageDeadline: now - 10_000 };
  s.reg.restore([live, dead], [{ uuid: A, createdAt: now - 200_000 }]);
  s.clock.increment(0); // a zero delay fires at once (SimulatedClock fires on its next step)
  await tick();
  assert.is(s.persisted.find((p) => p.commandId === dead.commandId)?.status, 'timed_out', 'stage deadline passed first');
  assert.is(s.reg.get(live.commandId)!.status, 'awaiting_reconnect');
  s.clock.increment(39_999);
  assert.is(s.reg.get(live.commandId)!.status, 'awaiting_reconnect');
  s.clock.increment(1);
  assert.is(s.persisted.at(-1)!.status, 'expired');
  assert.is(s.reg.lockoutRemaining(A), 2, 'restored lockout window');
});

test('expiry sweep marks an overdue live command expired even when its timers never fired', async () => {
  let t = Date.UTC(2026, 3, 3, 12, 48, 10);
  const stuck = { setTimeout: () => 0, clearTimeout: () => {}, now: () => t }; // timers lost (clock jump, crash)
  const persisted: CommandRecord[] = [];
  const publisher = { connected: true, publish: async () => {} };
  const reg = new CommandRegistry({ clock: stuck, bus: new EventBus(), publisher, topics, persist: (r) => persisted.push(r) });
  const { command } = reg.issue({ uuid: A, action: 'restart_app', reason: null, requestedBy: 1 });
  await reg.settledPublish(command.commandId);
  t = command.expiresAt + 1;
  reg.sweep();
  assert.is(persisted.at(-1)!.status, 'expired');
  assert.is(persisted.at(-1)!.errorCode, 'expired');
});

test('a sighting reaches only that client\'s live commands; the index forgets a client once its commands settle', async () => {
  const { reg, clock } = setup();
  const a1 = reg.issue({ uuid: A, action: 'restart_app', reason: null, requestedBy: 1 }).command;
  const a2 = reg.issue({ uuid: A, action: 'shutdown_host', reason: null, requestedBy: 1 }).command;
  const b1 = reg.issue({ uuid: B, action: 'restart_app', reason: null, requestedBy: 1 }).command;
  for (let i = 0; i < 2; i++) reg.issue({ uuid: A, action: 'reboot_host', reason: null, requestedBy: 1 });
  assert.is(reg.issue({ uuid: A, action: 'reboot_host', reason: null, requestedBy: 1 }).blocked, true, 'a blocked command is never live');
  for (const c of [a1, a2, b1]) await reg.settledPublish(c.commandId);
  assert.is(reg.clientsWithLiveCommands, 2);

  clock.increment(1000);
  reg.clientSeen(A, 'heartbeat', clock.now());
  assert.is(reg.get(a1.commandId)!.lastSeenAt, clock.now());
  assert.is(reg.get(a2.commandId)!.lastSeenAt, clock.now());
  assert.is(reg.get(b1.commandId)!.lastSeenAt, null, 'another client\'s command does not hear of it');

  reg.cancel(b1.commandId, 1); // settles by cancel
  assert.is(reg.clientsWithLiveCommands, 1, 'B has no live command left');
  reg.ack(A, { commandId: a1.commandId, status: 'completed', errorCode: null, errorMessage: null }, clock.now()); // by ack
  reg.cancel(a2.commandId, 1);
  assert.is(reg.clientsWithLiveCommands, 1, 'the reboots of A are still live');
  clock.increment(240_000); // the last ones time out
  assert.is(reg.liveCount, 0);
  assert.is(reg.clientsWithLiveCommands, 0, 'the index is empty once every command settled');
  reg.clientSeen(A, 'heartbeat', clock.now()); // nothing live: a no-op
});

test.run();
