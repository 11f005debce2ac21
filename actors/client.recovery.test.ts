/**
 * The crash-recovery ladder of the client machine (docs/commands.md "Crash auto-recovery", docs/clients.md
 * region `recovery`) on a simulated clock. The command registry is played by the test: it sees what
 * the machine asks for (the injected `requestCommand`) and answers with COMMAND_UPDATE events.
 * The ladder against the real registry and its lockout is in actors/crash-recovery.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor, SimulatedClock } from 'xstate';
import { clientMachine } from './client.machine.ts';
import { toRecord } from './client.record.ts';
import { restoredSnapshot } from './client.restore.ts';
import type { RecoveryPolicy } from './client.recovery.ts';
import type { CommandAction, CommandStatus } from '../domain/command.types.ts';
import { emptyRecord, type ClientRecord } from '../domain/client.types.ts';

const UUID = '9b8d1856-ff34-4864-a726-12de072d0f77';
const GRACE = 170_000; // heartbeat grace (connectivity)
const S = 1000;
const MIN = 60_000;
const ON: RecoveryPolicy = { enabled: true, graceMs: 180 * S, lockoutMs: 15 * MIN, expiryMs: 240 * S };

interface Options {
  policy?: RecoveryPolicy;
  record?: Partial<ClientRecord>;
  restore?: boolean;
  rebootKinds?: number[];
  now?: number;
}

function start(o: Options = {}) {
  const clock = new SimulatedClock();
  const now = o.now ?? 10_000_000;
  clock.set(now);
  const requests: Array<{ action: CommandAction; reason: string; at: number }> = [];
  const canceled: Array<string | null> = [];
  const machine = clientMachine.provide({
    actions: {
      requestCommand: (_, p) => void requests.push({ action: p.action, reason: p.reason, at: clock.now() }),
      cancelCommand: (_, p) => void canceled.push(p.commandId),
    },
  });
  const input = { record: { ...emptyRecord(UUID, 0), ...o.record }, now, graceMs: GRACE, recovery: o.policy ?? ON, rebootKinds: o.rebootKinds };
  const actor = createActor(machine, { clock, input, ...(o.restore ? { snapshot: restoredSnapshot(input) } : {}) }).start();
  if (o.restore) actor.send({ type: 'RESUME', at: now });
  const rec = () => toRecord(actor.getSnapshot(), clock.now());
  const send = (e: any) => actor.send({ at: clock.now(), ...e });
  let n = 0;
  /** The registry reports a transition of a command (new: created now, with a fresh id). */
  const update = (status: CommandStatus, action: CommandAction, opts: { id?: string; by?: number | null; created?: boolean } = {}) => {
    const commandId = opts.id ?? `cmd-${++n}`;
    send({ type: 'COMMAND_UPDATE', commandId, action, status, requestedBy: opts.by ?? null, createdAt: clock.now(), created: opts.created ?? !opts.id });
    return commandId;
  };
  return { clock, actor, rec, send, requests, canceled, update };
}

test('crash while talking → restart_app (process_crashed); running again → idle, ladder cleared', () => {
  const c = start();
  c.send({ type: 'HEALTH', processStatus: 'running' });
  assert.is(c.rec().recoveryState, 'idle');
  c.send({ type: 'HEALTH', processStatus: 'crashed' });
  assert.equal(c.requests, [{ action: 'restart_app', reason: 'process_crashed', at: 10_000_000 }]);
  c.send({ type: 'HEALTH', processStatus: 'crashed' }); // the next reports ask for nothing more
  assert.is(c.requests.length, 1);
  const id = c.update('queued', 'restart_app');
  let r = c.rec();
  assert.is(r.recoveryState, 'restarting_app');
  assert.is(r.recoveryCommandId, id, 'the created automatic restart_app is the ladder step');
  assert.is(r.recoveryReason, 'process_crashed');
  assert.is(r.recoveryDeadline, 10_000_000 + 180 * S);
  c.update('completed', 'restart_app', { id });
  c.send({ type: 'HEALTH', processStatus: 'running' });
  r = c.rec();
  assert.is(r.recoveryState, 'idle');
  assert.equal([r.recoveryCommandId, r.recoveryReason, r.recoveryDeadline], [null, null, null]);
  assert.is(r.status, 'healthy');
});

