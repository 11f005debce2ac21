/** Command machine on a simulated clock: every row of the transition table and every timer (docs/commands.md). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor, fromPromise, SimulatedClock } from 'xstate';
import { commandMachine } from './command.machine.ts';
import { DEFAULT_TIMERS, type CommandAction, type CommandRecord } from '../domain/command.types.ts';
import { COMMAND_T0, commandRecord } from '../testing/command-record.ts';

const T0 = COMMAND_T0;

/** The tests' queued command of `action` (testing/command-record.ts), its first deadline the real one. */
const record = (action: CommandAction, over: Partial<CommandRecord> = {}): CommandRecord =>
  commandRecord({ action, reason: 'test', stageDeadline: T0 + DEFAULT_TIMERS.queued, ...over }, T0);

type Publish = 'resolve' | 'reject' | 'hang';

function start(action: CommandAction, over: Partial<CommandRecord> = {}, publish: Publish = 'resolve', snapshot?: any) {
  const clock = new SimulatedClock();
  clock.set(T0);
  const machine = commandMachine.provide({
    actors: {
      publish: fromPromise<{ at: number }, any>(() =>
        publish === 'resolve'
          ? Promise.resolve({ at: clock.now() })
          : publish === 'reject'
            ? Promise.reject(new Error('broker said no'))
            : new Promise(() => {}),
      ),
    },
  });
  const actor = createActor(machine, { clock, input: { record: record(action, over), timers: DEFAULT_TIMERS, now: clock.now() }, snapshot }).start();
  const state = () => {
    const v = actor.getSnapshot().value as any;
    return typeof v === 'string' ? v : v.live;
  };
  const send = (e: any) => actor.send({ at: clock.now(), ...e });
  const ack = (status: string, errorCode: string | null = null, errorMessage: string | null = null) => send({ type: 'ACK', status, errorCode, errorMessage });
  const ctx = () => actor.getSnapshot().context;
  return { clock, actor, state, send, ack, ctx, machine };
}

const tick = () => new Promise((r) => setTimeout(r, 0)); // let the publish promise settle

test('restart_app: queued → publish_in_progress → published → ack_received → execution_started → completed', async () => {
  const c = start('restart_app');
  assert.is(c.state(), 'queued');
  c.send({ type: 'START' });
  assert.is(c.state(), 'publish_in_progress');
  await tick();
  assert.is(c.state(), 'published');
  assert.is(c.ctx().publishedAt, T0);
  c.clock.increment(1000);
  c.ack('accepted');
  assert.is(c.state(), 'ack_received');
  c.ack('execution_started');
  assert.is(c.state(), 'execution_started');
  c.ack('completed');
  assert.is(c.state(), 'completed');
  assert.is(c.ctx().completedAt, T0 + 1000);
  assert.is(c.actor.getSnapshot().status, 'done');
});

test('publish error → failed with mqtt_publish_failed', async () => {
  const c = start('restart_app', {}, 'reject');
  c.send({ type: 'START' });
  await tick();
  assert.is(c.state(), 'failed');
  assert.is(c.ctx().errorCode, 'mqtt_publish_failed');
  assert.is(c.ctx().errorMessage, 'broker said no');
});

