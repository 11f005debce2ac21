/** The bulk-run machine with a fake `issueOne`: window, lockout-blocked targets, the 5 % abort rule. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor, fromPromise } from 'xstate';
import { bulkRunMachine, type IssueOneInput, type IssueOneOutput } from './bulk-run.machine.ts';
import type { CommandStatus } from '../domain/command.types.ts';
import { stopReasonText } from './bulk-run.outcome.ts';

const flush = () => new Promise((r) => setTimeout(r, 0));

function run(targets: number, opts: { window?: number; blocked?: Set<string>; throws?: Set<string> } = {}) {
  const calls: IssueOneInput[] = [];
  const machine = bulkRunMachine.provide({
    actors: {
      issueOne: fromPromise<IssueOneOutput, IssueOneInput>(async ({ input }) => {
        calls.push(input);
        if (opts.throws?.has(input.uuid)) throw new Error('registry bug');
        return { commandId: `cmd-${input.uuid}`, blocked: opts.blocked?.has(input.uuid) ?? false };
      }),
    },
  });
  const uuids = Array.from({ length: targets }, (_, i) => `c${i}`);
  const actor = createActor(machine, {
    input: { runId: 'run-1', targets: uuids, action: 'restart_app', reason: 'test', requestedBy: 7, window: opts.window },
  }).start();
  const finish = async (uuid: string, status: CommandStatus) => {
    actor.send({ type: 'FINISHED', commandId: `cmd-${uuid}`, status });
    await flush();
  };
  return { actor, calls, finish, ctx: () => actor.getSnapshot().context, state: () => actor.getSnapshot().value };
}

test('issues at most `window` commands at once, the next one each time one finishes', async () => {
  const r = run(5, { window: 2 });
  await flush();
  assert.equal(r.calls.map((c) => c.uuid), ['c0', 'c1']);
  assert.is(r.state(), 'waiting');
  assert.equal(r.calls[0], { runId: 'run-1', uuid: 'c0', action: 'restart_app', reason: 'test', requestedBy: 7 });
  await r.finish('c0', 'completed');
  assert.equal(r.calls.map((c) => c.uuid), ['c0', 'c1', 'c2']);
  for (const u of ['c1', 'c2', 'c3']) await r.finish(u, 'completed');
  assert.is(r.state(), 'draining', 'all issued, one still in flight');
  await r.finish('c4', 'completed');
  assert.is(r.state(), 'done');
  assert.equal(r.ctx().counts, { issued: 5, blocked: 0, skipped: 0, completed: 5, failed: 0, timedOut: 0, expired: 0, canceled: 0 });
  assert.is(r.ctx().aborted, false);
  assert.is(r.ctx().stop, null);
  assert.equal(r.ctx().commandIds, ['cmd-c0', 'cmd-c1', 'cmd-c2', 'cmd-c3', 'cmd-c4']);
});

test('a failure among the first finished commands stops issuing; in-flight ones still finish and count', async () => {
  const r = run(20, { window: 3 });
  await flush();
  await r.finish('c1', 'failed');
  assert.is(r.ctx().aborted, true);
  assert.is(r.ctx().counts.skipped, 17);
  assert.equal(r.ctx().stop, { code: 'failure_ratio', failed: 1, finished: 1, percent: 100, limit: 5, notIssued: 17 });
  assert.is(stopReasonText(r.ctx().stop!), '1 of 1 finished commands failed or timed out (100 % > 5 %): stopped issuing; 17 client(s) not issued');
  assert.is(r.state(), 'draining');
  await r.finish('c0', 'completed');
  await r.finish('c2', 'timed_out');
  assert.is(r.state(), 'done');
  assert.is(r.calls.length, 3, 'nothing issued after the abort');
  assert.equal(r.ctx().counts, { issued: 3, blocked: 0, skipped: 17, completed: 1, failed: 1, timedOut: 1, expired: 0, canceled: 0 });
});

test('exactly 5 % failed does not stop the run; more than 5 % does', async () => {
  const r = run(22, { window: 1 });
  await flush();
  for (let i = 0; i < 19; i++) await r.finish(`c${i}`, 'completed');
  await r.finish('c19', 'failed'); // 1 of 20 = 5 %
  assert.is(r.ctx().aborted, false);
  assert.is(r.calls.length, 21);
  await r.finish('c20', 'expired'); // 2 of 21 > 5 % (expired counts as a failure)
  assert.is(r.ctx().aborted, true);
  assert.match(stopReasonText(r.ctx().stop!), /^2 of 21 finished commands failed or timed out \(9\.5 % > 5 %\)/);
  assert.equal(r.ctx().counts, { issued: 21, blocked: 0, skipped: 1, completed: 19, failed: 1, timedOut: 0, expired: 1, canceled: 0 });
  assert.is(r.state(), 'done');
});

test('blocked targets are counted, never in flight, and issuing goes on', async () => {
  const r = run(4, { window: 2, blocked: new Set(['c0', 'c2']) });
  await flush();
  assert.equal(r.calls.map((c) => c.uuid), ['c0', 'c1', 'c2', 'c3']);
  assert.equal(r.ctx().inFlight, ['cmd-c1', 'cmd-c3']);
  await r.finish('c1', 'completed');
  await r.finish('c3', 'canceled');
  assert.is(r.state(), 'done');
  assert.equal(r.ctx().counts, { issued: 2, blocked: 2, skipped: 0, completed: 1, failed: 0, timedOut: 0, expired: 0, canceled: 1 });
  assert.is(r.ctx().commandIds.length, 4, 'blocked commands are still returned');
});

test('duplicate or foreign FINISHED events are ignored; a canceled command is not a failure', async () => {
  const r = run(3, { window: 1 });
  await flush();
  await r.finish('c0', 'canceled');
  await r.finish('c0', 'failed'); // duplicate
  await r.finish('zz', 'failed'); // not of this run
  assert.is(r.ctx().aborted, false);
  assert.equal(r.ctx().counts.canceled, 1);
  assert.equal(r.ctx().counts.failed, 0);
  assert.is(r.calls.length, 2);
});

test('a registry error while issuing counts as a failure and stops the run', async () => {
  const r = run(5, { window: 1, throws: new Set(['c0']) });
  await flush();
  assert.is(r.ctx().aborted, true);
  assert.is(r.ctx().counts.failed, 1);
  assert.is(r.ctx().counts.skipped, 4);
  assert.is(r.state(), 'done');
});

test('ABORT stops issuing at once: the rest is skipped, commands in flight still finish and count', async () => {
  const r = run(6, { window: 2 });
  await flush();
  r.actor.send({ type: 'ABORT', by: 'admin', note: 'wrong group' });
  await flush();
  assert.equal(r.calls.map((c) => c.uuid), ['c0', 'c1']);
  assert.equal([r.ctx().aborted, r.ctx().stop, r.ctx().counts.skipped], [true, { code: 'operator', by: 'admin', note: 'wrong group' }, 4]);
  await r.finish('c0', 'completed');
  assert.equal(r.calls.length, 2, 'nothing more issued after a command finished');
  await r.finish('c1', 'failed');
  assert.is(r.actor.getSnapshot().status, 'done');
  assert.equal(r.ctx().counts, { issued: 2, blocked: 0, skipped: 4, completed: 1, failed: 1, timedOut: 0, expired: 0, canceled: 0 });
});

test('ABORT while a command is being issued: that one went out and is not counted as skipped', async () => {
  const r = run(4, { window: 5 });
  r.actor.send({ type: 'ABORT', by: 'admin', note: 'stop' }); // the first issueOne is still pending
  await flush();
  assert.equal(r.calls.map((c) => c.uuid), ['c0']);
  assert.equal([r.ctx().counts.issued, r.ctx().counts.skipped], [1, 3]);
  r.actor.send({ type: 'ABORT', by: 'admin', note: 'again' });
  assert.equal(r.ctx().stop, { code: 'operator', by: 'admin', note: 'stop' }, 'a second abort changes nothing');
});

test.run();