test('not running again within the grace → reboot_host; running after the reboot → idle', () => {
  const c = start();
  c.send({ type: 'HEALTH', processStatus: 'crashed' });
  const restart = c.update('queued', 'restart_app');
  c.update('completed', 'restart_app', { id: restart }); // acked, but the player still crashes
  c.clock.increment(60 * S);
  c.send({ type: 'HEALTH', processStatus: 'crashed' }); // keeps talking: stays online
  c.clock.increment(120 * S - 1);
  assert.is(c.rec().recoveryState, 'restarting_app');
  assert.is(c.requests.length, 1);
  c.clock.increment(1);
  assert.equal(c.requests[1], { action: 'reboot_host', reason: 'process_crashed', at: 10_000_000 + 180 * S });
  const reboot = c.update('queued', 'reboot_host');
  assert.is(c.rec().recoveryState, 'rebooting');
  assert.is(c.rec().recoveryCommandId, reboot);
  assert.is(c.rec().recoveryDeadline, 10_000_000 + 180 * S + 240 * S + 180 * S, 'expiry + grace after the reboot');
  c.update('published', 'reboot_host', { id: reboot });
  c.update('queued', 'restart_app', { by: null }); // another automatic command is not the reboot step
  assert.is(c.rec().recoveryCommandId, reboot);
  c.send({ type: 'HEARTBEAT', processStatus: 'running' });
  assert.is(c.rec().recoveryState, 'idle');
});

test('restart_app failed / timed out → reboot at once; reboot escalated → waiting_manual (critical)', () => {
  for (const outcome of ['failed', 'timed_out', 'expired'] as const) {
    const c = start();
    c.send({ type: 'HEALTH', processStatus: 'crashed' });
    const restart = c.update('queued', 'restart_app');
    c.update(outcome, 'restart_app', { id: restart });
    assert.is(c.rec().recoveryState, 'rebooting', outcome);
    assert.is(c.requests.at(-1)!.action, 'reboot_host');
    const reboot = c.update('queued', 'reboot_host');
    c.update('timed_out', 'reboot_host', { id: reboot });
    assert.is(c.rec().recoveryState, 'rebooting', 'the registry escalates after its cooldown');
    c.update('manual_intervention_required', 'reboot_host', { id: reboot });
    const r = c.rec();
    assert.is(r.recoveryState, 'waiting_manual');
    assert.is(r.recoveryCommandId, reboot);
    assert.is(r.recoveryDeadline, null);
    assert.is(r.status, 'critical');
    assert.equal(r.statusReasons, ['process_crashed', 'manual_intervention_required']);
    assert.is(c.requests.length, 2, 'nothing more is asked for');
  }
});

test('a step blocked by the lockout → waiting_manual at once', () => {
  const c = start();
  c.send({ type: 'HEALTH', processStatus: 'crashed' });
  const id = c.update('blocked_safety', 'restart_app');
  assert.is(c.rec().recoveryState, 'waiting_manual');
  assert.is(c.rec().recoveryCommandId, id);
});

test('rebooting: neither running nor escalated by expiry + grace → waiting_manual', () => {
  const c = start();
  c.send({ type: 'HEALTH', processStatus: 'crashed' });
  c.update('failed', 'restart_app', { id: c.update('queued', 'restart_app') });
  const reboot = c.update('queued', 'reboot_host');
  c.update('completed', 'reboot_host', { id: reboot }); // completed, but the player still does not run
  assert.is(c.rec().recoveryState, 'rebooting');
  c.clock.increment(420 * S);
  assert.is(c.rec().recoveryState, 'waiting_manual');
});

test('silent client: heartbeat stale → reboot_host (heartbeat_stale), undeliverable → waiting_manual', () => {
  const c = start();
  c.send({ type: 'HEARTBEAT', processStatus: 'running' });
  c.clock.increment(GRACE);
  assert.is(c.rec().connectivity, 'offline');
  assert.is(c.requests.length, 0, 'offline at 170 s, but the heartbeat is not older than 180 s yet');
  // Stale at 180 s, but not before the outage heuristic could decide: offline + 75 s (OFFLINE_ALERT_SETTLE_MS).
  c.clock.increment(75 * S - 1);
  assert.is(c.requests.length, 0);
  c.clock.increment(1);
  assert.equal(c.requests, [{ action: 'reboot_host', reason: 'heartbeat_stale', at: 10_000_000 + GRACE + 75 * S }]);
  const reboot = c.update('queued', 'reboot_host');
  assert.is(c.rec().recoveryState, 'rebooting');
  assert.is(c.rec().recoveryReason, 'heartbeat_stale');
  c.update('timed_out', 'reboot_host', { id: reboot });
  c.update('manual_intervention_required', 'reboot_host', { id: reboot });
  assert.is(c.rec().recoveryState, 'waiting_manual');
  assert.is(c.rec().status, 'offline', 'offline wins over critical while silent');
  c.send({ type: 'HEARTBEAT', processStatus: 'running' });
  assert.is(c.rec().recoveryState, 'waiting_manual', 'shown until an operator acts');
  assert.equal(c.rec().statusReasons, ['manual_intervention_required']);
});