test('stage timers: queued 5 s, publish 8 s, ack 20 s, execution start 15 s / 25 s', async () => {
  let c = start('restart_app');
  c.clock.increment(4999);
  assert.is(c.state(), 'queued');
  c.clock.increment(1);
  assert.is(c.state(), 'timed_out');

  c = start('restart_app', {}, 'hang');
  c.send({ type: 'START' });
  c.clock.increment(7999);
  assert.is(c.state(), 'publish_in_progress');
  c.clock.increment(1);
  assert.is(c.state(), 'timed_out');

  c = start('reboot_host');
  c.send({ type: 'START' });
  await tick();
  c.clock.increment(19_999);
  assert.is(c.state(), 'published');
  c.clock.increment(1);
  assert.is(c.state(), 'timed_out', 'an offline client never acks: timed_out, never completed');
  assert.match(c.ctx().errorMessage!, /offline/);
  assert.is(c.ctx().errorReason, 'no_ack', 'the reason is a code pages translate (command.error.no_ack)');

  for (const [action, ms] of [['restart_app', 15_000], ['reboot_host', 25_000], ['shutdown_host', 25_000]] as const) {
    c = start(action);
    c.send({ type: 'START' });
    await tick();
    c.ack('accepted');
    c.clock.increment(ms - 1);
    assert.is(c.state(), 'ack_received', action);
    c.clock.increment(1);
    assert.is(c.state(), 'timed_out', action);
  }
});

test('reboot_host: execution_started → 10 s → awaiting_reconnect → back after silence → recovered → completed', async () => {
  const c = start('reboot_host');
  c.send({ type: 'START' });
  await tick();
  c.ack('accepted');
  c.ack('execution_started');
  c.clock.increment(10_000);
  assert.is(c.state(), 'awaiting_reconnect');
  c.clock.increment(2000);
  c.send({ type: 'CLIENT_SEEN', kind: 'health' }); // a last health before it went down
  assert.is(c.state(), 'awaiting_reconnect');
  c.clock.increment(40_000);
  c.send({ type: 'CLIENT_SEEN', kind: 'heartbeat' });
  assert.is(c.state(), 'recovered');
  c.ack('completed');
  assert.is(c.state(), 'completed');
});

test('reboot_host: a completed ack while awaiting the reconnect is accepted; recovered without completion times out', async () => {
  let c = start('reboot_host');
  c.send({ type: 'START' });
  await tick();
  c.ack('execution_started');
  c.clock.increment(10_000);
  c.ack('completed');
  assert.is(c.state(), 'completed');

  c = start('reboot_host');
  c.send({ type: 'START' });
  await tick();
  c.ack('execution_started');
  c.clock.increment(10_000);
  c.clock.increment(30_000);
  c.send({ type: 'CLIENT_SEEN', kind: 'discovery' });
  assert.is(c.state(), 'recovered');
  c.clock.increment(19_999);
  assert.is(c.state(), 'recovered');
  c.clock.increment(1);
  assert.is(c.state(), 'timed_out');
});

test('reboot_host: a client that never comes back times out after the reconnect ceiling', async () => {
  const c = start('reboot_host', { expiresAt: T0 + 360_000 });
  c.send({ type: 'START' });
  await tick();
  c.ack('execution_started');
  c.clock.increment(10_000);
  c.clock.increment(149_999);
  assert.is(c.state(), 'awaiting_reconnect');
  c.clock.increment(1);
  assert.is(c.state(), 'timed_out');
  assert.match(c.ctx().errorMessage!, /did not come back/);
});

test('shutdown_host: completes when the client goes silent; hearing from it postpones that', async () => {
  const c = start('shutdown_host');
  c.send({ type: 'START' });
  await tick();
  c.ack('accepted');
  c.ack('execution_started');
  c.clock.increment(10_000);
  c.send({ type: 'CLIENT_SEEN', kind: 'health' });
  c.clock.increment(14_999);
  assert.is(c.state(), 'execution_started');
  c.clock.increment(1);
  assert.is(c.state(), 'completed');
});

test('a failed ack ends any live state with the client error code and message', async () => {
  for (const upTo of ['published', 'ack_received', 'execution_started']) {
    const c = start('restart_app');
    c.send({ type: 'START' });
    await tick();
    if (upTo !== 'published') c.ack('accepted');
    if (upTo === 'execution_started') c.ack('execution_started');
    c.ack('failed', 'execution_failed', 'systemctl returned 1');
    assert.is(c.state(), 'failed', upTo);
    assert.is(c.ctx().errorCode, 'execution_failed');
    assert.is(c.ctx().errorMessage, 'systemctl returned 1');
  }
});