test('suspected outage (OUTAGE event): a silent client starts no ladder; after it, a fresh grace period', () => {
  const c = start();
  c.send({ type: 'HEARTBEAT', processStatus: 'running' });
  c.clock.increment(GRACE);
  c.send({ type: 'OUTAGE', suspected: true });
  c.clock.increment(30 * MIN);
  assert.equal(c.requests, [], 'silent for 30 minutes, but the whole fleet is');
  assert.is(c.rec().recoveryState, 'idle');
  const over = c.clock.now();
  c.send({ type: 'OUTAGE', suspected: false });
  c.clock.increment(ON.graceMs - 1);
  assert.equal(c.requests, [], 'the grace starts again when the outage ends');
  c.clock.increment(1);
  assert.equal(c.requests, [{ action: 'reboot_host', reason: 'heartbeat_stale', at: over + ON.graceMs }]);
});

test('outage recognised after a stale ladder started: it stands down and withdraws its reboot', () => {
  const c = start();
  c.send({ type: 'HEARTBEAT', processStatus: 'running' });
  c.clock.increment(GRACE);
  c.clock.increment(75 * S);
  assert.is(c.requests.length, 1);
  const reboot = c.update('queued', 'reboot_host');
  assert.is(c.rec().recoveryState, 'rebooting');
  c.send({ type: 'OUTAGE', suspected: true });
  assert.equal(c.canceled, [reboot]);
  assert.is(c.rec().recoveryState, 'idle');
  assert.is(c.rec().recoveryReason, null);
  c.update('canceled', 'reboot_host', { id: reboot });
  c.clock.increment(30 * MIN);
  assert.is(c.requests.length, 1, 'nothing more while the outage lasts');
});

test('a crash ladder (process_crashed) is not the silence an outage explains: it carries on', () => {
  const c = start();
  c.send({ type: 'HEALTH', processStatus: 'crashed' });
  c.update('queued', 'restart_app');
  c.clock.increment(ON.graceMs);
  c.update('queued', 'reboot_host');
  assert.is(c.rec().recoveryState, 'rebooting');
  c.send({ type: 'OUTAGE', suspected: true });
  assert.is(c.rec().recoveryState, 'rebooting');
  assert.equal(c.canceled, []);
});

test('silent client that came back before the reboot ran: idle', () => {
  const c = start();
  c.send({ type: 'HEARTBEAT', processStatus: 'running' });
  c.clock.increment(GRACE);
  c.clock.increment(75 * S);
  c.update('queued', 'reboot_host');
  assert.is(c.rec().recoveryState, 'rebooting');
  c.send({ type: 'HEALTH', processStatus: 'running' });
  assert.is(c.rec().recoveryState, 'idle');
});

test('recovery off (CRASH_RECOVERY_ENABLED=false), or an inactive client: no ladder at all', () => {
  for (const o of [{ policy: { ...ON, enabled: false } }, { record: { isActive: false } }]) {
    const c = start(o);
    c.send({ type: 'HEALTH', processStatus: 'crashed' });
    c.clock.increment(30 * MIN); // silent for long, too
    assert.is(c.rec().recoveryState, 'idle');
    assert.equal(c.requests, []);
  }
});

test('candidate rule: a reboot-kind command in the lockout window → no new ladder, waiting_manual', () => {
  const c = start();
  c.send({ type: 'HEALTH', processStatus: 'running' });
  const op = c.update('queued', 'restart_app', { by: 7 }); // an operator restarted the app
  c.update('completed', 'restart_app', { id: op, by: 7 });
  c.clock.increment(15 * MIN - 1);
  c.send({ type: 'HEALTH', processStatus: 'crashed' });
  assert.is(c.rec().recoveryState, 'waiting_manual');
  assert.is(c.rec().recoveryReason, 'process_crashed');
  assert.equal(c.requests, []);
  // An operator acts → idle; later, with the window clear, a crash starts a ladder again.
  c.update('queued', 'shutdown_host', { by: 7 });
  assert.is(c.rec().recoveryState, 'idle');
  c.send({ type: 'HEALTH', processStatus: 'running' });
  c.clock.increment(1);
  c.send({ type: 'HEALTH', processStatus: 'crashed' });
  assert.is(c.rec().recoveryState, 'restarting_app');
  assert.is(c.requests.length, 1);
});

test('waiting_manual: an operator command leaves it, a blocked one or an automatic one does not', () => {
  const c = start();
  c.send({ type: 'HEALTH', processStatus: 'crashed' });
  c.update('blocked_safety', 'restart_app');
  assert.is(c.rec().recoveryState, 'waiting_manual');
  c.update('blocked_safety', 'reboot_host', { by: 3 });
  c.update('queued', 'reboot_host', { by: null });
  assert.is(c.rec().recoveryState, 'waiting_manual');
  c.update('queued', 'reboot_host', { by: 3 });
  assert.is(c.rec().recoveryState, 'idle');
  assert.is(c.rec().recoveryCommandId, null);
});

test('an operator command during the ladder ends it; canceling the step ends it', () => {
  let c = start();
  c.send({ type: 'HEALTH', processStatus: 'crashed' });
  c.update('queued', 'restart_app');
  c.update('queued', 'reboot_host', { by: 2 });
  assert.is(c.rec().recoveryState, 'idle');
  c.clock.increment(10 * MIN);
  assert.is(c.requests.length, 1, 'no reboot at the old deadline');

  c = start();
  c.send({ type: 'HEALTH', processStatus: 'crashed' });
  c.update('canceled', 'restart_app', { id: c.update('queued', 'restart_app') });
  assert.is(c.rec().recoveryState, 'idle');
});

test('restore mid-ladder: the deadline is kept (absolute), a passed one fires at once', () => {
  const now = 50_000_000;
  const base = { lastAlive: now - 5 * S, connectivity: 'online' as const, processStatus: 'crashed' as const, recoveryState: 'restarting_app' as const };
  let c = start({ now, restore: true, record: { ...base, recoveryCommandId: 'old', recoveryReason: 'process_crashed', recoveryDeadline: now + 40 * S } });
  assert.is(c.rec().recoveryState, 'restarting_app');
  c.update('published', 'restart_app', { id: 'old' });
  assert.is(c.rec().recoveryCommandId, 'old');
  c.clock.increment(40 * S - 1);
  assert.equal(c.requests, [], 'restoring asks for nothing again');
  c.clock.increment(1);
  assert.equal(c.requests, [{ action: 'reboot_host', reason: 'process_crashed', at: now + 40 * S }]);

  c = start({ now, restore: true, record: { ...base, recoveryCommandId: 'old', recoveryReason: 'process_crashed', recoveryDeadline: now - 1 } });
  c.clock.increment(0); // a zero delay: the timer fires on the next turn
  assert.is(c.rec().recoveryState, 'rebooting');
  assert.is(c.requests.length, 1);

  // A restored reboot step (its failure escalates later) and a restored ladder with recovery now off.
  c = start({ now, restore: true, record: { ...base, recoveryState: 'rebooting', recoveryCommandId: 'rb', recoveryReason: 'process_crashed', recoveryDeadline: now + 60 * S } });
  c.update('manual_intervention_required', 'reboot_host', { id: 'rb' });
  assert.is(c.rec().recoveryState, 'waiting_manual');
  c = start({ now, restore: true, policy: { ...ON, enabled: false }, record: { ...base, recoveryCommandId: 'old', recoveryReason: 'process_crashed', recoveryDeadline: now } });
  c.clock.increment(0);
  assert.is(c.rec().recoveryState, 'idle');
  assert.equal(c.requests, []);
});

test('restore: recent reboot-kind commands from the database count for the candidate rule', () => {
  const now = 50_000_000;
  const record = { lastAlive: now - 5 * S, connectivity: 'online' as const, processStatus: 'running' as const };
  let c = start({ now, restore: true, record, rebootKinds: [now - 10 * MIN] });
  c.send({ type: 'HEALTH', processStatus: 'crashed' });
  assert.is(c.rec().recoveryState, 'waiting_manual');
  c = start({ now, restore: true, record, rebootKinds: [now - 15 * MIN] });
  c.send({ type: 'HEALTH', processStatus: 'crashed' });
  assert.is(c.rec().recoveryState, 'restarting_app', 'outside the window');
});

test('the ladder round-trips through the record (what the database stores)', () => {
  const c = start();
  c.send({ type: 'HEALTH', processStatus: 'crashed' });
  const id = c.update('queued', 'restart_app');
  const saved = c.rec();
  const back = start({ now: c.clock.now() + 5 * S, restore: true, record: saved });
  const r = back.rec();
  assert.equal([r.recoveryState, r.recoveryCommandId, r.recoveryReason, r.recoveryDeadline], ['restarting_app', id, 'process_crashed', saved.recoveryDeadline]);
});

test.run();