test('acks out of order or twice never move a command backwards; terminal commands do not change', async () => {
  const c = start('restart_app');
  c.send({ type: 'START' });
  await tick();
  c.ack('execution_started');
  assert.is(c.state(), 'execution_started');
  c.ack('accepted');
  c.ack('accepted');
  assert.is(c.state(), 'execution_started');
  c.ack('completed');
  c.ack('completed');
  c.ack('failed', 'x', 'y');
  assert.is(c.state(), 'completed');
  assert.is(c.ctx().errorCode, null);
});

test('an ack racing ahead of the PUBACK is not lost', async () => {
  const c = start('restart_app', {}, 'hang');
  c.send({ type: 'START' });
  c.ack('accepted');
  assert.is(c.state(), 'ack_received');
  assert.ok(c.ctx().publishedAt !== null);
});

test('expiry: the timer expires a command whose expires_at comes before its stage deadline; the sweep too', async () => {
  let c = start('restart_app', { expiresAt: T0 + 3000 });
  c.clock.increment(3000);
  assert.is(c.state(), 'expired');
  assert.is(c.ctx().errorCode, 'expired');

  c = start('restart_app', { expiresAt: T0 + 3000 });
  c.send({ type: 'START' });
  await tick();
  c.clock.set(T0 + 2000);
  c.send({ type: 'SWEEP' });
  assert.is(c.state(), 'published');
  c.clock.set(T0 + 3001); // a clock jump: the sweep catches what a timer missed
  c.send({ type: 'SWEEP' });
  assert.is(c.state(), 'expired');
});

test('cancel before execution → canceled; after execution started it is ignored', async () => {
  let c = start('reboot_host');
  c.send({ type: 'START' });
  await tick();
  c.send({ type: 'CANCEL', by: 1 });
  assert.is(c.state(), 'canceled');

  c = start('reboot_host');
  c.send({ type: 'START' });
  await tick();
  c.ack('execution_started');
  c.send({ type: 'CANCEL', by: 1 });
  assert.is(c.state(), 'execution_started');
});

test('a failed recovery reboot escalates to manual_intervention_required after 60 s; operator commands do not', async () => {
  let c = start('reboot_host', { requestedBy: null });
  c.send({ type: 'START' });
  await tick();
  c.clock.increment(20_000);
  assert.is(c.state(), 'timed_out');
  c.clock.increment(59_999);
  assert.is(c.state(), 'timed_out');
  c.clock.increment(1);
  assert.is(c.state(), 'manual_intervention_required');

  c = start('reboot_host');
  c.send({ type: 'START' });
  await tick();
  c.clock.increment(20_000 + 120_000);
  assert.is(c.state(), 'timed_out');
});

test('restore: RESUME re-arms the time left; a deadline passed while down settles at once', async () => {
  const base = start('restart_app');
  const snap = base.machine.resolveState({
    value: { live: 'published' },
    context: { ...record('restart_app', { status: 'published', publishedAt: T0, stageDeadline: T0 + 5000 }), now: T0, timers: DEFAULT_TIMERS } as any,
  });
  let c = start('restart_app', {}, 'resolve', snap);
  c.send({ type: 'RESUME' });
  c.clock.increment(4999);
  assert.is(c.state(), 'published');
  c.clock.increment(1);
  assert.is(c.state(), 'timed_out');

  const late = base.machine.resolveState({
    value: { live: 'published' },
    context: { ...record('restart_app', { status: 'published', publishedAt: T0 - 60_000, stageDeadline: T0 - 40_000, expiresAt: T0 - 1000 }), now: T0, timers: DEFAULT_TIMERS } as any,
  });
  c = start('restart_app', {}, 'resolve', late);
  c.send({ type: 'RESUME' });
  c.clock.increment(0);
  assert.is(c.state(), 'timed_out', 'the stage deadline came before the expiry');
});

test.run();
